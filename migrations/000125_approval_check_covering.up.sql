-- The contacts that can keep a contact-sheet approval from holding (000124's
-- events_approval_check_idx) with what the check reads of them, so that
-- both the check per approval (sheetApprovalHoldsSQL) and the state-wide
-- load's read of them all (store.sheetBlockers) are index-only: at state
-- scale the 57,000 pending contacts lie on 30,000 pages of events, which
-- the load read at every run (0.38 s).
CREATE INDEX events_approval_check_covering_idx ON events (case_id, occurred_on) INCLUDE (kind, approval, approved_on)
    WHERE approval = 'pending' OR approved_on IS NOT NULL;
DROP INDEX events_approval_check_idx;
