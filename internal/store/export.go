package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
)

// ExportOptions chooses what ExportFacts writes.
type ExportOptions struct {
	On      time.Time // the facts' as_of: positions and assignments are those of this date
	Profile string    // overrides the profile in force on the date; "" keeps it
}

// ExportCounts says how much an export wrote.
type ExportCounts struct {
	Staff, Cases, Conferences, Events int
	// Uploaded is the effective date of the profile version in force on
	// the date when an administrator uploaded it (or the profile is the
	// agency's own): the facts name the profile, the contract has no place
	// for its file, so evaluating them as the app does takes that file
	// (`casework rules profile show ID --database`). Zero: the built-in file.
	Uploaded rules.Date
}

// uploadedInForce is the effective date of the version of p in force on
// the date when it is not the built-in file's (zero otherwise).
func uploadedInForce(p *rules.Profile, on rules.Date) rules.Date {
	if p == nil {
		return rules.Date{}
	}
	v, ok := p.VersionAt(on)
	if !ok {
		return rules.Date{}
	}
	if base, builtin := rules.LookupProfile(p.ID); builtin {
		if b, ok := base.VersionAt(on); ok && b.Effective == v.Effective && bytes.Equal(b.File, v.File) {
			return rules.Date{}
		}
	}
	return v.Effective // an uploaded version always has its date
}

// ExportFacts writes the whole agency's facts in the rules contract's format
// to w, as a stream (memory does not grow with the events): every staff
// member in post on the date (or with a post not yet begun), every active
// casework supervisor, and everyone a case or conference names; every case,
// open or closed, with the worker holding it on the date (or the first
// assignment after it) and its whole risk history; every held conference
// (signed, shared or acknowledged) with the cases discussed; every event. Ids
// are the source system's (see FactIDs). Facts dated after the date are
// written too: the engine ignores them, as the contract says. No notes, no
// performance content: the facts have no place for them.
//
// For administrators only (the command line passes an administrator
// viewer); the export is recorded in the audit log.
func (s *Store) ExportFacts(ctx context.Context, v access.Viewer, opt ExportOptions, w io.Writer) (ExportCounts, error) {
	var n ExportCounts
	if !v.Is(access.Administrator) {
		return n, ErrNotFound
	}
	on := opt.On
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var f rules.Facts
		f.AsOf = dateOf(on)
		if err := profileInForce(ctx, tx, on, &f); err != nil {
			return err
		}
		if opt.Profile != "" && opt.Profile != f.Profile {
			// Another profile, built-in or the agency's own, with its
			// uploaded versions.
			p, err := policyProfile(ctx, tx, opt.Profile)
			if errors.Is(err, ErrNotFound) {
				return FieldErrors{"profile": "unknown profile " + strconv.Quote(opt.Profile) + " (known: the built-in " + strings.Join(rules.ProfileIDs(), ", ") + ", and the agency's uploaded ones)"}
			}
			if err != nil {
				return err
			}
			f.Profile, f.Policy = opt.Profile, p
		}
		n.Uploaded = uploadedInForce(f.Policy, f.AsOf)
		fw := exchange.NewFactsWriter(w)
		if err := fw.Header(f.AsOf, f.Profile, f.Holidays, f.HolidaysSet); err != nil {
			return err
		}
		factID, err := exportStaff(ctx, tx, on, fw, &n)
		if err != nil {
			return err
		}
		if err := exportCases(ctx, tx, on, factID, fw, &n); err != nil {
			return err
		}
		if err := exportConferences(ctx, tx, factID, fw, &n); err != nil {
			return err
		}
		if err := exportEvents(ctx, tx, fw, &n); err != nil {
			return err
		}
		if err := exportEmergentAndReviews(ctx, tx, on, factID, fw); err != nil {
			return err
		}
		if err := fw.Close(); err != nil {
			return err
		}
		// Last, so that the audit chain's lock is held only for the commit.
		return audit(ctx, tx, v, AuditEntry{Action: "exported", Entity: "facts", Detail: map[string]any{
			"as_of": f.AsOf.String(), "profile": f.Profile, "uploaded_version": n.Uploaded.String(), "run_by": runBy(v),
			"counts": map[string]int{"staff": n.Staff, "cases": n.Cases, "conferences": n.Conferences, "events": n.Events},
		}})
	})
	if err != nil {
		return n, fmt.Errorf("ExportFacts: %w", err)
	}
	return n, nil
}

// runBy names who ran an import or export: the person, or the command line.
func runBy(v access.Viewer) string {
	if v.PersonID != 0 {
		return fmt.Sprintf("%s (person %d)", v.Name, v.PersonID)
	}
	if v.Name != "" {
		return v.Name
	}
	return "command line"
}

// heldRefsSQL lists the people named by held conferences and by the
// assignments the export writes.
var heldRefsSQL = `
		SELECT unnest(ARRAY[k.supervisor_id, k.worker_id, k.casework_supervisor_id, k.invited_worker_id]) AS id
		FROM conferences k WHERE k.status IN ` + heldStatuses + `
		UNION
		SELECT a.worker_id FROM case_assignments a WHERE a.during @> $1::date OR lower(a.during) > $1::date`

// exportStaff writes the staff and returns the fact id of each person written.
func exportStaff(ctx context.Context, tx pgx.Tx, on time.Time, fw *exchange.FactsWriter, n *ExportCounts) (map[int64]string, error) {
	rows, err := tx.Query(ctx, `
		WITH refs AS (`+heldRefsSQL+`)
		SELECT * FROM (`+agencyStaffSQL+`
		    WHERE p.role <> 'administrator'
		) st
		LEFT JOIN LATERAL (SELECT true FROM refs WHERE refs.id = st.id LIMIT 1) r(named) ON true
		ORDER BY st.fact_id COLLATE "C"`, on)
	if err != nil {
		return nil, err
	}
	type row struct {
		id        int64
		s         rules.Staff
		reportsTo *int64
		keep      bool
	}
	var all []row
	byID := map[int64]int{}
	for rows.Next() {
		var r row
		var exp, since pgtype.Date
		var inPost, active bool
		var named *bool
		if err := rows.Scan(&r.id, &r.s.ID, &r.s.Role, &r.s.Name, &exp, &since, &r.reportsTo, &inPost, &active, &named); err != nil {
			rows.Close()
			return nil, err
		}
		r.s.ExperienceStart, r.s.Since = pgDate(exp), pgDate(since)
		r.keep = inPost || (named != nil && *named) || (r.s.Role == rules.RoleCaseworkSupervisor && active)
		byID[r.id] = len(all)
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Whoever a kept person reports to is kept too (a worker's supervisor, a
	// supervisor's casework supervisor), so that the facts validate.
	for changed := true; changed; {
		changed = false
		for _, r := range all {
			if !r.keep || r.reportsTo == nil {
				continue
			}
			if i, ok := byID[*r.reportsTo]; ok && !all[i].keep {
				all[i].keep, changed = true, true
			}
		}
	}
	factID := make(map[int64]string, len(all))
	for _, r := range all {
		if r.keep {
			factID[r.id] = r.s.ID
		}
	}
	for _, r := range all {
		if !r.keep {
			continue
		}
		if r.reportsTo != nil {
			r.s.ReportsTo = factID[*r.reportsTo]
		}
		if err := fw.Staff(r.s); err != nil {
			return nil, err
		}
		n.Staff++
	}
	return factID, nil
}

func exportCases(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string, fw *exchange.FactsWriter, n *ExportCounts) error {
	rows, err := tx.Query(ctx, `
		SELECT c.case_number, a.worker_id, a.assigned, c.received, c.setting, c.placement_date, c.scr_assigned,
		       coalesce(r.levels, '{}'), coalesce(r.froms, '{}'), coalesce(c.goal, ''), c.court_next, c.closing, c.closed, `+firstAssignedSQL+`,
		       c.safety_plan_start, c.safety_plan_end,
		       coalesce(v.froms, '{}'), coalesce(v.counts, '{}'), sa.start_on, sa.end_on
		FROM cases c
		LEFT JOIN case_siblings_apart sa ON sa.case_id = c.id
		LEFT JOIN LATERAL (
		    SELECT array_agg(m.from_on ORDER BY m.from_on) AS froms,
		           array_agg(ARRAY[m.child, m.parents, m.provider] ORDER BY m.from_on) AS counts
		    FROM case_mvr m WHERE m.case_id = c.id
		) v ON true
		LEFT JOIN LATERAL (
		    SELECT a.worker_id, lower(a.during) AS assigned FROM case_assignments a
		    WHERE a.case_id = c.id AND (a.during @> $1::date OR lower(a.during) > $1::date)
		    ORDER BY lower(a.during) LIMIT 1
		) a ON true
		LEFT JOIN LATERAL (
		    SELECT array_agg(r.level ORDER BY r.assessed_on) AS levels, array_agg(r.assessed_on ORDER BY r.assessed_on) AS froms
		    FROM risk_assessments r WHERE r.case_id = c.id
		) r ON true
		ORDER BY c.case_number COLLATE "C"`, on)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c rules.Case
	var worker *int64
	var assigned, received, placement, scr, court, closing, closed, first, planStart, planEnd, apartStart, apartEnd pgtype.Date
	var levels []string
	var froms, mvrFroms []time.Time
	var mvrCounts [][]int32
	for rows.Next() {
		c = rules.Case{}
		levels, froms = levels[:0], froms[:0]
		if err := rows.Scan(&c.ID, &worker, &assigned, &received, &c.Setting, &placement, &scr, &levels, &froms, &c.Goal, &court, &closing, &closed, &first, &planStart, &planEnd, &mvrFroms, &mvrCounts, &apartStart, &apartEnd); err != nil {
			return err
		}
		for i := range mvrFroms {
			if i < len(mvrCounts) && len(mvrCounts[i]) == 3 {
				c.MVR = append(c.MVR, rules.MVREntry{From: dateOf(mvrFroms[i]), Child: int(mvrCounts[i][0]), Parents: int(mvrCounts[i][1]), Provider: int(mvrCounts[i][2])})
			}
		}
		c.FirstAssigned, c.SafetyPlanStart, c.SafetyPlanEnd = pgDate(first), pgDate(planStart), pgDate(planEnd)
		c.SiblingsApartStart, c.SiblingsApartEnd = pgDate(apartStart), pgDate(apartEnd)
		if worker != nil {
			c.Worker = factID[*worker]
		}
		c.Assigned, c.Received, c.PlacementDate, c.SCRAssigned = pgDate(assigned), pgDate(received), pgDate(placement), pgDate(scr)
		c.CourtNext, c.Closing, c.Closed = pgDate(court), pgDate(closing), pgDate(closed)
		if len(levels) > 0 {
			c.Risk = make([]rules.RiskEntry, len(levels))
			for i := range levels {
				c.Risk[i] = rules.RiskEntry{Level: levels[i], From: dateOf(froms[i])}
			}
		}
		if err := fw.Case(c); err != nil {
			return err
		}
		n.Cases++
	}
	return rows.Err()
}

func exportConferences(ctx context.Context, tx pgx.Tx, factID map[int64]string, fw *exchange.FactsWriter, n *ExportCounts) error {
	rows, err := tx.Query(ctx, `
		SELECT `+factConferenceID+`, k.kind, k.held_on, k.supervisor_id, coalesce(k.worker_id, k.invited_worker_id), k.casework_supervisor_id,
		       `+sharedDate("k")+`,
		       coalesce((SELECT array_agg(c.case_number ORDER BY cc.position, c.case_number)
		                 FROM discussed_cases cc JOIN cases c ON c.id = cc.case_id WHERE cc.conference_id = k.id), '{}')
		FROM conferences k
		WHERE k.status IN `+heldStatuses+`
		ORDER BY k.held_on, `+factConferenceID+` COLLATE "C"`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var k rules.Conference
	var held, shared pgtype.Date
	var sup int64
	var worker, cws *int64
	for rows.Next() {
		k = rules.Conference{}
		if err := rows.Scan(&k.ID, &k.Kind, &held, &sup, &worker, &cws, &shared, &k.Cases); err != nil {
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
		if err := fw.Conference(k); err != nil {
			return err
		}
		n.Conferences++
	}
	return rows.Err()
}

// exportEvents writes every event, but a contact-sheet approval only where
// it holds (sheetApprovalHoldsSQL): the facts have no approval per contact,
// so a contact_sheet_approved fact dated D says every contact of the case
// dated on or before D was approved (docs/rules.md).
func exportEvents(ctx context.Context, tx pgx.Tx, fw *exchange.FactsWriter, n *ExportCounts) error {
	rows, err := tx.Query(ctx, `
		SELECT c.case_number, e.kind, e.occurred_on
		FROM events e JOIN cases c ON c.id = e.case_id
		WHERE `+sheetApprovalHoldsSQL("e")+`
		ORDER BY c.case_number COLLATE "C", e.occurred_on, e.kind`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var e rules.Event
	var d time.Time
	for rows.Next() {
		if err := rows.Scan(&e.Case, &e.Kind, &d); err != nil {
			return err
		}
		e.Date = dateOf(d)
		if err := fw.Event(e); err != nil {
			return err
		}
		n.Events++
	}
	return rows.Err()
}
