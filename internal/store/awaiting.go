package store

import (
	"strings"

	"github.com/casework/casework/internal/rules"
)

// contactAwaitingSQL: event e is a contact awaiting the supervisor's approval
// on the date on, as the rules count it (rules.ContactKinds): a visit or
// collateral contact on or before the date with no contact-sheet approval of
// its case since. The worker page's list, the unit's count and the agenda's
// reason are then one number.
func contactAwaitingSQL(e, on string) string {
	return e + `.kind IN (` + contactKindsSQL + `) AND ` + e + `.occurred_on <= ` + on + `
	    AND NOT EXISTS (SELECT 1 FROM events s WHERE s.case_id = ` + e + `.case_id AND s.kind = '` + rules.EventContactSheetApproved + `'
	                    AND s.occurred_on >= ` + e + `.occurred_on AND s.occurred_on <= ` + on + `)`
}

var contactKindsSQL = func() string {
	kinds := rules.ContactKinds()
	for i, k := range kinds {
		kinds[i] = "'" + strings.ReplaceAll(k, "'", "''") + "'"
	}
	return strings.Join(kinds, ", ")
}()
