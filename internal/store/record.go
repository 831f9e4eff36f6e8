package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/fault"
)

// ErrConflict means the change collides with data already there (a risk
// level already recorded that day, a draft saved by someone else meanwhile).
var ErrConflict = fault.ErrConflict

// supervisesCaseSQL: the viewer ($2) supervises, on the date ($3), the unit
// of the worker the case ($1) is assigned to. Recording on a case is the
// supervisor's work (product brief: records risk changes, sets visit
// schedules, approves contact sheets).
const supervisesCaseSQL = `EXISTS (
    SELECT 1 FROM case_assignments a
    JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $3::date
    JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $3::date
    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $3)
    WHERE a.case_id = $1 AND a.during @> $3::date AND s.supervisor_id = $2)`

// RecordEvent records an event on a case the viewer supervises, with the
// audit entry, in one transaction. Contacts (visits and collateral contacts)
// start as awaiting approval.
func (s *Store) RecordEvent(ctx context.Context, v access.Viewer, caseID int64, kind string, on, today time.Time) error {
	approval := "not_required"
	switch kind {
	case "child_visit", "parent_visit", "sibling_visit", "provider_visit", "collateral_contact":
		approval = "pending"
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT `+supervisesCaseSQL, caseID, v.PersonID, today).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO events (case_id, kind, occurred_on, recorded_by, recorded_at, documented_on, approval)
			VALUES ($1, $2, $3, $4, now(), CASE WHEN $5 = 'pending' THEN $3::date END, $5) RETURNING id`,
			caseID, kind, on, v.PersonID, approval).Scan(&id)
		if err != nil {
			return fmt.Errorf("RecordEvent: %w", err)
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "event", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"case": caseID, "after": map[string]any{"kind": kind, "on": on.Format(time.DateOnly)}}})
	})
}

// RecordRisk records a risk assessment on a case the viewer supervises. A
// second level on the same day is a conflict: history is kept, not rewritten.
func (s *Store) RecordRisk(ctx context.Context, v access.Viewer, caseID int64, level string, on, today time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT `+supervisesCaseSQL, caseID, v.PersonID, today).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		var before *string
		_ = tx.QueryRow(ctx, `SELECT level FROM risk_assessments WHERE case_id = $1 AND assessed_on <= $2 ORDER BY assessed_on DESC LIMIT 1`, caseID, on).Scan(&before)
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, now()) RETURNING id`, caseID, level, on, v.PersonID).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return ErrConflict
		}
		if err != nil {
			return fmt.Errorf("RecordRisk: %w", err)
		}
		if err := enqueueNewlyHighRisk(ctx, tx, []int64{caseID}, on); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "risk_assessment", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"case": caseID, "before": before, "after": map[string]any{"level": level, "on": on.Format(time.DateOnly)}}})
	})
}

// SupervisesCase reports whether the viewer may record on the case today.
func (s *Store) SupervisesCase(ctx context.Context, v access.Viewer, caseID int64, today time.Time) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT `+supervisesCaseSQL, caseID, v.PersonID, today).Scan(&ok)
	return ok, err
}
