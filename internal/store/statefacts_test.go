package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// The agency's facts read straight into memory give the same obligations as
// the export read back through the decoder: one agency, two roads.
func TestAgencyFactsAgreeWithTheExport(t *testing.T) {
	st, _ := seededApp(t)
	f, err := st.AgencyFacts(context.Background(), admin, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Events) == 0 || len(f.Conferences) == 0 || len(f.Cases) == 0 {
		t.Fatalf("facts empty: %d cases, %d events, %d conferences", len(f.Cases), len(f.Events), len(f.Conferences))
	}
	direct, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	viaExport, err := rules.Evaluate(decode(t, export(t, st, asOf)), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viaExport.Obligations, direct.Obligations); diff != "" {
		t.Fatalf("obligations differ (-export +direct):\n%s", diff)
	}
	if _, err := st.AgencyFacts(context.Background(), access.Viewer{Role: access.Supervisor, PersonID: 5}, asOf); err != store.ErrNotFound {
		t.Fatalf("a supervisor read the whole agency: %v", err)
	}
}

// The state-wide facts hold every event up to the date of every case open on
// it and nothing else (a contact-sheet approval only where it holds), and each conference's discussed cases in the
// record's order: checked against plain queries of the tables, on a seed
// that has closed cases with events (which the load leaves in PostgreSQL).
func TestAgencyFactsHoldTheOpenCasesEventsAndDiscussions(t *testing.T) {
	st, pool := seededApp(t)
	ctx := context.Background()
	// Two cases of the demo closed before the date, their events kept.
	if _, err := pool.Exec(ctx, `UPDATE cases SET closed = $1::date - 10 WHERE id IN (
		SELECT case_id FROM events WHERE occurred_on <= $1::date - 10 GROUP BY case_id ORDER BY count(*) DESC, case_id LIMIT 2)`, asOf); err != nil {
		t.Fatal(err)
	}
	f, err := st.AgencyFacts(ctx, admin, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var closedEvents int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id
		WHERE c.closed <= $1 AND e.occurred_on <= $1`, asOf).Scan(&closedEvents); err != nil {
		t.Fatal(err)
	}
	if closedEvents == 0 {
		t.Fatal("the seed has no events of a closed case: the test would not see them left out")
	}
	type ev struct{ c, kind, date string }
	want := map[ev]int{}
	// A contact-sheet approval is a fact only while every contact of its
	// case dated on or before it is approved by then (docs/rules.md).
	rows, err := pool.Query(ctx, `SELECT c.case_number, e.kind, e.occurred_on::text FROM events e JOIN cases c ON c.id = e.case_id
		WHERE e.occurred_on <= $1 AND (c.closed IS NULL OR c.closed > $1)
		  AND NOT (e.kind = 'contact_sheet_approved' AND EXISTS (SELECT 1 FROM events p WHERE p.case_id = e.case_id
		      AND p.kind IN ('child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact')
		      AND p.occurred_on <= e.occurred_on AND (p.approval = 'pending' OR p.approved_on > e.occurred_on)))`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e ev
		if err := rows.Scan(&e.c, &e.kind, &e.date); err != nil {
			t.Fatal(err)
		}
		want[e]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := map[ev]int{}
	for _, e := range f.Events {
		got[ev{e.Case, e.Kind, e.Date.String()}]++
	}
	if len(f.Events) == 0 {
		t.Fatal("no events")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events differ (-tables +facts):\n%s", diff)
	}

	wantCases := map[string][]string{}
	rows, err = pool.Query(ctx, `
		SELECT coalesce(k.source_id, 'k' || k.id), c.case_number
		FROM discussed_cases d JOIN conferences k ON k.id = d.conference_id JOIN cases c ON c.id = d.case_id
		WHERE k.status IN ('signed', 'shared', 'acknowledged') AND k.held_on <= $1 AND (c.closed IS NULL OR c.closed > $1)
		ORDER BY k.id, d.position, c.case_number COLLATE "C"`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, c string
		if err := rows.Scan(&k, &c); err != nil {
			t.Fatal(err)
		}
		wantCases[k] = append(wantCases[k], c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	gotCases := map[string][]string{}
	for _, k := range f.Conferences {
		if len(k.Cases) > 0 {
			gotCases[k.ID] = k.Cases
		}
	}
	if len(gotCases) == 0 {
		t.Fatal("no conference discussed a case")
	}
	if diff := cmp.Diff(wantCases, gotCases); diff != "" {
		t.Fatalf("discussed cases differ (-tables +facts):\n%s", diff)
	}
}
