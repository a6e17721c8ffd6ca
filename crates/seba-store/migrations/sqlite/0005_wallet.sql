-- Wallet accounts, their transactions, PIN lockout and self-service PIN resets: seba's own
-- directory (the default and the demo's). Secrets only as hashes. Times are microseconds
-- since the epoch, dates `YYYY-MM-DD` text, lists JSON arrays of strings. SQLite.

CREATE TABLE wallet_accounts (
    msisdn         TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    -- HMAC-SHA-256 of the NID with the server's pepper, hex.
    nid_hash       TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL,
    -- active, suspended or closed.
    status         TEXT NOT NULL,
    -- argon2id PHC strings; the history newest first, at most PIN_HISTORY of them.
    pin_hash       TEXT NOT NULL,
    pin_history    TEXT NOT NULL,
    failed_pins    INTEGER NOT NULL,
    locked_until   INTEGER,
    lock_count     INTEGER NOT NULL,
    pin_changed_at INTEGER,
    version        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE wallet_transactions (
    msisdn        TEXT NOT NULL,
    -- The core system's transaction id.
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    amount_poisha INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (msisdn, id)
) STRICT;
CREATE INDEX wallet_transactions_recent ON wallet_transactions(msisdn, at DESC, id DESC);

CREATE TABLE pin_reset_sessions (
    -- SHA-256 of the opaque token with the pepper, hex.
    token_hash        TEXT PRIMARY KEY,
    msisdn            TEXT NOT NULL,
    step              TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    choices           TEXT NOT NULL,
    right_choice      INTEGER NOT NULL,
    identity_failures INTEGER NOT NULL,
    otp_hash          TEXT,
    otp_expires_at    INTEGER,
    otp_sends         INTEGER NOT NULL,
    otp_failures      INTEGER NOT NULL,
    version           INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX pin_reset_sessions_msisdn ON pin_reset_sessions(msisdn, created_at);

CREATE TABLE pin_reset_guards (
    msisdn        TEXT NOT NULL,
    -- The Dhaka date the limits apply to.
    day           TEXT NOT NULL,
    started       INTEGER NOT NULL,
    failures      INTEGER NOT NULL,
    blocked_until INTEGER,
    version       INTEGER NOT NULL,
    PRIMARY KEY (msisdn, day)
) STRICT, WITHOUT ROWID;
