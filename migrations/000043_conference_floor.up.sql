-- A first-year worker's conference discusses at least a quarter of the
-- caseload (the policy's floor). The check made when the record is signed is
-- kept with it, so the record says afterwards what the caseload and the floor
-- were that day, whatever the caseload becomes.
ALTER TABLE conferences ADD COLUMN floor_caseload integer CHECK (floor_caseload >= 0);
ALTER TABLE conferences ADD COLUMN floor_minimum integer CHECK (floor_minimum >= 0);
ALTER TABLE conferences ADD CONSTRAINT conferences_floor_check CHECK ((floor_caseload IS NULL) = (floor_minimum IS NULL));

-- Set at signing, never changed after.
CREATE FUNCTION conferences_floor_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (OLD.floor_caseload, OLD.floor_minimum) IS DISTINCT FROM (NEW.floor_caseload, NEW.floor_minimum) THEN
        RAISE EXCEPTION 'conference % is signed: its record cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_floor_frozen BEFORE UPDATE OF floor_caseload, floor_minimum ON conferences
    FOR EACH ROW EXECUTE FUNCTION conferences_floor_frozen();
