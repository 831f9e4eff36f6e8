-- Imported requests are kept for good (never deleted): going down past them
-- would need a reason they do not have, so it is refused while any exists.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM emergent_requests WHERE reason = 'imported') THEN
        RAISE EXCEPTION 'emergent requests imported from facts files exist: they have no other reason, so migration 121 cannot be undone';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION emergent_requests_one_way() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.case_id, OLD.requested_by, OLD.casework_supervisor_id, OLD.reason, OLD.details, OLD.requested_at)
        IS DISTINCT FROM (NEW.id, NEW.case_id, NEW.requested_by, NEW.casework_supervisor_id, NEW.reason, NEW.details, NEW.requested_at) THEN
        RAISE EXCEPTION 'emergent request %: what was asked never changes', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.answered_at IS NOT NULL AND (OLD.answered_at, OLD.answered_by, OLD.answer) IS DISTINCT FROM (NEW.answered_at, NEW.answered_by, NEW.answer) THEN
        RAISE EXCEPTION 'emergent request % is answered: the answer cannot be undone or changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

ALTER TABLE emergent_requests DROP CONSTRAINT emergent_requests_reason_check;
ALTER TABLE emergent_requests ADD CONSTRAINT emergent_requests_reason_check CHECK (reason IN (
    'child_death_or_near_fatality', 'critical_incident', 'complex_spru_follow_up', 'serious_or_unusual',
    'emergent_removal_or_hospital_hold', 'safety_protection_plan', 'risk_high_or_very_high',
    'disagreement_on_risk', 'disagreement_on_finding', 'disagreement_on_goals', 'three_or_more_re_referrals',
    'supervisor_unavailable'));

ALTER TABLE emergent_requests DROP CONSTRAINT emergent_requests_asked_by_check;
ALTER TABLE emergent_requests ALTER COLUMN requested_by SET NOT NULL;
ALTER TABLE emergent_requests DROP COLUMN source_id;
