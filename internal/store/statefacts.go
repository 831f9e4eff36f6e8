package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// AgencyFacts loads the whole agency's facts on a date straight into memory
// for the rules engine: every member of staff with their post, every case
// open on the date with its current worker and risk history, every held
// conference with the open cases it discussed, and every event on those
// cases up to the date. It is what `casework export facts` writes, without
// the JSON, for the state-wide evaluation (docs/performance.md): an agency's
// obligations in one pass. Administrators only, like the export; recorded
// in the audit log.
//
// The events (millions at state scale) are read in PostgreSQL's binary
// format and their kinds interned, so the load allocates little per row.
func (s *Store) AgencyFacts(ctx context.Context, v access.Viewer, on time.Time) (rules.Facts, error) {
	var f rules.Facts
	if !v.Is(access.Administrator) {
		return f, ErrNotFound
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		f = rules.Facts{AsOf: dateOf(on), Staff: []rules.Staff{}, Cases: []rules.Case{}, Conferences: []rules.Conference{}, Events: []rules.Event{}}
		if err := profileInForce(ctx, tx, on, &f); err != nil {
			return err
		}
		factID, err := agencyStaff(ctx, tx, on, &f)
		if err != nil {
			return fmt.Errorf("staff: %w", err)
		}
		caseNumber, err := agencyCases(ctx, tx, on, factID, &f)
		if err != nil {
			return fmt.Errorf("cases: %w", err)
		}
		if err := agencyConferences(ctx, tx, on, factID, caseNumber, &f); err != nil {
			return fmt.Errorf("conferences: %w", err)
		}
		return agencyEvents(ctx, tx, on, caseNumber, &f)
	})
	if err != nil {
		return rules.Facts{}, fmt.Errorf("AgencyFacts: %w", err)
	}
	// Recorded before the facts are handed over, in a transaction of its own:
	// an entry appended from a repeatable-read snapshot could not see the
	// chain's latest entries.
	err = s.Audit(ctx, v, AuditEntry{Action: "read_facts", Entity: "agency", Detail: map[string]any{
		"as_of": f.AsOf.String(), "profile": f.Profile, "run_by": runBy(v),
		"counts": map[string]int{"staff": len(f.Staff), "cases": len(f.Cases), "conferences": len(f.Conferences), "events": len(f.Events)}}})
	if err != nil {
		return rules.Facts{}, fmt.Errorf("AgencyFacts: %w", err)
	}
	return f, nil
}

func agencyStaff(ctx context.Context, tx pgx.Tx, on time.Time, f *rules.Facts) (map[int64]string, error) {
	rows, err := tx.Query(ctx, staffSQL+` WHERE p.role <> 'administrator' ORDER BY p.id`, on)
	if err != nil {
		return nil, err
	}
	factID := map[int64]string{}
	type staffRow struct {
		s         rules.Staff
		reportsTo *int64
	}
	var staff []staffRow
	for rows.Next() {
		var id int64
		var r staffRow
		var exp, since pgtype.Date
		var inPost, active bool
		if err := rows.Scan(&id, &r.s.ID, &r.s.Role, &r.s.Name, &exp, &since, &r.reportsTo, &inPost, &active); err != nil {
			rows.Close()
			return nil, err
		}
		r.s.ExperienceStart, r.s.Since = pgDate(exp), pgDate(since)
		factID[id] = r.s.ID
		staff = append(staff, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	f.Staff = make([]rules.Staff, 0, len(staff))
	for _, r := range staff {
		if r.reportsTo != nil {
			r.s.ReportsTo = factID[*r.reportsTo]
		}
		f.Staff = append(f.Staff, r.s)
	}
	return factID, nil
}

// agencyCases loads the cases open on the date and returns their numbers by id.
func agencyCases(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string, f *rules.Facts) (map[int64]int, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.id, c.case_number, a.worker_id, lower(a.during), c.received, c.setting, c.placement_date, c.scr_assigned,
		       c.goal, c.court_next, c.closing, c.closed
		FROM cases c
		LEFT JOIN case_assignments a ON a.case_id = c.id AND a.during @> $1::date
		WHERE c.closed IS NULL OR c.closed > $1
		ORDER BY c.id`, on)
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for rows.Next() {
		var id int64
		var c rules.Case
		var worker *int64
		var assigned, received, placement, scr, court, closing, closed pgtype.Date
		if err := rows.Scan(&id, &c.ID, &worker, &assigned, &received, &c.Setting, &placement, &scr, &c.Goal, &court, &closing, &closed); err != nil {
			rows.Close()
			return nil, err
		}
		if worker != nil {
			c.Worker = factID[*worker]
			c.Assigned = pgDate(assigned)
		}
		c.Received, c.PlacementDate, c.SCRAssigned = pgDate(received), pgDate(placement), pgDate(scr)
		c.CourtNext, c.Closing, c.Closed = pgDate(court), pgDate(closing), pgDate(closed)
		index[id] = len(f.Cases)
		f.Cases = append(f.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT case_id, level, assessed_on FROM risk_assessments WHERE assessed_on <= $1 ORDER BY case_id, assessed_on`, on)
	if err != nil {
		return nil, err
	}
	levels := map[string]string{}
	for rows.Next() {
		var id int64
		var level string
		var from pgtype.Date
		if err := rows.Scan(&id, &level, &from); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		if l, ok := levels[level]; ok {
			level = l
		} else {
			levels[level] = level
		}
		f.Cases[i].Risk = append(f.Cases[i].Risk, rules.RiskEntry{Level: level, From: pgDate(from)})
	}
	return index, rows.Err()
}

func agencyConferences(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string, index map[int64]int, f *rules.Facts) error {
	rows, err := tx.Query(ctx, `
		SELECT `+factConferenceID+`, k.kind, k.held_on, k.supervisor_id, coalesce(k.worker_id, k.invited_worker_id), k.casework_supervisor_id,
		       `+sharedDate("k")+`,
		       coalesce((SELECT array_agg(cc.case_id ORDER BY cc.position, cc.case_id) FROM conference_cases cc WHERE cc.conference_id = k.id), '{}')
		FROM conferences k
		WHERE k.status IN `+heldStatuses+` AND k.held_on <= $1
		ORDER BY k.held_on, k.id`, on)
	if err != nil {
		return err
	}
	defer rows.Close()
	var held, shared pgtype.Date
	var sup int64
	var worker, cws *int64
	var cases []int64
	for rows.Next() {
		var k rules.Conference
		cases = cases[:0]
		if err := rows.Scan(&k.ID, &k.Kind, &held, &sup, &worker, &cws, &shared, &cases); err != nil {
			return err
		}
		k.Date, k.Shared = pgDate(held), pgDate(shared)
		k.Supervisor = factID[sup]
		if worker != nil {
			k.Worker = factID[*worker]
		}
		if cws != nil {
			k.CaseworkSupervisor = factID[*cws]
		}
		for _, id := range cases {
			if i, ok := index[id]; ok {
				k.Cases = append(k.Cases, f.Cases[i].ID)
			}
		}
		f.Conferences = append(f.Conferences, k)
	}
	return rows.Err()
}

// pgEpoch is PostgreSQL's date zero, for dates read in binary.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func agencyEvents(ctx context.Context, tx pgx.Tx, on time.Time, index map[int64]int, f *rules.Facts) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM events WHERE occurred_on <= $1`, on).Scan(&n); err != nil {
		return err
	}
	f.Events = make([]rules.Event, 0, n)
	// Binary results: int8, text, date (days since 2000-01-01).
	rows, err := tx.Query(ctx, `SELECT case_id, kind, occurred_on FROM events WHERE occurred_on <= $1 ORDER BY case_id, occurred_on, id`,
		pgx.QueryResultFormats{pgx.BinaryFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode}, on)
	if err != nil {
		return err
	}
	defer rows.Close()
	kinds := map[string]string{}
	days := map[int32]rules.Date{}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 3 || len(raw[0]) != 8 || len(raw[2]) != 4 {
			return fmt.Errorf("unexpected event row")
		}
		i, ok := index[int64(binary.BigEndian.Uint64(raw[0]))]
		if !ok {
			continue
		}
		kind, ok := kinds[string(raw[1])] // no allocation for the lookup
		if !ok {
			kind = string(raw[1])
			kinds[kind] = kind
		}
		day := int32(binary.BigEndian.Uint32(raw[2]))
		d, ok := days[day]
		if !ok {
			d = dateOf(pgEpoch.AddDate(0, 0, int(day)))
			days[day] = d
		}
		f.Events = append(f.Events, rules.Event{Case: f.Cases[i].ID, Kind: kind, Date: d})
	}
	return rows.Err()
}
