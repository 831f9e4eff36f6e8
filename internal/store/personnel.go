package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// Performance notes are the personnel side (seed 002: filed in the
// caseworker's personnel file; seed 003: never in the client's case record).
// They are read only here, never joined to a case, and shown to their author,
// the worker concerned, and the casework supervisor over the author.

// PerformanceNote is domain.PerformanceNote: what the store returns and the views take.
type PerformanceNote = domain.PerformanceNote

// PerformanceAreas is domain.PerformanceAreas.
var PerformanceAreas = domain.PerformanceAreas

const notesReachSQL = `(n.author_id = $2 OR n.worker_id = $2 OR EXISTS (
    SELECT 1 FROM supervisor_reports r WHERE r.supervisor_id = n.author_id AND r.casework_supervisor_id = $2 AND r.during @> $3::date))`

// PerformanceNotes lists the notes on a worker the viewer may read, newest
// first, at most limit, and records the view.
func (s *Store) PerformanceNotes(ctx context.Context, v access.Viewer, workerID int64, on time.Time, limit int) ([]PerformanceNote, error) {
	var notes []PerformanceNote
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		rows, err := tx.Query(ctx, `
			SELECT n.id, n.worker_id, p.full_name AS author_name, n.written_on, n.area, n.body
			FROM performance_notes n JOIN people p ON p.id = n.author_id
			WHERE n.worker_id = $1 AND `+notesReachSQL+`
			ORDER BY n.written_on DESC, n.id DESC LIMIT $4`, workerID, v.PersonID, on, limit)
		if err != nil {
			return AuditEntry{}, err
		}
		if notes, err = pgx.CollectRows(rows, pgx.RowToStructByName[PerformanceNote]); err != nil {
			return AuditEntry{}, err
		}
		return AuditEntry{Action: "viewed", Entity: "performance_note", EntityID: fmt.Sprint(workerID), Detail: map[string]any{"notes": len(notes)}}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("PerformanceNotes: %w", err)
	}
	return notes, nil
}

// AddPerformanceNote files a note on one of the viewer's own workers.
func (s *Store) AddPerformanceNote(ctx context.Context, v access.Viewer, workerID int64, on time.Time, area, body string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO performance_notes (worker_id, author_id, written_on, written_at, area, body)
			SELECT $1, $2, $3, now(), $4, $5
			WHERE EXISTS (SELECT 1 FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $3::date
			              WHERE m.worker_id = $1 AND m.during @> $3::date AND s.supervisor_id = $2)
			RETURNING id`, workerID, v.PersonID, on, area, body).Scan(&id)
		if err != nil {
			return notFound(mapWriteError(err))
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "performance_note", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"worker": workerID, "area": area, "text_sha256": digest(body)}})
	})
}
