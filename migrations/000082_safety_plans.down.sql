ALTER TABLE cases DROP CONSTRAINT cases_safety_plan_dates,
    DROP COLUMN safety_plan_end,
    DROP COLUMN safety_plan_start;
