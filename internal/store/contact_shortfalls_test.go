package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// contactReadings reads each month (first days) by the monthly contact
// rules of the profile's version in force on the given day.
func contactReadings(t *testing.T, profile, on string, months ...time.Time) ([]store.ContactReading, []string) {
	t.Helper()
	p, ok := rules.LookupProfile(profile)
	if !ok {
		t.Fatalf("no profile %s", profile)
	}
	v, ok := p.VersionAt(rules.MustDate(on))
	if !ok {
		t.Fatalf("%s has no version on %s", profile, on)
	}
	var out []store.ContactReading
	var ids []string
	for _, r := range store.MonthlyContactRules(v) {
		ids = append(ids, r.ID)
		for _, m := range months {
			out = append(out, store.ContactReading{Month: m, Rule: r.ID, Events: r.Counts.Events, Scope: r.Scope})
		}
	}
	return out, ids
}

// The rules the trends count as monthly contacts are the profiles'
// calendar-month visit rules, selected by their tag and cadence: nj-cpp's
// monthly parent and collateral contacts from its 2026-12-01 version (none
// before it: the weekly visits, the visit plans, the case conference and
// the contact sheets' approval are not among them), policy-46100's three
// monthly health and safety visits.
func TestMonthlyContactRules(t *testing.T) {
	for _, c := range []struct {
		profile, on string
		want        []string
	}{
		{"nj-cpp", "2026-12-01", []string{"visits.parent_monthly", "visits.collateral_monthly"}},
		{"nj-cpp", "2026-11-30", nil},
		{"policy-46100", "2026-12-01", []string{"visits.child_monthly", "visits.parent_monthly", "visits.caregiver_monthly"}},
	} {
		if _, got := contactReadings(t, c.profile, c.on); !slices.Equal(got, c.want) {
			t.Errorf("%s on %s: %v, want %v", c.profile, c.on, got, c.want)
		}
	}
}

// The months that ended short under each monthly contact rule, per unit,
// against real PostgreSQL: six cases added to a unit of the demo, with
// their contacts month by month, move the unit's figures by exactly what
// they owe. A month with the contact is met, one without it is short; a
// case assigned during the month, or reassigned in it, owes nothing for it
// (the rule's first due date is a month after the assignment); a case
// closed in the month is not counted; the goal of reunification owes no
// monthly parent contact under nj-cpp (it does under policy-46100, which
// sets no goal); the caregiver is owed from the month the child is placed
// by its last day; November has not ended (as of 2026-11-23) and is not
// counted. Reach: the unit's casework supervisor reads the same, another
// unit's supervisor none of it, a worker is refused.
func TestContactShortfallsTrend(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var unit, worker, sup, cws, otherSup, office int64
	if err := owner.QueryRow(ctx, `
		SELECT um.unit_id, um.worker_id, us.supervisor_id, r.casework_supervisor_id,
		       (SELECT s2.supervisor_id FROM unit_supervisors s2 WHERE s2.unit_id <> um.unit_id AND s2.supervisor_id <> us.supervisor_id
		          AND s2.during @> $1::date ORDER BY s2.unit_id LIMIT 1),
		       u.office_id
		FROM unit_members um
		JOIN units u ON u.id = um.unit_id
		JOIN unit_supervisors us ON us.unit_id = um.unit_id AND us.during @> $1::date
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $1::date
		WHERE um.during @> DATE '2026-07-01' AND um.during @> $1::date
		ORDER BY um.unit_id, um.worker_id LIMIT 1`, asOf).Scan(&unit, &worker, &sup, &cws, &otherSup, &office); err != nil {
		t.Fatal(err)
	}
	month := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	aug, sep, oct, nov := month("2026-08-01"), month("2026-09-01"), month("2026-10-01"), month("2026-11-01")
	nj, _ := contactReadings(t, "nj-cpp", "2026-12-01", aug, sep, oct, nov)
	p46100, _ := contactReadings(t, "policy-46100", "2026-12-01", aug, sep, oct, nov)

	type fig struct{ owing, short int }
	figures := func(v access.Viewer, readings []store.ContactReading) map[string]fig {
		t.Helper()
		rows, err := st.ContactShortfalls(ctx, v, asOf, readings)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]fig{}
		for _, r := range rows {
			if r.UnitID == unit {
				out[r.Month.Format("2006-01")+" "+r.Rule] = fig{r.Owing, r.Short}
			}
		}
		return out
	}
	supV := access.Viewer{PersonID: sup, Role: access.Supervisor}
	beforeNJ, before46100 := figures(supV, nj), figures(supV, p46100)

	q := func(sql string, args ...any) {
		t.Helper()
		if _, err := owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// A: in home, goal adoption, held since July: parent contacts in
	// August and October, collateral contacts in August and September,
	// child visits every month.
	// B: placed out of home in July, goal reunification: one child visit
	// (August), caregiver visits every month, no parent or collateral
	// contact.
	// C: in home, no goal yet, assigned 2026-08-15: a parent and a
	// collateral contact in October.
	// D: in home, closed 2026-09-20, nothing made.
	// E: in home, goal adoption, reassigned to the same worker on
	// 2026-09-10, nothing made.
	// F: in home, goal reunification, held since July: a parent contact
	// in September only (owed the monthly one: not placed out of home).
	// X: placed out of home 2026-09-15, goal adoption, held since July:
	// child, parent and collateral contacts every month, a caregiver visit
	// in October.
	cases := map[string]int64{}
	for _, c := range []struct {
		number, setting string
		placed, goal    any
		closed          any
		held            []string
	}{
		{"T-CA", "in_home", nil, "adoption", nil, []string{"2026-07-01", ""}},
		{"T-CB", "out_of_home", "2026-07-01", "reunification", nil, []string{"2026-07-01", ""}},
		{"T-CC", "in_home", nil, nil, nil, []string{"2026-08-15", ""}},
		{"T-CD", "in_home", nil, "remain_home", "2026-09-20", []string{"2026-07-01", ""}},
		{"T-CE", "in_home", nil, "adoption", nil, []string{"2026-07-01", "2026-09-10", "2026-09-10", ""}},
		{"T-CX", "out_of_home", "2026-09-15", "adoption", nil, []string{"2026-07-01", ""}},
		{"T-CF", "in_home", nil, "reunification", nil, []string{"2026-07-01", ""}},
	} {
		var id int64
		if err := owner.QueryRow(ctx, `INSERT INTO cases (case_number, family_name, office_id, setting, placement_date, goal, closed, created_at)
			VALUES ($1, $1, $2, $3, $4, $5, $6, now()) RETURNING id`, c.number, office, c.setting, c.placed, c.goal, c.closed).Scan(&id); err != nil {
			t.Fatal(err)
		}
		cases[c.number] = id
		for i := 0; i < len(c.held); i += 2 {
			q(`INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange($3::date, nullif($4, '')::date))`, id, worker, c.held[i], c.held[i+1])
		}
	}
	events := map[string][]string{
		"T-CA": {"parent_visit 2026-08-10", "parent_visit 2026-10-01", "collateral_contact 2026-08-05", "collateral_contact 2026-09-30",
			"child_visit 2026-08-03", "child_visit 2026-09-03", "child_visit 2026-10-03", "sibling_visit 2026-09-12"},
		"T-CB": {"child_visit 2026-08-15", "provider_visit 2026-08-20", "provider_visit 2026-09-20", "provider_visit 2026-10-20"},
		"T-CC": {"parent_visit 2026-10-05", "collateral_contact 2026-10-05", "parent_visit 2026-07-20"},
		"T-CF": {"parent_visit 2026-09-05"},
		"T-CX": {"parent_visit 2026-08-01", "parent_visit 2026-09-01", "parent_visit 2026-10-01",
			"collateral_contact 2026-08-01", "collateral_contact 2026-09-01", "collateral_contact 2026-10-01",
			"child_visit 2026-08-01", "child_visit 2026-09-01", "child_visit 2026-10-01", "provider_visit 2026-10-03"},
	}
	for number, es := range events {
		for _, e := range es {
			var kind, on string
			if _, err := fmt.Sscan(e, &kind, &on); err != nil {
				t.Fatal(err)
			}
			q(`INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, $2, $3, now())`, cases[number], kind, on)
		}
	}

	check := func(profile string, before, after map[string]fig, want map[string]fig) {
		t.Helper()
		for k, w := range want {
			b, a := before[k], after[k]
			if got := (fig{a.owing - b.owing, a.short - b.short}); got != w {
				t.Errorf("%s, %s: the cases moved the figures by %+v, want %+v (before %+v, after %+v)", profile, k, got, w, b, a)
			}
		}
		for k, a := range after {
			if k[:7] == "2026-11" {
				t.Errorf("%s: November (not ended as of %s) is counted: %s %+v", profile, asOf.Format(time.DateOnly), k, a)
			}
		}
	}
	afterNJ := figures(supV, nj)
	check("nj-cpp", beforeNJ, afterNJ, map[string]fig{
		// Parents: A met; D, E, F short; B not owed (placed, reunification:
		// the weekly visits instead); C assigned in August.
		"2026-08 visits.parent_monthly": {5, 3},
		// A short, C short; X, F met; D closed in September; E reassigned in it.
		"2026-09 visits.parent_monthly": {4, 2},
		// A, C, X met; E, F short.
		"2026-10 visits.parent_monthly": {5, 2},
		// Collateral: A, X met; B, D, E, F short.
		"2026-08 visits.collateral_monthly": {6, 4},
		// A (the 30th), X met; B, C, F short.
		"2026-09 visits.collateral_monthly": {5, 3},
		// C, X met; A, B, E, F short.
		"2026-10 visits.collateral_monthly": {6, 4},
	})
	after46100 := figures(supV, p46100)
	check("policy-46100", before46100, after46100, map[string]fig{
		"2026-08 visits.child_monthly": {6, 3}, // A, B, X met; D, E, F short
		"2026-09 visits.child_monthly": {5, 3}, // A, X met; B, C, F short
		"2026-10 visits.child_monthly": {6, 4}, // A, X met; B, C, E, F short
		// No goal condition: B owes the parent contact too.
		"2026-08 visits.parent_monthly": {6, 4}, // A, X met; B, D, E, F short
		"2026-09 visits.parent_monthly": {5, 3}, // X, F met; A, B, C short
		"2026-10 visits.parent_monthly": {6, 3}, // A, C, X met; B, E, F short
		// The caregiver: B placed since July; X placed 2026-09-15, owed
		// from September (placed by its last day), visited in October.
		"2026-08 visits.caregiver_monthly": {1, 0},
		"2026-09 visits.caregiver_monthly": {2, 1},
		"2026-10 visits.caregiver_monthly": {2, 0},
	})

	// As of 2026-12-01 November has ended: A, B, C, E, X owe the
	// collateral contact and made none in November.
	rows, err := st.ContactShortfalls(ctx, supV, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), nj)
	if err != nil {
		t.Fatal(err)
	}
	var novRows int
	for _, r := range rows {
		if r.UnitID == unit && r.Month.Equal(nov) && r.Rule == "visits.collateral_monthly" {
			novRows++
			if r.Owing < 5 || r.Short < 5 {
				t.Errorf("November as of 2026-12-01: %+v, want at least the five cases short", r)
			}
		}
	}
	if novRows != 1 {
		t.Errorf("November as of 2026-12-01: %d rows of the unit's collateral contacts, want 1", novRows)
	}

	// Reach: the casework supervisor over the unit reads the same; another
	// unit's supervisor does not read the unit; a worker is refused.
	if got := figures(access.Viewer{PersonID: cws, Role: access.CaseworkSupervisor}, nj); fmt.Sprint(got) != fmt.Sprint(afterNJ) {
		t.Errorf("casework supervisor: %v, want %v", got, afterNJ)
	}
	if got := figures(access.Viewer{PersonID: otherSup, Role: access.Supervisor}, nj); len(got) != 0 {
		t.Errorf("another unit's supervisor reads the unit: %v", got)
	}
	if _, err := st.ContactShortfalls(ctx, access.Viewer{PersonID: worker, Role: access.Worker}, asOf, nj); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a worker: %v", err)
	}
	// A reading the history cannot count (a scope flag it does not read),
	// or a rule read twice for a month, is refused, not misread.
	bad := store.ContactReading{Month: aug, Rule: "x", Events: []string{"sibling_visit"}, Scope: rules.ScopeAssigned | rules.ScopeSiblingsApart}
	if _, err := st.ContactShortfalls(ctx, supV, asOf, []store.ContactReading{bad}); err == nil {
		t.Error("a reading with siblings apart was counted")
	}
	if _, err := st.ContactShortfalls(ctx, supV, asOf, []store.ContactReading{nj[0], nj[0]}); err == nil {
		t.Error("a rule read twice for a month was counted")
	}
}
