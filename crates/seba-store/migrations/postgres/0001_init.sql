-- seba schema, PostgreSQL. Times are microseconds since the Unix epoch (UTC).

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters(name, value) VALUES ('case_id', 0);

CREATE TABLE queues (
    code    TEXT PRIMARY KEY,
    name_bn TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE categories (
    code    TEXT PRIMARY KEY,
    parent  TEXT REFERENCES categories(code),
    name_bn TEXT NOT NULL,
    name_en TEXT NOT NULL,
    queue   TEXT NOT NULL REFERENCES queues(code)
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE cases (
    id               BIGINT PRIMARY KEY,
    status           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    priority         TEXT NOT NULL,
    category         TEXT NOT NULL,
    queue            TEXT,
    assignee         BIGINT,
    subject          TEXT NOT NULL,
    requester_name   TEXT,
    requester_msisdn TEXT,
    requester_email  TEXT,
    tags             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    sla              TEXT NOT NULL,
    sla_due          BIGINT NOT NULL,
    sla_risk_at      BIGINT NOT NULL,
    sla_paused       BOOLEAN NOT NULL,
    closed_at        BIGINT,
    merged_into      BIGINT
);
CREATE INDEX cases_queue_status ON cases(queue, status, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_assignee ON cases(assignee, status, id);
CREATE INDEX cases_msisdn ON cases(requester_msisdn, id) WHERE requester_msisdn IS NOT NULL;
CREATE INDEX cases_email ON cases(requester_email, id) WHERE requester_email IS NOT NULL;
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_sla_due ON cases(sla_due) WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');

CREATE TABLE messages (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    attachments TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX messages_case ON messages(case_id, id);

CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE audit_events (
    subject   TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (subject, seq)
);

-- The newest event of each chain: what a chain's end must match, so that deleting the
-- newest events is caught too.
CREATE TABLE audit_heads (
    subject TEXT PRIMARY KEY,
    seq     BIGINT NOT NULL,
    hash    TEXT NOT NULL
);

CREATE TABLE outbox (
    seq        BIGSERIAL PRIMARY KEY,
    tx         BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    topic      TEXT NOT NULL,
    case_id    BIGINT,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE outbox_cursors (
    consumer TEXT PRIMARY KEY,
    tx       BIGINT NOT NULL,
    seq      BIGINT NOT NULL
);

CREATE TABLE deliveries (
    id              BIGSERIAL PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    case_id         BIGINT,
    message_id      BIGINT,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX deliveries_case ON deliveries(case_id);
CREATE INDEX deliveries_message ON deliveries(message_id);

CREATE TABLE sms_sink (
    id         BIGSERIAL PRIMARY KEY,
    recipient  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sms_sink_recipient ON sms_sink(recipient, id);

CREATE TABLE idempotency (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    response   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE challenges (
    id           TEXT PRIMARY KEY,
    case_id      BIGINT NOT NULL,
    msisdn       TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX challenges_msisdn ON challenges(msisdn, created_at);

CREATE TABLE sla_policies (
    id                     TEXT PRIMARY KEY,
    category               TEXT,
    priority               TEXT,
    ack_minutes            BIGINT NOT NULL,
    first_response_minutes BIGINT NOT NULL,
    resolution_minutes     BIGINT NOT NULL,
    max_calendar_days      BIGINT NOT NULL,
    at_risk_percent        BIGINT NOT NULL
);

CREATE TABLE holidays (
    day     TEXT PRIMARY KEY,
    year    BIGINT NOT NULL,
    name_bn TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE SEQUENCE case_ids;
CREATE INDEX outbox_tx ON outbox(tx, seq);
