-- `cases_sla_due` (the active cases by deadline) is covered by `cases_deadline`, which leads
-- with the same column under the same condition and is what the deadline lists read. Every
-- case written paid for both.
DROP INDEX IF EXISTS cases_sla_due;
