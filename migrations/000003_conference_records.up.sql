-- The conference record: what may change when.
--
-- A draft may be edited by its supervisor; every save states the version it
-- read (optimistic concurrency, in the app). Signing makes the record
-- immutable: after it, only the lifecycle moves on (shared, acknowledged),
-- next steps may be marked done, and corrections are dated addenda. These
-- rules hold in the database itself, whoever writes.

-- A new risk level recorded during the discussion of a case; applied as a
-- risk assessment dated the day the conference was held, when it is signed.
ALTER TABLE conference_cases ADD COLUMN risk_level text
    CHECK (risk_level IN ('low', 'moderate', 'high', 'very_high'));

-- Next steps keep their order on the record.
ALTER TABLE next_steps ADD COLUMN position integer NOT NULL DEFAULT 0;

CREATE FUNCTION conference_is_draft(conf bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT status = 'draft' FROM conferences WHERE id = conf
$$;

-- The cases discussed, and their discussion, change only in a draft.
CREATE FUNCTION conference_cases_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT conference_is_draft(CASE WHEN TG_OP = 'DELETE' THEN OLD.conference_id ELSE NEW.conference_id END) THEN
        RAISE EXCEPTION 'conference % is signed: its record cannot change (add an addendum)',
            CASE WHEN TG_OP = 'DELETE' THEN OLD.conference_id ELSE NEW.conference_id END
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER conference_cases_frozen BEFORE INSERT OR UPDATE OR DELETE ON conference_cases
    FOR EACH ROW EXECUTE FUNCTION conference_cases_frozen();

-- Next steps: created, edited and removed in a draft; afterwards only their
-- done date may be set.
CREATE FUNCTION next_steps_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.conference_id, OLD.case_id, OLD.description, OLD.owner_id, OLD.due_on, OLD.position)
        IS NOT DISTINCT FROM (NEW.conference_id, NEW.case_id, NEW.description, NEW.owner_id, NEW.due_on, NEW.position) THEN
        RETURN NEW; -- marking done (or not) is allowed at any time
    END IF;
    IF NOT conference_is_draft(CASE WHEN TG_OP = 'DELETE' THEN OLD.conference_id ELSE NEW.conference_id END) THEN
        RAISE EXCEPTION 'conference is signed: its next steps cannot change' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER next_steps_frozen BEFORE INSERT OR UPDATE OR DELETE ON next_steps
    FOR EACH ROW EXECUTE FUNCTION next_steps_frozen();

-- A signed conference keeps its content columns; the lifecycle only moves
-- forward. A signed record is never deleted.
CREATE FUNCTION conferences_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'conference % is signed: it cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (OLD.kind, OLD.held_on, OLD.supervisor_id, OLD.worker_id, OLD.casework_supervisor_id,
            OLD.created_by, OLD.entered_at, OLD.signed_at, OLD.signed_by)
        IS DISTINCT FROM (NEW.kind, NEW.held_on, NEW.supervisor_id, NEW.worker_id, NEW.casework_supervisor_id,
            NEW.created_by, NEW.entered_at, NEW.signed_at, NEW.signed_by) THEN
        RAISE EXCEPTION 'conference % is signed: its record cannot change (add an addendum)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF array_position(ARRAY['draft', 'signed', 'shared', 'acknowledged'], NEW.status)
        < array_position(ARRAY['draft', 'signed', 'shared', 'acknowledged'], OLD.status) THEN
        RAISE EXCEPTION 'conference % cannot go back from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_frozen BEFORE UPDATE OR DELETE ON conferences
    FOR EACH ROW EXECUTE FUNCTION conferences_frozen();

-- Honest dates: a conference is not dated after the day its record was
-- entered (in the agency's zone).
ALTER TABLE conferences ADD CONSTRAINT conferences_not_future
    CHECK (held_on <= (entered_at AT TIME ZONE 'Pacific/Kiritimati')::date);
-- (UTC+14, the earliest zone: a CHECK cannot read the agency's zone, so it
-- bounds it from above; the app checks against the agency's own date.)

CREATE INDEX conference_addenda_conference_idx ON conference_addenda (conference_id);
CREATE INDEX next_steps_conference_idx ON next_steps (conference_id);
