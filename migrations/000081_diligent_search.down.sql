-- Refuses (the check fails) while a diligent search is recorded: no event is dropped.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('child_visit', 'parent_visit', 'sibling_visit',
    'provider_visit', 'collateral_contact', 'family_team_meeting',
    'relative_notification', 'cprb_notification', 'ninety_day_staffing',
    'risk_reassessment', 'mvr_established', 'contact_sheet_approved'));
