-- Each case's risk assessments and visit plans (MVR) kept packed in one
-- row, for the state-wide load (docs/performance.md, sixth round), as its
-- events are (000111): read row by row, a state's 233,000 assessments and
-- 76,000 plans cost PostgreSQL about 0.18 s of CPU a load, and the load a
-- row each to decode; read with their case, in the cases' own query, one
-- row per case. risk_assessments and case_mvr stay the record: a pack is
-- derived from them, in the transaction of every change, by statement-level
-- triggers over transition tables, and a test compares every pack with the
-- rows it is made of.
--
-- risks: the case's assessments in date order (a case has one a day), each
--   4 bytes  assessed_on, days since 2000-01-01, big-endian signed
--   1 byte   the length of the level, n, then the level in n bytes
-- plans: the case's visit plans in date order (one a day), each
--   4 bytes  from_on, as above
--   3 bytes  the visits a month with the child, the parents, the
--            placement provider (0-31 each, as case_mvr's checks hold)
-- Every row is in it, whatever its date: the reader keeps those up to its
-- date, as it did with the rows. A case with neither has no pack.

-- Writers wait until the triggers are in place and the packs made.
LOCK TABLE risk_assessments, case_mvr IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE case_history_packs (
    case_id     bigint PRIMARY KEY,
    risks       bytea NOT NULL,
    plans       bytea NOT NULL
);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON case_history_packs FROM casework_app;

-- (The parameter is named so that no column of the tables read can take
-- its place.)
CREATE FUNCTION case_risks_pack(of_case bigint) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(int4send(r.assessed_on - date '2000-01-01')
                               || set_byte('\x00'::bytea, 0, octet_length(convert_to(r.level, 'UTF8'))) || convert_to(r.level, 'UTF8'),
                               ''::bytea ORDER BY r.assessed_on), '\x'::bytea)
    FROM risk_assessments r WHERE r.case_id = of_case
$$;

CREATE FUNCTION case_plans_pack(of_case bigint) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(int4send(m.from_on - date '2000-01-01')
                               || set_byte(set_byte(set_byte('\x000000'::bytea, 0, m.child), 1, m.parents), 2, m.provider),
                               ''::bytea ORDER BY m.from_on), '\x'::bytea)
    FROM case_mvr m WHERE m.case_id = of_case
$$;

-- repack_case_history makes the packs of the cases named true to the
-- record, as repack_case_events (000111) does the events': the packs' rows
-- locked first, in case order (a missing one created, empty, to have a row
-- to lock), then computed by a later statement, which under READ COMMITTED
-- sees every row committed by a transaction that held the lock before;
-- under REPEATABLE READ the lock of a row another transaction changed
-- fails with a serialization error, never silently.
CREATE FUNCTION repack_case_history(ids bigint[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO case_history_packs (case_id, risks, plans)
    SELECT DISTINCT id, '\x'::bytea, '\x'::bytea FROM unnest(ids) id WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (case_id) DO NOTHING;
    PERFORM 1 FROM case_history_packs WHERE case_id = ANY(ids) ORDER BY case_id FOR UPDATE;
    UPDATE case_history_packs p SET risks = case_risks_pack(p.case_id), plans = case_plans_pack(p.case_id)
    WHERE p.case_id = ANY(ids);
    DELETE FROM case_history_packs p
    WHERE p.case_id = ANY(ids) AND p.risks = '\x'::bytea AND p.plans = '\x'::bytea;
END $$;
REVOKE ALL ON FUNCTION repack_case_history(bigint[]) FROM PUBLIC;

-- The triggers run as the table's owner: the app's role may read the packs,
-- never write them. An update repacks the cases before and after (a row
-- moved to another case changes both).
CREATE FUNCTION repack_changed_case_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_case_history(ARRAY(SELECT DISTINCT case_id FROM changed));
    RETURN NULL;
END $$;
CREATE FUNCTION repack_updated_case_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_case_history(ARRAY(SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION repack_all_case_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_case_history(ARRAY(SELECT case_id FROM case_history_packs));
    RETURN NULL;
END $$;

CREATE TRIGGER risk_assessments_pack_ins AFTER INSERT ON risk_assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_case_history();
CREATE TRIGGER risk_assessments_pack_upd AFTER UPDATE ON risk_assessments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repack_updated_case_history();
CREATE TRIGGER risk_assessments_pack_del AFTER DELETE ON risk_assessments REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_case_history();
CREATE TRIGGER risk_assessments_pack_truncate AFTER TRUNCATE ON risk_assessments
    FOR EACH STATEMENT EXECUTE FUNCTION repack_all_case_history();

CREATE TRIGGER case_mvr_pack_ins AFTER INSERT ON case_mvr REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_case_history();
CREATE TRIGGER case_mvr_pack_upd AFTER UPDATE ON case_mvr REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repack_updated_case_history();
CREATE TRIGGER case_mvr_pack_del AFTER DELETE ON case_mvr REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_case_history();
CREATE TRIGGER case_mvr_pack_truncate AFTER TRUNCATE ON case_mvr
    FOR EACH STATEMENT EXECUTE FUNCTION repack_all_case_history();

-- The packs of the records already held.
INSERT INTO case_history_packs (case_id, risks, plans)
SELECT id, case_risks_pack(id), case_plans_pack(id)
FROM (SELECT case_id AS id FROM risk_assessments UNION SELECT case_id FROM case_mvr) c;
