-- Emergent requests are imported from facts files (docs/import.md). An
-- imported request keeps the file's id (`source_id`, as people and
-- conferences do), so that the same file imported again finds it and the
-- export names it as the file did. The facts do not say why it was asked:
-- its reason is 'imported' (pages show "Imported from a facts file"). Nor
-- need they say who asked (the rules contract's `requested_by` is optional):
-- only an imported request may leave it unknown.
ALTER TABLE emergent_requests ADD COLUMN source_id text UNIQUE CHECK (source_id <> '');
ALTER TABLE emergent_requests ALTER COLUMN requested_by DROP NOT NULL;
ALTER TABLE emergent_requests ADD CONSTRAINT emergent_requests_asked_by_check
    CHECK (requested_by IS NOT NULL OR reason = 'imported');

ALTER TABLE emergent_requests DROP CONSTRAINT emergent_requests_reason_check;
ALTER TABLE emergent_requests ADD CONSTRAINT emergent_requests_reason_check CHECK (reason IN (
    'child_death_or_near_fatality', 'critical_incident', 'complex_spru_follow_up', 'serious_or_unusual',
    'emergent_removal_or_hospital_hold', 'safety_protection_plan', 'risk_high_or_very_high',
    'disagreement_on_risk', 'disagreement_on_finding', 'disagreement_on_goals', 'three_or_more_re_referrals',
    'supervisor_unavailable', 'imported'));

-- The id a request was imported under is part of what was asked: fixed.
CREATE OR REPLACE FUNCTION emergent_requests_one_way() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.case_id, OLD.requested_by, OLD.casework_supervisor_id, OLD.reason, OLD.details, OLD.requested_at, OLD.source_id)
        IS DISTINCT FROM (NEW.id, NEW.case_id, NEW.requested_by, NEW.casework_supervisor_id, NEW.reason, NEW.details, NEW.requested_at, NEW.source_id) THEN
        RAISE EXCEPTION 'emergent request %: what was asked never changes', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.answered_at IS NOT NULL AND (OLD.answered_at, OLD.answered_by, OLD.answer) IS DISTINCT FROM (NEW.answered_at, NEW.answered_by, NEW.answer) THEN
        RAISE EXCEPTION 'emergent request % is answered: the answer cannot be undone or changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
