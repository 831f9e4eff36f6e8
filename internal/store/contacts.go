package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// PendingContact is domain.PendingContact: what the store returns and the views take.
type PendingContact = domain.PendingContact

// PendingContactsLimit bounds the approval list on one page.
const PendingContactsLimit = 200

// PendingContacts lists a worker's contacts awaiting approval, oldest first,
// for their supervisor.
func (s *Store) PendingContacts(ctx context.Context, v access.Viewer, workerID int64, on time.Time) ([]PendingContact, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.case_id, c.case_number, c.family_name, e.kind, e.occurred_on
		FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $3)
		JOIN events e ON e.case_id = c.id AND `+contactAwaitingSQL("e", "$3::date")+`
		WHERE a.worker_id = $1 AND a.during @> $3::date AND `+reach("$1", "$2", "$3")+`
		ORDER BY e.occurred_on, e.id LIMIT $4`, workerID, v.PersonID, on, PendingContactsLimit)
	if err != nil {
		return nil, fmt.Errorf("PendingContacts: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[PendingContact])
}

// ApproveContacts approves the given pending contacts of cases the viewer
// supervises, on the date, in one transaction. Only where that leaves no
// contact of the case dated on or before the date pending does it record the
// approval of the case's contact sheet on the date (the event
// contacts.approval counts): approving one contact of two leaves the other
// awaiting and the sheet not approved. It returns how many contacts it
// approved; ids outside the viewer's reach are ignored.
func (s *Store) ApproveContacts(ctx context.Context, v access.Viewer, eventIDs []int64, on time.Time) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			UPDATE events e SET approval = 'approved', approved_on = $3
			FROM case_assignments a
			JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $3::date
			JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $3::date AND s.supervisor_id = $2
			WHERE e.id = ANY($1) AND `+contactAwaitingSQL("e", "$3::date")+` AND a.case_id = e.case_id AND a.during @> $3::date
			RETURNING e.id, e.case_id`, eventIDs, v.PersonID, on)
		if err != nil {
			return err
		}
		cases := map[int64]bool{}
		var approved []int64
		var id, caseID int64
		if _, err := pgx.ForEachRow(rows, []any{&id, &caseID}, func() error {
			approved = append(approved, id)
			cases[caseID] = true
			return nil
		}); err != nil {
			return err
		}
		n = len(approved)
		if n == 0 {
			return nil
		}
		rows, err = tx.Query(ctx, `
			INSERT INTO events (case_id, kind, occurred_on, recorded_by, recorded_at, approval)
			SELECT c, 'contact_sheet_approved', $2, $3, now(), 'not_required' FROM unnest($1::bigint[]) AS c
			WHERE NOT EXISTS (SELECT 1 FROM events p WHERE p.case_id = c AND `+contactAwaitingSQL("p", "$2::date")+`)
			RETURNING case_id`,
			keys(cases), on, v.PersonID)
		if err != nil {
			return err
		}
		sheets, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		slices.Sort(sheets)
		return audit(ctx, tx, v, AuditEntry{Action: "approved", Entity: "contacts", EntityID: fmt.Sprint(len(approved)),
			Detail: map[string]any{"events": approved, "cases": keys(cases), "sheets_approved": sheets}})
	})
	if err != nil {
		return 0, fmt.Errorf("ApproveContacts: %w", err)
	}
	return n, nil
}
