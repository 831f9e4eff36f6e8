-- A contact awaits the supervisor's approval when its own approval is
-- 'pending', and only then (docs/rules.md, "Contacts awaiting approval"):
-- a contact-sheet approval no longer stands for contacts it did not approve.
--
-- approved_on: the day the supervisor approved the contact in Casework. A
-- contact-sheet approval dated D counts for contacts.approval only when every
-- contact of the case dated on or before D was approved by D; a contact
-- approved later makes an earlier sheet approval false, for ever (it was not
-- reviewed then). NULL: approved on a day not known (the system of record's
-- word, or before this migration): read as approved in time.
ALTER TABLE events ADD COLUMN approved_on date;

-- The day of each approval made in Casework before now, from the audit log
-- (ApproveContacts logged the events it approved), in the agency's zone.
UPDATE events e SET approved_on = d.day
FROM (
    SELECT (x.id)::bigint AS id, min((a.at AT TIME ZONE coalesce((SELECT time_zone FROM agency), 'America/New_York'))::date) AS day
    FROM audit_log a
    CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.detail->'events') = 'array' THEN a.detail->'events' ELSE '[]'::jsonb END) AS x(id)
    WHERE a.action = 'approved' AND a.entity = 'contacts' AND x.id ~ '^[0-9]+$'
    GROUP BY 1
) d
WHERE e.id = d.id AND e.approval = 'approved';

-- Contacts with no approval of their own ('not_required': an import that
-- left the column blank). Before, they read as approved when any sheet
-- approval of the case was dated on or after them. Only the system of
-- record's sheet approvals (imported: a source id, or no recorder) keep
-- that meaning: an approval made in Casework approved the contacts it
-- listed, one by one, and these were not among them. Every other such
-- contact awaits approval: when in doubt, count less as reviewed.
UPDATE events e SET approval = CASE WHEN EXISTS (
        SELECT 1 FROM events s
        WHERE s.case_id = e.case_id AND s.kind = 'contact_sheet_approved' AND s.occurred_on >= e.occurred_on
          AND (s.source_id IS NOT NULL OR s.recorded_by IS NULL)) THEN 'approved' ELSE 'pending' END
WHERE e.approval = 'not_required'
  AND e.kind IN ('child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact');

-- What a contact-sheet approval is checked against (sheetApprovalHoldsSQL):
-- the contacts pending or approved in Casework, a few of each case's.
CREATE INDEX events_approval_check_idx ON events (case_id, occurred_on)
    WHERE approval = 'pending' OR approved_on IS NOT NULL;
