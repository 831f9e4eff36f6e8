-- Refuses (NOT NULL fails) while a case has no goal: no goal is invented.
ALTER TABLE cases DROP COLUMN first_assigned;
ALTER TABLE cases ALTER COLUMN goal SET NOT NULL;
