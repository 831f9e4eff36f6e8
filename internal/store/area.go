package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// AreaMember places a worker in a unit of the area.
type AreaMember struct {
	WorkerID     int64
	UnitID       int64
	SupervisorID int64
}

// AreaFacts loads, for a casework supervisor, the facts of every unit whose
// supervisor reports to them on the date, in the same fixed set of queries
// as one unit, and where each worker sits: what the engine sees of the whole
// area at once. The area page composes its units' own evaluations instead;
// a test checks the two agree.
func (s *Store) AreaFacts(ctx context.Context, v access.Viewer, on time.Time) (rules.Facts, FactIDs, []AreaMember, error) {
	var f rules.Facts
	var ids FactIDs
	var members []AreaMember
	if !v.Is(access.CaseworkSupervisor) {
		return f, ids, nil, ErrNotFound
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT m.worker_id, m.unit_id, us.supervisor_id
			FROM supervisor_reports r
			JOIN unit_supervisors us ON us.supervisor_id = r.supervisor_id AND us.during @> $2::date
			JOIN unit_members m ON m.unit_id = us.unit_id AND m.during @> $2::date
			WHERE r.casework_supervisor_id = $1 AND r.during @> $2::date
			ORDER BY m.unit_id, m.worker_id`, v.PersonID, on)
		if err != nil {
			return err
		}
		var m AreaMember
		if _, err := pgx.ForEachRow(rows, []any{&m.WorkerID, &m.UnitID, &m.SupervisorID}, func() error {
			members = append(members, m)
			return nil
		}); err != nil {
			return err
		}
		workers := make([]int64, len(members))
		for i, m := range members {
			workers[i] = m.WorkerID
		}
		f, ids, err = loadFacts(ctx, tx, workers, on)
		return err
	})
	if err != nil {
		return f, ids, nil, fmt.Errorf("AreaFacts: %w", err)
	}
	return f, ids, members, nil
}

// EmergentRequest is one request in the casework supervisor's queue.
type EmergentRequest struct {
	ID          int64      `db:"id"`
	CaseID      *int64     `db:"case_id"`
	CaseNumber  *string    `db:"case_number"`
	FamilyName  *string    `db:"family_name"`
	RequestedBy string     `db:"requested_by"`
	Role        string     `db:"role"`
	Reason      string     `db:"reason"`
	Details     string     `db:"details"`
	RequestedAt time.Time  `db:"requested_at"`
	AnsweredAt  *time.Time `db:"answered_at"`
	Answer      *string    `db:"answer"`
}

// EmergentQueueLimit bounds the queue shown on one page.
const EmergentQueueLimit = 50

// EmergentQueue lists the requests addressed to the viewer: the unanswered
// ones, oldest first, then the latest answered.
func (s *Store) EmergentQueue(ctx context.Context, v access.Viewer) ([]EmergentRequest, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.case_id, c.case_number, c.family_name, p.full_name AS requested_by, p.role,
		       e.reason, e.details, e.requested_at, e.answered_at, e.answer
		FROM emergent_requests e
		JOIN people p ON p.id = e.requested_by
		LEFT JOIN cases c ON c.id = e.case_id
		WHERE e.casework_supervisor_id = $1
		ORDER BY e.answered_at IS NOT NULL, CASE WHEN e.answered_at IS NULL THEN e.requested_at END, e.answered_at DESC
		LIMIT $2`, v.PersonID, EmergentQueueLimit)
	if err != nil {
		return nil, fmt.Errorf("EmergentQueue: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[EmergentRequest])
}

// AnswerRequest records the casework supervisor's answer to a request
// addressed to them. An answered request keeps its first answer.
func (s *Store) AnswerRequest(ctx context.Context, v access.Viewer, id int64, answer string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE emergent_requests SET answered_at = now(), answered_by = $2, answer = $3
			WHERE id = $1 AND casework_supervisor_id = $2 AND answered_at IS NULL`, id, v.PersonID, answer)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return audit(ctx, tx, v, AuditEntry{Action: "answered", Entity: "emergent_request", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"text_sha256": digest(answer)}})
	})
}

// RequestAddressedTo reports whether an emergent request is the viewer's to answer.
func (s *Store) RequestAddressedTo(ctx context.Context, v access.Viewer, id int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM emergent_requests WHERE id = $1 AND casework_supervisor_id = $2)`, id, v.PersonID).Scan(&ok)
	return ok, err
}
