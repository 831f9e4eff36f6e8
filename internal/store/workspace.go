package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
	"github.com/casework/casework/internal/rules"
)

// reachSQL is the one access rule for a worker's data, as a SQL condition on
// a worker id ($W) for the viewer ($V) on a date ($D): the worker themself,
// the supervisor of the worker's unit, or the casework supervisor that
// supervisor reports to, all on that date. Every query that returns a
// worker's cases or conferences applies it.
const reachSQL = `(
    $W = $V
    OR EXISTS (
        SELECT 1 FROM unit_members rm
        JOIN unit_supervisors rs ON rs.unit_id = rm.unit_id AND rs.during @> $D::date
        WHERE rm.worker_id = $W AND rm.during @> $D::date
          AND (rs.supervisor_id = $V OR EXISTS (
              SELECT 1 FROM supervisor_reports rr
              WHERE rr.supervisor_id = rs.supervisor_id AND rr.casework_supervisor_id = $V AND rr.during @> $D::date))))`

// reach returns reachSQL with the placeholders given, e.g. reach("a.worker_id", "$1", "$2").
func reach(worker, viewer, date string) string {
	r := []byte(reachSQL)
	out := make([]byte, 0, len(r)+64)
	for i := 0; i < len(r); i++ {
		if r[i] == '$' && i+1 < len(r) {
			switch r[i+1] {
			case 'W':
				out = append(out, worker...)
				i++
				continue
			case 'V':
				out = append(out, viewer...)
				i++
				continue
			case 'D':
				out = append(out, date...)
				i++
				continue
			}
		}
		out = append(out, r[i])
	}
	return string(out)
}

// WorkerSummary is domain.WorkerSummary: what the store returns and the views take.
type WorkerSummary = domain.WorkerSummary

// Worker returns a worker within the viewer's reach on the date (their
// supervisor or casework supervisor, or the worker themself).
func (s *Store) Worker(ctx context.Context, v access.Viewer, workerID int64, on time.Time) (WorkerSummary, error) {
	// The worker's post and its supervisor are looked up row by row
	// (LATERAL ... OFFSET 0): in a generic plan `during @> $3` looks like it
	// matches one row, and PostgreSQL joined every unit's supervisor first.
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.full_name, p.email, p.experience_start, u.id AS unit_id, u.name AS unit_name,
		       lower(m.during) AS since, sp.id AS supervisor_id, sp.full_name AS supervisor_name,
		       `+stampOf("ARRAY(SELECT unit_id FROM unit_members WHERE worker_id = p.id)")+` AS stamp
		FROM people p
		CROSS JOIN LATERAL (SELECT m.unit_id, m.during FROM unit_members m
		                    WHERE m.worker_id = p.id AND m.during @> $3::date OFFSET 0) m
		JOIN units u ON u.id = m.unit_id
		CROSS JOIN LATERAL (SELECT us.supervisor_id FROM unit_supervisors us
		                    WHERE us.unit_id = m.unit_id AND us.during @> $3::date OFFSET 0) us
		JOIN people sp ON sp.id = us.supervisor_id
		WHERE p.id = $1 AND p.role = 'worker' AND `+reach("p.id", "$2", "$3"), workerID, v.PersonID, on)
	if err != nil {
		return WorkerSummary{}, fmt.Errorf("Worker: %w", err)
	}
	w, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[WorkerSummary])
	return w, notFound(err)
}

// CaseRef is domain.CaseRef: what the store returns and the views take.
type CaseRef = domain.CaseRef

// readUnitCases names the open cases of a unit's workers on the date, by
// case number, for the dashboard's lists. The caller checked the reach.
func readUnitCases(ctx context.Context, tx pgx.Tx, unitID int64, on time.Time) (map[string]CaseRef, error) {
	out := map[string]CaseRef{}
	rows, err := tx.Query(ctx, `
		SELECT c.id, c.case_number, c.family_name,
		       (SELECT count(*) FROM events e WHERE e.case_id = c.id AND `+contactAwaitingSQL("e", "$2::date")+`)
		FROM unit_members m
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $2::date
		JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
		WHERE m.unit_id = $1 AND m.during @> $2::date`, unitID, on)
	if err != nil {
		return nil, err
	}
	var r CaseRef
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.Number, &r.FamilyName, &r.PendingContacts}, func() error {
		out[r.Number] = r
		return nil
	})
	return out, err
}

// ConferenceSummary is domain.ConferenceSummary: what the store returns and the views take.
type ConferenceSummary = domain.ConferenceSummary

// WorkerConferences lists the latest supervision conferences with a worker,
// newest first, at most limit. The worker sees only those shared with them.
func (s *Store) WorkerConferences(ctx context.Context, v access.Viewer, workerID int64, on time.Time, limit int) ([]ConferenceSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT k.id, k.kind, k.held_on, k.status,
		       (SELECT count(*) FROM discussed_cases cc WHERE cc.conference_id = k.id) AS cases,
		       k.entered_at, k.signed_at, k.shared_at, sp.full_name AS with_name
		FROM conferences k
		JOIN people sp ON sp.id = k.supervisor_id
		WHERE k.kind = 'supervision' AND k.worker_id = $1 AND `+reach("$1", "$2", "$3")+`
		  AND ($2 <> $1 OR k.status IN `+recipientReadsSQL+`)
		ORDER BY k.held_on DESC, k.id DESC
		LIMIT $4`, workerID, v.PersonID, on, limit)
	if err != nil {
		return nil, fmt.Errorf("WorkerConferences: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ConferenceSummary])
}

// WorkerFacts loads the facts of one worker (their open cases, the staff
// above them and the conferences that count) for the rules engine, within
// the viewer's reach.
func (s *Store) WorkerFacts(ctx context.Context, v access.Viewer, workerID int64, on time.Time) (rules.Facts, FactIDs, error) {
	var f rules.Facts
	var ids FactIDs
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1 AND role = 'worker') AND `+reach("$1", "$2", "$3"),
			workerID, v.PersonID, on).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		var err error
		f, ids, err = loadFacts(ctx, tx, []int64{workerID}, on)
		return err
	})
	if err != nil {
		return rules.Facts{}, FactIDs{}, fmt.Errorf("WorkerFacts(%d): %w", workerID, err)
	}
	return f, ids, nil
}

// WorkerCases names a worker's open cases on the date, by case number, within
// the viewer's reach, and records that the viewer was shown them (the worker
// page, the agenda and the conference form list them): each case's access
// list then names the viewer.
func (s *Store) WorkerCases(ctx context.Context, v access.Viewer, workerID int64, on time.Time) (map[string]CaseRef, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.case_number, c.family_name,
		       (SELECT count(*) FROM events e WHERE e.case_id = c.id AND `+contactAwaitingSQL("e", "$3::date")+`)
		FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $3)
		WHERE a.worker_id = $1 AND a.during @> $3::date AND `+reach("$1", "$2", "$3"), workerID, v.PersonID, on)
	if err != nil {
		return nil, fmt.Errorf("WorkerCases: %w", err)
	}
	out := map[string]CaseRef{}
	var r CaseRef
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.Number, &r.FamilyName, &r.PendingContacts}, func() error {
		out[r.Number] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("WorkerCases: %w", err)
	}
	shown := make([]int64, 0, len(out))
	for _, c := range out {
		shown = append(shown, c.ID)
	}
	slices.Sort(shown)
	err = s.views.append(ctx, v, AuditEntry{Action: "viewed", Entity: "caseload", EntityID: fmt.Sprint(workerID), Detail: map[string]any{"cases": shown}})
	return out, err
}

// RecordDates is when a supervision conference was held, and when its record
// was entered and signed: what the documentation deadline is measured on.
type RecordDates struct {
	WorkerID  int64
	HeldOn    time.Time
	EnteredAt time.Time
	Signed    bool
}

// readUnitRecords lists the supervision conferences of a unit's workers held
// since a date, and every draft whatever its age, in one query. The caller
// checked the reach.
func readUnitRecords(ctx context.Context, tx pgx.Tx, unitID int64, on, since time.Time) ([]RecordDates, error) {
	rows, err := tx.Query(ctx, `
		SELECT k.worker_id, k.held_on, k.entered_at, k.status <> `+draftSQL+`
		FROM unit_members m JOIN conferences k ON k.worker_id = m.worker_id AND k.kind = 'supervision'
		WHERE m.unit_id = $1 AND m.during @> $2::date AND (k.held_on >= $3 OR k.status = `+draftSQL+`)
		ORDER BY k.worker_id, k.held_on`, unitID, on, since)
	if err != nil {
		return nil, err
	}
	var out []RecordDates
	var r RecordDates
	_, err = pgx.ForEachRow(rows, []any{&r.WorkerID, &r.HeldOn, &r.EnteredAt, &r.Signed}, func() error {
		out = append(out, r)
		return nil
	})
	return out, err
}
