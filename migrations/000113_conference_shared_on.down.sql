DROP TRIGGER agency_zone_reshares ON agency;
DROP FUNCTION agency_zone_reshares();
DROP TRIGGER conferences_shared_on ON conferences;
DROP FUNCTION conferences_shared_on();
ALTER TABLE conferences DROP COLUMN shared_on;
