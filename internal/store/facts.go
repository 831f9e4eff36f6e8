package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/conference"
	"github.com/casework/casework/internal/rules"
)

// Facts ids: the source system's id where there is one (staff, conferences
// imported from a facts file), else "p<id>" for staff and "k<id>" for
// conferences; the case number for cases. FactIDs maps them back to rows.
type FactIDs struct {
	People      map[string]int64 // staff fact id -> people.id
	Cases       map[string]int64 // case fact id (case number) -> cases.id
	Conferences map[string]int64 // conference fact id -> conferences.id
	// Awaiting: the contacts of each case (fact id) awaiting approval on
	// the date, by their own approval (contactAwaitingSQL), for the
	// agenda's count (rules.Options.ContactsAwaiting). Filled by the
	// unit's and the worker's facts; nil in the agency's.
	Awaiting map[string]int
}

// The SQL expressions of the fact ids, shared by every query that writes
// facts (the unit's, the agency's export) and by the imports that read them.
const (
	factStaffID      = `coalesce(p.source_id, 'p' || p.id)`
	factConferenceID = `coalesce(k.source_id, 'k' || k.id)`
)

// Only conferences whose record is signed count as held: a draft is a record
// still being written, and may yet be discarded (docs/rules.md, "The app's
// facts"). The lifecycle (internal/conference) names them.
var heldStatuses = statusList(conference.HeldStatuses())

// UnitFacts loads the facts the rules engine needs for one unit on a date:
// its workers, their supervisor and casework supervisor, the workers' open
// cases with their risk history and events, and the conferences that count
// for them. It answers ErrNotFound unless the viewer supervises the unit or
// is the casework supervisor over it on that date. A fixed number of queries,
// whatever the unit's size.
func (s *Store) UnitFacts(ctx context.Context, v access.Viewer, unitID int64, on time.Time) (rules.Facts, FactIDs, error) {
	var f rules.Facts
	var ids FactIDs
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		if err := unitInReach(ctx, tx, v, unitID, on); err != nil {
			return err
		}
		var workers []int64
		rows, err := tx.Query(ctx, `SELECT worker_id FROM unit_members WHERE unit_id = $1 AND during @> $2::date ORDER BY worker_id`, unitID, on)
		if err != nil {
			return err
		}
		if workers, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		f, ids, err = loadFacts(ctx, tx, workers, on)
		return err
	})
	if err != nil {
		return rules.Facts{}, FactIDs{}, fmt.Errorf("UnitFacts(%d): %w", unitID, err)
	}
	return f, ids, nil
}

// unitInReach is the access rule for a unit's data, in SQL: the viewer is its
// supervisor on the date, or the casework supervisor its supervisor reports to.
func unitInReach(ctx context.Context, tx pgx.Tx, v access.Viewer, unitID int64, on time.Time) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT `+unitReachSQL, unitID, v.PersonID, on).Scan(&ok); err != nil {
		return err
	}
	if !ok || !v.Is(access.Supervisor, access.CaseworkSupervisor) {
		return ErrNotFound
	}
	return nil
}

// unitReachSQL is true when the unit ($1) is the viewer's ($2) own on the date
// ($3), or of a supervisor who reports to the viewer then.
const unitReachSQL = `EXISTS (
	SELECT 1 FROM unit_supervisors s
	WHERE s.unit_id = $1 AND s.during @> $3::date
	  AND (s.supervisor_id = $2 OR EXISTS (
	      SELECT 1 FROM supervisor_reports r
	      WHERE r.supervisor_id = s.supervisor_id AND r.casework_supervisor_id = $2 AND r.during @> $3::date)))`

// loadFacts builds the facts of the given workers as of a date. Staff named by
// the conferences that count (a former supervisor, another casework
// supervisor) are included, so the facts validate on their own.
func loadFacts(ctx context.Context, tx pgx.Tx, workers []int64, on time.Time) (rules.Facts, FactIDs, error) {
	f := rules.Facts{AsOf: dateOf(on), Staff: []rules.Staff{}, Cases: []rules.Case{}, Conferences: []rules.Conference{}, Events: []rules.Event{}}
	ids := FactIDs{People: map[string]int64{}, Cases: map[string]int64{}, Conferences: map[string]int64{}, Awaiting: map[string]int{}}
	if err := profileInForce(ctx, tx, on, &f); err != nil {
		return f, ids, err
	}

	// Cases: the workers' open cases on the date, with the current assignment.
	type caseRow struct {
		id     int64
		worker int64
		c      rules.Case
	}
	var cases []caseRow
	caseIdx := map[int64]int{}
	rows, err := tx.Query(ctx, `
		SELECT c.id, a.worker_id, c.case_number, lower(a.during), c.received, c.setting, c.placement_date,
		       c.scr_assigned, coalesce(c.goal, ''), c.court_next, c.closing, c.closed, `+firstAssignedSQL+`,
		       c.safety_plan_start, c.safety_plan_end
		FROM case_assignments a
		JOIN cases c ON c.id = a.case_id
		WHERE a.worker_id = ANY($2) AND a.during @> $1::date AND (c.closed IS NULL OR c.closed > $1)
		ORDER BY c.id`, on, workers)
	if err != nil {
		return f, ids, err
	}
	for rows.Next() {
		var r caseRow
		var assigned pgtype.Date
		var received, placement, scr, court, closing, closed, first, planStart, planEnd pgtype.Date
		if err := rows.Scan(&r.id, &r.worker, &r.c.ID, &assigned, &received, &r.c.Setting, &placement, &scr, &r.c.Goal, &court, &closing, &closed, &first, &planStart, &planEnd); err != nil {
			rows.Close()
			return f, ids, err
		}
		r.c.FirstAssigned, r.c.SafetyPlanStart, r.c.SafetyPlanEnd = pgDate(first), pgDate(planStart), pgDate(planEnd)
		r.c.Assigned, r.c.Received, r.c.PlacementDate, r.c.SCRAssigned = pgDate(assigned), pgDate(received), pgDate(placement), pgDate(scr)
		r.c.CourtNext, r.c.Closing, r.c.Closed = pgDate(court), pgDate(closing), pgDate(closed)
		caseIdx[r.id] = len(cases)
		cases = append(cases, r)
	}
	if err := rows.Err(); err != nil {
		return f, ids, err
	}
	caseIDs := make([]int64, len(cases))
	for i, c := range cases {
		caseIDs[i] = c.id
		ids.Cases[c.c.ID] = c.id
	}

	// Risk history, chronological.
	rows, err = tx.Query(ctx, `
		SELECT case_id, level, assessed_on FROM risk_assessments
		WHERE case_id = ANY($1) AND assessed_on <= $2 ORDER BY case_id, assessed_on`, caseIDs, on)
	if err != nil {
		return f, ids, err
	}
	for rows.Next() {
		var id int64
		var e rules.RiskEntry
		var from pgtype.Date
		if err := rows.Scan(&id, &e.Level, &from); err != nil {
			rows.Close()
			return f, ids, err
		}
		e.From = pgDate(from)
		c := &cases[caseIdx[id]].c
		c.Risk = append(c.Risk, e)
	}
	if err := rows.Err(); err != nil {
		return f, ids, err
	}

	// Visit plans (MVR), chronological.
	rows, err = tx.Query(ctx, `
		SELECT case_id, from_on, child, parents, provider FROM case_mvr
		WHERE case_id = ANY($1) AND from_on <= $2 ORDER BY case_id, from_on`, caseIDs, on)
	if err != nil {
		return f, ids, err
	}
	for rows.Next() {
		var id int64
		var m rules.MVREntry
		var from pgtype.Date
		if err := rows.Scan(&id, &from, &m.Child, &m.Parents, &m.Provider); err != nil {
			rows.Close()
			return f, ids, err
		}
		m.From = pgDate(from)
		c := &cases[caseIdx[id]].c
		c.MVR = append(c.MVR, m)
	}
	if err := rows.Err(); err != nil {
		return f, ids, err
	}

	// Siblings placed apart.
	rows, err = tx.Query(ctx, siblingsApartOfSQL, caseIDs)
	if err != nil {
		return f, ids, err
	}
	if err := scanSiblingsApart(rows, func(id int64) *rules.Case {
		if i, ok := caseIdx[id]; ok {
			return &cases[i].c
		}
		return nil
	}); err != nil {
		return f, ids, err
	}

	// Events on those cases, up to the date (a contact-sheet approval only
	// where it holds, sheetApprovalHoldsSQL): by the events' own index, the
	// case numbers filled in here (a join to cases would hash the whole
	// table). Thousands of rows a unit: read in PostgreSQL's binary format,
	// the kinds interned, so a row costs no allocation of its own.
	rows, err = tx.Query(ctx, `
		SELECT e.case_id, e.kind, e.occurred_on, `+contactAwaitingSQL("e", "$2::date")+` FROM events e
		WHERE e.case_id = ANY($1) AND e.occurred_on <= $2 AND `+sheetApprovalHoldsSQL("e")+`
		ORDER BY e.case_id, e.occurred_on, e.id`,
		pgx.QueryResultFormats{pgx.BinaryFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode}, caseIDs, on)
	if err != nil {
		return f, ids, err
	}
	f.Events = make([]rules.Event, 0, 32*len(cases))
	kinds := map[string]string{}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 4 || len(raw[0]) != 8 || len(raw[2]) != 4 || len(raw[3]) != 1 {
			rows.Close()
			return f, ids, fmt.Errorf("events: unexpected row")
		}
		kind, ok := kinds[string(raw[1])]
		if !ok {
			kind = string(raw[1])
			kinds[kind] = kind
		}
		caseID := cases[caseIdx[int64(binary.BigEndian.Uint64(raw[0]))]].c.ID
		f.Events = append(f.Events, rules.Event{
			Case: caseID,
			Kind: kind,
			Date: dateOf(pgEpoch.AddDate(0, 0, int(int32(binary.BigEndian.Uint32(raw[2]))))),
		})
		if raw[3][0] != 0 {
			ids.Awaiting[caseID]++
		}
	}
	if err := rows.Err(); err != nil {
		return f, ids, err
	}

	// Conferences that count: signed supervision conferences with the
	// workers, and signed casework reviews with their supervisors or listing
	// their cases; then the cases each discussed that are in these facts.
	rows, err = tx.Query(ctx, `
		WITH sups AS (
		    SELECT DISTINCT s.supervisor_id FROM unit_members m CROSS JOIN LATERAL (`+supervisorOfUnitSQL("m.unit_id", "$3")+`) s
		    WHERE m.worker_id = ANY($1) AND m.during @> $3::date
		), ids AS (
		    -- Index lookups rather than one OR over every conference:
		    -- supervision with the workers, reviews with their supervisors,
		    -- anything that discussed their cases (kept below if a review).
		    SELECT k.id FROM conferences k
		    WHERE k.kind = 'supervision' AND k.worker_id = ANY($1) AND k.held_on <= $3
		    UNION
		    SELECT k.id FROM conferences k
		    WHERE k.kind = 'casework_review' AND k.supervisor_id IN (SELECT supervisor_id FROM sups) AND k.held_on <= $3
		    UNION
		    SELECT cc.conference_id FROM discussed_cases cc WHERE cc.case_id = ANY($2)
		)
		SELECT h.id, coalesce(h.source_id, 'k' || h.id), h.kind, h.held_on, h.supervisor_id, coalesce(h.worker_id, h.invited_worker_id), h.casework_supervisor_id,
		       `+sharedDate("h")+`
		FROM ids CROSS JOIN LATERAL (
		    -- By primary key, one at a time: the planner, guessing thousands of
		    -- ids, would otherwise hash the whole conferences table.
		    SELECT * FROM conferences k WHERE k.id = ids.id OFFSET 0
		) h
		WHERE h.status IN `+heldStatuses+` AND h.held_on <= $3
		  AND (h.kind = 'casework_review' OR h.worker_id = ANY($1))
		ORDER BY h.held_on, h.id`, workers, caseIDs, on)
	if err != nil {
		return f, ids, err
	}
	staffNeeded := map[int64]bool{}
	for _, w := range workers {
		staffNeeded[w] = true
	}
	type confPeople struct{ sup, worker, cws *int64 }
	var confRefs []confPeople
	confIdx := map[int64]int{}
	var confIDs []int64
	for rows.Next() {
		var id int64
		var k rules.Conference
		var held, shared pgtype.Date
		var p confPeople
		var sup int64
		if err := rows.Scan(&id, &k.ID, &k.Kind, &held, &sup, &p.worker, &p.cws, &shared); err != nil {
			rows.Close()
			return f, ids, err
		}
		k.Cases = []string{}
		confIdx[id] = len(f.Conferences)
		confIDs = append(confIDs, id)
		p.sup = &sup
		k.Date, k.Shared = pgDate(held), pgDate(shared)
		ids.Conferences[k.ID] = id
		staffNeeded[sup] = true
		if p.cws != nil {
			staffNeeded[*p.cws] = true
		}
		if p.worker != nil {
			staffNeeded[*p.worker] = true
		}
		f.Conferences = append(f.Conferences, k)
		confRefs = append(confRefs, p)
	}
	if err := rows.Err(); err != nil {
		return f, ids, err
	}
	// The cases each discussed that are in these facts, in the order discussed.
	rows, err = tx.Query(ctx, `
		SELECT conference_id, case_id FROM discussed_cases
		WHERE conference_id = ANY($1) AND case_id = ANY($2)
		ORDER BY conference_id, position, case_id`, confIDs, caseIDs)
	if err != nil {
		return f, ids, err
	}
	var confID, caseID int64
	_, err = pgx.ForEachRow(rows, []any{&confID, &caseID}, func() error {
		k := &f.Conferences[confIdx[confID]]
		k.Cases = append(k.Cases, cases[caseIdx[caseID]].c.ID)
		return nil
	})
	if err != nil {
		return f, ids, err
	}

	// Emergent requests about these cases or made by these workers or their
	// supervisors (facts_emergent.go); the people they name are staff.
	emergent, err := queryEmergent(ctx, tx, `e.case_id = ANY($2) OR e.requested_by = ANY($3)
		OR e.requested_by IN (SELECT s.supervisor_id FROM unit_members m CROSS JOIN LATERAL (`+supervisorOfUnitSQL("m.unit_id", "$1")+`) s
		                      WHERE m.worker_id = ANY($3) AND m.during @> $1::date)`, on, caseIDs, workers)
	if err != nil {
		return f, ids, err
	}
	for _, r := range emergent {
		staffNeeded[r.cws] = true
		if r.by != nil {
			staffNeeded[*r.by] = true
		}
	}

	// Staff: the workers, every supervisor and casework supervisor above them
	// today, and everyone the conferences name; each with the post they hold
	// on the date (or their last one).
	rows, err = tx.Query(ctx, `
		WITH above AS (
		    SELECT s.supervisor_id AS id FROM unit_members m CROSS JOIN LATERAL (`+supervisorOfUnitSQL("m.unit_id", "$1")+`) s
		    WHERE m.worker_id = ANY($2) AND m.during @> $1::date
		), want AS (
		    SELECT unnest($2::bigint[]) AS id
		    UNION SELECT id FROM above
		    UNION SELECT r.casework_supervisor_id FROM supervisor_reports r WHERE r.supervisor_id IN (SELECT id FROM above) AND r.during @> $1::date
		)
		`+staffSQL+`
		WHERE p.id IN (SELECT id FROM want UNION SELECT unnest($3::bigint[]))
		ORDER BY p.id`, on, workers, keys(staffNeeded))
	if err != nil {
		return f, ids, err
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
			return f, ids, err
		}
		if r.s.Role == string(access.Administrator) {
			continue
		}
		r.s.ExperienceStart, r.s.Since = pgDate(exp), pgDate(since)
		factID[id] = r.s.ID
		ids.People[r.s.ID] = id
		staff = append(staff, r)
	}
	if err := rows.Err(); err != nil {
		return f, ids, err
	}
	for _, r := range staff {
		if r.reportsTo != nil {
			r.s.ReportsTo = factID[*r.reportsTo]
		}
		f.Staff = append(f.Staff, r.s)
	}
	for i, p := range confRefs {
		k := &f.Conferences[i]
		k.Supervisor = factID[*p.sup]
		if p.worker != nil {
			k.Worker = factID[*p.worker]
		}
		if p.cws != nil {
			k.CaseworkSupervisor = factID[*p.cws]
		}
	}
	for _, c := range cases {
		c.c.Worker = factID[c.worker]
		f.Cases = append(f.Cases, c.c)
	}
	f.Emergent = emergentFacts(emergent, factID, func(id int64) (string, bool) {
		if i, ok := caseIdx[id]; ok {
			return cases[i].c.ID, true
		}
		return "", false
	})
	f.MVRReviews, err = mvrReviewFacts(ctx, tx, factID, `r.worker_id = ANY($2)`, on, workers)
	if err != nil {
		return f, ids, err
	}
	return f, ids, nil
}

// staffSQL selects each person as a staff member of the facts, $1 being the
// date: the fact id, role, name, experience start, and the post they hold on
// the date, or else their last post before it, or else their first post
// after it (a post not yet begun). `since` is that post's start; a worker
// reports to the supervisor of its unit and a supervisor to their casework
// supervisor, both on the date (or on the post's start, for a post not yet
// begun); a post that has ended reports to nobody. Then whether the person is
// in post on the date (or will be), and active. The caller adds WHERE and
// ORDER BY.
const staffSQL = `
		SELECT p.id, ` + factStaffID + ` AS fact_id, p.role, p.full_name, p.experience_start,
		       coalesce(lower(wp.during), lower(sp.during)) AS since,
		       CASE p.role
		         WHEN 'worker' THEN (SELECT s.supervisor_id FROM unit_supervisors s
		                             WHERE s.unit_id = wp.unit_id AND wp.during @> greatest($1::date, lower(wp.during))
		                               AND s.during @> greatest($1::date, lower(wp.during)))
		         WHEN 'supervisor' THEN (SELECT r.casework_supervisor_id FROM supervisor_reports r
		                                 WHERE r.supervisor_id = p.id AND r.during @> greatest($1::date, lower(sp.during)))
		       END AS reports_to,
		       coalesce(wp.during @> $1::date OR lower(wp.during) > $1::date OR sp.during @> $1::date OR lower(sp.during) > $1::date, false) AS in_post,
		       p.active
		FROM people p
		LEFT JOIN LATERAL (
		    SELECT m.unit_id, m.during FROM unit_members m
		    WHERE m.worker_id = p.id AND p.role = 'worker'
		    ORDER BY lower(m.during) <= $1::date DESC, CASE WHEN lower(m.during) <= $1::date THEN lower(m.during) END DESC, lower(m.during)
		    LIMIT 1
		) wp ON true
		LEFT JOIN LATERAL (
		    SELECT s.unit_id, s.during FROM unit_supervisors s
		    WHERE s.supervisor_id = p.id AND p.role = 'supervisor'
		    ORDER BY lower(s.during) <= $1::date DESC, CASE WHEN lower(s.during) <= $1::date THEN lower(s.during) END DESC, lower(s.during)
		    LIMIT 1
		) sp ON true`

// agencyStaffSQL is staffSQL for everybody at once (the state-wide load and
// the export): the same columns and reading, each person's post chosen by
// one sort of all posts (DISTINCT ON) and hash-joined, where staffSQL's
// lookups per person, right for a unit's few, took a hundred milliseconds
// for a state's staff on the load's critical path. The exclusion
// constraints of unit_supervisors and supervisor_reports keep the joins to
// one row, as staffSQL's scalar subqueries need.
// TestAgencyStaffSQLReadsAsStaffSQL keeps the two together. The caller adds
// WHERE and ORDER BY.
const agencyStaffSQL = `
		WITH wp AS (
		    SELECT DISTINCT ON (m.worker_id) m.worker_id, m.unit_id, m.during FROM unit_members m
		    ORDER BY m.worker_id, lower(m.during) <= $1::date DESC, CASE WHEN lower(m.during) <= $1::date THEN lower(m.during) END DESC, lower(m.during)
		), sp AS (
		    SELECT DISTINCT ON (s.supervisor_id) s.supervisor_id, s.unit_id, s.during FROM unit_supervisors s
		    ORDER BY s.supervisor_id, lower(s.during) <= $1::date DESC, CASE WHEN lower(s.during) <= $1::date THEN lower(s.during) END DESC, lower(s.during)
		)
		SELECT p.id, ` + factStaffID + ` AS fact_id, p.role, p.full_name, p.experience_start,
		       coalesce(lower(wp.during), lower(sp.during)) AS since,
		       CASE p.role WHEN 'worker' THEN us.supervisor_id WHEN 'supervisor' THEN r.casework_supervisor_id END AS reports_to,
		       coalesce(wp.during @> $1::date OR lower(wp.during) > $1::date OR sp.during @> $1::date OR lower(sp.during) > $1::date, false) AS in_post,
		       p.active
		FROM people p
		LEFT JOIN wp ON wp.worker_id = p.id AND p.role = 'worker'
		LEFT JOIN sp ON sp.supervisor_id = p.id AND p.role = 'supervisor'
		LEFT JOIN unit_supervisors us ON us.unit_id = wp.unit_id
		     AND wp.during @> greatest($1::date, lower(wp.during)) AND us.during @> greatest($1::date, lower(wp.during))
		LEFT JOIN supervisor_reports r ON r.supervisor_id = p.id AND p.role = 'supervisor'
		     AND r.during @> greatest($1::date, lower(sp.during))`

// supervisorOfUnitSQL selects the supervisor of a unit on a date, for a
// LATERAL join from the unit's members. OFFSET 0 keeps it a lookup per
// member: in a generic plan PostgreSQL takes "during @> date" to match a
// handful of supervisors and would scan all of them first.
func supervisorOfUnitSQL(unit, date string) string {
	return `SELECT s.supervisor_id FROM unit_supervisors s WHERE s.unit_id = ` + unit + ` AND s.during @> ` + date + `::date OFFSET 0`
}

// sharedDate is the calendar date, in the agency's zone, on which a
// conference's notes were shared: the facts' `shared`, kept on the row by
// the trigger of migration 000113.
func sharedDate(alias string) string {
	return alias + `.shared_on`
}

// profileInForce sets the facts' profile and holiday calendar from the
// agency's choice in force on the date (the latest effective on or before it).
func profileInForce(ctx context.Context, tx pgx.Tx, on time.Time, f *rules.Facts) error {
	var set bool
	var holidays []time.Time
	err := tx.QueryRow(ctx, `
		SELECT profile, holidays IS NOT NULL, coalesce(holidays, '{}')
		FROM profile_choices WHERE effective_on <= $1 ORDER BY effective_on DESC LIMIT 1`, on).Scan(&f.Profile, &set, &holidays)
	if err != nil {
		return fmt.Errorf("profile in force on %s: %w", on.Format(time.DateOnly), notFound(err))
	}
	// The versions the agency uploaded, in the same transaction as the facts.
	p, err := policyProfile(ctx, tx, f.Profile)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	f.Policy = nil
	if p != nil && len(p.Versions) > 0 {
		if base, _ := rules.LookupProfile(f.Profile); p != base {
			f.Policy = p
		}
	}
	f.HolidaysSet = set
	f.Holidays = nil
	if set {
		f.Holidays = make([]rules.Date, len(holidays))
		for i, h := range holidays {
			f.Holidays[i] = dateOf(h)
		}
	}
	return nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// dateOf turns a UTC-midnight time (how the store carries calendar dates)
// into a rules.Date.
func dateOf(t time.Time) rules.Date {
	if t.IsZero() {
		return rules.Date{}
	}
	return rules.DateOf(t.Year(), int(t.Month()), t.Day())
}

func pgDate(d pgtype.Date) rules.Date {
	if !d.Valid {
		return rules.Date{}
	}
	return dateOf(d.Time)
}
