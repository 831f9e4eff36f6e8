DROP INDEX IF EXISTS emergent_requests_by_idx;
DROP TRIGGER IF EXISTS emergent_requests_version_upd ON emergent_requests;
DROP TRIGGER IF EXISTS emergent_requests_version_ins ON emergent_requests;
DROP FUNCTION IF EXISTS bump_by_emergent_request();
ALTER TABLE agency DROP COLUMN IF EXISTS closing_hour;
