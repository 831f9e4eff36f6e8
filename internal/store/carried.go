package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// What is carried into a worker's next conference: the worker's own talking
// points, and the next steps of earlier conferences not yet done.

// TalkingPoint is domain.TalkingPoint: what the store returns and the views take.
type TalkingPoint = domain.TalkingPoint

// openPointsSQL: the worker's points not withdrawn and not taken up by a
// conference since signed.
var openPointsSQL = `
	SELECT t.id, t.case_id, c.case_number, c.family_name, t.body, t.written_at
	FROM talking_points t LEFT JOIN cases c ON c.id = t.case_id
	WHERE t.worker_id = $1 AND t.withdrawn_at IS NULL
	  AND (t.conference_id IS NULL OR EXISTS (SELECT 1 FROM conferences k WHERE k.id = t.conference_id AND k.status = ` + draftSQL + `))
	  AND ` + "%s" + `
	ORDER BY t.written_at, t.id LIMIT 50`

// takeUpPoints gives a new conference the worker's open talking points.
func takeUpPoints(ctx context.Context, tx pgx.Tx, workerID, conferenceID int64) error {
	_, err := tx.Exec(ctx, `UPDATE talking_points SET conference_id = $2
		WHERE worker_id = $1 AND withdrawn_at IS NULL AND conference_id IS NULL`, workerID, conferenceID)
	return err
}

// TalkingPoints lists a worker's open talking points for their next
// conference, to the worker and to those who reach them (their supervisor,
// the casework supervisor above).
func (s *Store) TalkingPoints(ctx context.Context, v access.Viewer, workerID int64, on time.Time) ([]TalkingPoint, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(openPointsSQL, reach("$1", "$2", "$3")), workerID, v.PersonID, on)
	if err != nil {
		return nil, fmt.Errorf("TalkingPoints: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[TalkingPoint])
}

// AddTalkingPoint records a talking point of the viewer (a worker), about
// one of their cases on the date or none (caseID 0), written at the moment
// given.
func (s *Store) AddTalkingPoint(ctx context.Context, v access.Viewer, caseID int64, body string, on, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO talking_points (worker_id, case_id, body, written_at)
			SELECT $1, NULLIF($2, 0), $3, $5
			WHERE $2 = 0 OR EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = $2 AND a.worker_id = $1 AND a.during @> $4::date)
			RETURNING id`, v.PersonID, caseID, body, on, at).Scan(&id)
		if err != nil {
			return notFound(mapWriteError(err))
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "talking_point", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"case": caseID, "text_sha256": digest(body)}})
	})
}

// WithdrawTalkingPoint withdraws one of the viewer's open talking points.
func (s *Store) WithdrawTalkingPoint(ctx context.Context, v access.Viewer, id int64, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE talking_points SET withdrawn_at = $3 WHERE id = $1 AND worker_id = $2 AND withdrawn_at IS NULL`, id, v.PersonID, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return audit(ctx, tx, v, AuditEntry{Action: "withdrawn", Entity: "talking_point", EntityID: fmt.Sprint(id)})
	})
}

// OpenStep is domain.OpenStep: what the store returns and the views take.
type OpenStep = domain.OpenStep

// OpenSteps lists the open next steps of the signed supervision conferences
// with a worker, oldest due first, within the viewer's reach.
func (s *Store) OpenSteps(ctx context.Context, v access.Viewer, workerID int64, on time.Time) ([]OpenStep, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT n.id, n.description, p.full_name AS owner_name, n.due_on, k.held_on, c.case_number, c.family_name
		FROM conferences k
		JOIN next_steps n ON n.conference_id = k.id AND n.done_on IS NULL
		JOIN people p ON p.id = n.owner_id
		LEFT JOIN cases c ON c.id = n.case_id
		WHERE k.kind = 'supervision' AND k.worker_id = $1 AND k.status <> `+draftSQL+` AND `+reach("$1", "$2", "$3")+`
		ORDER BY n.due_on, n.id LIMIT 100`, workerID, v.PersonID, on)
	if err != nil {
		return nil, fmt.Errorf("OpenSteps: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[OpenStep])
}
