package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// ContactScopes are the scope flags ContactShortfalls reads for a past
// month: the assignment, the setting, the placement and the goal. A rule
// with any other flag (a high risk, siblings apart, a safety plan...) is not
// one the trends count: its history is not read here.
const ContactScopes = rules.ScopeAssigned | rules.ScopeInHome | rules.ScopeOutOfHome | rules.ScopePlaced |
	rules.ScopeGoalReunification | rules.ScopeGoalOther | rules.ScopeNotPlacedForReunification

// MonthlyContactRules are the rules of a profile version the trends count
// as monthly visits and contacts, in the version's order: the case rules
// tagged visits whose cadence is a calendar month from the assignment
// (calendar_month, anchor assigned, no court limit, no first-year variant),
// met by events of the case of the kinds they name (from the assignment or
// any date, no window), in scopes ContactScopes can read. The visit plans
// (monthly_count) have their own table (VisitShortfalls); weekly visits
// (interval) are not monthly figures.
func MonthlyContactRules(v *rules.Version) []rules.Rule {
	if v == nil {
		return nil
	}
	var out []rules.Rule
	for _, r := range v.Rules {
		c, d := r.Counts, r.Due
		switch {
		case r.Subject != rules.SubjectCase, !r.Tags.Has(rules.TagVisits), r.FirstYear != nil,
			d.Kind != rules.CalendarMonth, d.Anchor != rules.AnchorAssigned, d.BeforeCourt,
			len(c.Events) == 0, c.Conference != "", c.From != rules.AnchorNone && c.From != rules.AnchorAssigned,
			c.Window != 0, c.BeforeDue != 0, c.Each, c.Assigned, c.Shared, c.Answered, c.MVRReview,
			r.Scope&rules.ScopeAssigned == 0, r.Scope&^ContactScopes != 0:
			continue
		}
		out = append(out, r)
	}
	return out
}

// ContactReading is one monthly contact rule as the trends read one month:
// the rule of the profile version in force on the day after the month
// (MonthlyContactRules of that version).
type ContactReading struct {
	Month  time.Time // the month's first day
	Rule   string    // the rule's id: the rows' key, never shown
	Events []string  // the event kinds that count
	Scope  rules.Scope
}

// ContactMonth is one unit's month under one monthly contact rule: the
// cases that owed it for the month, and of them those whose month ended
// short (no event of the kinds it counts dated in the month).
type ContactMonth struct {
	Month  time.Time `db:"month"` // first day
	UnitID int64     `db:"unit_id"`
	Rule   string    `db:"rule"`
	Owing  int       `db:"owing"`
	Short  int       `db:"short"`
}

// ContactShortfalls returns, for the units within the viewer's reach today
// and each reading of a month that has ended by today, how many cases owed
// the rule that month and how many of them ended it short: in one
// set-based query, read as the rule reads a calendar month (docs/rules.md,
// "Monthly contacts in the trends"). With M the month and L its last day,
// a case owes the rule for M when on L it is open (not closed before the
// next month), in the rule's scope (in home, out of home, placed out of
// home by L, the goal: its current one, the only one kept), and held under
// an assignment that began before M's first day and still held it on L:
// then the rule's due date falls on or before L, so a month without a
// contact leaves it overdue. A case assigned (or reassigned) during M owes
// its first contact one month after the assignment, so M is not counted for
// it. The month is short when no event of the rule's kinds is dated in M,
// by whoever made it. A case counts for each unit the worker holding it
// belonged to at some time in M.
func (s *Store) ContactShortfalls(ctx context.Context, v access.Viewer, today time.Time, readings []ContactReading) ([]ContactMonth, error) {
	if !v.Is(access.Supervisor, access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	n := len(readings)
	if n == 0 {
		return nil, nil
	}
	months, ids, kinds := make([]time.Time, n), make([]string, n), make([]string, n)
	inHome, outOfHome, placed, reunification, other := make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
	notPlacedForReunification := make([]bool, n)
	type key struct {
		month time.Time
		rule  string
	}
	seen := make(map[key]bool, n)
	for i, r := range readings {
		// A rule read twice for a month would have its rows summed.
		k := key{r.Month, r.Rule}
		if seen[k] {
			return nil, fmt.Errorf("ContactShortfalls: %s is read twice for %s", r.Rule, r.Month.Format("2006-01"))
		}
		seen[k] = true
		if r.Scope&rules.ScopeAssigned == 0 || r.Scope&^ContactScopes != 0 || len(r.Events) == 0 ||
			slices.ContainsFunc(r.Events, func(k string) bool { return k == "" || strings.Contains(k, ",") }) {
			return nil, fmt.Errorf("ContactShortfalls: the reading of %s cannot be counted from the history", r.Rule)
		}
		months[i], ids[i], kinds[i] = r.Month, r.Rule, strings.Join(r.Events, ",")
		inHome[i], outOfHome[i] = r.Scope&rules.ScopeInHome != 0, r.Scope&rules.ScopeOutOfHome != 0
		placed[i] = r.Scope&rules.ScopePlaced != 0
		reunification[i], other[i] = r.Scope&rules.ScopeGoalReunification != 0, r.Scope&rules.ScopeGoalOther != 0
		notPlacedForReunification[i] = r.Scope&rules.ScopeNotPlacedForReunification != 0
	}
	rows, err := s.pool.Query(ctx, `
		WITH units AS (`+complianceUnitsSQL+`),
		readings AS (
		    SELECT r.month, (r.month + interval '1 month')::date AS next, r.rule, string_to_array(r.kinds, ',') AS kinds,
		           r.in_home, r.out_of_home, r.placed, r.reunification, r.other, r.not_placed_for_reunification
		    FROM unnest($3::date[], $4::text[], $6::text[], $7::bool[], $8::bool[], $9::bool[], $10::bool[], $11::bool[], $12::bool[])
		         AS r(month, rule, kinds, in_home, out_of_home, placed, reunification, other, not_placed_for_reunification)
		    WHERE (r.month + interval '1 month')::date <= $2::date
		),
		owing AS (
		    SELECT DISTINCT r.month, r.next, r.rule, r.kinds, um.unit_id, a.case_id
		    FROM readings r
		    JOIN unit_members um ON um.during && daterange(r.month, r.next) AND um.unit_id IN (SELECT unit_id FROM units)
		    JOIN case_assignments a ON a.worker_id = um.worker_id AND lower(a.during) < r.month AND a.during @> (r.next - 1)
		    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed >= r.next)
		    WHERE (NOT r.in_home OR c.setting = 'in_home')
		      AND (NOT r.out_of_home OR c.setting = 'out_of_home')
		      AND (NOT r.placed OR (c.setting = 'out_of_home' AND c.placement_date < r.next))
		      AND (NOT r.reunification OR c.goal = 'reunification')
		      AND (NOT r.other OR c.goal IS DISTINCT FROM 'reunification')
		      AND (NOT r.not_placed_for_reunification OR NOT coalesce(
		          c.setting = 'out_of_home' AND c.placement_date < r.next AND c.goal = 'reunification', false))
		)
		SELECT o.month, o.unit_id, o.rule, count(*)::int AS owing,
		       count(*) FILTER (WHERE NOT EXISTS (
		           SELECT 1 FROM events e WHERE e.case_id = o.case_id AND e.occurred_on >= o.month AND e.occurred_on < o.next
		             AND e.kind = ANY (o.kinds)))::int AS short
		FROM owing o GROUP BY o.month, o.unit_id, o.rule ORDER BY o.month, o.unit_id, o.rule`,
		v.PersonID, today, months, ids, string(v.Role), kinds, inHome, outOfHome, placed, reunification, other, notPlacedForReunification)
	if err != nil {
		return nil, fmt.Errorf("ContactShortfalls: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[ContactMonth])
	if err != nil {
		return nil, fmt.Errorf("ContactShortfalls: %w", err)
	}
	return out, nil
}

// ProfilesOn is the policy profile the agency chose in force on each of the
// days, in their order, in one query ("" for a day before any choice).
func (s *Store) ProfilesOn(ctx context.Context, days []time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT coalesce((SELECT p.profile FROM profile_choices p WHERE p.effective_on <= d.day ORDER BY p.effective_on DESC LIMIT 1), '')
		FROM unnest($1::date[]) WITH ORDINALITY AS d(day, n) ORDER BY d.n`, days)
	if err != nil {
		return nil, fmt.Errorf("ProfilesOn: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("ProfilesOn: %w", err)
	}
	return out, nil
}
