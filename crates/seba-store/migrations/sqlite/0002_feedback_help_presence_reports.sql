-- CSAT ratings, help articles, canned responses, presence on case pages, and what the
-- supervisors' dashboard needs to count a million cases without reading them. SQLite.

-- When the case was resolved (microseconds; a merged duplicate was not resolved), copied out
-- of the `sla` JSON on every write, so that SLA compliance is counted from an index.
-- Existing rows are filled in to the millisecond, as precise as SQLite's date functions.
ALTER TABLE cases ADD COLUMN sla_resolved_at INTEGER;
UPDATE cases
SET sla_resolved_at =
    CAST(round((julianday(json_extract(sla, '$.resolved_at')) - 2440587.5) * 86400000.0) AS INTEGER) * 1000
WHERE json_extract(sla, '$.resolved_at') IS NOT NULL AND status <> 'merged';

-- Per-day and per-category counts read only this index (created_at range, no table rows).
DROP INDEX cases_created;
CREATE INDEX cases_created ON cases(created_at, channel, category);
-- The backlog by age and the breached count read only the active cases' entries (status
-- is in the columns too, so that SQLite need not visit the rows to check it).
CREATE INDEX cases_active_age ON cases(created_at, sla_due, sla_paused, status)
    WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');
CREATE INDEX cases_resolved ON cases(sla_resolved_at, sla_due) WHERE sla_resolved_at IS NOT NULL;

CREATE TABLE case_ratings (
    case_id  INTEGER PRIMARY KEY REFERENCES cases(id),
    score    INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment  TEXT,
    rated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX case_ratings_rated ON case_ratings(rated_at, score);

CREATE TABLE articles (
    slug       TEXT PRIMARY KEY,
    title_bn   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_bn    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    tags       TEXT NOT NULL,
    published  INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER,
    version    INTEGER NOT NULL
) STRICT;

CREATE TABLE canned_responses (
    code       TEXT PRIMARY KEY,
    title_bn   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_bn    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

-- Ephemeral: who was last seen on which case page. No foreign keys, nothing audited.
CREATE TABLE case_presence (
    case_id  INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    activity TEXT NOT NULL CHECK (activity IN ('viewing', 'replying')),
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, user_id)
) STRICT;
CREATE INDEX case_presence_seen ON case_presence(seen_at);
