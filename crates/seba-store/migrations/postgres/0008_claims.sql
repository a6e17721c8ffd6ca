-- The e-commerce complaint cell: merchants (collapsed online shops), victims' claims
-- against them, refunds paid back, and the import keys of bulk intake. A claim is a case
-- (lifecycle, SLA, audit) with a `claims` row beside it under the same id; every write
-- goes through `commit_with` with the case's audit event. `merchant_totals` and
-- `merchant_victims` are kept exact by the claim writes in the same transaction, so a
-- merchant's page reads one row and a few index ranges, never all its claims. Times are
-- microseconds since the epoch, dates `YYYY-MM-DD` text, lists JSON arrays of strings.
-- PostgreSQL.

CREATE SEQUENCE merchant_ids;

CREATE TABLE merchants (
    id         BIGINT PRIMARY KEY,
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
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL
);

CREATE TABLE claims (
    case_id              BIGINT PRIMARY KEY REFERENCES cases(id),
    merchant_id          BIGINT NOT NULL REFERENCES merchants(id),
    -- E.164.
    claimant_msisdn      TEXT NOT NULL,
    claimant_name        TEXT,
    district             INTEGER NOT NULL,
    -- Same claimant, merchant and order: one claim.
    dedup_key            TEXT NOT NULL UNIQUE,
    order_id             TEXT NOT NULL,
    order_date           TEXT NOT NULL,
    product              TEXT NOT NULL,
    paid_poisha          BIGINT NOT NULL,
    method               TEXT NOT NULL,
    gateway              TEXT,
    -- The counts below read these, so a misspelt value would silently escape them.
    delivery             TEXT NOT NULL CHECK (delivery IN ('not_delivered',
                             'partly_delivered', 'wrong_item', 'delivered')),
    refunded_poisha      BIGINT NOT NULL,
    stage                TEXT NOT NULL CHECK (stage IN ('submitted', 'verified',
                             'forwarded', 'merchant_responded', 'partly_refunded', 'refunded',
                             'escalated', 'closed')),
    -- Still being worked: derived from the stage, so it cannot disagree with it.
    is_open              BOOLEAN NOT NULL
                             GENERATED ALWAYS AS (stage NOT IN ('refunded', 'closed')) STORED,
    filings              INTEGER NOT NULL,
    delivery_due         BIGINT NOT NULL,
    refund_due           BIGINT NOT NULL,
    sent_to_merchant_at  BIGINT,
    merchant_answered_at BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL
);
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
    merchant_id     BIGINT PRIMARY KEY REFERENCES merchants(id),
    claims          BIGINT NOT NULL,
    -- Distinct claimants: the rows of merchant_victims above 0.
    victims         BIGINT NOT NULL,
    paid_poisha     BIGINT NOT NULL,
    refunded_poisha BIGINT NOT NULL,
    open_claims     BIGINT NOT NULL
);

-- How many claims each claimant has against each merchant. A row whose last claim went
-- elsewhere stays at 0 (counting down and reading the count is then one statement).
CREATE TABLE merchant_victims (
    merchant_id BIGINT NOT NULL,
    msisdn      TEXT NOT NULL,
    claims      BIGINT NOT NULL CHECK (claims >= 0),
    PRIMARY KEY (merchant_id, msisdn)
);

CREATE TABLE claim_refunds (
    id            BIGSERIAL PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES claims(case_id),
    amount_poisha BIGINT NOT NULL,
    paid_on       TEXT NOT NULL,
    channel       TEXT NOT NULL,
    reference     TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   BIGINT NOT NULL
);
CREATE INDEX claim_refunds_case ON claim_refunds(case_id, paid_on, id);

-- One row per imported line (its key), so that importing a file twice files nothing twice.
CREATE TABLE claim_imports (
    key         TEXT PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    imported_at BIGINT NOT NULL
);
