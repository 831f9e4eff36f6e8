package store

import (
	"context"
	"fmt"
	"github.com/casework/casework/internal/domain"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// RecordMVRReview records that the viewer, the worker's supervisor on the
// date, reviewed the worker's MVR compliance (visits against the visit
// plans) on that date, with a note: the record that meets rule
// mvr.review_monthly for the date's calendar month (docs/rules.md). Kept
// for good (migration 000101); ErrNotFound unless the viewer supervises
// the worker on the date.
func (s *Store) RecordMVRReview(ctx context.Context, v access.Viewer, workerID int64, on time.Time, note string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO mvr_reviews (worker_id, reviewed_by, reviewed_on, note, recorded_at)
			SELECT $1, $2, $3, $4, now()
			WHERE EXISTS (SELECT 1 FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $3::date
			              WHERE m.worker_id = $1 AND m.during @> $3::date AND s.supervisor_id = $2)
			RETURNING id`, workerID, v.PersonID, on, note).Scan(&id)
		if err != nil {
			return notFound(mapWriteError(err))
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "mvr_review", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"worker": workerID, "reviewed_on": on.Format(time.DateOnly), "text_sha256": digest(note)}})
	})
}

// MVRReview is domain.MVRReview.
type MVRReview = domain.MVRReview

// MVRReviews lists the latest reviews of a worker's visit plans the viewer
// may see (the worker's supervisor or the casework supervisor over them on
// the date, as the worker page), newest first.
func (s *Store) MVRReviews(ctx context.Context, v access.Viewer, workerID int64, on time.Time, limit int) ([]MVRReview, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.reviewed_on, p.full_name, r.note FROM mvr_reviews r JOIN people p ON p.id = r.reviewed_by
		WHERE r.worker_id = $1 AND r.reviewed_on <= $3 AND EXISTS (
		    SELECT 1 FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $3::date
		    WHERE m.worker_id = $1 AND m.during @> $3::date AND (s.supervisor_id = $2 OR EXISTS (
		        SELECT 1 FROM supervisor_reports sr WHERE sr.supervisor_id = s.supervisor_id
		          AND sr.casework_supervisor_id = $2 AND sr.during @> $3::date)))
		ORDER BY r.reviewed_on DESC, r.id DESC LIMIT $4`, workerID, v.PersonID, on, limit)
	if err != nil {
		return nil, fmt.Errorf("MVRReviews: %w", err)
	}
	var out []MVRReview
	var m MVRReview
	_, err = pgx.ForEachRow(rows, []any{&m.ReviewedOn, &m.By, &m.Note}, func() error { out = append(out, m); return nil })
	if err != nil {
		return nil, fmt.Errorf("MVRReviews: %w", err)
	}
	return out, nil
}
