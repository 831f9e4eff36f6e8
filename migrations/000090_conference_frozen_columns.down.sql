-- Back to 000011's trigger, its columns written in its body.
CREATE OR REPLACE FUNCTION conferences_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'conference % is signed: it cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (OLD.kind, OLD.held_on, OLD.supervisor_id, OLD.worker_id, OLD.casework_supervisor_id,
            OLD.created_by, OLD.entered_at, OLD.signed_at, OLD.signed_by, OLD.topics, OLD.source_id, OLD.invited_worker_id)
        IS DISTINCT FROM (NEW.kind, NEW.held_on, NEW.supervisor_id, NEW.worker_id, NEW.casework_supervisor_id,
            NEW.created_by, NEW.entered_at, NEW.signed_at, NEW.signed_by, NEW.topics, NEW.source_id, NEW.invited_worker_id) THEN
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
DROP FUNCTION freeze_conference_columns(text[]);
DROP TABLE conference_frozen_columns;
