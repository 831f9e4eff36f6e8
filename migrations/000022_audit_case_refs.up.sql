-- Who accessed a case, found by index (issue #9, docs/performance.md).
--
-- A case page lists the audit entries about the case: its own (entity
-- 'case') and those whose detail names it ("case": id, "cases": [ids], or
-- "after": {"cases": [ids]}: a conference viewed or written, a caseload
-- shown, a reassignment). The second
-- kind was found through a GIN index over every entry's detail. That index
-- cost every audit insert (one per page view) a GIN update, and its pending
-- list, scanned in full by every lookup until vacuum merged it, made the
-- case page slower with each page anyone viewed; planning the containment
-- test read the column's statistics on every execution.
--
-- Now the entries that name cases are indexed by a small table, filled by a
-- trigger on the log as an entry is inserted, in the same transaction, and
-- read by primary key. It is derived from the log (the log and its hash
-- chains stay the record); the application may only read it.
CREATE TABLE audit_case_refs (
    case_id  bigint NOT NULL,
    audit_id bigint NOT NULL, -- audit_log.id; no foreign key: the log is append-only
    PRIMARY KEY (case_id, audit_id)
);

-- audit_case_ids lists the case ids an entry's detail names. Anything that
-- is not a whole number is ignored rather than failing the insert: an audit
-- entry must never be refused.
CREATE FUNCTION audit_case_ids(detail jsonb) RETURNS SETOF bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT CASE WHEN x ~ '^[0-9]{1,18}$' THEN x::bigint END FROM (
        SELECT detail ->> 'case' AS x WHERE jsonb_typeof(detail -> 'case') = 'number'
        UNION ALL
        SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(detail -> 'cases') = 'array' THEN detail -> 'cases' ELSE '[]' END)
        UNION ALL
        SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(detail #> '{after,cases}') = 'array' THEN detail #> '{after,cases}' ELSE '[]' END)
    ) t WHERE x ~ '^[0-9]{1,18}$'
$$;

CREATE FUNCTION audit_log_case_refs() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO audit_case_refs (case_id, audit_id) SELECT c, NEW.id FROM audit_case_ids(NEW.detail) c;
    RETURN NULL;
END $$;

CREATE TRIGGER audit_log_case_refs AFTER INSERT ON audit_log FOR EACH ROW
    WHEN (NEW.detail ? 'case' OR NEW.detail ? 'cases' OR NEW.detail -> 'after' ? 'cases')
    EXECUTE FUNCTION audit_log_case_refs();

INSERT INTO audit_case_refs (case_id, audit_id)
SELECT c, a.id FROM audit_log a, audit_case_ids(a.detail) c
WHERE a.detail ? 'case' OR a.detail ? 'cases' OR a.detail -> 'after' ? 'cases';

REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_case_refs FROM casework_app;
GRANT SELECT ON audit_case_refs TO casework_app;

DROP INDEX audit_log_detail_idx;
