CREATE INDEX audit_log_detail_idx ON audit_log USING gin (detail jsonb_path_ops);
DROP TRIGGER IF EXISTS audit_log_case_refs ON audit_log;
DROP FUNCTION IF EXISTS audit_log_case_refs();
DROP FUNCTION IF EXISTS audit_case_ids(jsonb);
DROP TABLE IF EXISTS audit_case_refs;
