DROP TRIGGER conferences_floor_frozen ON conferences;
DROP FUNCTION conferences_floor_frozen();
ALTER TABLE conferences DROP CONSTRAINT conferences_floor_check;
ALTER TABLE conferences DROP COLUMN floor_minimum;
ALTER TABLE conferences DROP COLUMN floor_caseload;
