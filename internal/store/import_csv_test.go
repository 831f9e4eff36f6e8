package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

func importCSV(t *testing.T, st *store.Store, kind, name string, r io.Reader) exchange.Report {
	t.Helper()
	rep, err := st.ImportCSV(context.Background(), admin, exchange.LookupKind(kind), name, r)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func importExample(t *testing.T, st *store.Store, kind string) exchange.Report {
	t.Helper()
	f, err := os.Open("../../docs/examples/" + kind + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep := importCSV(t, st, kind, kind+".csv", f)
	if !rep.OK() {
		t.Fatalf("%s.csv: %v", kind, rep.Problems.List)
	}
	return rep
}

var exampleKinds = []string{"staff", "cases", "assignments", "risk", "events"}

// loadExamples builds the example agency of docs/import.md from its CSV files.
func loadExamples(t *testing.T) (*pgxpool.Pool, *store.Store) {
	t.Helper()
	owner, st := testdb.App(t)
	for _, k := range exampleKinds {
		importExample(t, st, k)
	}
	if _, err := owner.Exec(context.Background(), `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by) VALUES ('nj-cpp', '2020-01-01', now(), 'test')`); err != nil {
		t.Fatal(err)
	}
	return owner, st
}

func csvOf(lines ...string) io.Reader { return strings.NewReader(strings.Join(lines, "\n") + "\n") }

// The example files build an agency from nothing, as the rules engine sees
// it; importing them again changes nothing.
func TestCSVImportsBuildAnAgencyAndAreIdempotent(t *testing.T) {
	owner, st := testdb.App(t)
	want := map[string]map[string]exchange.Count{
		"staff":       {"staff": {Created: 7}, "offices": {Created: 1}, "units": {Created: 2}, "positions": {Created: 8}},
		"cases":       {"cases": {Created: 5}},
		"assignments": {"assignments": {Created: 5}},
		"risk":        {"risk assessments": {Created: 8}},
		"events":      {"events": {Created: 9}},
	}
	for _, k := range exampleKinds {
		rep := importExample(t, st, k)
		if diff := cmp.Diff(want[k], rep.CountsMap(), cmpopts.IgnoreFields(exchange.Count{}, "Name")); diff != "" {
			t.Errorf("%s counts (-want +got):\n%s", k, diff)
		}
	}
	fp := fingerprint(t, owner)
	for _, k := range exampleKinds {
		rep := importExample(t, st, k)
		for _, c := range rep.Counts {
			if c.Created != 0 || c.Updated != 0 || c.Unchanged == 0 {
				t.Errorf("second import of %s: %s %+v", k, c.Name, *c)
			}
		}
	}
	if diff := cmp.Diff(fp, fingerprint(t, owner)); diff != "" {
		t.Errorf("second imports changed the database:\n%s", diff)
	}
	if _, err := owner.Exec(context.Background(), `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by) VALUES ('nj-cpp', '2020-01-01', now(), 'test')`); err != nil {
		t.Fatal(err)
	}
	f := decode(t, export(t, st, asOf))
	byID := map[string]rules.Case{}
	for _, c := range f.Cases {
		byID[c.ID] = c
	}
	staff := map[string]rules.Staff{}
	for _, s := range f.Staff {
		staff[s.ID] = s
	}
	if c := byID["2026-000102"]; c.Worker != "w-2" || c.Assigned.String() != "2026-08-17" || len(c.Risk) != 3 || c.Closing.String() != "2026-12-15" {
		t.Errorf("case 2026-000102 in the facts: %+v", c)
	}
	if c := byID["2026-000105"]; c.Worker != "" || c.Received.String() != "2026-11-19" {
		t.Errorf("unassigned case: %+v", c)
	}
	if s := staff["w-1"]; s.ReportsTo != "sup-1" || s.Since.String() != "2026-03-02" || s.ExperienceStart.String() != "2026-03-02" {
		t.Errorf("w-1: %+v", s)
	}
	if s := staff["sup-2"]; s.ReportsTo != "cws-1" || s.Since.String() != "2024-06-03" || s.Name != "Kumar, Ravi" {
		t.Errorf("sup-2: %+v", s)
	}
	// Nine events, but the contact-sheet approval of 2026-11-13 of case
	// 2026-000101 is not a fact: its parent visit of 2026-11-05 is pending.
	if len(f.Events) != 8 {
		t.Errorf("%d events", len(f.Events))
	}
	if _, err := rules.Evaluate(f, rules.Options{}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := owner.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'imported' AND detail->>'file' LIKE '%.csv'`).Scan(&n); err != nil || n != 10 {
		t.Errorf("%d imports in the audit log, want 10 (%v)", n, err)
	}
}

// A file with any bad row changes nothing, and the report lists every
// problem by row, column and reason.
func TestCSVBadFilesChangeNothingAndListEveryProblem(t *testing.T) {
	owner, st := loadExamples(t)
	fp := fingerprint(t, owner)
	cases := []struct {
		kind  string
		lines []string
		want  []string
	}{
		{"events", []string{
			"event_id,case_id,kind,date,documented_on,approval",
			"EV-1,2026-000101,child_visit,2026-11-20,,",
			"EV-2,2026-999999,child_visit,2026-11-20,,",
			"EV-3,2026-000101,child_visit,20/11/2026,,",
			"EV-1,2026-000101,parent_visit,2026-11-21,,",
			"EV-5,2026-000101,home_visit,2026-11-21,,approved",
		}, []string{
			`row 3, case_id: no case "2026-999999" (import it with the cases first)`,
			`row 4, date: "20/11/2026" is not a date (want YYYY-MM-DD)`,
			`row 5, event_id: duplicate event_id "EV-1" (also row 2)`,
			`row 6, kind: "home_visit" is not one of child_visit, parent_visit, sibling_visit, provider_visit, collateral_contact, family_team_meeting, relative_notification, cprb_notification, ninety_day_staffing, risk_reassessment, mvr_established, contact_sheet_approved, diligent_search_started`,
		}},
		{"staff", []string{
			"staff_id,role,full_name,email,office,unit,since,reports_to",
			"w-1,supervisor,Sam Lee,sam.lee@agency.example,North Office,Permanency Unit C,2026-11-01,cws-1",
			"w-9,worker,New Person,alex.moreno@agency.example,North Office,Permanency Unit A,2026-11-01,",
			"sup-9,supervisor,New Sup,new.sup@agency.example,North Office,Permanency Unit C,2026-11-01,cws-7",
			"sup-8,supervisor,Other Sup,other.sup@agency.example,North Office,Permanency Unit C,2026-11-01,w-3",
		}, []string{
			`row 2, role: "w-1" is already a worker in the database; an import does not change a person's role`,
			`row 3, email: "alex.moreno@agency.example" is already the address of "w-2"`,
			`row 4, reports_to: no staff member "cws-7" (in the database or this file)`,
			`row 5, reports_to: "w-3" is a worker, not a casework_supervisor`,
		}},
		{"assignments", []string{
			"case_id,worker_id,assigned",
			"2026-000101,w-404,2026-11-20",
			"2026-000101,sup-1,2026-11-21",
			"2025-000103,w-1,2025-01-01",
			"2025-000103,w-1,2025-01-01",
		}, []string{
			`row 2, worker_id: no staff member "w-404" (import the staff first)`,
			`row 3, worker_id: "sup-1" is a supervisor, not a worker`,
			`row 5, assigned: duplicate assignment of case and date "2025-000103 2025-01-01" (also row 4)`,
		}},
		{"assignments", []string{
			"case_id,worker_id,assigned",
			"2025-000103,w-1,2025-01-01",
		}, []string{
			`row 2, assigned: before the case's assignment already recorded from 2025-04-15; an import does not rewrite history`,
		}},
		{"risk", []string{
			"case_id,level,assessed_on",
			"2026-000101,severe,2026-11-20",
			"2026-000199,high,2026-11-20",
			",high,2026-11-20",
		}, []string{
			`row 2, level: "severe" is not one of low, moderate, high, very_high`,
			`row 3, case_id: no case "2026-000199" (import it with the cases first)`,
			`row 4, case_id: required`,
		}},
		{"cases", []string{
			"case_id,family_name,office,setting,goal",
			"2026-000201,Nobody,South Office,in_home,remain_home",
			"2026-000202,Somebody,North Office,in_home",
		}, []string{
			`row 2, office: no office "South Office" (add it with a staff import or on the administration pages)`,
			`row 3: has 4 values, the header has 5 columns`,
		}},
		{"cases", []string{
			"case_id,family_name,office,setting,goal,colour",
		}, []string{
			`row 1, colour: unknown column (the columns of cases are: case_id, family_name, office, setting, placement_date, goal, court_involved, court_next, scr_assigned, received, closing, closed, safety_plan_start, safety_plan_end)`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			rep := importCSV(t, st, tc.kind, "bad.csv", csvOf(tc.lines...))
			var got []string
			for _, p := range rep.Problems.List {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(fp, fingerprint(t, owner)); diff != "" {
				t.Errorf("a bad file changed the database:\n%s", diff)
			}
		})
	}
}

// A newer file updates what changed and keeps history.
func TestCSVNewerFilesKeepHistory(t *testing.T) {
	owner, st := loadExamples(t)
	ctx := context.Background()
	one := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := owner.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// A new worker on a case: a new assignment, the old one ends that day.
	rep := importCSV(t, st, "assignments", "a.csv", csvOf("case_id,worker_id,assigned", "2026-000101,w-2,2026-11-20", "2025-000103,w-3,2025-04-15"))
	if c := rep.CountsMap()["assignments"]; !rep.OK() || c.Created != 1 || c.Unchanged != 1 {
		t.Fatalf("%v %s", rep.Problems.List, rep.Summary())
	}
	if n := one(`SELECT count(*) FROM case_assignments a JOIN cases c ON c.id = a.case_id
		WHERE c.case_number = '2026-000101' AND ((upper(a.during) = '2026-11-20') OR (lower(a.during) = '2026-11-20' AND upper_inf(a.during)))`); n != 2 {
		t.Errorf("the reassignment kept %d rows of history, want the old (ended) and the new", n)
	}
	// A new risk level: a new assessment; the same date again: a correction.
	rep = importCSV(t, st, "risk", "r.csv", csvOf("case_id,level,assessed_on", "2025-000103,high,2026-11-21", "2026-000105,low,2026-11-19"))
	if c := rep.CountsMap()["risk assessments"]; c.Created != 1 || c.Updated != 1 {
		t.Errorf("risk: %s", rep.Summary())
	}
	if n := one(`SELECT count(*) FROM risk_assessments r JOIN cases c ON c.id = r.case_id WHERE c.case_number = '2025-000103'`); n != 2 {
		t.Errorf("%d assessments for 2025-000103, want 2", n)
	}
	// A new supervisor takes over a unit; a worker moves; a person leaves.
	rep = importCSV(t, st, "staff", "s.csv", csvOf(
		"staff_id,role,full_name,email,office,unit,since,reports_to,active",
		"sup-3,supervisor,Ines Park,ines.park@agency.example,North Office,Permanency Unit A,2026-11-16,cws-1,",
		"w-3,worker,Jordan Blake,jordan.blake@agency.example,North Office,Permanency Unit A,2026-11-16,,",
		"w-1,worker,Sam Lee,sam.lee@agency.example,North Office,Permanency Unit A,2026-03-02,,false",
	))
	if !rep.OK() {
		t.Fatal(rep.Problems.List)
	}
	if c := rep.CountsMap(); c["staff"].Created != 1 || c["staff"].Updated != 1 || c["staff"].Unchanged != 1 || c["positions"].Created != 3 {
		t.Errorf("staff: %s", rep.Summary())
	}
	if n := one(`SELECT count(*) FROM unit_supervisors us JOIN people p ON p.id = us.supervisor_id
		WHERE p.source_id = 'sup-1' AND upper(us.during) = '2026-11-16'`); n != 1 {
		t.Error("the former supervisor's post did not end when the new one began")
	}
	if n := one(`SELECT count(*) FROM unit_members m JOIN people p ON p.id = m.worker_id WHERE p.source_id = 'w-3'`); n != 2 {
		t.Errorf("w-3 has %d memberships, want 2 (history kept)", n)
	}
	if n := one(`SELECT count(*) FROM people WHERE source_id = 'w-1' AND NOT active`); n != 1 {
		t.Error("w-1 not deactivated")
	}
	// An event's approval changes.
	rep = importCSV(t, st, "events", "e.csv", csvOf("event_id,case_id,kind,date,documented_on,approval", "EV-5004,2026-000101,parent_visit,2026-11-05,2026-11-06,approved"))
	if c := rep.CountsMap()["events"]; c.Updated != 1 {
		t.Errorf("events: %s", rep.Summary())
	}
	// The facts now say so.
	f := decode(t, export(t, st, asOf))
	for _, s := range f.Staff {
		if s.ID == "w-3" && (s.ReportsTo != "sup-3" || s.Since.String() != "2026-11-16") {
			t.Errorf("w-3 after the move: %+v", s)
		}
	}
}

// A large events file streams: rows go to the database as they are read, so
// the importer's memory stays flat. CASEWORK_IMPORT_ROWS sets the size
// (default 100,000; docs/import.md reports a 3,000,000-row run).
func TestLargeEventsFileStreams(t *testing.T) {
	n := 100000
	if s := os.Getenv("CASEWORK_IMPORT_ROWS"); s != "" {
		fmt.Sscan(s, &n)
	}
	_, st := loadExamples(t)
	cases := []string{"2026-000101", "2026-000102", "2025-000103", "2025-000104", "2026-000105"}
	kinds := rules.EventKinds()
	gen := func() io.Reader {
		pr, pw := io.Pipe()
		go func() {
			var b bytes.Buffer
			b.WriteString("event_id,case_id,kind,date,documented_on,approval\n")
			for i := range n {
				fmt.Fprintf(&b, "BIG-%d,%s,%s,2026-%02d-%02d,,\n", i, cases[i%len(cases)], kinds[i%len(kinds)], 1+i%11, 1+i%28)
				if b.Len() > 64<<10 {
					pw.Write(b.Bytes())
					b.Reset()
				}
			}
			pw.Write(b.Bytes())
			pw.Close()
		}()
		return pr
	}
	done := make(chan struct{})
	peaked := make(chan uint64)
	go func() {
		var m runtime.MemStats
		var peak uint64
		for {
			select {
			case <-done:
				peaked <- peak
				return
			case <-time.After(50 * time.Millisecond):
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	start := time.Now()
	rep := importCSV(t, st, "events", "big.csv", gen())
	took := time.Since(start)
	close(done)
	peak := <-peaked
	if c := rep.CountsMap()["events"]; !rep.OK() || c.Created != n {
		t.Fatalf("%v %s", rep.Problems.List[:min(3, len(rep.Problems.List))], rep.Summary())
	}
	t.Logf("%d events imported in %s (%.0f rows/s), peak Go heap in use %d MiB", n, took.Round(time.Millisecond), float64(n)/took.Seconds(), peak>>20)
	if peak > 256<<20 {
		t.Errorf("peak heap %d MiB: the import does not stream", peak>>20)
	}
	start = time.Now()
	rep = importCSV(t, st, "events", "big.csv", gen())
	if c := rep.CountsMap()["events"]; !rep.OK() || c.Unchanged != n {
		t.Fatalf("second import: %s", rep.Summary())
	}
	t.Logf("the same file again: %d unchanged in %s", n, time.Since(start).Round(time.Millisecond))
}
