ALTER TABLE emergent_requests DROP CONSTRAINT emergent_requests_held_check;
ALTER TABLE emergent_requests DROP COLUMN held_on;
