CREATE INDEX events_approval_check_idx ON events (case_id, occurred_on)
    WHERE approval = 'pending' OR approved_on IS NOT NULL;
DROP INDEX events_approval_check_covering_idx;
