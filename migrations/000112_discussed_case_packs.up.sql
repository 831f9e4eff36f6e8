-- Each conference's discussed cases kept packed in one value, for the
-- state-wide load (docs/performance.md, "Kept packed"), as the events are
-- since 000111: 1.6 million rows of discussed_cases at state scale become
-- one row per conference. The pack is derived from the view discussed_cases
-- (the one place discussions are counted from, 000040), in the transaction
-- of every change to conference_cases, the only table that view reads: a
-- change of the view's definition must revisit these triggers. A test
-- compares every pack with the view.
--
-- A pack is the conference's discussed cases in (position, case) order, each
-- as 8 bytes of case id and 4 of position, big-endian (PostgreSQL's binary
-- forms of bigint and integer). A conference none of whose cases is
-- discussed has no pack.

CREATE TABLE discussed_case_packs (
    conference_id   bigint PRIMARY KEY,
    cases           bytea NOT NULL
);
ALTER TABLE discussed_case_packs ALTER COLUMN cases SET STORAGE EXTERNAL;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON discussed_case_packs FROM casework_app;

-- As repack_case_events (000111): lock the packs in conference order, then
-- compute them in a later statement, which under READ COMMITTED sees what
-- the lock's earlier holders committed.
CREATE FUNCTION repack_discussed_cases(ids bigint[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO discussed_case_packs (conference_id, cases)
    SELECT DISTINCT id, '\x'::bytea FROM unnest(ids) id WHERE id IS NOT NULL ORDER BY id
    ON CONFLICT (conference_id) DO NOTHING;
    PERFORM 1 FROM discussed_case_packs WHERE conference_id = ANY(ids) ORDER BY conference_id FOR UPDATE;
    UPDATE discussed_case_packs p SET cases = x.cases
    FROM (SELECT d.conference_id, string_agg(int8send(d.case_id) || int4send(d.position), ''::bytea ORDER BY d.position, d.case_id) AS cases
          FROM discussed_cases d WHERE d.conference_id = ANY(ids) GROUP BY d.conference_id) x
    WHERE p.conference_id = x.conference_id AND p.cases IS DISTINCT FROM x.cases;
    DELETE FROM discussed_case_packs p
    WHERE p.conference_id = ANY(ids) AND NOT EXISTS (SELECT 1 FROM discussed_cases d WHERE d.conference_id = p.conference_id);
END $$;
REVOKE ALL ON FUNCTION repack_discussed_cases(bigint[]) FROM PUBLIC;

CREATE FUNCTION repack_changed_conference_cases() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_discussed_cases(ARRAY(SELECT DISTINCT conference_id FROM changed));
    RETURN NULL;
END $$;

-- A draft's every save rewrites its cases' notes: only a change of what a
-- pack holds repacks.
CREATE FUNCTION repack_updated_conference_cases() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM repack_discussed_cases(ARRAY(
        SELECT conference_id FROM (SELECT conference_id, case_id, position, discussed FROM new_rows
                                   EXCEPT SELECT conference_id, case_id, position, discussed FROM old_rows) a
        UNION
        SELECT conference_id FROM (SELECT conference_id, case_id, position, discussed FROM old_rows
                                   EXCEPT SELECT conference_id, case_id, position, discussed FROM new_rows) b));
    RETURN NULL;
END $$;

CREATE TRIGGER conference_cases_pack_ins AFTER INSERT ON conference_cases REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_conference_cases();
CREATE TRIGGER conference_cases_pack_upd AFTER UPDATE ON conference_cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repack_updated_conference_cases();
CREATE TRIGGER conference_cases_pack_del AFTER DELETE ON conference_cases REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION repack_changed_conference_cases();

CREATE FUNCTION repack_truncated_conference_cases() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    TRUNCATE discussed_case_packs;
    RETURN NULL;
END $$;
CREATE TRIGGER conference_cases_pack_truncate AFTER TRUNCATE ON conference_cases
    FOR EACH STATEMENT EXECUTE FUNCTION repack_truncated_conference_cases();

-- The packs of the discussions already held.
INSERT INTO discussed_case_packs (conference_id, cases)
SELECT conference_id, string_agg(int8send(case_id) || int4send(position), ''::bytea ORDER BY position, case_id)
FROM discussed_cases GROUP BY conference_id;
