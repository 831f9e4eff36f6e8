-- Rules contract version 2 (docs/rules.md, "Contract version 2").
--
-- A case's goal is optional: the case plan sets it within 60 days of the
-- report, so a case received today has none yet. Pages show "not yet set".
ALTER TABLE cases ALTER COLUMN goal DROP NOT NULL;

-- The date the case was first assigned to a worker after it was received,
-- as the system of record gave it (a facts import): the assignments held
-- before this database knew the case. The contract's first_assigned is the
-- earlier of this and the first assignment kept in case_assignments on or
-- after received; case.assignment is met on it, so a reassignment is not a
-- late assignment.
ALTER TABLE cases ADD COLUMN first_assigned date;
