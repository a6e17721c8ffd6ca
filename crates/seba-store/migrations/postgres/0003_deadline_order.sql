-- The SLA inboxes ("at risk", "breached") list active cases soonest deadline first. This
-- index is walked in (deadline, id) order and carries what those filters test, so a page
-- is read from the index and the walk stops once the page is full. PostgreSQL.
CREATE INDEX cases_deadline ON cases(sla_due, id) INCLUDE (sla_risk_at, sla_paused)
    WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');
