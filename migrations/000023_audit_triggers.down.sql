DROP TRIGGER audit_log_case_refs ON audit_log;

CREATE OR REPLACE FUNCTION audit_log_case_refs() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO audit_case_refs (case_id, audit_id) SELECT c, NEW.id FROM audit_case_ids(NEW.detail) c;
    RETURN NULL;
END $$;

CREATE TRIGGER audit_log_case_refs AFTER INSERT ON audit_log FOR EACH ROW
    WHEN (NEW.detail ? 'case' OR NEW.detail ? 'cases' OR NEW.detail -> 'after' ? 'cases')
    EXECUTE FUNCTION audit_log_case_refs();

ALTER FUNCTION audit_log_chain() RESET plan_cache_mode;
