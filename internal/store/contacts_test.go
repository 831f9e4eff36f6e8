package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// contactCase is one open case of the demo with its worker and supervisor,
// its contacts and contact-sheet approvals removed, so that a test writes
// the whole contact history it reads.
type contactCase struct {
	caseID, worker int64
	number         string
	sup            access.Viewer
}

func cleanContactCase(t *testing.T, st *store.Store, pool *pgxpool.Pool) contactCase {
	t.Helper()
	ctx := context.Background()
	var c contactCase
	var sup int64
	if err := pool.QueryRow(ctx, `
		SELECT c.id, c.case_number, a.worker_id, s.supervisor_id
		FROM cases c
		JOIN case_assignments a ON a.case_id = c.id AND a.during @> DATE '2026-11-23'
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> DATE '2026-11-23'
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		WHERE c.closed IS NULL AND a.during @> DATE '2026-09-01'
		ORDER BY c.id LIMIT 1`).Scan(&c.caseID, &c.number, &c.worker, &sup); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM events WHERE case_id = $1
		AND kind IN ('child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact', 'contact_sheet_approved')`, c.caseID); err != nil {
		t.Fatal(err)
	}
	v, err := st.ViewerByID(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	c.sup = v
	return c
}

// awaiting is the case's contacts awaiting approval as the supervisor's
// list gives them, and the agenda's count from the worker's facts.
func (c contactCase) awaiting(t *testing.T, st *store.Store) (listed []int64, agenda int) {
	t.Helper()
	list, err := st.PendingContacts(context.Background(), c.sup, c.worker, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if p.CaseID == c.caseID {
			listed = append(listed, p.EventID)
		}
	}
	_, ids, err := st.WorkerFacts(context.Background(), c.sup, c.worker, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return listed, ids.Awaiting[c.number]
}

// approval is the case's contacts.approval obligation evaluated on the
// worker's facts as of the date.
func (c contactCase) approval(t *testing.T, st *store.Store) rules.Obligation {
	t.Helper()
	f, _, err := st.WorkerFacts(context.Background(), c.sup, c.worker, asOf)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Obligations {
		if o.Rule == "contacts.approval" && o.Subject == c.number {
			return o
		}
	}
	t.Fatalf("case %s owes no contacts.approval", c.number)
	return rules.Obligation{}
}

// Approving one contact approves that contact only: the case's other
// contact still awaits approval, and the contact sheet is not approved (the
// rule stays overdue) until every contact of the case is.
func TestApprovingOneContactLeavesTheOthersAwaiting(t *testing.T) {
	st, pool := seeded(t)
	ctx := context.Background()
	c := cleanContactCase(t, st, pool)
	var first, second int64
	if err := pool.QueryRow(ctx, `
		WITH ins AS (
		    INSERT INTO events (case_id, kind, occurred_on, recorded_at, documented_on, approval) VALUES
		        ($1, 'contact_sheet_approved', DATE '2026-09-30', now(), NULL, 'not_required'),
		        ($1, 'child_visit', DATE '2026-11-10', now(), DATE '2026-11-10', 'pending'),
		        ($1, 'parent_visit', DATE '2026-11-12', now(), DATE '2026-11-12', 'pending')
		    RETURNING id, kind)
		SELECT (SELECT id FROM ins WHERE kind = 'child_visit'), (SELECT id FROM ins WHERE kind = 'parent_visit')`, c.caseID).Scan(&first, &second); err != nil {
		t.Fatal(err)
	}
	if listed, agenda := c.awaiting(t, st); len(listed) != 2 || agenda != 2 {
		t.Fatalf("before: %d listed, agenda counts %d; want 2 and 2", len(listed), agenda)
	}
	before := c.approval(t, st)
	if before.State != rules.StateOverdue || before.Last != rules.MustDate("2026-09-30") {
		t.Fatalf("before: contacts.approval %s, last %s; want overdue, last 2026-09-30", before.State, before.Last)
	}

	n, err := st.ApproveContacts(ctx, c.sup, []int64{first}, asOf)
	if err != nil || n != 1 {
		t.Fatalf("approve one: %d %v", n, err)
	}
	if listed, agenda := c.awaiting(t, st); len(listed) != 1 || listed[0] != second || agenda != 1 {
		t.Fatalf("after approving one: %v listed, agenda counts %d; want only %d", listed, agenda, second)
	}
	var sheets int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE case_id = $1 AND kind = 'contact_sheet_approved' AND occurred_on = $2`, c.caseID, asOf).Scan(&sheets); err != nil || sheets != 0 {
		t.Fatalf("a contact-sheet approval was recorded with a contact still pending: %d %v", sheets, err)
	}
	if o := c.approval(t, st); o.State != rules.StateOverdue || o.Last != rules.MustDate("2026-09-30") {
		t.Fatalf("after approving one: contacts.approval %s, last %s; want still overdue", o.State, o.Last)
	}

	if n, err := st.ApproveContacts(ctx, c.sup, []int64{second}, asOf); err != nil || n != 1 {
		t.Fatalf("approve the other: %d %v", n, err)
	}
	if listed, agenda := c.awaiting(t, st); len(listed) != 0 || agenda != 0 {
		t.Fatalf("after approving both: %v listed, agenda counts %d", listed, agenda)
	}
	if o := c.approval(t, st); o.State != rules.StateOpen || o.Last != rules.MustDate(asOf.Format(time.DateOnly)) {
		t.Fatalf("after approving both: contacts.approval %s, last %s; want open, last %s", o.State, o.Last, asOf.Format(time.DateOnly))
	}
}

// A contact-sheet approval from the system of record holds only while no
// contact of the case dated on or before it is pending: a pending contact
// imported with an earlier date awaits approval, and the approval is not
// counted (nor exported) until it is approved. A contact imported without
// an approval reads as the sheet approvals say.
func TestImportedPendingContactBeforeAnApprovalAwaits(t *testing.T) {
	st, pool := seeded(t)
	ctx := context.Background()
	c := cleanContactCase(t, st, pool)
	rep := importCSV(t, st, "events", "events.csv", strings.NewReader("event_id,case_id,kind,date,documented_on,approval\n"+
		"T-1,"+c.number+",contact_sheet_approved,2026-10-30,,\n"+
		"T-2,"+c.number+",contact_sheet_approved,2026-11-20,,\n"+
		"T-3,"+c.number+",child_visit,2026-11-15,2026-11-15,pending\n"+
		"T-4,"+c.number+",parent_visit,2026-11-16,,\n"+
		"T-5,"+c.number+",collateral_contact,2026-11-21,,\n"))
	if !rep.OK() {
		t.Fatalf("import: %v", rep.Problems)
	}
	approvals := map[string]string{}
	rows, _ := pool.Query(ctx, `SELECT source_id, approval FROM events WHERE source_id LIKE 'T-%'`)
	for rows.Next() {
		var id, a string
		_ = rows.Scan(&id, &a)
		approvals[id] = a
	}
	if approvals["T-3"] != "pending" || approvals["T-4"] != "approved" || approvals["T-5"] != "pending" {
		t.Fatalf("imported approvals: %v; want T-3 pending (as the file says), T-4 approved (a sheet approval after it), T-5 pending", approvals)
	}
	listed, agenda := c.awaiting(t, st)
	if len(listed) != 2 || agenda != 2 {
		t.Fatalf("%d listed, agenda counts %d; want the contacts of 2026-11-15 and 2026-11-21", len(listed), agenda)
	}
	if o := c.approval(t, st); o.Last != rules.MustDate("2026-10-30") {
		t.Fatalf("contacts.approval last %s: the approval of 2026-11-20 counts with a contact of 2026-11-15 pending", o.Last)
	}
	exported := func() []string {
		var buf bytes.Buffer
		if _, err := st.ExportFacts(ctx, admin, store.ExportOptions{On: asOf}, &buf); err != nil {
			t.Fatal(err)
		}
		var f rules.Facts
		if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range f.Events {
			if e.Case == c.number && e.Kind == rules.EventContactSheetApproved {
				out = append(out, e.Date.String())
			}
		}
		return out
	}
	if got := exported(); len(got) != 1 || got[0] != "2026-10-30" {
		t.Fatalf("exported sheet approvals %v; want only 2026-10-30", got)
	}
	// The case's history says the approval of 2026-11-20 is not counted.
	detail, err := st.Case(ctx, c.sup, c.caseID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	said := map[string]string{}
	for _, it := range detail.Timeline {
		if it.What == "contact sheet approved" {
			said[it.On.Format(time.DateOnly)] = it.Detail
		}
	}
	if !strings.HasPrefix(said["2026-11-20"], "not counted") || said["2026-10-30"] != "" {
		t.Errorf("the case's history of its sheet approvals: %v", said)
	}
	// The supervisor approves the contact of 2026-11-15 in Casework after
	// the 20th: that approval was not true then, and never counts.
	var early int64
	_ = pool.QueryRow(ctx, `SELECT id FROM events WHERE source_id = 'T-3'`).Scan(&early)
	if n, err := st.ApproveContacts(ctx, c.sup, []int64{early}, asOf); err != nil || n != 1 {
		t.Fatalf("approve: %d %v", n, err)
	}
	if o := c.approval(t, st); o.Last != rules.MustDate("2026-10-30") {
		t.Fatalf("contacts.approval last %s after a late approval; want 2026-10-30", o.Last)
	}
	if got := exported(); len(got) != 1 || got[0] != "2026-10-30" {
		t.Fatalf("exported sheet approvals %v after a late approval; want only 2026-10-30", got)
	}
}

// A facts file has no approval per contact: its contact_sheet_approved
// dated D says every contact of the case up to D was approved. Imported,
// the contacts up to the case's latest approval are approved and those
// after it await approval; a later file's approval approves them, and the
// export gives every approval back.
func TestFactsImportReadsTheSheetApprovals(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	f := decode(t, data)
	f.Events = append(f.Events, rules.Event{Case: "c-1", Kind: rules.EventChildVisit, Date: rules.MustDate("2026-11-15")})
	owner, st := testdb.App(t)
	ctx := context.Background()
	load := func(name string) {
		t.Helper()
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if rep := importFacts(t, st, name, b); !rep.OK() {
			t.Fatalf("import %s: %v", name, rep.Problems.List)
		}
	}
	approvals := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		rows, err := owner.Query(ctx, `SELECT e.kind || ' ' || e.occurred_on::text, e.approval FROM events e JOIN cases c ON c.id = e.case_id
			WHERE c.case_number = 'c-1' AND e.kind IN ('child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact')`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k, a string
			_ = rows.Scan(&k, &a)
			out[k] = a
		}
		return out
	}
	load("first.json")
	want := map[string]string{
		"child_visit 2026-10-03": "approved", "parent_visit 2026-11-05": "approved", "sibling_visit 2026-11-06": "approved",
		"provider_visit 2026-11-07": "approved", "collateral_contact 2026-11-10": "approved", "child_visit 2026-11-15": "pending",
	}
	if diff := cmp.Diff(want, approvals()); diff != "" {
		t.Fatalf("after the first file (-want +got):\n%s", diff)
	}
	f.Events = append(f.Events, rules.Event{Case: "c-1", Kind: rules.EventContactSheetApproved, Date: rules.MustDate("2026-11-20")})
	load("second.json")
	want["child_visit 2026-11-15"] = "approved"
	if diff := cmp.Diff(want, approvals()); diff != "" {
		t.Fatalf("after the second file (-want +got):\n%s", diff)
	}
	var sheets []string
	for _, e := range decode(t, export(t, st, asOf)).Events {
		if e.Case == "c-1" && e.Kind == rules.EventContactSheetApproved {
			sheets = append(sheets, e.Date.String())
		}
	}
	if diff := cmp.Diff([]string{"2026-11-13", "2026-11-20"}, sheets); diff != "" {
		t.Errorf("exported approvals of c-1 (-want +got):\n%s", diff)
	}
}
