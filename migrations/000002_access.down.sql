DROP INDEX IF EXISTS audit_log_actor_idx;
DROP INDEX IF EXISTS audit_log_detail_idx;
DROP TABLE IF EXISTS login_failures;
DROP TRIGGER IF EXISTS audit_log_chain ON audit_log;
DROP FUNCTION IF EXISTS audit_log_chain();
DROP FUNCTION IF EXISTS audit_content(audit_log);
DROP INDEX IF EXISTS audit_log_seq_key;
ALTER TABLE audit_log DROP COLUMN IF EXISTS seq, DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS hash;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM casework_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM casework_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM casework_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM casework_app;
REVOKE USAGE ON SCHEMA public FROM casework_app;
-- The role itself is cluster-wide and may serve other databases: it stays.
