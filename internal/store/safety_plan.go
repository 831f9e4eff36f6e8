package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// RecordSafetyPlan sets the dates of the Safety Protection Plan of a case the
// viewer supervises: its start, and its end (nil: not yet satisfied). The
// audit entry keeps the dates before and after, so a plan replaced by a new
// one is not lost.
func (s *Store) RecordSafetyPlan(ctx context.Context, v access.Viewer, caseID int64, start time.Time, end *time.Time, today time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT `+supervisesCaseSQL, caseID, v.PersonID, today).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		var beforeStart, beforeEnd *time.Time
		if err := tx.QueryRow(ctx, `
			WITH old AS (SELECT safety_plan_start, safety_plan_end FROM cases WHERE id = $1 FOR UPDATE)
			UPDATE cases c SET safety_plan_start = $2, safety_plan_end = $3 FROM old WHERE c.id = $1
			RETURNING old.safety_plan_start, old.safety_plan_end`, caseID, start, end).Scan(&beforeStart, &beforeEnd); err != nil {
			return fmt.Errorf("RecordSafetyPlan: %w", err)
		}
		day := func(t *time.Time) any {
			if t == nil {
				return nil
			}
			return t.Format(time.DateOnly)
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "safety_plan", EntityID: fmt.Sprint(caseID),
			Detail: map[string]any{"case": caseID,
				"before": map[string]any{"start": day(beforeStart), "end": day(beforeEnd)},
				"after":  map[string]any{"start": start.Format(time.DateOnly), "end": day(end)}}})
	})
}
