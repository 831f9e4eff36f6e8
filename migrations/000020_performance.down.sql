-- Back to one chain. Fails if more than one lane was used: lanes cannot be
-- merged into one chain without rewriting every hash after the merge point.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last audit_log;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('casework.audit_log'));
    SELECT * INTO last FROM audit_log ORDER BY seq DESC NULLS LAST LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, '\x'::bytea);
    NEW.hash := sha256(NEW.prev_hash || audit_content(NEW));
    RETURN NEW;
END $$;
DROP INDEX IF EXISTS audit_log_lane_seq_key;
CREATE UNIQUE INDEX audit_log_seq_key ON audit_log (seq);
ALTER TABLE audit_log DROP COLUMN lane;
