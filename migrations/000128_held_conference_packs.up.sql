-- Each supervisor's held conferences, with the cases each discussed, kept
-- packed in one value, for the state-wide load (docs/performance.md,
-- "Conferences kept packed per supervisor"), as the events are per case
-- (000111): reading the held conferences of a whole state row by row
-- (570,000 rows, even from the covering index of 000126) cost PostgreSQL
-- 0.3-0.45 s of CPU, the most of any of the load's reads, and their packs
-- of discussed cases (000112, one row per conference) 0.2 s more; one row
-- per supervisor (600) costs it about 0.06 s for both. The conferences
-- table and the view discussed_cases stay the record: a pack is derived
-- from the conferences and from discussed_case_packs (000112's, kept true
-- to the view), in the transaction of every change to either, by
-- statement-level triggers over transition tables, and a test compares
-- every pack with the rows it is made of.
--
-- A pack holds the supervisor's conferences whose status is held (signed,
-- shared, acknowledged: conference.HeldStatuses, which the test checks this
-- against), in id order, each as
--   8 bytes  the id, big-endian
--   4 bytes  held_on, days since 2000-01-01, big-endian signed
--            (PostgreSQL's own binary form of a date)
--   1 byte   flags: 1, a shared day follows; 2, a source id follows
--   1 byte   the length of the kind, n
--   n bytes  the kind
--   8 bytes  the worker (worker_id, else invited_worker_id), 0 for none
--   8 bytes  the casework supervisor, 0 for none
--   4 bytes  shared_on, as held_on (flag 1 only)
--   4 bytes  the length of the source id in bytes, m, then m bytes of it
--            in UTF-8 (flag 2 only)
--   4 bytes  the number of cases discussed, d, then d times 12 bytes: the
--            conference's discussed_case_packs value as it is (8 bytes of
--            case id, 4 of position, in position then case order)
-- Every held conference is in it, whatever its date: the reader keeps those
-- held by its date, as it did with the rows. The people are row ids (0 is
-- none: ids start at 1).

-- Writers wait until the triggers are in place and the packs made.
LOCK TABLE conferences, discussed_case_packs IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE held_conference_packs (
    supervisor_id   bigint PRIMARY KEY,
    conferences     bytea NOT NULL
);
-- Read whole at every load: kept uncompressed (a compressed value costs CPU
-- to expand at every read; a long one still goes out of line).
ALTER TABLE held_conference_packs ALTER COLUMN conferences SET STORAGE EXTERNAL;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON held_conference_packs FROM casework_app;

CREATE FUNCTION held_conference_pack_entry(id bigint, held_on date, kind text, worker_id bigint,
                                           casework_supervisor_id bigint, shared_on date, source_id text,
                                           discussed bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT int8send(id) || int4send(held_on - date '2000-01-01')
        || set_byte('\x00'::bytea, 0, (shared_on IS NOT NULL)::int | ((source_id IS NOT NULL)::int << 1))
        || set_byte('\x00'::bytea, 0, octet_length(convert_to(kind, 'UTF8'))) || convert_to(kind, 'UTF8')
        || int8send(coalesce(worker_id, 0)) || int8send(coalesce(casework_supervisor_id, 0))
        || coalesce(int4send(shared_on - date '2000-01-01'), '\x'::bytea)
        || coalesce(int4send(octet_length(convert_to(source_id, 'UTF8'))) || convert_to(source_id, 'UTF8'), '\x'::bytea)
        || int4send(coalesce(octet_length(discussed), 0) / 12) || coalesce(discussed, '\x'::bytea)
$$;

-- repack_supervisor_conferences makes the packs of the supervisors named
-- true to the conferences table, as repack_case_events (000111) does the
-- events': the packs' rows locked first, in supervisor order (a missing one
-- created, empty, to have a row to lock), then computed by a later
-- statement, which under READ COMMITTED sees every conference committed by
-- a transaction that held the lock before; under REPEATABLE READ the lock
-- of a row another transaction changed fails with a serialization error,
-- never silently. Keyed by supervisor, not by a range of ids: a new
-- conference's pack is its own supervisor's, never a row every supervisor
-- of the state writes to that day. Supervisors left with no held
-- conference lose their pack.
CREATE FUNCTION repack_supervisor_conferences(ids bigint[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO held_conference_packs (supervisor_id, conferences)
    SELECT DISTINCT id, '\x'::bytea FROM unnest(ids) id WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (supervisor_id) DO NOTHING;
    PERFORM 1 FROM held_conference_packs WHERE supervisor_id = ANY(ids) ORDER BY supervisor_id FOR UPDATE;
    UPDATE held_conference_packs p SET conferences = x.conferences
    FROM (SELECT k.supervisor_id,
                 string_agg(held_conference_pack_entry(k.id, k.held_on, k.kind, coalesce(k.worker_id, k.invited_worker_id),
                                                       k.casework_supervisor_id, k.shared_on, k.source_id, d.cases), ''::bytea ORDER BY k.id) AS conferences
          FROM conferences k LEFT JOIN discussed_case_packs d ON d.conference_id = k.id
          WHERE k.supervisor_id = ANY(ids) AND k.status IN ('signed', 'shared', 'acknowledged')
          GROUP BY k.supervisor_id) x
    WHERE p.supervisor_id = x.supervisor_id AND p.conferences IS DISTINCT FROM x.conferences;
    DELETE FROM held_conference_packs p
    WHERE p.supervisor_id = ANY(ids) AND NOT EXISTS (
        SELECT 1 FROM conferences k WHERE k.supervisor_id = p.supervisor_id AND k.status IN ('signed', 'shared', 'acknowledged'));
END $$;
REVOKE ALL ON FUNCTION repack_supervisor_conferences(bigint[]) FROM PUBLIC;

-- The triggers run as the table's owner: the app's role may read the packs,
-- never write them.
CREATE FUNCTION repack_changed_conferences() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_supervisor_conferences(ARRAY(SELECT DISTINCT supervisor_id FROM changed));
    RETURN NULL;
END $$;

-- An update repacks only the supervisors whose conferences changed what a
-- pack holds (a draft's save, or a note, changes nothing in it), before and
-- after.
CREATE FUNCTION repack_updated_conferences() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_supervisor_conferences(ARRAY(
        SELECT supervisor_id FROM (
            SELECT id, supervisor_id, status, held_on, kind, worker_id, invited_worker_id, casework_supervisor_id, shared_on, source_id FROM new_rows
            EXCEPT SELECT id, supervisor_id, status, held_on, kind, worker_id, invited_worker_id, casework_supervisor_id, shared_on, source_id FROM old_rows) a
        UNION
        SELECT supervisor_id FROM (
            SELECT id, supervisor_id, status, held_on, kind, worker_id, invited_worker_id, casework_supervisor_id, shared_on, source_id FROM old_rows
            EXCEPT SELECT id, supervisor_id, status, held_on, kind, worker_id, invited_worker_id, casework_supervisor_id, shared_on, source_id FROM new_rows) b));
    RETURN NULL;
END $$;

CREATE TRIGGER conferences_pack_ins AFTER INSERT ON conferences REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_conferences();
CREATE TRIGGER conferences_pack_upd AFTER UPDATE ON conferences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repack_updated_conferences();
CREATE TRIGGER conferences_pack_del AFTER DELETE ON conferences REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_conferences();

CREATE FUNCTION repack_truncated_conferences() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    TRUNCATE held_conference_packs;
    RETURN NULL;
END $$;
CREATE TRIGGER conferences_pack_truncate AFTER TRUNCATE ON conferences
    FOR EACH STATEMENT EXECUTE FUNCTION repack_truncated_conferences();

-- The cases discussed: a change of a conference's pack of discussed cases
-- (000112's triggers write it, from conference_cases) repacks its
-- supervisor's, when the conference is held. A held record's cases do not
-- change once signed (the frozen-record triggers), but the signing's own
-- statements may come in either order: whichever runs last packs both.
CREATE FUNCTION repack_conferences_of_discussed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_supervisor_conferences(ARRAY(
        SELECT DISTINCT k.supervisor_id FROM conferences k
        WHERE k.id IN (SELECT conference_id FROM changed) AND k.status IN ('signed', 'shared', 'acknowledged')));
    RETURN NULL;
END $$;
CREATE TRIGGER discussed_case_packs_conferences_ins AFTER INSERT ON discussed_case_packs REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_conferences_of_discussed();
CREATE TRIGGER discussed_case_packs_conferences_upd AFTER UPDATE ON discussed_case_packs REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_conferences_of_discussed();
CREATE TRIGGER discussed_case_packs_conferences_del AFTER DELETE ON discussed_case_packs REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_conferences_of_discussed();

-- conference_cases truncated truncates discussed_case_packs (000112): every
-- pack is made again, without discussed cases.
CREATE FUNCTION repack_all_conferences() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_supervisor_conferences(ARRAY(SELECT supervisor_id FROM held_conference_packs));
    RETURN NULL;
END $$;
CREATE TRIGGER discussed_case_packs_conferences_truncate AFTER TRUNCATE ON discussed_case_packs
    FOR EACH STATEMENT EXECUTE FUNCTION repack_all_conferences();

-- The packs of the conferences already held.
INSERT INTO held_conference_packs (supervisor_id, conferences)
SELECT k.supervisor_id,
       string_agg(held_conference_pack_entry(k.id, k.held_on, k.kind, coalesce(k.worker_id, k.invited_worker_id),
                                             k.casework_supervisor_id, k.shared_on, k.source_id, d.cases), ''::bytea ORDER BY k.id)
FROM conferences k LEFT JOIN discussed_case_packs d ON d.conference_id = k.id
WHERE k.status IN ('signed', 'shared', 'acknowledged')
GROUP BY k.supervisor_id;

-- The covering index of 000126 served only the row-by-row load.
DROP INDEX conferences_held_load_idx;
