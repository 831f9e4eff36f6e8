-- A new event kind: the start of a diligent search for relatives
-- (CP&P-III-C-5-500, Children in an Out-of-Home Placement). It meets
-- "Relatives notified of placement" like a relative notification.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('child_visit', 'parent_visit', 'sibling_visit',
    'provider_visit', 'collateral_contact', 'family_team_meeting',
    'relative_notification', 'cprb_notification', 'ninety_day_staffing',
    'risk_reassessment', 'mvr_established', 'contact_sheet_approved',
    'diligent_search_started'));
