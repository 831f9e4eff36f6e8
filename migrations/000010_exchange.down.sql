DROP TABLE api_tokens;
DROP TABLE imports;
ALTER TABLE profile_choices DROP COLUMN holidays;
ALTER TABLE events DROP COLUMN source_id;

DROP TRIGGER conferences_hierarchy ON conferences;
CREATE OR REPLACE FUNCTION conferences_hierarchy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'supervision' AND NOT EXISTS (
        SELECT 1
        FROM unit_members m
        JOIN unit_supervisors s ON s.unit_id = m.unit_id
        WHERE m.worker_id = NEW.worker_id
          AND s.supervisor_id = NEW.supervisor_id
          AND m.during @> NEW.held_on
          AND s.during @> NEW.held_on
    ) THEN
        RAISE EXCEPTION 'worker % was not in a unit of supervisor % on %',
            NEW.worker_id, NEW.supervisor_id, NEW.held_on USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'casework_review' AND NOT EXISTS (
        SELECT 1 FROM supervisor_reports r
        WHERE r.supervisor_id = NEW.supervisor_id
          AND r.casework_supervisor_id = NEW.casework_supervisor_id
          AND r.during @> NEW.held_on
    ) THEN
        RAISE EXCEPTION 'supervisor % did not report to casework supervisor % on %',
            NEW.supervisor_id, NEW.casework_supervisor_id, NEW.held_on USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_hierarchy
    BEFORE INSERT OR UPDATE OF kind, held_on, supervisor_id, worker_id, casework_supervisor_id ON conferences
    FOR EACH ROW EXECUTE FUNCTION conferences_hierarchy();

ALTER TABLE conferences DROP CONSTRAINT conferences_invited_worker_check;
ALTER TABLE conferences DROP COLUMN invited_worker_id;
ALTER TABLE conferences DROP COLUMN source_id;
