-- The e-commerce complaint cell: merchants (collapsed online shops), victims' claims
-- against them, refunds paid back, and the import keys of bulk intake. A claim is a case
-- (lifecycle, SLA, audit) with a `claims` row beside it under the same id; every write
-- goes through `commit_with` with the case's audit event. `merchant_totals` and
-- `merchant_victims` are kept exact by the claim writes in the same transaction, so a
-- merchant's page reads one row and a few index ranges, never all its claims. Times are
-- microseconds since the epoch, dates `YYYY-MM-DD` text, lists JSON arrays of strings.
-- SQLite.

INSERT INTO counters(name, value) VALUES ('merchant_id', 0);

CREATE TABLE merchants (
    id         INTEGER PRIMARY KEY,
    legal_bn   TEXT NOT NULL,
    legal_en   TEXT NOT NULL,
    trade_bn   TEXT NOT NULL,
    trade_en   TEXT NOT NULL,
    aliases    TEXT NOT NULL,
    web        TEXT NOT NULL,
    -- Trade licence or registration number.
    licence    TEXT,
    -- Where the merchant is based (a district code), if known.
    district   INTEGER,
    status     TEXT NOT NULL CHECK (status IN ('operating', 'suspended',
                   'under_investigation', 'in_liquidation', 'pending_review')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

CREATE TABLE claims (
    case_id              INTEGER PRIMARY KEY REFERENCES cases(id),
    merchant_id          INTEGER NOT NULL REFERENCES merchants(id),
    -- E.164.
    claimant_msisdn      TEXT NOT NULL,
    claimant_name        TEXT,
    district             INTEGER NOT NULL,
    -- Same claimant, merchant and order: one claim.
    dedup_key            TEXT NOT NULL UNIQUE,
    order_id             TEXT NOT NULL,
    order_date           TEXT NOT NULL,
    product              TEXT NOT NULL,
    paid_poisha          INTEGER NOT NULL,
    method               TEXT NOT NULL,
    gateway              TEXT,
    -- The counts below read these, so a misspelt value would silently escape them.
    delivery             TEXT NOT NULL CHECK (delivery IN ('not_delivered',
                             'partly_delivered', 'wrong_item', 'delivered')),
    refunded_poisha      INTEGER NOT NULL,
    stage                TEXT NOT NULL CHECK (stage IN ('submitted', 'verified',
                             'forwarded', 'merchant_responded', 'partly_refunded', 'refunded',
                             'escalated', 'closed')),
    -- Still being worked: derived from the stage, so it cannot disagree with it.
    is_open              INTEGER NOT NULL
                             GENERATED ALWAYS AS (stage NOT IN ('refunded', 'closed')) STORED,
    filings              INTEGER NOT NULL,
    delivery_due         INTEGER NOT NULL,
    refund_due           INTEGER NOT NULL,
    sent_to_merchant_at  INTEGER,
    merchant_answered_at INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL
) STRICT;
-- A merchant's claims newest first, all or at one stage; every claim at a stage; a
-- claimant's claims.
CREATE INDEX claims_merchant ON claims(merchant_id, case_id);
CREATE INDEX claims_merchant_stage ON claims(merchant_id, stage, case_id);
CREATE INDEX claims_stage ON claims(stage, case_id);
CREATE INDEX claims_claimant ON claims(claimant_msisdn);
-- A merchant's oldest open claim: the first entry of one range.
CREATE INDEX claims_open_age ON claims(merchant_id, is_open, created_at);
-- A merchant's missed deadlines at any moment: one range of exactly the claims that can
-- miss them, counted from the index alone. Queries repeat these predicates word for word.
CREATE INDEX claims_delivery_due ON claims(merchant_id, delivery_due)
    WHERE is_open = TRUE AND delivery <> 'delivered';
CREATE INDEX claims_refund_due ON claims(merchant_id, refund_due)
    WHERE is_open = TRUE AND delivery <> 'delivered' AND refunded_poisha < paid_poisha;

-- Per-merchant totals, changed by every claim insert and replace in its transaction.
CREATE TABLE merchant_totals (
    merchant_id     INTEGER PRIMARY KEY REFERENCES merchants(id),
    claims          INTEGER NOT NULL,
    -- Distinct claimants: the rows of merchant_victims above 0.
    victims         INTEGER NOT NULL,
    paid_poisha     INTEGER NOT NULL,
    refunded_poisha INTEGER NOT NULL,
    open_claims     INTEGER NOT NULL
) STRICT;

-- How many claims each claimant has against each merchant. A row whose last claim went
-- elsewhere stays at 0 (counting down and reading the count is then one statement).
CREATE TABLE merchant_victims (
    merchant_id INTEGER NOT NULL,
    msisdn      TEXT NOT NULL,
    claims      INTEGER NOT NULL CHECK (claims >= 0),
    PRIMARY KEY (merchant_id, msisdn)
) STRICT, WITHOUT ROWID;

CREATE TABLE claim_refunds (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES claims(case_id),
    amount_poisha INTEGER NOT NULL,
    paid_on       TEXT NOT NULL,
    channel       TEXT NOT NULL,
    reference     TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX claim_refunds_case ON claim_refunds(case_id, paid_on, id);

-- One row per imported line (its key), so that importing a file twice files nothing twice.
CREATE TABLE claim_imports (
    key         TEXT PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    imported_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
