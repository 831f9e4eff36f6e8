-- Each case's events kept packed in one value, for the state-wide load
-- (docs/performance.md, "Events kept packed per case"). Reading the events
-- of the whole state row by row (2.5 million rows at state scale) cost
-- PostgreSQL more CPU than everything else of the load; one row per case
-- (80,000) costs it little. The events table stays the record: a pack is
-- derived from it, in the transaction of every change, by statement-level
-- triggers over transition tables (one statement per change, COPY
-- included), and a test compares every pack with the rows it is made of.
--
-- A pack is its case's events in id order, each as
--   4 bytes  the date, days since 2000-01-01, big-endian signed
--            (PostgreSQL's own binary form of a date)
--   1 byte   the length of the kind, n (a kind is a short identifier)
--   n bytes  the kind
-- Every event of the case is in it, whatever its date: the reader keeps
-- those up to its date, as it did with the rows.

CREATE TABLE case_event_packs (
    case_id     bigint PRIMARY KEY,
    events      bytea NOT NULL
);
-- Read whole at every load: kept uncompressed (a compressed value costs CPU
-- to expand at every read; a long one still goes out of line).
ALTER TABLE case_event_packs ALTER COLUMN events SET STORAGE EXTERNAL;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON case_event_packs FROM casework_app;

CREATE FUNCTION event_pack_entry(occurred_on date, kind text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT int4send(occurred_on - date '2000-01-01') || set_byte('\x00'::bytea, 0, octet_length(kind)) || convert_to(kind, 'UTF8')
$$;

-- repack_case_events makes the packs of the cases named true to the events
-- table. The packs' rows are locked first, in case order (a missing one is
-- created, empty, to have a row to lock): under READ COMMITTED the pack is
-- then computed by a later statement, which sees every event committed by
-- a transaction that held the lock before, so two writers of the same
-- case's events never lose each other's; under REPEATABLE READ the lock of
-- a row another transaction changed fails with a serialization error, never
-- silently. Cases left with no event lose their pack.
CREATE FUNCTION repack_case_events(ids bigint[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO case_event_packs (case_id, events)
    SELECT DISTINCT id, '\x'::bytea FROM unnest(ids) id WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (case_id) DO NOTHING;
    PERFORM 1 FROM case_event_packs WHERE case_id = ANY(ids) ORDER BY case_id FOR UPDATE;
    UPDATE case_event_packs p SET events = x.events
    FROM (SELECT e.case_id, string_agg(event_pack_entry(e.occurred_on, e.kind), ''::bytea ORDER BY e.id) AS events
          FROM events e WHERE e.case_id = ANY(ids) GROUP BY e.case_id) x
    WHERE p.case_id = x.case_id AND p.events IS DISTINCT FROM x.events;
    DELETE FROM case_event_packs p
    WHERE p.case_id = ANY(ids) AND NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = p.case_id);
END $$;
REVOKE ALL ON FUNCTION repack_case_events(bigint[]) FROM PUBLIC;

-- The triggers run as the table's owner: the app's role may read the packs,
-- never write them.
CREATE FUNCTION repack_changed_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_case_events(ARRAY(SELECT DISTINCT case_id FROM changed));
    RETURN NULL;
END $$;

-- An update repacks only the cases whose events changed what a pack holds
-- (an approval or a note changes nothing in it), before and after.
CREATE FUNCTION repack_updated_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_case_events(ARRAY(
        SELECT case_id FROM (SELECT id, case_id, occurred_on, kind FROM new_rows
                             EXCEPT SELECT id, case_id, occurred_on, kind FROM old_rows) a
        UNION
        SELECT case_id FROM (SELECT id, case_id, occurred_on, kind FROM old_rows
                             EXCEPT SELECT id, case_id, occurred_on, kind FROM new_rows) b));
    RETURN NULL;
END $$;

CREATE TRIGGER events_pack_ins AFTER INSERT ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_events();
CREATE TRIGGER events_pack_upd AFTER UPDATE ON events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repack_updated_events();
CREATE TRIGGER events_pack_del AFTER DELETE ON events REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_events();

CREATE FUNCTION repack_truncated_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    TRUNCATE case_event_packs;
    RETURN NULL;
END $$;
CREATE TRIGGER events_pack_truncate AFTER TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION repack_truncated_events();

-- The packs of the events already held.
INSERT INTO case_event_packs (case_id, events)
SELECT case_id, string_agg(event_pack_entry(occurred_on, kind), ''::bytea ORDER BY id)
FROM events GROUP BY case_id;
