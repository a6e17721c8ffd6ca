-- seba schema, SQLite. Times are microseconds since the Unix epoch (UTC).

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters(name, value) VALUES ('case_id', 0);

CREATE TABLE queues (
    code    TEXT PRIMARY KEY,
    name_bn TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

CREATE TABLE categories (
    code    TEXT PRIMARY KEY,
    parent  TEXT REFERENCES categories(code),
    name_bn TEXT NOT NULL,
    name_en TEXT NOT NULL,
    queue   TEXT NOT NULL REFERENCES queues(code)
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    status           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    priority         TEXT NOT NULL,
    category         TEXT NOT NULL,
    queue            TEXT,
    assignee         INTEGER,
    subject          TEXT NOT NULL,
    requester_name   TEXT,
    requester_msisdn TEXT,
    requester_email  TEXT,
    tags             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    sla              TEXT NOT NULL,
    sla_due          INTEGER NOT NULL,
    sla_risk_at      INTEGER NOT NULL,
    sla_paused       INTEGER NOT NULL,
    closed_at        INTEGER,
    merged_into      INTEGER
) STRICT;
CREATE INDEX cases_queue_status ON cases(queue, status, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_assignee ON cases(assignee, status, id);
CREATE INDEX cases_msisdn ON cases(requester_msisdn, id) WHERE requester_msisdn IS NOT NULL;
CREATE INDEX cases_email ON cases(requester_email, id) WHERE requester_email IS NOT NULL;
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_sla_due ON cases(sla_due) WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    attachments TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_case ON messages(case_id, id);

CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_events (
    subject   TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (subject, seq)
) STRICT;

-- The newest event of each chain: what a chain's end must match, so that deleting the
-- newest events is caught too.
CREATE TABLE audit_heads (
    subject TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    hash    TEXT NOT NULL
) STRICT;

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    tx         INTEGER NOT NULL DEFAULT 0,
    topic      TEXT NOT NULL,
    case_id    INTEGER,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox_cursors (
    consumer TEXT PRIMARY KEY,
    tx       INTEGER NOT NULL,
    seq      INTEGER NOT NULL
) STRICT;

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    case_id         INTEGER,
    message_id      INTEGER,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX deliveries_case ON deliveries(case_id);
CREATE INDEX deliveries_message ON deliveries(message_id);

CREATE TABLE sms_sink (
    id         INTEGER PRIMARY KEY,
    recipient  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sms_sink_recipient ON sms_sink(recipient, id);

CREATE TABLE idempotency (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    response   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE challenges (
    id           TEXT PRIMARY KEY,
    case_id      INTEGER NOT NULL,
    msisdn       TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    completed_at INTEGER
) STRICT;
CREATE INDEX challenges_msisdn ON challenges(msisdn, created_at);

CREATE TABLE sla_policies (
    id                     TEXT PRIMARY KEY,
    category               TEXT,
    priority               TEXT,
    ack_minutes            INTEGER NOT NULL,
    first_response_minutes INTEGER NOT NULL,
    resolution_minutes     INTEGER NOT NULL,
    max_calendar_days      INTEGER NOT NULL,
    at_risk_percent        INTEGER NOT NULL
) STRICT;

CREATE TABLE holidays (
    day     TEXT PRIMARY KEY,
    year    INTEGER NOT NULL,
    name_bn TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
