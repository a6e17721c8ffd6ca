-- A claim's key now begins with its merchant, then its claimant:
-- `{merchant}|{claimant}|{order}` (it was `{claimant}|{merchant}|{order}`). A merchant's
-- claims then sit side by side in the key's unique index, and whether a claimant has
-- other claims against a merchant is one short run of that index — the run a claim's
-- insert writes to anyway — so `merchant_victims`, one more row per claimant and merchant
-- at a random place, goes: `merchant_totals.victims` is now kept by counting that run
-- after each claim write. Old keys begin with `+` and new ones with a digit, so no key
-- rewritten here can meet one not yet rewritten. SQLite.

UPDATE claims SET dedup_key = merchant_id || '|' || claimant_msisdn || '|'
    || substr(dedup_key, instr(dedup_key, '|')
        + instr(substr(dedup_key, instr(dedup_key, '|') + 1), '|') + 1)
WHERE dedup_key LIKE '+%';

DROP TABLE merchant_victims;
