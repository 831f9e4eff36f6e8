-- The agency's closing hour (0-23, its zone): an emergent request made at or
-- after it is due the next business day (docs/rules.md, emergent.conference).
-- Kept with the agency, beside its zone, so that every facts loader (the
-- pages, the exports, the state-wide run) reads the same hour; `casework
-- serve` writes AGENCY_CLOSING_HOUR here at start.
ALTER TABLE agency ADD COLUMN closing_hour smallint NOT NULL DEFAULT 17
    CHECK (closing_hour BETWEEN 1 AND 23);

-- An emergent request changes what the area's facts say: kept dashboards of
-- the units of the one who asked and of the case are computed afresh.
CREATE FUNCTION bump_by_emergent_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(units_of_cases(ARRAY(SELECT DISTINCT case_id FROM changed WHERE case_id IS NOT NULL))
        || units_of_workers(ARRAY(SELECT DISTINCT requested_by FROM changed))
        || units_of_supervisors(ARRAY(SELECT DISTINCT requested_by FROM changed)));
    RETURN NULL;
END $$;
CREATE TRIGGER emergent_requests_version_ins AFTER INSERT ON emergent_requests
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_emergent_request();
CREATE TRIGGER emergent_requests_version_upd AFTER UPDATE ON emergent_requests
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_emergent_request();

-- Each unit's facts read the requests its people made (and the asker's own
-- list): by index, not a scan of every request.
CREATE INDEX emergent_requests_by_idx ON emergent_requests (requested_by, requested_at);
