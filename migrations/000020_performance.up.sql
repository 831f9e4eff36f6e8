-- Performance at state scale (issue #9, docs/performance.md).

-- 1. The audit log's hash chain in lanes.
--
-- Every page view appends an audit entry in the transaction that read the
-- page. With one chain, the entry's insert took the chain's lock and held it
-- until its transaction committed, so commits of audited transactions went
-- one at a time, each waiting for its own WAL flush: measured on the bench
-- machine, 8 concurrent writers appended ~1,000 entries a second at 7.7 ms
-- each, against ~9,000 a second for the same insert without the lock.
--
-- Now there are eight chains (lanes). An insert takes the first lane whose
-- lock is free (lane 0 when nobody else is appending, so a quiet log is one
-- chain as before), keeps it for the rest of its transaction, and links to
-- the last entry of that lane. Each lane is a complete hash chain with
-- gapless positions (lane, seq): an entry altered, removed or inserted breaks
-- its lane exactly as it broke the single chain, and `casework audit verify`
-- walks every lane. Up to eight audited transactions commit together, so
-- PostgreSQL groups their WAL flushes. The entry is still written in the
-- same transaction as the reads or the change it records.
ALTER TABLE audit_log ADD COLUMN lane smallint NOT NULL DEFAULT 0 CHECK (lane BETWEEN 0 AND 7);
DROP INDEX audit_log_seq_key;
CREATE UNIQUE INDEX audit_log_lane_seq_key ON audit_log (lane, seq);

CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last audit_log;
    chosen text := current_setting('casework.audit_lane', true);
    l int;
BEGIN
    IF chosen IS NOT NULL AND chosen <> '' THEN
        l := chosen::int; -- this transaction's lane, whose lock it holds
    ELSE
        FOR i IN 0 .. 7 LOOP
            IF pg_try_advisory_xact_lock(hashtext('casework.audit_log'), i) THEN
                l := i;
                EXIT;
            END IF;
        END LOOP;
        IF l IS NULL THEN -- every lane busy: queue on one
            l := pg_backend_pid() % 8;
            PERFORM pg_advisory_xact_lock(hashtext('casework.audit_log'), l);
        END IF;
        PERFORM set_config('casework.audit_lane', l::text, true);
    END IF;
    SELECT * INTO last FROM audit_log WHERE lane = l ORDER BY seq DESC LIMIT 1;
    NEW.lane := l;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, '\x'::bytea);
    NEW.hash := sha256(NEW.prev_hash || audit_content(NEW));
    RETURN NEW;
END $$;
