package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DigestAgency is the whole agency's digest data on a date, for the
// notifier's daily run: the agency's facts in one load (as AgencyFacts,
// the state-wide path: docs/performance.md), every unit in post with the
// casework supervisor its supervisor reports to, and the rest of
// DigestArea for everyone. The notifier splits it along those same rows of
// the hierarchy, area by area, so each person's digest holds what their
// place reaches; the per-area load (DigestAreaOf) gives the same digests,
// a test checks, at a query set per area.
type DigestAgency struct {
	DigestArea
	// AreaOf: each unit's casework supervisor on the date (0: none).
	AreaOf map[int64]int64 // unit id -> casework supervisor id
	// Requests: the unanswered emergent requests' dates, by casework
	// supervisor.
	Requests map[int64][]time.Time
}

// DigestAgency loads the agency's digest data. It is the notifier's, a
// process of the agency's own and no person's: it takes no viewer, and
// nothing it returns reaches a page.
func (s *Store) DigestAgency(ctx context.Context, on, monthStart, stepsUntil time.Time) (*DigestAgency, error) {
	d := &DigestAgency{DigestArea: DigestArea{People: map[int64]*DigestPerson{}, PendingByCase: map[string]int{},
		Shared: map[int64][]SharedRecord{}, Steps: map[int64][]StepDue{}, Held: map[int64][]HeldMessage{}},
		AreaOf: map[int64]int64{}, Requests: map[int64][]time.Time{}}
	var err error
	if d.Facts, err = s.agencyFacts(ctx, on); err != nil {
		return nil, fmt.Errorf("DigestAgency: %w", err)
	}
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT u.id, u.name, o.name, p.id, p.full_name, coalesce(r.casework_supervisor_id, 0)
			FROM unit_supervisors us
			JOIN units u ON u.id = us.unit_id
			JOIN offices o ON o.id = u.office_id
			JOIN people p ON p.id = us.supervisor_id
			LEFT JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $1::date
			WHERE us.during @> $1::date
			ORDER BY o.name, u.name`, on)
		if err != nil {
			return err
		}
		var u AreaUnit
		var cws int64
		if _, err := pgx.ForEachRow(rows, []any{&u.UnitID, &u.UnitName, &u.OfficeName, &u.SupervisorID, &u.SupervisorName, &cws}, func() error {
			d.Units = append(d.Units, u)
			d.AreaOf[u.UnitID] = cws
			return nil
		}); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT m.worker_id, m.unit_id, us.supervisor_id
			FROM unit_members m JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $1::date
			WHERE m.during @> $1::date ORDER BY m.unit_id, m.worker_id`, on)
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
		// The fact ids of staff and cases, for the links and the split.
		d.IDs = FactIDs{People: map[string]int64{}, Cases: map[string]int64{}, Conferences: map[string]int64{}}
		rows, err = tx.Query(ctx, `SELECT p.id, `+factStaffID+` FROM people p WHERE p.role <> 'administrator'`)
		if err != nil {
			return err
		}
		var id int64
		var fid string
		if _, err := pgx.ForEachRow(rows, []any{&id, &fid}, func() error { d.IDs.People[fid] = id; return nil }); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT id, case_number FROM cases WHERE closed IS NULL OR closed > $1`, on)
		if err != nil {
			return err
		}
		if _, err := pgx.ForEachRow(rows, []any{&id, &fid}, func() error { d.IDs.Cases[fid] = id; return nil }); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT casework_supervisor_id, (requested_at AT TIME ZONE (SELECT time_zone FROM agency))::date
			FROM emergent_requests WHERE answered_at IS NULL ORDER BY requested_at`)
		if err != nil {
			return err
		}
		var at time.Time
		if _, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error { d.Requests[id] = append(d.Requests[id], at); return nil }); err != nil {
			return err
		}
		// The rest as for one area, for every worker in post.
		saved := d.Facts
		var areas []int64
		for _, c := range d.AreaOf {
			if c != 0 {
				areas = append(areas, c)
			}
		}
		if err := loadDigestRest(ctx, tx, &d.DigestArea, areas, on, monthStart, stepsUntil); err != nil {
			return err
		}
		d.Facts = saved
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("DigestAgency: %w", err)
	}
	return d, nil
}
