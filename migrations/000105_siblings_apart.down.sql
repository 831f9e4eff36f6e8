-- Refuses (the check fails) while a siblings import is recorded: no import record is dropped.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('facts', 'staff', 'cases', 'assignments', 'risk', 'events', 'mvr'));
DROP TABLE case_siblings_apart;
