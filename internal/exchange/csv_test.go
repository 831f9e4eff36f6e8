package exchange

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func readAll(kind, data string) (rows [][]any, lines []int, problems []string) {
	var ps Problems
	r := NewCSVReader(LookupKind(kind), strings.NewReader(data), &ps)
	if r.ReadHeader() {
		for r.Next() {
			if r.Bad() {
				continue
			}
			rows = append(rows, append([]any(nil), r.Values()...))
			lines = append(lines, r.Row())
		}
	}
	for _, p := range ps.List {
		problems = append(problems, p.String())
	}
	return rows, lines, problems
}

func TestCSVReaderReadsGoodRows(t *testing.T) {
	data := "\uFEFFcase_id, Level ,assessed_on\r\n" +
		"2026-000001,high,2026-11-20\r\n" +
		"\r\n" +
		"\"2026-000002\",\"low\",2026-11-21,\r\n"
	rows, lines, problems := readAll("risk", data)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	want := [][]any{
		{"2026-000001", "high", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
		{"2026-000002", "low", time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff([]int{2, 4}, lines); diff != "" {
		t.Errorf("rows are the lines of the file: %s", diff)
	}
}

func TestCSVReaderReportsEveryProblemByRowAndColumn(t *testing.T) {
	data := strings.Join([]string{
		"event_id,case_id,kind,date,documented_on,approval",
		"e1,c1,child_visit,2026-11-20,2026-11-21,approved", // good
		"e2,c1,teleportation,2026-02-30,,maybe",            // three problems
		",c1,child_visit,2026-11-20,2026-11-19,",           // id missing, documented before
		"e4,c1,child_visit",                                // too short
		"e5,c1,\"child_visit,2026-11-20,,",                 // bad quoting
		"e6,c1,parent_visit,2026-11-22,,pending",           // good
		"e7,\xff\xfe,parent_visit,2026-11-22,,",            // not UTF-8
	}, "\n")
	rows, _, problems := readAll("events", data)
	want := []string{
		`row 3, kind: "teleportation" is not one of child_visit, parent_visit, sibling_visit, provider_visit, collateral_contact, family_team_meeting, relative_notification, cprb_notification, ninety_day_staffing, risk_reassessment, mvr_established, contact_sheet_approved, diligent_search_started`,
		`row 3, date: "2026-02-30" is not a date (want YYYY-MM-DD)`,
		`row 3, approval: "maybe" is not one of not_required, pending, approved`,
		`row 4, event_id: required`,
		`row 5: has 3 values, the header has 6 columns`,
		`row 6: not valid CSV: extraneous or missing " in quoted-field`,
	}
	if len(problems) < len(want) {
		t.Fatalf("problems:\n%s", strings.Join(problems, "\n"))
	}
	if diff := cmp.Diff(want, problems[:len(want)]); diff != "" {
		t.Errorf("(-want +got):\n%s\nall:\n%s", diff, strings.Join(problems, "\n"))
	}
	if len(rows) < 1 || rows[0][0] != "e1" {
		t.Errorf("good rows: %v", rows)
	}
}

func TestCSVReaderHeaderProblems(t *testing.T) {
	cases := map[string][]string{
		"":                                   {"row 1: the file is empty: the first row must name the columns (case_id,worker_id,assigned)"},
		"case_id,worker,assigned":            {"row 1, worker: unknown column (the columns of assignments are: case_id, worker_id, assigned)", "row 1, worker_id: missing column (required)"},
		"case_id,case_id,worker_id,assigned": {"row 1, case_id: the column appears twice"},
	}
	for data, want := range cases {
		_, _, got := readAll("assignments", data)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", data, diff)
		}
	}
}

func TestCSVReaderRowChecks(t *testing.T) {
	staff := "staff_id,role,full_name,email,office,unit,since,reports_to,experience_start,active\n" +
		"w1,worker,Sam Lee,sam@example.org,North,Unit A,2026-01-05,,2025-06-01,true\n" +
		"w2,worker,No Unit,nounit@example.org,North,,,cws1,,\n" +
		"s1,supervisor,Sue,not-an-email,North,Unit A,2026-01-05,s1,2020-01-01,perhaps\n" +
		"c1,casework_supervisor,Cy,cy@example.org,North,Unit B,,,,\n"
	_, _, got := readAll("staff", staff)
	want := []string{
		"row 3, unit: required for a worker (the unit they belong to)",
		"row 3, since: required for a worker (the date they took the post)",
		"row 3, reports_to: only a supervisor reports to someone here (a worker's supervisor is their unit's)",
		`row 4, email: "not-an-email" is not an email address`,
		`row 4, active: "perhaps" is not true or false`,
		"row 5, unit: a casework supervisor has no unit (their area is the units whose supervisors report to them)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("staff (-want +got):\n%s", diff)
	}
	cases := "case_id,family_name,office,setting,placement_date,goal,court_involved,court_next,received,closed\n" +
		"c1,Lee,North,out_of_home,,reunification,false,2026-12-01,2026-05-01,2026-04-01\n"
	_, _, got = readAll("cases", cases)
	want = []string{
		"row 2, placement_date: required for an out_of_home case",
		"row 2, court_involved: false, but a court date is given",
		"row 2, closed: 2026-04-01 is before received 2026-05-01",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
}

// A large file streams: the reader holds one row at a time.
func TestCSVReaderStreams(t *testing.T) {
	const n = 200000
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprintln(pw, "event_id,case_id,kind,date")
		for i := range n {
			fmt.Fprintf(pw, "e%d,c%d,child_visit,2026-11-%02d\n", i, i%1000, 1+i%28)
		}
		pw.Close()
	}()
	var ps Problems
	r := NewCSVReader(LookupKind("events"), pr, &ps)
	if !r.ReadHeader() {
		t.Fatal(ps.List)
	}
	got := 0
	for r.Next() {
		got++
	}
	if got != n || ps.Len() != 0 || r.Err() != nil {
		t.Fatalf("%d rows, %d problems, %v", got, ps.Len(), r.Err())
	}
}

// Whatever the bytes, the reader never panics and every row is either good
// or reported.
func FuzzCSVReader(f *testing.F) {
	f.Add("staff", "staff_id,role,full_name,email,office,unit,since\nw1,worker,A,a@b.c,O,U,2026-01-01\n")
	f.Add("events", "event_id,case_id,kind,date\n\"e\"\"1\",c,child_visit,2026-01-01\n\xff")
	f.Fuzz(func(t *testing.T, kind, data string) {
		k := LookupKind(kind)
		if k == nil {
			k = Kinds[len(kind)%len(Kinds)]
		}
		var ps Problems
		r := NewCSVReader(k, strings.NewReader(data), &ps)
		if r.ReadHeader() {
			for r.Next() {
				if len(r.Values()) != len(k.Columns) {
					t.Fatal("values do not match the columns")
				}
			}
		}
	})
}
