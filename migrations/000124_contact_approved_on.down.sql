-- The approvals 000124 gave contacts that had none stay as they are: the
-- older reading (a sheet approval on or after a contact approves it) reads
-- them the same or as approved.
DROP INDEX events_approval_check_idx;
ALTER TABLE events DROP COLUMN approved_on;
