-- The case references of audit entries (migration 000022) indexed once per
-- statement rather than once per row (issue #9, docs/performance.md).
--
-- A list view now names every case it showed (a worker's caseload: twenty
-- cases), and page views are inserted many to a statement (group commit,
-- internal/store/viewlog.go). A row trigger ran a PL/pgSQL call and an
-- INSERT per entry; a statement trigger reads the statement's new rows as a
-- transition table and indexes them all in one INSERT ... SELECT.
DROP TRIGGER audit_log_case_refs ON audit_log;

CREATE OR REPLACE FUNCTION audit_log_case_refs() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO audit_case_refs (case_id, audit_id)
    SELECT c, n.id FROM new_entries n, audit_case_ids(n.detail) c
    WHERE n.detail ? 'case' OR n.detail ? 'cases' OR n.detail -> 'after' ? 'cases';
    RETURN NULL;
END $$;

CREATE TRIGGER audit_log_case_refs AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_case_refs();

-- The chain trigger (migration 000020) finds the last entry of its lane by
-- the (lane, seq) index. PL/pgSQL keeps a statement's plan for the life of
-- the connection; a plan made while the log was nearly empty (a new
-- installation, a freshly loaded database) scanned the whole log, and kept
-- scanning it, once per entry, as the log grew, until an ANALYZE happened to
-- invalidate it: measured on a freshly seeded state, one connection spent
-- its whole CPU appending page views and every page waited on it. Planning
-- that one statement afresh each time costs microseconds and is always
-- right.
ALTER FUNCTION audit_log_chain() SET plan_cache_mode = force_custom_plan;
