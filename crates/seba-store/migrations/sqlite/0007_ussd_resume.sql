-- The PIN reset a number's USSD caller can pick up again after the session dropped: its
-- reset token, until expires_at. One per number; expiry of sessions deletes the expired
-- ones. Times are microseconds since the epoch. SQLite.

CREATE TABLE ussd_resumes (
    msisdn     TEXT PRIMARY KEY,
    token      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- Expiry deletes by deadline.
CREATE INDEX ussd_resumes_expiry ON ussd_resumes(expires_at);
