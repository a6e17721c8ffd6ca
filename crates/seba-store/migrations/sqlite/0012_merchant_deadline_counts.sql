-- Each merchant's totals also keep how many of its claims can miss each deadline (the
-- rows of the partial indexes `claims_delivery_due` and `claims_refund_due`), kept exact
-- by the claim writes like the other totals. A merchant's missed deadlines are then those
-- less the claims whose deadline is still ahead — a short range of the index, where
-- counting the missed ones walked nearly all of a large merchant's claims. SQLite.

ALTER TABLE merchant_totals ADD COLUMN can_miss_delivery INTEGER NOT NULL DEFAULT 0;
ALTER TABLE merchant_totals ADD COLUMN can_miss_refund INTEGER NOT NULL DEFAULT 0;

UPDATE merchant_totals SET
    can_miss_delivery = (SELECT count(*) FROM claims c
        WHERE c.merchant_id = merchant_totals.merchant_id
          AND c.is_open = TRUE AND c.delivery <> 'delivered'),
    can_miss_refund = (SELECT count(*) FROM claims c
        WHERE c.merchant_id = merchant_totals.merchant_id
          AND c.is_open = TRUE AND c.delivery <> 'delivered'
          AND c.refunded_poisha < c.paid_poisha);
