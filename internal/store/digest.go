package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// DigestPerson is a person a digest may go to, with their choices.
type DigestPerson struct {
	Recipient
	UnitID int64             // the unit a supervisor leads or a worker belongs to
	Choice map[string]string // kind -> choice
}

// SharedRecord is a record shared with a worker and not yet acknowledged.
type SharedRecord struct {
	ConferenceID int64
	HeldOn       time.Time
}

// StepDue is an open next step of a worker, due within the digest's window.
// Its description is text typed in a conference, so it is not read here.
type StepDue struct {
	DueOn      time.Time
	CaseNumber string // "" when the step names no case still the worker's
}

// HeldMessage is a message whose person takes its kind in the digest.
type HeldMessage struct {
	ID     int64
	Kind   string
	Params json.RawMessage
}

// DigestArea is what a casework supervisor's area's digests are composed
// from: the area's facts (one load, as AreaFacts), its units, its people
// with their choices, and the few things the rules do not hold (pending
// contacts, records, requests, shared records, next steps, held messages).
// A fixed number of queries, whatever the area's size.
type DigestArea struct {
	Facts   rules.Facts
	IDs     FactIDs
	Members []AreaMember
	Units   []AreaUnit
	People  map[int64]*DigestPerson
	// PendingByCase: contacts awaiting approval, by case number.
	PendingByCase map[string]int
	Records       []RecordDates
	// OpenRequests: the casework supervisor's unanswered emergent requests
	// (their request ids and the dates asked).
	OpenRequests []time.Time
	Shared       map[int64][]SharedRecord
	Steps        map[int64][]StepDue
	Held         map[int64][]HeldMessage
}

// DigestCaseworkSupervisors lists the casework supervisors with an area on
// the date: one digest composition each.
func (s *Store) DigestCaseworkSupervisors(ctx context.Context, on time.Time) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT r.casework_supervisor_id FROM supervisor_reports r
		WHERE r.during @> $1::date ORDER BY 1`, on)
	if err != nil {
		return nil, fmt.Errorf("DigestCaseworkSupervisors: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// DigestAreaOf loads the area of the casework supervisor v on the date, in
// v's reach: the same area the area dashboard shows them. stepsUntil bounds
// the next steps read.
func (s *Store) DigestAreaOf(ctx context.Context, v access.Viewer, on, monthStart, stepsUntil time.Time) (*DigestArea, error) {
	if !v.Is(access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	d := &DigestArea{People: map[int64]*DigestPerson{}, PendingByCase: map[string]int{},
		Shared: map[int64][]SharedRecord{}, Steps: map[int64][]StepDue{}, Held: map[int64][]HeldMessage{}}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		if d.Units, err = readAreaUnits(ctx, tx, v, on); err != nil {
			return err
		}
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
			d.Members = append(d.Members, m)
			return nil
		}); err != nil {
			return err
		}
		return loadDigest(ctx, tx, d, v.PersonID, on, monthStart, stepsUntil)
	})
	if err != nil {
		return nil, fmt.Errorf("DigestAreaOf(%d): %w", v.PersonID, err)
	}
	return d, nil
}

// DigestLoneSupervisors lists the supervisors leading a unit on the date who
// report to no casework supervisor then: their units are in no area, and
// are composed on their own (DigestOwnUnit).
func (s *Store) DigestLoneSupervisors(ctx context.Context, on time.Time) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT us.supervisor_id FROM unit_supervisors us
		WHERE us.during @> $1::date AND NOT EXISTS (
		    SELECT 1 FROM supervisor_reports r WHERE r.supervisor_id = us.supervisor_id AND r.during @> $1::date)
		ORDER BY 1`, on)
	if err != nil {
		return nil, fmt.Errorf("DigestLoneSupervisors: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// DigestOwnUnit is DigestAreaOf for a supervisor v who reports to no
// casework supervisor: their own unit, in their own reach.
func (s *Store) DigestOwnUnit(ctx context.Context, v access.Viewer, on, monthStart, stepsUntil time.Time) (*DigestArea, error) {
	if !v.Is(access.Supervisor) {
		return nil, ErrNotFound
	}
	d := &DigestArea{People: map[int64]*DigestPerson{}, PendingByCase: map[string]int{},
		Shared: map[int64][]SharedRecord{}, Steps: map[int64][]StepDue{}, Held: map[int64][]HeldMessage{}}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var u AreaUnit
		err := tx.QueryRow(ctx, `
			SELECT u.id, u.name, o.name, p.id, p.full_name FROM unit_supervisors us
			JOIN units u ON u.id = us.unit_id JOIN offices o ON o.id = u.office_id JOIN people p ON p.id = us.supervisor_id
			WHERE us.supervisor_id = $1 AND us.during @> $2::date`, v.PersonID, on).Scan(&u.UnitID, &u.UnitName, &u.OfficeName, &u.SupervisorID, &u.SupervisorName)
		if err != nil {
			return notFound(err)
		}
		d.Units = []AreaUnit{u}
		rows, err := tx.Query(ctx, `SELECT worker_id, unit_id, $3::bigint FROM unit_members WHERE unit_id = $1 AND during @> $2::date ORDER BY worker_id`, u.UnitID, on, v.PersonID)
		if err != nil {
			return err
		}
		var m AreaMember
		if _, err := pgx.ForEachRow(rows, []any{&m.WorkerID, &m.UnitID, &m.SupervisorID}, func() error {
			d.Members = append(d.Members, m)
			return nil
		}); err != nil {
			return err
		}
		return loadDigest(ctx, tx, d, 0, on, monthStart, stepsUntil)
	})
	if err != nil {
		return nil, fmt.Errorf("DigestOwnUnit(%d): %w", v.PersonID, err)
	}
	return d, nil
}

// loadDigest reads the rest of a digest's data, for the units and members
// already in d: the facts, the people and their choices, and what the rules
// do not hold. cwsID is the area's casework supervisor (0: none).
func loadDigest(ctx context.Context, tx pgx.Tx, d *DigestArea, cwsID int64, on, monthStart, stepsUntil time.Time) error {
	var err error
	workers := make([]int64, len(d.Members))
	for i, m := range d.Members {
		workers[i] = m.WorkerID
	}
	if d.Facts, d.IDs, err = loadFacts(ctx, tx, workers, on); err != nil {
		return err
	}
	// The casework supervisor's unanswered emergent requests.
	rows, err := tx.Query(ctx, `
		SELECT (requested_at AT TIME ZONE (SELECT time_zone FROM agency))::date FROM emergent_requests
		WHERE casework_supervisor_id = $1 AND answered_at IS NULL ORDER BY requested_at`, cwsID)
	if err != nil {
		return err
	}
	if d.OpenRequests, err = pgx.CollectRows(rows, pgx.RowTo[time.Time]); err != nil {
		return err
	}
	return loadDigestRest(ctx, tx, d, []int64{cwsID}, on, monthStart, stepsUntil)
}

// loadDigestRest reads, for the members and units in d and the casework
// supervisors named, the people with their choices and what the rules do
// not hold: pending contacts, records, shared records, next steps, held
// messages. One query each.
func loadDigestRest(ctx context.Context, tx pgx.Tx, d *DigestArea, cws []int64, on, monthStart, stepsUntil time.Time) error {
	var err error
	var rows pgx.Rows
	workers := make([]int64, len(d.Members))
	for i, m := range d.Members {
		workers[i] = m.WorkerID
	}
	// The people: the casework supervisors, the units' supervisors, the
	// workers, with their choices.
	people := append(append([]int64{}, cws...), workers...)
	unitOf := map[int64]int64{}
	for _, u := range d.Units {
		people = append(people, u.SupervisorID)
		unitOf[u.SupervisorID] = u.UnitID
	}
	for _, m := range d.Members {
		unitOf[m.WorkerID] = m.UnitID
	}
	rows, err = tx.Query(ctx, `
			SELECT p.id, p.full_name, p.email, p.role, p.active,
			       coalesce((SELECT jsonb_object_agg(np.kind, np.choice) FROM notification_preferences np WHERE np.person_id = p.id), '{}')
			FROM people p WHERE p.id = ANY($1)`, people)
	if err != nil {
		return err
	}
	var r Recipient
	var choice map[string]string
	if _, err := pgx.ForEachRow(rows, []any{&r.PersonID, &r.Name, &r.Email, &r.Role, &r.Active, &choice}, func() error {
		d.People[r.PersonID] = &DigestPerson{Recipient: r, UnitID: unitOf[r.PersonID], Choice: choice}
		choice = nil
		return nil
	}); err != nil {
		return err
	}
	// Contacts awaiting approval, by case.
	rows, err = tx.Query(ctx, `
			SELECT c.case_number, count(*) FROM case_assignments a
			JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
			JOIN events e ON e.case_id = c.id AND `+contactAwaitingSQL("e", "$2::date")+`
			WHERE a.worker_id = ANY($1) AND a.during @> $2::date
			GROUP BY c.case_number`, workers, on)
	if err != nil {
		return err
	}
	var num string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&num, &n}, func() error { d.PendingByCase[num] = n; return nil }); err != nil {
		return err
	}
	// The workers' records of the month and every draft (as UnitRecords).
	rows, err = tx.Query(ctx, `
			SELECT k.worker_id, k.held_on, k.entered_at, k.status <> `+draftSQL+`
			FROM conferences k
			WHERE k.kind = 'supervision' AND k.worker_id = ANY($1) AND (k.held_on >= $2 OR k.status = `+draftSQL+`)
			ORDER BY k.worker_id, k.held_on`, workers, monthStart)
	if err != nil {
		return err
	}
	var rec RecordDates
	if _, err := pgx.ForEachRow(rows, []any{&rec.WorkerID, &rec.HeldOn, &rec.EnteredAt, &rec.Signed}, func() error {
		d.Records = append(d.Records, rec)
		return nil
	}); err != nil {
		return err
	}
	// Records shared with the workers and not yet acknowledged.
	rows, err = tx.Query(ctx, `
			SELECT k.worker_id, k.id, k.held_on FROM conferences k
			WHERE k.worker_id = ANY($1) AND k.status = `+sharedSQL+` ORDER BY k.worker_id, k.shared_at, k.id`, workers)
	if err != nil {
		return err
	}
	var wid int64
	var sr SharedRecord
	if _, err := pgx.ForEachRow(rows, []any{&wid, &sr.ConferenceID, &sr.HeldOn}, func() error {
		d.Shared[wid] = append(d.Shared[wid], sr)
		return nil
	}); err != nil {
		return err
	}
	// Open next steps due by stepsUntil (the case named only while it is
	// still the worker's, as on the worker's own page).
	rows, err = tx.Query(ctx, `
			SELECT n.owner_id, n.due_on, coalesce(c.case_number, '')
			FROM next_steps n
			JOIN conferences k ON k.id = n.conference_id AND k.status <> `+draftSQL+`
			LEFT JOIN cases c ON c.id = n.case_id AND EXISTS (
			    SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.worker_id = n.owner_id AND a.during @> $2::date)
			WHERE n.owner_id = ANY($1) AND n.done_on IS NULL AND n.due_on <= $3
			ORDER BY n.owner_id, n.due_on, n.id`, workers, on, stepsUntil)
	if err != nil {
		return err
	}
	var sd StepDue
	if _, err := pgx.ForEachRow(rows, []any{&wid, &sd.DueOn, &sd.CaseNumber}, func() error {
		d.Steps[wid] = append(d.Steps[wid], sd)
		return nil
	}); err != nil {
		return err
	}
	// Messages held for the digest.
	rows, err = tx.Query(ctx, `
			SELECT recipient_id, id, kind, params FROM outbox
			WHERE status = 'held' AND recipient_id = ANY($1) ORDER BY recipient_id, id`, people)
	if err != nil {
		return err
	}
	var h HeldMessage
	var params []byte
	_, err = pgx.ForEachRow(rows, []any{&wid, &h.ID, &h.Kind, &params}, func() error {
		h.Params = append(json.RawMessage(nil), params...)
		d.Held[wid] = append(d.Held[wid], h)
		return nil
	})
	return err
}
