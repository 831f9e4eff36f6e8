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

// RecordMVR sets the visit plan (minimum visitation requirement) of a case the
// viewer supervises from a date: visits a calendar month with the child, the
// parents and the placement provider. A plan from the same date is
// corrected; an earlier one is kept (it held until this date). When the
// case has no mvr_established event yet, one is recorded on the date: the
// schedule was set then. Audited with the counts before and after.
func (s *Store) RecordMVR(ctx context.Context, v access.Viewer, caseID int64, from time.Time, child, parents, provider int, today time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT `+supervisesCaseSQL, caseID, v.PersonID, today).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		var before map[string]any
		var bc, bp, bv *int
		_ = tx.QueryRow(ctx, `SELECT child, parents, provider FROM case_mvr WHERE case_id = $1 AND from_on = $2`, caseID, from).Scan(&bc, &bp, &bv)
		if bc != nil {
			before = map[string]any{"child": *bc, "parents": *bp, "provider": *bv}
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_by, set_at)
			VALUES ($1, $2, $3, $4, $5, $6, now())
			ON CONFLICT (case_id, from_on) DO UPDATE SET child = EXCLUDED.child, parents = EXCLUDED.parents,
			    provider = EXCLUDED.provider, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at
			RETURNING id`, caseID, from, child, parents, provider, v.PersonID).Scan(&id); err != nil {
			return fmt.Errorf("RecordMVR: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO events (case_id, kind, occurred_on, recorded_by, recorded_at, approval)
			SELECT $1, 'mvr_established', $2, $3, now(), 'not_required'
			WHERE NOT EXISTS (SELECT 1 FROM events WHERE case_id = $1 AND kind = 'mvr_established')`, caseID, from, v.PersonID); err != nil {
			return fmt.Errorf("RecordMVR: %w", err)
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "visit_plan", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"case": caseID, "before": before,
				"after": map[string]any{"from": from.Format(time.DateOnly), "child": child, "parents": parents, "provider": provider}}})
	})
}
