-- Refuses (the check fails) while a visit plan import is recorded: no import record is dropped.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('facts', 'staff', 'cases', 'assignments', 'risk', 'events'));
DROP TABLE case_mvr;
