-- The "at risk" inbox lists active cases whose risk window has begun and whose deadline
-- has not passed, soonest deadline first: a range of this index (the cases at risk and the
-- breached ones), never the whole table. SQLite.
CREATE INDEX cases_at_risk ON cases(sla_risk_at, sla_due)
    WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');
