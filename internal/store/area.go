package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
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

// EmergentRequest is domain.EmergentRequest: what the store returns and the views take.
type EmergentRequest = domain.EmergentRequest

// EmergentQueueLimit bounds the queue shown on one page.
const EmergentQueueLimit = 50

// emergentSQL selects the requests matching where (over e), with the day
// each was held; $1 is the agency's zone. Open ones first, oldest first;
// then the latest held.
func emergentSQL(where string) string {
	return `
		SELECT e.id, e.case_id, c.case_number, c.family_name, coalesce(p.full_name, '') AS requested_by, coalesce(p.role, '') AS role, cs.full_name AS asked_of,
		       e.reason, e.details, e.requested_at, e.answered_at, e.answer,
		       CASE WHEN rv.held_on IS NOT NULL AND (h.recorded IS NULL OR rv.held_on < h.recorded) THEN rv.held_on ELSE h.recorded END AS held_on,
		       CASE WHEN rv.held_on IS NOT NULL AND (h.recorded IS NULL OR rv.held_on < h.recorded) THEN rv.id END AS review_id
		FROM emergent_requests e
		LEFT JOIN people p ON p.id = e.requested_by -- none: imported without who asked
		JOIN people cs ON cs.id = e.casework_supervisor_id
		LEFT JOIN cases c ON c.id = e.case_id
		CROSS JOIN LATERAL (SELECT coalesce(e.held_on, (e.answered_at AT TIME ZONE $1)::date) AS recorded) h
		LEFT JOIN LATERAL (
		    SELECT k.id, k.held_on FROM discussed_cases dc
		    JOIN conferences k ON k.id = dc.conference_id AND k.kind = 'casework_review' AND k.status <> ` + draftSQL + `
		    WHERE dc.case_id = e.case_id AND k.casework_supervisor_id = e.casework_supervisor_id
		      AND k.held_on >= (e.requested_at AT TIME ZONE $1)::date
		    ORDER BY k.held_on, k.id LIMIT 1
		) rv ON true
		WHERE ` + where + `
		ORDER BY (rv.held_on IS NOT NULL OR h.recorded IS NOT NULL),
		         CASE WHEN rv.held_on IS NULL AND h.recorded IS NULL THEN e.requested_at END,
		         coalesce(e.answered_at, e.requested_at) DESC, e.id DESC
		LIMIT $3`
}

// EmergentQueue lists the emergent requests addressed to the viewer (a
// casework supervisor), open ones first and oldest first; zone is the
// agency's time zone, in which days are counted.
func (s *Store) EmergentQueue(ctx context.Context, v access.Viewer, zone string) ([]EmergentRequest, error) {
	rows, err := s.pool.Query(ctx, emergentSQL(`e.casework_supervisor_id = $2`), zone, v.PersonID, EmergentQueueLimit)
	if err != nil {
		return nil, fmt.Errorf("EmergentQueue: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[EmergentRequest])
}

// MyEmergentRequests lists the requests the viewer made, with their answers:
// the one who asked sees what became of it.
func (s *Store) MyEmergentRequests(ctx context.Context, v access.Viewer, zone string) ([]EmergentRequest, error) {
	rows, err := s.pool.Query(ctx, emergentSQL(`e.requested_by = $2`), zone, v.PersonID, 20)
	if err != nil {
		return nil, fmt.Errorf("MyEmergentRequests: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[EmergentRequest])
}

// AnswerRequest records the casework supervisor's answer to a request
// addressed to them, with the day the conference was held. An answered
// request keeps its first answer.
func (s *Store) AnswerRequest(ctx context.Context, v access.Viewer, id int64, answer string, heldOn, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE emergent_requests SET answered_at = $5, answered_by = $2, answer = $3, held_on = $4
			WHERE id = $1 AND casework_supervisor_id = $2 AND answered_at IS NULL`, id, v.PersonID, answer, heldOn, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return audit(ctx, tx, v, AuditEntry{Action: "answered", Entity: "emergent_request", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"text_sha256": digest(answer), "held_on": heldOn.Format(time.DateOnly)}})
	})
}

// RequestMadeOn returns the moment a request addressed to the viewer was
// made, or ErrNotFound.
func (s *Store) RequestMadeOn(ctx context.Context, v access.Viewer, id int64) (time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT requested_at FROM emergent_requests WHERE id = $1 AND casework_supervisor_id = $2`, id, v.PersonID).Scan(&at)
	return at, notFound(err)
}

// RequestAddressedTo reports whether an emergent request is the viewer's to answer.
func (s *Store) RequestAddressedTo(ctx context.Context, v access.Viewer, id int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM emergent_requests WHERE id = $1 AND casework_supervisor_id = $2)`, id, v.PersonID).Scan(&ok)
	return ok, err
}
