-- Which columns a signed conference keeps is data, not code. Until now each
-- migration that added a column to the record (000005 topics, 000011 source
-- id and invited worker) replaced conferences_frozen() with a whole copy of
-- its body and one name more. From here on, a migration that adds a column
-- the signed record must keep writes one line:
--
--     SELECT freeze_conference_columns('the_new_column');
--
-- and the trigger below, written once, refuses any change to it after signing
-- (migrations/README.md).
CREATE TABLE conference_frozen_columns (
    name text PRIMARY KEY
);
-- The application reads the list (its updates run the trigger) and never
-- changes it: what is frozen is decided by migrations alone.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON conference_frozen_columns FROM casework_app;
GRANT SELECT ON conference_frozen_columns TO casework_app;

-- freeze_conference_columns adds columns of conferences to the list; a name
-- that is not a column of conferences is refused, so a typo cannot leave a
-- column unfrozen in silence.
CREATE FUNCTION freeze_conference_columns(VARIADIC cols text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c text;
BEGIN
    FOREACH c IN ARRAY cols LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_attribute
                       WHERE attrelid = 'conferences'::regclass AND attname = c AND attnum > 0 AND NOT attisdropped) THEN
            RAISE EXCEPTION 'conferences has no column %', c USING ERRCODE = 'undefined_column';
        END IF;
        INSERT INTO conference_frozen_columns (name) VALUES (c) ON CONFLICT DO NOTHING;
    END LOOP;
END $$;

-- The columns 000011's trigger froze, and the floor 000043 froze with a
-- trigger of its own (kept: it names the floor in its message).
SELECT freeze_conference_columns('kind', 'held_on', 'supervisor_id', 'worker_id', 'casework_supervisor_id',
    'created_by', 'entered_at', 'signed_at', 'signed_by', 'topics', 'source_id', 'invited_worker_id',
    'floor_caseload', 'floor_minimum');

-- The same rules as before, the columns read from the list: a signed record
-- is never deleted, keeps every listed column, and its status only moves
-- forward. The row is turned to JSON once per update of a signed record
-- (drafts, the record's working life, are not compared at all).
CREATE OR REPLACE FUNCTION conferences_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
    n jsonb;
    changed text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'conference % is signed: it cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' THEN
        o := to_jsonb(OLD);
        n := to_jsonb(NEW);
        SELECT string_agg(f.name, ', ' ORDER BY f.name) INTO changed
        FROM conference_frozen_columns f
        WHERE o -> f.name IS DISTINCT FROM n -> f.name;
        IF changed IS NOT NULL THEN
            RAISE EXCEPTION 'conference % is signed: its record cannot change (add an addendum)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation', DETAIL = 'changed: ' || changed;
        END IF;
    END IF;
    IF array_position(ARRAY['draft', 'signed', 'shared', 'acknowledged'], NEW.status)
        < array_position(ARRAY['draft', 'signed', 'shared', 'acknowledged'], OLD.status) THEN
        RAISE EXCEPTION 'conference % cannot go back from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
