package store

import (
	"context"
	"fmt"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// SheetApproval is what a contact-sheet approval recorded on a case for a
// day says to the rules: whether it counts, and if not why.
type SheetApproval struct {
	// Counts: every contact of the case dated on or before the day was
	// approved by then (sheetApprovalHoldsSQL, the very test the facts
	// given to the rules engine pass it through).
	Counts bool
	// Pending: contacts dated on or before the day still awaiting approval.
	// ApprovedLater: contacts dated on or before the day approved after it.
	Pending, ApprovedLater int
}

// SheetApprovalOn reads the contact-sheet approval recorded on a case for
// the day on (any one: those of one day count or not together) for a
// viewer who supervises the case today; ErrNotFound when there is none or
// the case is not theirs. One query.
func (s *Store) SheetApprovalOn(ctx context.Context, v access.Viewer, caseID int64, on, today time.Time) (SheetApproval, error) {
	var a SheetApproval
	err := s.pool.QueryRow(ctx, `
		SELECT `+sheetApprovalHoldsSQL("e")+`,
		       (SELECT count(*) FROM events p WHERE p.case_id = e.case_id AND p.kind IN (`+contactKindsSQL+`)
		          AND p.occurred_on <= e.occurred_on AND p.approval = 'pending'),
		       (SELECT count(*) FROM events p WHERE p.case_id = e.case_id AND p.kind IN (`+contactKindsSQL+`)
		          AND p.occurred_on <= e.occurred_on AND p.approval <> 'pending' AND p.approved_on > e.occurred_on)
		FROM events e
		WHERE e.case_id = $1 AND e.kind = '`+rules.EventContactSheetApproved+`' AND e.occurred_on = $4 AND `+supervisesCaseSQL+`
		LIMIT 1`, caseID, v.PersonID, today, on).Scan(&a.Counts, &a.Pending, &a.ApprovedLater)
	if err != nil {
		return a, fmt.Errorf("SheetApprovalOn(%d): %w", caseID, notFound(err))
	}
	return a, nil
}
