package store

import (
	"strings"

	"github.com/casework/casework/internal/rules"
)

// contactAwaitingSQL: event e is a contact awaiting the supervisor's approval
// on the date on: a visit or collateral contact (rules.ContactKinds) on or
// before the date whose own approval is pending. A contact-sheet approval of
// its case does not approve it: only its own approval does (ApproveContacts,
// or the system of record's approval column). The worker page's list, the
// unit's count, the conference page, the digest and the agenda's reason are
// then one number.
func contactAwaitingSQL(e, on string) string {
	return e + `.kind IN (` + contactKindsSQL + `) AND ` + e + `.approval = 'pending' AND ` + e + `.occurred_on <= ` + on
}

// sheetApprovalHoldsSQL: event e is not a contact-sheet approval that the
// contacts contradict. A contact_sheet_approved event dated D says every
// contact of its case dated on or before D was approved by D; it is given to
// the rules engine (and exported) only while that is true: no such contact
// is pending, and none was approved after D (approved_on; NULL is an
// approval of unknown day, read as in time). Every other event holds. Where
// a stored approval does not hold, the case's last approval that does is
// the one contacts.approval counts: the engine sees less compliance, never
// more.
func sheetApprovalHoldsSQL(e string) string {
	// One NOT EXISTS with the kind inside (no OR around it): PostgreSQL
	// makes it a hash anti-join against the few contacts pending or
	// approved in Casework (events_approval_check_idx), not a probe per row.
	return `NOT EXISTS (
	    SELECT 1 FROM events p WHERE ` + e + `.kind = '` + rules.EventContactSheetApproved + `'
	      AND p.case_id = ` + e + `.case_id AND p.kind IN (` + contactKindsSQL + `)
	      AND p.occurred_on <= ` + e + `.occurred_on
	      AND (p.approval = 'pending' OR p.approved_on > ` + e + `.occurred_on))`
}

// importedContactApprovalSQL is the approval of a contact dated on that
// comes from the system of record without one of its own (a facts file, a
// CSV row with the approval left empty): approved when a contact-sheet
// approval of its case from the system of record is dated on or after it
// (latest: the days of the latest such approvals, NULL for none: those
// recorded, sheetsOfRecordSQL, and those of the same import), else awaiting
// approval. A sheet approval made in Casework approved the contacts it
// listed, one by one, and says nothing of others.
func importedContactApprovalSQL(on string, latest ...string) string {
	return `CASE WHEN greatest(` + strings.Join(latest, ", ") + `) >= ` + on + ` THEN 'approved' ELSE 'pending' END`
}

// sheetsOfRecordSQL: (case_id, day) of the latest contact-sheet approval from
// the system of record (imported: a source id, or no one who recorded it) of
// each case the subquery cases names. One aggregate, joined by case: an
// import does not look it up row by row.
func sheetsOfRecordSQL(cases string) string {
	return `SELECT case_id, max(occurred_on) AS day FROM events
	    WHERE kind = '` + rules.EventContactSheetApproved + `' AND (source_id IS NOT NULL OR recorded_by IS NULL)
	      AND case_id IN (` + cases + `)
	    GROUP BY case_id`
}

var contactKindsSQL = func() string {
	kinds := rules.ContactKinds()
	for i, k := range kinds {
		kinds[i] = "'" + strings.ReplaceAll(k, "'", "''") + "'"
	}
	return strings.Join(kinds, ", ")
}()
