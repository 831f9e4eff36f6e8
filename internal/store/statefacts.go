package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	if !v.Is(access.Administrator) {
		return rules.Facts{}, ErrNotFound
	}
	f, err := s.agencyFacts(ctx, on)
	if err != nil {
		return rules.Facts{}, fmt.Errorf("AgencyFacts: %w", err)
	}
	if err := s.auditFactsRead(ctx, v, f); err != nil {
		return rules.Facts{}, err
	}
	return f, nil
}

// agencyFacts is AgencyFacts's load, without the check and the audit entry:
// also the notifier's (DigestAgency).
func (s *Store) agencyFacts(ctx context.Context, on time.Time) (rules.Facts, error) {
	var f rules.Facts
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		f = rules.Facts{AsOf: dateOf(on), Staff: []rules.Staff{}, Cases: []rules.Case{}, Conferences: []rules.Conference{}, Events: []rules.Event{}}
		// The events, most of the rows, are read on a second connection in
		// the same snapshot while this one reads the rest.
		var snapshot string
		if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
			return err
		}
		// The conferences, with the cases each discussed, on a third
		// (agencyRest).
		ectx, cancel := context.WithCancel(ctx)
		defer cancel()
		var wg sync.WaitGroup
		evc := make(chan rawEventsResult, 1)
		wg.Go(func() { evc <- s.rawEvents(ectx, snapshot, on) })
		err := s.agencyRest(ctx, tx, snapshot, on, &f)
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		ev := <-evc
		if ev.err != nil {
			return fmt.Errorf("events: %w", ev.err)
		}
		f.Events = ev.events
		return nil
	})
	if err != nil {
		return rules.Facts{}, err
	}
	return f, nil
}

// auditFactsRead records a read of the agency's facts.
func (s *Store) auditFactsRead(ctx context.Context, v access.Viewer, f rules.Facts) error {
	// Recorded before the facts are handed over, in a transaction of its own:
	// an entry appended from a repeatable-read snapshot could not see the
	// chain's latest entries.
	err := s.Audit(ctx, v, AuditEntry{Action: "read_facts", Entity: "agency", Detail: map[string]any{
		"as_of": f.AsOf.String(), "profile": f.Profile, "run_by": runBy(v),
		"counts": map[string]int{"staff": len(f.Staff), "cases": len(f.Cases), "conferences": len(f.Conferences), "events": len(f.Events)}}})
	if err != nil {
		return fmt.Errorf("AgencyFacts: %w", err)
	}
	return nil
}

// agencyRest reads everything but the events. The conferences (half a
// million at state scale) and the cases they discussed are read on a
// connection of their own in the snapshot given while this one reads the
// cases, and joined to the open cases once both are in.
func (s *Store) agencyRest(ctx context.Context, tx pgx.Tx, snapshot string, on time.Time, f *rules.Facts) error {
	if err := profileInForce(ctx, tx, on, f); err != nil {
		return err
	}
	factID, err := agencyStaff(ctx, tx, on, f)
	if err != nil {
		return fmt.Errorf("staff: %w", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	confc := make(chan heldConferences, 1)
	go func() { confc <- s.heldConferences(cctx, snapshot, on, factID) }()
	index, err := agencyCases(ctx, tx, on, factID, f)
	if err == nil {
		err = agencySiblingsApart(ctx, tx, index, f)
		if err != nil {
			err = fmt.Errorf("siblings apart: %w", err)
		}
	} else {
		err = fmt.Errorf("cases: %w", err)
	}
	var emergent agencyEmergent
	if err == nil {
		emergent, err = agencyEmergentAndReviews(ctx, tx, on, factID, f)
	}
	if err != nil {
		cancel()
		<-confc
		return err
	}
	held := <-confc
	if held.err != nil {
		return fmt.Errorf("conferences: %w", held.err)
	}
	f.Conferences = held.list
	// The requests held by a casework review listing their case are found
	// in the discussions' pass (the query's per-request subquery took
	// seconds at state scale).
	requests := emergent.byCase()
	cws := func(id int64) string { return factID[id] }
	review := func(k *rules.Conference, reqs []int) { emergent.reviewed(reqs, k, cws) }
	joinDiscussed(held.byID, index, f, &held.discussed, requests, review)
	f.Emergent = emergent.facts(f.AsOf, factID, func(id int64) (string, bool) {
		if i, ok := index.get(id); ok {
			return f.Cases[i].ID, true
		}
		return "", false
	})
	return nil
}

func agencyStaff(ctx context.Context, tx pgx.Tx, on time.Time, f *rules.Facts) (map[int64]string, error) {
	rows, err := tx.Query(ctx, agencyStaffSQL+` WHERE p.role <> 'administrator' ORDER BY p.id`, on)
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

// agencyCases loads the cases open on the date, in the table's order (the
// engine indexes them itself), and returns their places in f.Cases by id.
func agencyCases(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string, f *rules.Facts) (*idIndex, error) {
	maxID, n, err := idRange(ctx, tx, "cases")
	if err != nil {
		return nil, err
	}
	// Binary, decoded by hand, settings and goals interned: the generic
	// scanner's ten dates a row cost more than PostgreSQL's side.
	risks, err := estimatedRows(ctx, tx, "risk_assessments")
	if err != nil {
		return nil, err
	}
	plans, err := estimatedRows(ctx, tx, "case_mvr")
	if err != nil {
		return nil, err
	}
	// Each case's risk assessments and visit plans come with it, packed
	// (case_history_packs, migration 000129, kept true to risk_assessments
	// and case_mvr by their triggers): one row a case, where they were a
	// row each, in queries of their own.
	rows, err := tx.Query(ctx, `
		SELECT c.id, c.case_number, a.worker_id, lower(a.during), c.received, c.setting, c.placement_date, c.scr_assigned,
		       coalesce(c.goal, ''), c.court_next, c.closing, c.closed, c.first_assigned,
		       c.safety_plan_start, c.safety_plan_end, h.risks, h.plans
		FROM cases c
		LEFT JOIN case_assignments a ON a.case_id = c.id AND a.during @> $1::date
		LEFT JOIN case_history_packs h ON h.case_id = c.id
		WHERE c.closed IS NULL OR c.closed > $1`, pgx.QueryResultFormats{pgx.BinaryFormatCode}, on)
	if err != nil {
		return nil, err
	}
	asOf := dateOf(on)
	index := newIDIndex(maxID, n)
	f.Cases = make([]rules.Case, 0, n) // sized from the planner's count, as the conferences
	var words shortWords               // the few settings, goals and levels
	// Every case's entries cut from one slice each (a slice grown per case
	// was a quarter of a million small allocations); a slice that must
	// grow leaves the lists already cut where they are.
	riskAll := make([]rules.RiskEntry, 0, risks+risks/8+64)
	planAll := make([]rules.MVREntry, 0, plans+plans/8+64)
	var bad bool
	day := func(raw []byte) rules.Date {
		if raw == nil {
			return rules.Date{}
		}
		if len(raw) != 4 {
			bad = true
			return rules.Date{}
		}
		return pgBinaryDate(raw)
	}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 17 || len(raw[0]) != 8 || raw[1] == nil {
			rows.Close()
			return nil, fmt.Errorf("unexpected case row")
		}
		id := int64(binary.BigEndian.Uint64(raw[0]))
		c := rules.Case{ID: string(raw[1]), Setting: words.intern(raw[5]), Goal: words.intern(raw[8])}
		if raw[2] != nil {
			if len(raw[2]) != 8 {
				rows.Close()
				return nil, fmt.Errorf("unexpected case row")
			}
			c.Worker = factID[int64(binary.BigEndian.Uint64(raw[2]))]
			c.Assigned = day(raw[3])
		}
		c.Received, c.PlacementDate, c.SCRAssigned = day(raw[4]), day(raw[6]), day(raw[7])
		c.CourtNext, c.Closing, c.Closed = day(raw[9]), day(raw[10]), day(raw[11])
		c.FirstAssigned, c.SafetyPlanStart, c.SafetyPlanEnd = day(raw[12]), day(raw[13]), day(raw[14])
		if bad {
			rows.Close()
			return nil, fmt.Errorf("unexpected date in case %d", id)
		}
		start := len(riskAll)
		riskAll, err = appendPackedRisks(riskAll, raw[15], asOf, &words)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("risk assessments of case %d: %w", id, err)
		}
		if len(riskAll) > start {
			c.Risk = riskAll[start:len(riskAll):len(riskAll)]
		}
		start = len(planAll)
		planAll, err = appendPackedPlans(planAll, raw[16], asOf)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("visit plans of case %d: %w", id, err)
		}
		if len(planAll) > start {
			c.MVR = planAll[start:len(planAll):len(planAll)]
		}
		index.set(id, len(f.Cases))
		f.Cases = append(f.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// first_assigned (firstAssignedSQL, set-based for the whole state): the
	// earliest of the case's own date, its earlier assignments (ended by the
	// date) on or after received, and the current one when on or after
	// received.
	for i := range f.Cases {
		c := &f.Cases[i]
		if !c.Assigned.IsZero() && (c.Received.IsZero() || !c.Assigned.Before(c.Received)) &&
			(c.FirstAssigned.IsZero() || c.Assigned.Before(c.FirstAssigned)) {
			c.FirstAssigned = c.Assigned
		}
	}
	// The earlier assignments, ended by the date, each checked against its
	// case's received here: the query's join with the cases and its
	// grouping cost PostgreSQL three times the plain read (and a parallel
	// worker).
	rows, err = tx.Query(ctx, `SELECT case_id, lower(during) FROM case_assignments WHERE upper(during) <= $1::date`,
		pgx.QueryResultFormats{pgx.BinaryFormatCode, pgx.BinaryFormatCode}, on)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 2 || len(raw[0]) != 8 || len(raw[1]) != 4 {
			rows.Close()
			return nil, fmt.Errorf("unexpected assignment row")
		}
		i, ok := index.get(int64(binary.BigEndian.Uint64(raw[0])))
		if !ok {
			continue // a case not open on the date
		}
		c := &f.Cases[i]
		if d := pgBinaryDate(raw[1]); (c.Received.IsZero() || !d.Before(c.Received)) && (c.FirstAssigned.IsZero() || d.Before(c.FirstAssigned)) {
			c.FirstAssigned = d
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return index, nil
}

// appendPackedRisks appends to list the risk assessments of a pack
// (migration 000129: in date order, each 4 bytes of date as PostgreSQL's
// binary date, a byte of length and the level) dated on or before asOf,
// the levels interned in words; a pack that does not parse is an error,
// never a partial list. A nil pack (a case with none) appends nothing.
func appendPackedRisks(list []rules.RiskEntry, pack []byte, asOf rules.Date, words *shortWords) ([]rules.RiskEntry, error) {
	for len(pack) > 0 {
		if len(pack) < 5 || pack[4] == 0 || len(pack) < 5+int(pack[4]) {
			return list, fmt.Errorf("risk pack cut short")
		}
		n := 5 + int(pack[4])
		if from := pgBinaryDate(pack[:4]); !from.After(asOf) {
			list = append(list, rules.RiskEntry{Level: words.intern(pack[5:n]), From: from})
		}
		pack = pack[n:]
	}
	return list, nil
}

// appendPackedPlans appends to list the visit plans of a pack (migration
// 000129: in date order, each 4 bytes of date, then a byte each of the
// visits a month with the child, the parents and the provider) dated on or
// before asOf.
func appendPackedPlans(list []rules.MVREntry, pack []byte, asOf rules.Date) ([]rules.MVREntry, error) {
	if len(pack)%7 != 0 {
		return list, fmt.Errorf("visit plan pack cut short")
	}
	for ; len(pack) > 0; pack = pack[7:] {
		if from := pgBinaryDate(pack[:4]); !from.After(asOf) {
			list = append(list, rules.MVREntry{From: from, Child: int(pack[4]), Parents: int(pack[5]), Provider: int(pack[6])})
		}
	}
	return list, nil
}

// agencySiblingsApart fills the siblings placed apart of the open cases in
// index: one query over a small table.
func agencySiblingsApart(ctx context.Context, tx pgx.Tx, index *idIndex, f *rules.Facts) error {
	rows, err := tx.Query(ctx, siblingsApartSQL)
	if err != nil {
		return err
	}
	return scanSiblingsApart(rows, func(id int64) *rules.Case {
		if i, ok := index.get(id); ok {
			return &f.Cases[i]
		}
		return nil
	})
}

// heldConferences is the conferences held by the date, signed, without
// their cases, each one's place in the list by row id, and the cases each
// discussed, as packed.
type heldConferences struct {
	list      []rules.Conference
	byID      *idIndex
	discussed rawDiscussedResult
	err       error
}

// heldConferences reads the held conferences on a connection of its own, in
// the snapshot given; factID names their people (agencyStaff's).
func (s *Store) heldConferences(ctx context.Context, snapshot string, on time.Time, factID map[int64]string) (res heldConferences) {
	res.err = s.inSnapshot(ctx, snapshot, func(tx pgx.Tx) error {
		var err error
		res.list, res.byID, res.discussed, err = readHeldConferences(ctx, tx, on, factID)
		return err
	})
	return res
}

func readHeldConferences(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string) ([]rules.Conference, *idIndex, rawDiscussedResult, error) {
	// Sized from the planner's count: growing them row by row was a fifth
	// of this function's time at state scale. Each supervisor's held
	// conferences come packed in one value (held_conference_packs,
	// migration 000128, kept true to the conferences table by its
	// triggers), in id order within the pack: one row per supervisor
	// instead of one per conference. The engine indexes them itself.
	maxID, n, err := idRange(ctx, tx, "conferences")
	if err != nil {
		return nil, nil, rawDiscussedResult{}, err
	}
	discussed, err := estimatedRows(ctx, tx, "conference_cases")
	if err != nil {
		return nil, nil, rawDiscussedResult{}, err
	}
	// The planner's count is an estimate: a slice grown at its end would
	// copy a state's 1.6 million.
	dr := rawDiscussedResult{
		conference: make([]int64, 0, n),
		start:      make([]int32, 1, n+1),
		cases:      make([]rawDiscussedCase, 0, discussed+discussed/8+1024),
	}
	rows, err := tx.Query(ctx, `SELECT supervisor_id, conferences FROM held_conference_packs ORDER BY supervisor_id`,
		pgx.QueryResultFormats{pgx.BinaryFormatCode, pgx.BinaryFormatCode})
	if err != nil {
		return nil, nil, rawDiscussedResult{}, err
	}
	defer rows.Close()
	asOf := dateOf(on)
	byID := newIDIndex(maxID, n)
	list := make([]rules.Conference, 0, n)
	var kinds shortWords
	idBuf := make([]byte, 0, 8*n)
	idEnd := make([]int, 0, n)
	// The people by row id in a slice, not hashed three times a conference
	// (the ids are the people table's, a few thousand to tens of thousands).
	var names []string
	for id := range factID {
		if id >= 0 && id < 1<<24 && id >= int64(len(names)) {
			names = slices.Grow(names, int(id)+1-len(names))[:id+1]
		}
	}
	for id, name := range factID {
		if id >= 0 && id < int64(len(names)) {
			names[id] = name
		}
	}
	person := func(id int64) string {
		if id == 0 {
			return "" // none
		}
		if id > 0 && id < int64(len(names)) {
			return names[id]
		}
		return factID[id]
	}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 2 || len(raw[0]) != 8 || raw[1] == nil {
			return nil, nil, rawDiscussedResult{}, fmt.Errorf("unexpected conference pack row")
		}
		supervisor := person(int64(binary.BigEndian.Uint64(raw[0])))
		err := eachPackedConference(raw[1], &kinds, func(k packedConference) {
			if k.held.After(asOf) {
				return
			}
			// The fact id, as factConferenceID gives it: the source's id,
			// else k<id>; written into one buffer, cut into strings after
			// the loop (one allocation for all of them instead of one each).
			if k.sourceID != nil {
				idBuf = append(idBuf, k.sourceID...)
			} else {
				idBuf = strconv.AppendInt(append(idBuf, 'k'), k.id, 10)
			}
			idEnd = append(idEnd, len(idBuf))
			byID.set(k.id, len(list))
			list = append(list, rules.Conference{Kind: k.kind, Date: k.held, Shared: k.shared,
				Supervisor: supervisor, Worker: person(k.worker), CaseworkSupervisor: person(k.caseworkSupervisor)})
			dr.conference = append(dr.conference, k.id)
			for p := k.discussed; len(p) > 0; p = p[12:] {
				dr.cases = append(dr.cases, rawDiscussedCase{
					caseID: int64(binary.BigEndian.Uint64(p[:8])), position: int32(binary.BigEndian.Uint32(p[8:12]))})
			}
			dr.start = append(dr.start, int32(len(dr.cases)))
		})
		if err != nil {
			return nil, nil, rawDiscussedResult{}, fmt.Errorf("conferences of supervisor %d: %w", int64(binary.BigEndian.Uint64(raw[0])), err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, rawDiscussedResult{}, err
	}
	if len(dr.cases) > math.MaxInt32 {
		return nil, nil, rawDiscussedResult{}, fmt.Errorf("more discussed cases than a load can hold")
	}
	ids := string(idBuf)
	for i := range list {
		start := 0
		if i > 0 {
			start = idEnd[i-1]
		}
		list[i].ID = ids[start:idEnd[i]]
	}
	return list, byID, dr, nil
}

// packedConference is a held conference as a pack holds it (migration
// 000128): its people as row ids, 0 for none; sourceID nil when it has
// none, and only valid until the next row is read.
type packedConference struct {
	id                         int64
	held, shared               rules.Date
	kind                       string
	worker, caseworkSupervisor int64
	sourceID                   []byte
	discussed                  []byte // 12 bytes a case: its row id, its position
}

var errConferencePackShort = errors.New("conference pack cut short")

// eachPackedConference calls yield with each conference of a pack, in the
// pack's order (migration 000128's layout: id, held day, flags, kind,
// worker, casework supervisor, then the shared day and the source id when
// the flags say so), the kinds interned in words. A pack that does not
// parse is an error, never a partial list.
func eachPackedConference(pack []byte, words *shortWords, yield func(packedConference)) error {
	for len(pack) > 0 {
		if len(pack) < 14 {
			return errConferencePackShort
		}
		var k packedConference
		k.id = int64(binary.BigEndian.Uint64(pack[:8]))
		k.held = pgBinaryDate(pack[8:12])
		flags, n := pack[12], int(pack[13])
		if flags&^3 != 0 {
			return fmt.Errorf("conference pack with unknown flags %d", flags)
		}
		if n == 0 {
			return fmt.Errorf("conference pack with an empty kind")
		}
		pack = pack[14:]
		if len(pack) < n+16 {
			return errConferencePackShort
		}
		k.kind = words.intern(pack[:n])
		pack = pack[n:]
		k.worker = int64(binary.BigEndian.Uint64(pack[:8]))
		k.caseworkSupervisor = int64(binary.BigEndian.Uint64(pack[8:16]))
		pack = pack[16:]
		if flags&1 != 0 {
			if len(pack) < 4 {
				return errConferencePackShort
			}
			k.shared = pgBinaryDate(pack[:4])
			pack = pack[4:]
		}
		if flags&2 != 0 {
			if len(pack) < 4 {
				return errConferencePackShort
			}
			m := binary.BigEndian.Uint32(pack[:4])
			if m == 0 {
				return fmt.Errorf("conference pack with an empty source id")
			}
			if uint64(m) > uint64(len(pack)-4) {
				return errConferencePackShort
			}
			k.sourceID = pack[4 : 4+m]
			pack = pack[4+m:]
		}
		if len(pack) < 4 {
			return errConferencePackShort
		}
		d := binary.BigEndian.Uint32(pack[:4])
		if uint64(d)*12 > uint64(len(pack)-4) {
			return errConferencePackShort
		}
		k.discussed = pack[4 : 4+12*d]
		pack = pack[4+12*d:]
		yield(k)
	}
	return nil
}

// joinDiscussed gives each conference of f its discussed cases of index, in
// the record's order: those read with the conferences (readHeldConferences),
// packed per conference in that order already. Each
// discussion of a case in requests (by case row id, open or not) by a
// conference of f is also handed to review, with the requests' places.
func joinDiscussed(byID, index *idIndex, f *rules.Facts, dr *rawDiscussedResult,
	requests map[int64][]int, review func(k *rules.Conference, reqs []int)) {
	// The cases with requests, looked up for each of a state's 1.6 million
	// discussions: by row id in a slice, not hashed.
	var requested []bool
	for id := range requests {
		if id >= 0 && id < 1<<26 {
			if id >= int64(len(requested)) {
				requested = slices.Grow(requested, int(id)+1-len(requested))[:id+1]
			}
			requested[id] = true
		}
	}
	hasRequest := func(id int64) bool {
		if id >= 0 && id < int64(len(requested)) {
			return requested[id]
		}
		return id >= 1<<26 && requests[id] != nil
	}
	// The open cases' ids by place, compact: f.Cases' large structs cost a
	// cache miss each.
	ids := make([]string, len(f.Cases))
	for i := range f.Cases {
		ids[i] = f.Cases[i].ID
	}
	// Every conference's list is cut from one slice of ids, each at its
	// pack's place (what is not kept, a case not open or a draft's pack,
	// leaves a gap): the packs read in order, in one pass. A slice grown
	// per conference was half a million small allocations.
	caseIDs := make([]string, len(dr.cases))
	for ki := range f.Conferences {
		f.Conferences[ki].Cases = caseIDs[:0:0] // none discussed, until its pack says
	}
	type kept struct {
		position int32
		id       string
	}
	var tied []kept
	for p, id := range dr.conference {
		ki, ok := byID.get(id)
		if !ok {
			continue // a draft
		}
		k := &f.Conferences[ki]
		lo, hi := int(dr.start[p]), int(dr.start[p+1])
		n, tie := lo, false
		for j, d := range dr.cases[lo:hi] {
			if hasRequest(d.caseID) {
				review(k, requests[d.caseID])
			}
			ci, ok := index.get(d.caseID)
			if !ok {
				continue // a case not open on the date
			}
			// The pack is in position order (then by case row id): only a
			// tie of positions needs the record's order by case id.
			if j > 0 && d.position == dr.cases[lo+j-1].position {
				tie = true
			}
			caseIDs[n] = ids[ci]
			n++
		}
		if tie {
			tied = tied[:0]
			m := lo
			for _, d := range dr.cases[lo:hi] {
				if _, ok := index.get(d.caseID); ok {
					tied = append(tied, kept{d.position, caseIDs[m]})
					m++
				}
			}
			slices.SortStableFunc(tied, func(a, b kept) int {
				if a.position != b.position {
					return int(a.position - b.position)
				}
				return strings.Compare(a.id, b.id)
			})
			for m, t := range tied {
				caseIDs[lo+m] = t.id
			}
		}
		k.Cases = caseIDs[lo:n:n] // its own capacity: an append cannot reach the next list
	}
}

// rawDiscussedCase is a case discussed, as packed: its row id and its
// position in the record.
type rawDiscussedCase struct {
	caseID   int64
	position int32
}

// rawDiscussedResult is every conference's discussed cases as read: the
// conferences' row ids in the order read, and their cases in one slice,
// the p-th conference's from start[p] to start[p+1], in the pack's order.
type rawDiscussedResult struct {
	conference []int64
	start      []int32
	cases      []rawDiscussedCase
}

// inSnapshot runs read on a connection of its own, read-only, in the
// snapshot another transaction exported (pg_export_snapshot): a second
// stream of the same state.
func (s *Store) inSnapshot(ctx context.Context, snapshot string, read func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT "+quoteLiteral(snapshot)); err != nil {
			return err
		}
		return read(tx)
	})
}

// estimatedRows is the planner's count of a table's rows, to size what is
// loaded from it.
func estimatedRows(ctx context.Context, tx pgx.Tx, table string) (int, error) {
	var estimate float64
	if err := tx.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, table).Scan(&estimate); err != nil {
		return 0, err
	}
	return max(0, int(estimate)), nil
}

// idRange is a table's greatest id and estimated row count, for an idIndex.
func idRange(ctx context.Context, tx pgx.Tx, table string) (maxID int64, n int, err error) {
	if n, err = estimatedRows(ctx, tx, table); err != nil {
		return 0, 0, err
	}
	err = tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&maxID)
	return maxID, n, err
}

// pgEpoch is PostgreSQL's date zero, for dates read in binary.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

type rawEventsResult struct {
	events []rules.Event
	err    error
}

// pgDay0 is PostgreSQL's date zero as a rules.Date.
var pgDay0 = rules.DateOf(2000, 1, 1)

// pgBinaryDate decodes a date in PostgreSQL's binary format (days since
// 2000-01-01); raw must be 4 bytes. Beyond ten thousand years either way
// (infinity included) it goes through time.Time as before.
func pgBinaryDate(raw []byte) rules.Date {
	n := int32(binary.BigEndian.Uint32(raw))
	if n > 3_000_000 || n < -3_000_000 {
		return dateOf(pgEpoch.AddDate(0, 0, int(n)))
	}
	return pgDay0.AddDays(int(n))
}

// rawEvents reads every event up to the date of the cases open on it (the
// cases agencyCases loads: not closed by then), on a connection of its
// own, in the snapshot given (pg_export_snapshot), as the engine's events:
// each case's events come packed in one value (case_event_packs, migration
// 000111, kept true to the events table by its triggers), with the case's
// number, so PostgreSQL sends one row per case instead of one per event,
// the engine finds them grouped by case, and nothing waits for the cases
// to be loaded to name them (a pass over the events after both, to name
// each event's case by its row id, was the tail of the load). A
// contact-sheet approval counts only where it holds
// (sheetApprovalHoldsSQL): the contacts that can keep one from holding,
// few, are read first (sheetBlockers) and each approval of a pack checked
// against its case's. Binary format, kinds interned, each case's number
// one string for all its events: no allocation per event.
func (s *Store) rawEvents(ctx context.Context, snapshot string, on time.Time) (res rawEventsResult) {
	asOf := dateOf(on)
	res.err = s.inSnapshot(ctx, snapshot, func(tx pgx.Tx) error {
		n, err := estimatedRows(ctx, tx, "events")
		if err != nil {
			return err
		}
		res.events = make([]rules.Event, 0, n)
		blockers, err := sheetBlockers(ctx, tx)
		if err != nil {
			return err
		}
		// The cases' condition is agencyCases's, in the same snapshot: the
		// same cases.
		rows, err := tx.Query(ctx, `
			SELECT p.case_id, c.case_number, p.events FROM case_event_packs p
			JOIN cases c ON c.id = p.case_id
			WHERE c.closed IS NULL OR c.closed > $1`,
			pgx.QueryResultFormats{pgx.BinaryFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode}, on)
		if err != nil {
			return err
		}
		defer rows.Close()
		var kinds shortWords
		for rows.Next() {
			raw := rows.RawValues()
			if len(raw) != 3 || len(raw[0]) != 8 || raw[1] == nil {
				return fmt.Errorf("unexpected event pack row")
			}
			caseID := int64(binary.BigEndian.Uint64(raw[0]))
			number := string(raw[1])
			b := blockers[caseID] // mostly none
			err := eachPackedEvent(raw[2], &kinds, func(date rules.Date, kind string) error {
				if date.After(asOf) {
					return nil
				}
				if len(b) > 0 && kind == rules.EventContactSheetApproved && !sheetHolds(b, date) {
					return nil
				}
				res.events = append(res.events, rules.Event{Case: number, Kind: kind, Date: date})
				return nil
			})
			if err != nil {
				return fmt.Errorf("events of case %d: %w", caseID, err)
			}
		}
		return rows.Err()
	})
	return res
}

// shortWords interns the few short words read millions of times (the
// events' kinds, the cases' settings and goals): each read once into a
// string, then found again without hashing (their length and last byte
// pick a handful to compare), as a map lookup by string cost for each.
type shortWords struct {
	slots [256][]string
}

func (k *shortWords) intern(name []byte) string {
	if len(name) == 0 {
		return ""
	}
	slot := &k.slots[byte(len(name))*31^name[len(name)-1]]
	for _, s := range *slot {
		if s == string(name) { // no allocation for the comparison
			return s
		}
	}
	s := string(name)
	*slot = append(*slot, s)
	return s
}

// sheetBlocker is a contact that keeps a contact-sheet approval of its case
// from holding (sheetApprovalHoldsSQL): one dated on, or before, the
// approval, and still pending, or approved only after the approval's day.
type sheetBlocker struct {
	on         rules.Date
	pending    bool
	approvedOn rules.Date // zero: no day recorded
}

// blocks reports whether the contact keeps an approval dated day from
// holding: sheetApprovalHoldsSQL's condition, for one contact.
func (b sheetBlocker) blocks(day rules.Date) bool {
	return !b.on.After(day) && (b.pending || (!b.approvedOn.IsZero() && b.approvedOn.After(day)))
}

// sheetBlockers reads, by case row id, every contact that can keep a
// contact-sheet approval from holding: those pending or approved in
// Casework (the partial index events_approval_check_covering_idx, migration 000125 holds exactly
// them, a few of each case's), whatever the date of the load, which the
// reading does not depend on. Checked against each approval in the packs,
// in Go: the query's per-approval anti-join read the whole events table.
func sheetBlockers(ctx context.Context, tx pgx.Tx) (map[int64][]sheetBlocker, error) {
	rows, err := tx.Query(ctx, `
		SELECT p.case_id, p.occurred_on, p.approval = 'pending', p.approved_on FROM events p
		WHERE (p.approval = 'pending' OR p.approved_on IS NOT NULL) AND p.kind IN (`+contactKindsSQL+`)`)
	if err != nil {
		return nil, err
	}
	out := map[int64][]sheetBlocker{}
	var id int64
	var on, approved pgtype.Date
	var pending bool
	_, err = pgx.ForEachRow(rows, []any{&id, &on, &pending, &approved}, func() error {
		out[id] = append(out[id], sheetBlocker{on: pgDate(on), pending: pending, approvedOn: pgDate(approved)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contacts awaiting approval: %w", err)
	}
	return out, nil
}

// sheetHolds reports whether a contact-sheet approval dated day holds
// against its case's blockers.
func sheetHolds(blockers []sheetBlocker, day rules.Date) bool {
	for _, b := range blockers {
		if b.blocks(day) {
			return false
		}
	}
	return true
}

// packedEventKinds are the kinds an event pack codes as a byte (migration
// 000127's event_pack_entry, the same list in the same order: append only,
// never reordered, or every pack must be made again), by code; code 0 is
// none.
var packedEventKinds = [...]string{"",
	rules.EventChildVisit, rules.EventParentVisit, rules.EventSiblingVisit, rules.EventProviderVisit, rules.EventCollateralContact,
	rules.EventFamilyTeamMeeting, rules.EventRelativeNotification, rules.EventCPRBNotification, rules.EventNinetyDayStaffing,
	rules.EventRiskReassessment, rules.EventMVREstablished, rules.EventContactSheetApproved, rules.EventDiligentSearch,
}

// eachPackedEvent calls yield with the date and kind of each event of a
// pack, in the pack's order: 4 bytes of date as PostgreSQL's binary date,
// then a byte c: over 128, the kind coded (packedEventKinds[c - 128]);
// under 128, the kind spelled out in the c bytes that follow, interned in
// words (a kind not yet coded, and every kind of a pack made before
// migration 000127: both forms read the same). A pack that does not parse
// is an error, never a partial list.
func eachPackedEvent(pack []byte, words *shortWords, yield func(date rules.Date, kind string) error) error {
	for len(pack) > 0 {
		if len(pack) < 5 {
			return fmt.Errorf("event pack cut short")
		}
		c, kind, n := int(pack[4]), "", 5
		switch {
		case c == 0 || c == 128:
			return fmt.Errorf("event pack with an empty kind")
		case c > 128:
			if c-128 >= len(packedEventKinds) {
				return fmt.Errorf("event pack with an unknown kind code %d", c-128)
			}
			kind = packedEventKinds[c-128]
		default:
			n += c
			if len(pack) < n {
				return fmt.Errorf("event pack cut short")
			}
			kind = words.intern(pack[5:n])
		}
		if err := yield(pgBinaryDate(pack[:4]), kind); err != nil {
			return err
		}
		pack = pack[n:]
	}
	return nil
}
