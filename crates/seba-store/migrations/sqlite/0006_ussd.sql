-- USSD sessions, kept in the store so that whichever node the gateway reaches next can
-- answer the next step, and the language each number chose. Not audited: a session is a
-- conversation in progress, not a record. Times are microseconds since the epoch. SQLite.

CREATE TABLE ussd_sessions (
    -- "<gateway>:<the gateway's session id>".
    id         TEXT PRIMARY KEY,
    msisdn     TEXT NOT NULL,
    -- Opaque JSON text owned by the USSD engine; '{}' once a session is abandoned, so
    -- nothing a caller typed outlives the session.
    state      TEXT NOT NULL,
    menu       TEXT NOT NULL,
    step       TEXT NOT NULL,
    -- Expiry picks the open ones by this, and the dashboard counts by it: a misspelt
    -- outcome would silently escape both.
    outcome    TEXT NOT NULL CHECK (outcome IN ('open', 'completed', 'ended', 'abandoned')),
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- Expiry walks the open sessions by deadline; statistics and pruning walk by start.
CREATE INDEX ussd_sessions_expiry ON ussd_sessions(outcome, expires_at);
CREATE INDEX ussd_sessions_started ON ussd_sessions(started_at);

CREATE TABLE ussd_languages (
    msisdn    TEXT PRIMARY KEY,
    lang      TEXT NOT NULL CHECK (lang IN ('bn', 'en')),
    chosen_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
