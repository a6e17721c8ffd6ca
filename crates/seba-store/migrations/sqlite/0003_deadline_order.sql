-- The SLA inboxes ("at risk", "breached") list active cases soonest deadline first. SQLite.
--
-- `cases_deadline` is walked in deadline order and holds what those filters test, so a page
-- is read from the index alone and the walk stops once the page is full (SQLite keeps the
-- row id in every index entry, which breaks ties on the deadline in id order).
CREATE INDEX cases_deadline ON cases(sla_due, sla_risk_at, sla_paused)
    WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');
-- `cases_at_risk` holds the cases by when their risk window begins: while few have begun,
-- "at risk" reads just those and sorts them, rather than walking past every case still on
-- track.
CREATE INDEX cases_at_risk ON cases(sla_risk_at, sla_due, sla_paused)
    WHERE status IN ('new', 'open', 'pending_customer', 'pending_third_party');
