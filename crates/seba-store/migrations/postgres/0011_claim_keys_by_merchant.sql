-- A claim's key now begins with its merchant, then its claimant:
-- `{merchant}|{claimant}|{order}` (it was `{claimant}|{merchant}|{order}`). A merchant's
-- claims then sit side by side in the key's unique index, and whether a claimant has
-- other claims against a merchant is one short run of that index — the run a claim's
-- insert writes to anyway — so `merchant_victims`, one more row per claimant and merchant
-- at a random place, goes: `merchant_totals.victims` is now kept by counting that run
-- after each claim write. The key compares byte by byte ("C"), so that the run is a
-- range of the index whatever the database's collation. Old keys begin with `+` and new
-- ones with a digit, so no key rewritten here can meet one not yet rewritten.
-- PostgreSQL.

ALTER TABLE claims ALTER COLUMN dedup_key TYPE TEXT COLLATE "C";

UPDATE claims SET dedup_key = merchant_id::text || '|' || claimant_msisdn || '|'
    || substr(dedup_key, strpos(dedup_key, '|')
        + strpos(substr(dedup_key, strpos(dedup_key, '|') + 1), '|') + 1)
WHERE dedup_key LIKE '+%';

DROP TABLE merchant_victims;
