package store_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// The command line's viewer: an administrator's reach, no person.
var admin = access.Viewer{Role: access.Administrator, Name: "test"}

// seededApp is the demo agency, with a store connected as the app's
// least-privileged role (as the upload page runs) and the owner's pool.
func seededApp(t *testing.T) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	return seededAppWithout(t, func(*store.Dataset) {})
}

// seededAppWithout is seededApp with some of the demo's records left out
// by strip, for a test whose own records of that kind must be the only ones.
func seededAppWithout(t *testing.T, strip func(d *store.Dataset)) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	owner, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	strip(d)
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return st, owner
}

func export(t *testing.T, st *store.Store, on time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := st.ExportFacts(context.Background(), admin, store.ExportOptions{On: on}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func importFacts(t *testing.T, st *store.Store, name string, data []byte) exchange.Report {
	t.Helper()
	rep, err := st.ImportFacts(context.Background(), admin, name, data)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func decode(t *testing.T, data []byte) rules.Facts {
	t.Helper()
	f, problems := rules.Decode(data)
	if len(problems) > 0 {
		t.Fatalf("facts do not decode: %v", problems[:min(5, len(problems))])
	}
	return f
}

func evaluate(t *testing.T, f rules.Facts) []rules.Obligation {
	t.Helper()
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Obligations
}

// normalize puts facts in one order, so that facts equal as sets compare equal.
func normalize(f rules.Facts) rules.Facts {
	f.Staff = slices.Clone(f.Staff)
	slices.SortFunc(f.Staff, func(a, b rules.Staff) int { return strings.Compare(a.ID, b.ID) })
	f.Cases = slices.Clone(f.Cases)
	slices.SortFunc(f.Cases, func(a, b rules.Case) int { return strings.Compare(a.ID, b.ID) })
	for i := range f.Cases {
		if len(f.Cases[i].Risk) == 0 {
			f.Cases[i].Risk = nil
		}
	}
	f.Conferences = slices.Clone(f.Conferences)
	slices.SortFunc(f.Conferences, func(a, b rules.Conference) int { return strings.Compare(a.ID, b.ID) })
	for i := range f.Conferences {
		if len(f.Conferences[i].Cases) == 0 {
			f.Conferences[i].Cases = nil
		}
	}
	f.Events = slices.Clone(f.Events)
	slices.SortFunc(f.Events, func(a, b rules.Event) int {
		if c := strings.Compare(a.Case, b.Case); c != 0 {
			return c
		}
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Kind, b.Kind)
	})
	slices.SortFunc(f.Holidays, rules.Date.Compare)
	return f
}

var dateCmp = cmp.AllowUnexported(rules.Date{})

func counts(rep exchange.Report) map[string]exchange.Count { return rep.CountsMap() }

// Export the demo agency's facts, import them into an empty database, export
// again: the same bytes, the same obligations. A second import of the same
// file changes nothing, and says so.
func TestFactsRoundTripThroughAnEmptyDatabase(t *testing.T) {
	demoStore, _ := seededApp(t)
	first := export(t, demoStore, asOf)
	before := evaluate(t, decode(t, first))
	if len(before) < 1000 {
		t.Fatalf("only %d obligations in the demo's export", len(before))
	}

	owner, empty := testdb.App(t)
	rep := importFacts(t, empty, "demo.json", first)
	if !rep.OK() {
		t.Fatalf("import of the demo's export: %v", rep.Problems.List[:min(5, len(rep.Problems.List))])
	}
	f := decode(t, first)
	c := counts(rep)
	if c["staff"].Created != len(f.Staff) || c["cases"].Created != len(f.Cases) || c["conferences"].Created != len(f.Conferences) || c["events"].Created != len(f.Events) {
		t.Errorf("counts %v for %d staff, %d cases, %d conferences, %d events", rep.Summary(), len(f.Staff), len(f.Cases), len(f.Conferences), len(f.Events))
	}
	second := export(t, empty, asOf)
	if !bytes.Equal(first, second) {
		a, b := normalize(decode(t, first)), normalize(decode(t, second))
		t.Fatalf("export after import differs from the original (-first +second):\n%s", cmp.Diff(a, b, dateCmp))
	}
	if diff := cmp.Diff(before, evaluate(t, decode(t, second)), dateCmp); diff != "" {
		t.Fatalf("obligations differ after the round trip:\n%s", diff)
	}

	// The same file again: nothing changes.
	fp := fingerprint(t, owner)
	rep = importFacts(t, empty, "demo.json", first)
	if !rep.OK() {
		t.Fatalf("second import: %v", rep.Problems.List)
	}
	for _, n := range rep.Counts {
		if n.Created != 0 || n.Updated != 0 {
			t.Errorf("second import changed %s: %+v", n.Name, *n)
		}
	}
	if diff := cmp.Diff(fp, fingerprint(t, owner)); diff != "" {
		t.Errorf("second import changed the database:\n%s", diff)
	}
	// And into the demo database itself: its own export changes nothing there.
	rep = importFacts(t, demoStore, "demo.json", first)
	if !rep.OK() {
		t.Fatalf("import of the demo's own export: %v", rep.Problems.List[:min(5, len(rep.Problems.List))])
	}
	for _, n := range rep.Counts {
		if n.Created != 0 || n.Updated != 0 {
			t.Errorf("importing the demo's export into the demo changed %s: %+v", n.Name, *n)
		}
	}
	// Each import is in the audit log with its file, counts and who ran it.
	var entries int
	if err := owner.QueryRow(context.Background(), `
		SELECT count(*) FROM audit_log WHERE action = 'imported' AND entity = 'import'
		AND detail->>'file' = 'demo.json' AND detail->>'kind' = 'facts' AND detail->'counts'->'cases' IS NOT NULL
		AND detail->>'run_by' = 'test'`).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	if entries != 2 {
		t.Errorf("%d audit entries for the two imports, want 2", entries)
	}
}

// The export's obligations are exactly the dashboards': for every unit, what
// the unit's facts owe for its own workers, supervisor and cases is in the
// agency's export, the same in every field.
func TestExportGivesTheDashboardsObligations(t *testing.T) {
	st, pool := seededApp(t)
	ctx := context.Background()
	all := map[string]rules.Obligation{}
	for _, o := range evaluate(t, decode(t, export(t, st, asOf))) {
		all[o.Rule+" "+o.Subject] = o
	}
	rows, err := pool.Query(ctx, `SELECT unit_id, supervisor_id FROM unit_supervisors WHERE during @> $1::date ORDER BY unit_id`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var units [][2]int64
	for rows.Next() {
		var u [2]int64
		_ = rows.Scan(&u[0], &u[1])
		units = append(units, u)
	}
	compared := 0
	for _, u := range units {
		v, err := st.ViewerByID(ctx, u[1])
		if err != nil {
			t.Fatal(err)
		}
		f, ids, err := st.UnitFacts(ctx, v, u[0], asOf)
		if err != nil {
			t.Fatal(err)
		}
		own := map[string]bool{}
		for _, c := range f.Cases {
			own[c.ID] = true
		}
		for _, s := range f.Staff {
			if (s.Role == rules.RoleWorker && s.ReportsTo != "" && ids.People[s.ReportsTo] == u[1]) || ids.People[s.ID] == u[1] {
				own[s.ID] = true
			}
		}
		for _, o := range evaluate(t, f) {
			if !own[o.Subject] {
				continue
			}
			compared++
			got, ok := all[o.Rule+" "+o.Subject]
			if !ok {
				t.Errorf("unit %d: %s %s is on the dashboard but not in the export's obligations", u[0], o.Rule, o.Subject)
				continue
			}
			if diff := cmp.Diff(o, got, dateCmp); diff != "" {
				t.Errorf("unit %d: %s %s differs (-dashboard +export):\n%s", u[0], o.Rule, o.Subject, diff)
			}
		}
	}
	if compared < 1000 {
		t.Fatalf("only %d obligations compared", compared)
	}
}

// A facts file written by hand with every field of the contract (and the
// awkward cases: a closed case, an unassigned one, one assigned after as_of,
// a worker not yet in post, a worker reporting to nobody, conferences with a
// former supervisor and another casework supervisor, a review with a worker,
// a duplicate event, facts dated after as_of, names with quotes and accents)
// goes in and comes out the same, with the same obligations.
func TestHandWrittenFactsRoundTrip(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, data)
	_, st := testdb.App(t)
	rep := importFacts(t, st, "facts.json", data)
	if !rep.OK() {
		t.Fatalf("import: %v", rep.Problems.List)
	}
	got := decode(t, export(t, st, dateTime(want.AsOf)))
	if diff := cmp.Diff(normalize(want), normalize(got), dateCmp); diff != "" {
		t.Fatalf("facts differ after import and export (-file +export):\n%s", diff)
	}
	if diff := cmp.Diff(evaluate(t, want), evaluate(t, got), dateCmp); diff != "" {
		t.Fatalf("obligations differ (-file +export):\n%s", diff)
	}
	// Every field of the contract is in the file (so the test covers them).
	for _, key := range []string{`"as_of"`, `"profile"`, `"holidays"`, `"reports_to"`, `"since"`, `"experience_start"`, `"name"`,
		`"worker"`, `"received"`, `"assigned"`, `"first_assigned"`, `"setting"`, `"placement_date"`, `"scr_assigned"`, `"risk"`, `"level"`, `"from"`,
		`"goal"`, `"court_next"`, `"closing"`, `"closed"`, `"safety_plan_start"`, `"safety_plan_end"`, `"mvr"`, `"child"`, `"parents"`, `"provider"`, `"kind"`, `"date"`, `"supervisor"`, `"casework_supervisor"`, `"cases"`, `"shared"`, `"case"`} {
		if !bytes.Contains(data, []byte(key)) {
			t.Errorf("the hand-written file lacks %s", key)
		}
	}
	for _, k := range rules.EventKinds() {
		if !bytes.Contains(data, []byte(`"`+k+`"`)) {
			t.Errorf("the hand-written file has no %s event", k)
		}
	}
}

func dateTime(d rules.Date) time.Time {
	return time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC)
}

// A bad facts file changes nothing and its report names every problem, field
// by field: the contract's problems (as `rules eval` reports them), what this
// database needs beyond the contract, and conflicts with what is recorded.
func TestBadFactsChangeNothingAndReportEveryProblem(t *testing.T) {
	st, owner := seededApp(t)
	fp := fingerprint(t, owner)
	cases := []struct {
		name string
		data string
		want []string
	}{
		{"not JSON", `{"as_of": `, []string{"facts: not valid JSON"}},
		{"contract problems", `{"as_of": "2026-13-01", "profile": "xx",
			"staff": [{"id": "x", "role": "boss"}, {"id": "w", "role": "worker"}],
			"cases": [{"id": "c", "worker": "w-9", "setting": "sideways", "goal": "remain_home"}],
			"events": [{"case": "zz", "kind": "x", "date": "2026-01-01"}]}`, []string{
			`as_of: "2026-13-01" is not a date (want YYYY-MM-DD)`,
			`staff[0].role: "boss" is not a role`,
			`staff[1].since: required for a worker`,
			`cases[0].assigned: required with worker`,
			`cases[0].worker: no staff member "w-9"`,
			`cases[0].setting: "sideways" is not a setting`,
			`events[0].case: no case "zz"`,
			`events[0].kind: "x" is not an event kind`,
		}},
		{"what the database needs", `{"as_of": "2026-11-22",
			"staff": [{"id": "s", "role": "supervisor", "since": "2026-01-01", "experience_start": "2020-01-01"}],
			"cases": [{"id": "a"}, {"id": "b", "setting": "out_of_home", "goal": "flying"},
			          {"id": "d", "setting": "in_home", "goal": "remain_home", "received": "2026-05-01", "closed": "2026-04-01"}]}`, []string{
			`staff[0].experience_start: only a worker has an experience start`,
			`cases[0].setting: required to import a case`,
			`cases[1].placement_date: required to import an out_of_home case`,
			`cases[1].goal: "flying" is not a goal`,
			`cases[2].closed: 2026-04-01 is before received 2026-05-01`,
		}},
		{"conflicts with the database", `{"as_of": "2026-11-22",
			"staff": [{"id": "w-007", "role": "supervisor", "since": "2026-01-01"},
			          {"id": "sup-005", "role": "supervisor", "since": "1999-01-01"}],
			"conferences": [{"id": "k1", "kind": "supervision", "date": "2026-11-20", "supervisor": "sup-005", "worker": "w-x"}]}`, []string{
			`conferences[0].worker: no staff member "w-x"`,
		}},
		{"conflicts with the database, contract valid", `{"as_of": "2026-11-22",
			"staff": [{"id": "w-007", "role": "supervisor", "since": "2026-01-01"},
			          {"id": "sup-005", "role": "supervisor", "since": "1999-01-01"}]}`, []string{
			`staff[0].role: "w-007" is already a worker in the database`,
		}},
		{"history would be rewritten", `{"as_of": "2026-11-22",
			"staff": [{"id": "sup-005", "role": "supervisor", "since": "1999-01-01"}]}`, []string{
			`staff[0].since: starts before the supervision of a unit already recorded from`,
		}},
		{"a conference from the future", `{"as_of": "2026-11-22",
			"staff": [{"id": "sup-005", "role": "supervisor", "since": "2022-10-23"}, {"id": "w-007", "role": "worker", "reports_to": "sup-005", "since": "2020-01-01"}],
			"conferences": [{"id": "k-new", "kind": "supervision", "date": "2099-01-01", "supervisor": "sup-005", "worker": "w-007"}]}`, []string{
			`conferences[0].date: 2099-01-01 is after today`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := importFacts(t, st, "bad.json", []byte(tc.data))
			var got []string
			for _, p := range rep.Problems.List {
				got = append(got, p.String())
			}
			if len(got) == 0 {
				t.Fatalf("accepted: %s", rep.Summary())
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				if !found {
					t.Errorf("no problem %q in:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if diff := cmp.Diff(fp, fingerprint(t, owner)); diff != "" {
				t.Errorf("a bad file changed the database:\n%s", diff)
			}
		})
	}
	var imports int
	if err := owner.QueryRow(context.Background(), `SELECT count(*) FROM imports`).Scan(&imports); err != nil || imports != 0 {
		t.Errorf("%d imports recorded for bad files (%v)", imports, err)
	}
}

// A newer file updates what changed and keeps history: a new risk level is a
// new assessment, a new worker on a case a new assignment, a newly shared
// conference is shared; nothing else moves.
func TestNewerFactsUpdateAndKeepHistory(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	owner, st := testdb.App(t)
	if rep := importFacts(t, st, "facts.json", data); !rep.OK() {
		t.Fatal(rep.Problems.List)
	}
	f := decode(t, data)
	f.AsOf = rules.MustDate("2026-11-23")
	for i := range f.Cases {
		switch f.Cases[i].ID {
		case "c-3": // reassigned, and risk went high
			f.Cases[i].Worker, f.Cases[i].Assigned = "w-2", rules.MustDate("2026-11-23")
			f.Cases[i].Risk = append(f.Cases[i].Risk, rules.RiskEntry{Level: "high", From: rules.MustDate("2026-11-23")})
		case "c-7":
			f.Cases[i].CourtNext = rules.MustDate("2027-01-15")
		}
	}
	for i := range f.Conferences {
		if f.Conferences[i].ID == "k-5" {
			f.Conferences[i].Shared = rules.MustDate("2026-11-21")
		}
	}
	var buf bytes.Buffer
	w := exchange.NewFactsWriter(&buf)
	w.Header(f.AsOf, f.Profile, f.Holidays, f.HolidaysSet)
	for _, s := range f.Staff {
		w.Staff(s)
	}
	for _, c := range f.Cases {
		w.Case(c)
	}
	for _, k := range f.Conferences {
		w.Conference(k)
	}
	for _, e := range f.Events {
		w.Event(e)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rep := importFacts(t, st, "newer.json", buf.Bytes())
	if !rep.OK() {
		t.Fatal(rep.Problems.List)
	}
	c := counts(rep)
	want := map[string][2]int{"cases": {0, 1}, "assignments": {1, 0}, "risk assessments": {1, 0}, "conferences": {0, 1}, "events": {0, 0}, "staff": {0, 0}}
	for name, cu := range want {
		if c[name].Created != cu[0] || c[name].Updated != cu[1] {
			t.Errorf("%s: %+v, want %d created, %d updated", name, c[name], cu[0], cu[1])
		}
	}
	ctx := context.Background()
	var assignments, risks int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM case_assignments a JOIN cases c ON c.id = a.case_id WHERE c.case_number = 'c-3'`).Scan(&assignments); err != nil {
		t.Fatal(err)
	}
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM risk_assessments r JOIN cases c ON c.id = r.case_id WHERE c.case_number = 'c-3'`).Scan(&risks); err != nil {
		t.Fatal(err)
	}
	if assignments != 2 || risks != 2 {
		t.Errorf("c-3 has %d assignments and %d risk assessments, want 2 and 2 (history kept)", assignments, risks)
	}
	// The export keeps c-3's first assignment (contract version 2): it
	// was reassigned, not assigned late.
	for i := range f.Cases {
		if f.Cases[i].ID == "c-3" {
			f.Cases[i].FirstAssigned = rules.MustDate("2025-04-15")
		}
	}
	got := decode(t, export(t, st, dateTime(f.AsOf)))
	if diff := cmp.Diff(normalize(f), normalize(got), dateCmp); diff != "" {
		t.Fatalf("export after the newer import (-file +export):\n%s", diff)
	}
}
