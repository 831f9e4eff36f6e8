-- A case's Safety Protection Plan (CP&P-III-C-5-500, Conferencing Child
-- Safety and Safety Protection Plans): in force from its start until its
-- end, the day it is satisfied (none: not yet). While it is in force the
-- case is conferenced between worker and supervisor at least weekly. Each
-- change is audited (before and after), so an earlier plan's dates are kept
-- in the audit log when a new plan is recorded.
ALTER TABLE cases ADD COLUMN safety_plan_start date,
    ADD COLUMN safety_plan_end date,
    ADD CONSTRAINT cases_safety_plan_dates CHECK (safety_plan_end IS NULL OR (safety_plan_start IS NOT NULL AND safety_plan_end >= safety_plan_start));
