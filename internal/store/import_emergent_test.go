package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// emergentObligations are the obligations of the emergent rules, by request.
func emergentObligations(t *testing.T, f rules.Facts) map[string]rules.Obligation {
	t.Helper()
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rules.Obligation{}
	for _, o := range res.Obligations {
		if res.Is(o, rules.TagEmergent) {
			out[o.Request] = o
		}
	}
	return out
}

// emergentDigest is every row of emergent_requests, digested.
func emergentDigest(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var sum string
	if err := pool.QueryRow(context.Background(),
		`SELECT count(*) || ':' || coalesce(md5(string_agg(e::text, '|' ORDER BY e.id)), '') FROM emergent_requests e`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	return sum
}

// The demo agency with emergent requests of every kind (open, after closing,
// answered with a held day, without a case) is exported, imported into an
// empty database and exported again: the same bytes, so the same emergent
// facts and the same obligations. The same file imported again creates
// nothing; the demo takes its own export back unchanged; the casework
// supervisor's queue and its evaluation show the imported requests. The
// demo's own requests are left out, so the test's five are the only ones.
func TestEmergentRequestsImportRoundTrip(t *testing.T) {
	demoStore, pool := seededAppWithout(t, func(d *store.Dataset) { d.Emergent = nil })
	ctx := context.Background()
	var sup, cws, caseID int64
	if err := pool.QueryRow(ctx, `
		SELECT us.supervisor_id, r.casework_supervisor_id, c.id
		FROM unit_supervisors us
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> DATE '2026-11-23'
		JOIN unit_members m ON m.unit_id = us.unit_id AND m.during @> DATE '2026-11-23'
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> DATE '2026-11-23'
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE us.during @> DATE '2026-11-23' ORDER BY us.unit_id, c.id LIMIT 1`).Scan(&sup, &cws, &caseID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		at, answered, held string
		withCase           bool
	}{
		{"2026-11-19 18:30 America/New_York", "", "", true},
		{"2026-11-23 10:00 America/New_York", "", "", true},
		{"2026-11-16 09:00 America/New_York", "2026-11-17 15:00 America/New_York", "2026-11-17", true},
		{"2026-11-20 17:00 America/New_York", "", "", false}, // at the closing hour: after closing
		{"2026-11-12 11:00 America/New_York", "2026-11-20 09:00 America/New_York", "2026-11-13", false},
	} {
		var ans, held, c any
		if q.answered != "" {
			ans, held = q.answered, q.held
		}
		if q.withCase {
			c = caseID
		}
		if _, err := pool.Exec(ctx, `INSERT INTO emergent_requests (case_id, requested_by, casework_supervisor_id, reason, requested_at, answered_at, answered_by, answer, held_on)
			VALUES ($1, $2, $3, 'critical_incident', $4::timestamptz, $5::timestamptz, CASE WHEN $5::text IS NOT NULL THEN $3::bigint END, CASE WHEN $5::text IS NOT NULL THEN 'Held.' END, $6::date)`,
			c, sup, cws, q.at, ans, held); err != nil {
			t.Fatal(err)
		}
	}
	first := export(t, demoStore, asOf)
	f := decode(t, first)
	var afterClosing, held, noCase int
	for _, q := range f.Emergent {
		if q.AfterClosing {
			afterClosing++
		}
		if !q.Held.IsZero() {
			held++
		}
		if q.Case == "" {
			noCase++
		}
	}
	if len(f.Emergent) != 5 || afterClosing != 2 || held < 2 || noCase != 2 {
		t.Fatalf("the demo's export: %d requests, %d after closing, %d held, %d without a case: %+v", len(f.Emergent), afterClosing, held, noCase, f.Emergent)
	}
	before := emergentObligations(t, f)
	if len(before) != 5 {
		t.Fatalf("%d emergent obligations in the export, want 5", len(before))
	}

	owner, empty := testdb.App(t)
	rep := importFacts(t, empty, "demo.json", first)
	if !rep.OK() {
		t.Fatalf("import: %v", rep.Problems.List[:min(5, len(rep.Problems.List))])
	}
	if c := counts(rep)["emergent requests"]; c.Created != 5 || c.Updated != 0 || c.Unchanged != 0 {
		t.Errorf("emergent requests counted %+v, want 5 created", c)
	}
	second := export(t, empty, asOf)
	back := decode(t, second)
	if diff := cmp.Diff(f.Emergent, back.Emergent, dateCmp); diff != "" {
		t.Errorf("emergent facts after import and export (-file +export):\n%s", diff)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("export after import differs from the file (-file +export):\n%s", cmp.Diff(normalize(f), normalize(back), dateCmp))
	}
	if diff := cmp.Diff(before, emergentObligations(t, back), dateCmp); diff != "" {
		t.Errorf("emergent obligations after the round trip (-file +export):\n%s", diff)
	}
	if diff := cmp.Diff(evaluate(t, f), evaluate(t, back), dateCmp); diff != "" {
		t.Errorf("obligations after the round trip (-file +export):\n%s", diff)
	}

	// The same file again creates nothing.
	digest := emergentDigest(t, owner)
	rep = importFacts(t, empty, "demo.json", first)
	if c := counts(rep)["emergent requests"]; !rep.OK() || c.Created != 0 || c.Updated != 0 || c.Unchanged != 5 {
		t.Errorf("second import: %v, emergent requests %+v", rep.Problems.List, c)
	}
	if got := emergentDigest(t, owner); got != digest {
		t.Errorf("the second import changed the emergent requests: %s, was %s", got, digest)
	}
	// The demo takes its own export back: its requests by e<row id>.
	rep = importFacts(t, demoStore, "own.json", first)
	if c := counts(rep)["emergent requests"]; !rep.OK() || c.Created != 0 || c.Updated != 0 || c.Unchanged != 5 {
		t.Errorf("the demo's own export read back: %v, emergent requests %+v", rep.Problems.List, c)
	}

	// The casework supervisor's queue (the same table) lists them, with
	// the engine's due days and states as the file gives them.
	var cwsFact string
	for _, q := range f.Emergent {
		cwsFact = q.CaseworkSupervisor
	}
	var cwsID int64
	if err := owner.QueryRow(ctx, `SELECT id FROM people WHERE source_id = $1`, cwsFact).Scan(&cwsID); err != nil {
		t.Fatal(err)
	}
	cv, err := empty.ViewerByID(ctx, cwsID)
	if err != nil {
		t.Fatal(err)
	}
	queue, err := empty.EmergentQueue(ctx, cv, "America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	obs, err := empty.AreaEmergent(ctx, cv, asOf)
	if err != nil {
		t.Fatal(err)
	}
	rowOf := map[string]int64{}
	rows, err := owner.Query(ctx, `SELECT source_id, id FROM emergent_requests`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sid string
		var id int64
		if err := rows.Scan(&sid, &id); err != nil {
			t.Fatal(err)
		}
		rowOf[sid] = id
	}
	if len(queue) != 5 {
		t.Errorf("the casework supervisor's queue holds %d requests, want 5", len(queue))
	}
	for _, q := range f.Emergent {
		id := rowOf[q.ID]
		i := slices.IndexFunc(queue, func(r store.EmergentRequest) bool { return r.ID == id })
		if i < 0 {
			t.Errorf("request %s is not on the queue", q.ID)
			continue
		}
		r := queue[i]
		if r.Reason != store.ImportedReason.Code || (r.HeldOn != nil) != !q.Held.IsZero() {
			t.Errorf("request %s on the queue: reason %q, held %v; the file: held %s", q.ID, r.Reason, r.HeldOn, q.Held)
		}
		if r.HeldOn != nil && r.HeldOn.Format(time.DateOnly) != q.Held.String() {
			t.Errorf("request %s held on %s on the queue, %s in the file", q.ID, r.HeldOn.Format(time.DateOnly), q.Held)
		}
		if o, w := obs[id], before[q.ID]; o.Due != w.Due || o.State != w.State {
			t.Errorf("request %s on the queue: due %s %s, the file's obligation due %s %s", q.ID, o.Due, o.State, w.Due, w.State)
		}
	}
}

// A small file of the contract's own shape: requests made before and after
// closing, answered the day made after closing, open, without a case,
// without who asked. They
// are created with the file's ids; answered ones read back as held; a newer
// file saying an open one was held answers it; a file that changes what was
// asked is refused by field and applies nothing, new requests included.
const emergentFacts = `{"as_of": "2026-11-20",
	"staff": [{"id": "cws-1", "role": "casework_supervisor", "since": "2020-01-01"},
	          {"id": "cws-2", "role": "casework_supervisor", "since": "2020-01-01"},
	          {"id": "sup-1", "role": "supervisor", "reports_to": "cws-1", "since": "2020-01-01"},
	          {"id": "w-1", "role": "worker", "reports_to": "sup-1", "since": "2020-01-01", "experience_start": "2019-01-01"}],
	"cases": [{"id": "c-1", "worker": "w-1", "assigned": "2026-10-01", "received": "2026-10-01", "setting": "in_home"}],
	"emergent": [
	  {"id": "e-1", "case": "c-1", "requested_by": "sup-1", "casework_supervisor": "cws-1", "made": "2026-11-19", "after_closing": true, "held": "2026-11-19"},
	  {"id": "e-2", "requested_by": "w-1", "casework_supervisor": "cws-1", "made": "2026-11-18"},
	  {"id": "e-3", "case": "c-1", "requested_by": "sup-1", "casework_supervisor": "cws-1", "made": "2026-11-13", "held": "2026-11-16"},
	  {"id": "e-4", "casework_supervisor": "cws-1", "made": "2026-11-20"}]}`

func TestEmergentRequestsImportedAnsweredAndRefused(t *testing.T) {
	owner, st := testdb.App(t)
	f := decode(t, []byte(emergentFacts))
	rep := importFacts(t, st, "emergent.json", []byte(emergentFacts))
	if c := counts(rep)["emergent requests"]; !rep.OK() || c.Created != 4 {
		t.Fatalf("import: %v, emergent requests %+v", rep.Problems.List, c)
	}
	exported := func() rules.Facts {
		t.Helper()
		return decode(t, export(t, st, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)))
	}
	back := exported()
	if diff := cmp.Diff(f.Emergent, back.Emergent, dateCmp); diff != "" {
		t.Errorf("emergent facts after import and export (-file +export):\n%s", diff)
	}
	if diff := cmp.Diff(emergentObligations(t, f), emergentObligations(t, back), dateCmp); diff != "" {
		t.Errorf("emergent obligations after the round trip (-file +export):\n%s", diff)
	}
	// Stored as documented: noon before closing, the closing hour after it;
	// answered by the casework supervisor on the held day, never before the
	// request was made.
	var got []string
	rows, err := owner.Query(ctx(), `
		SELECT e.source_id || ' ' || to_char(e.requested_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI') || ' '
		       || coalesce(to_char(e.answered_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI') || ' held ' || e.held_on
		                   || ' by ' || p.source_id || ': ' || e.answer, 'open') || ' ' || e.reason
		FROM emergent_requests e LEFT JOIN people p ON p.id = e.answered_by ORDER BY e.source_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	want := []string{
		"e-1 2026-11-19 17:00 2026-11-19 17:00 held 2026-11-19 by cws-1: Imported from emergent.json. imported",
		"e-2 2026-11-18 12:00 open imported",
		"e-3 2026-11-13 12:00 2026-11-16 12:00 held 2026-11-16 by cws-1: Imported from emergent.json. imported",
		"e-4 2026-11-20 12:00 open imported",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored requests (-want +got):\n%s", diff)
	}

	// A newer file: e-2 was held since. It is answered, and reads back held.
	f.Emergent[1].Held = rules.MustDate("2026-11-20")
	newer, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	rep = importFacts(t, st, "newer.json", newer)
	if c := counts(rep)["emergent requests"]; !rep.OK() || c.Updated != 1 || c.Unchanged != 3 || c.Created != 0 {
		t.Fatalf("newer file: %v, emergent requests %+v", rep.Problems.List, c)
	}
	if back = exported(); !back.Emergent[1].Held.Equal(rules.MustDate("2026-11-20")) {
		t.Errorf("e-2 after the newer file: %+v", back.Emergent[1])
	}
	if o := emergentObligations(t, back)["e-2"]; o.State != "met" && o.State != "met_late" {
		t.Errorf("e-2 held: its obligation is %s", o.State)
	}

	// The casework supervisor's queue shows them, the one without who asked
	// too (the page says it was not recorded).
	var cwsID int64
	if err := owner.QueryRow(ctx(), `SELECT id FROM people WHERE source_id = 'cws-1'`).Scan(&cwsID); err != nil {
		t.Fatal(err)
	}
	cv, err := st.ViewerByID(ctx(), cwsID)
	if err != nil {
		t.Fatal(err)
	}
	queue, err := st.EmergentQueue(ctx(), cv, "America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, r := range queue {
		held := "open"
		if r.HeldOn != nil {
			held = "held " + r.HeldOn.Format(time.DateOnly)
		}
		listed = append(listed, r.RequestedAt.In(time.UTC).Format(time.DateOnly)+" by "+r.RequestedBy+" "+r.Reason+" "+held)
	}
	slices.Sort(listed)
	wantListed := []string{
		"2026-11-13 by sup-1 imported held 2026-11-16",
		"2026-11-18 by w-1 imported held 2026-11-20", // the newer file's answer
		"2026-11-19 by sup-1 imported held 2026-11-19",
		"2026-11-20 by  imported open",
	}
	if diff := cmp.Diff(wantListed, listed); diff != "" {
		t.Errorf("the casework supervisor's queue (-want +got):\n%s", diff)
	}

	// What was asked, or an answer, differs from what is recorded: refused
	// by field, and nothing applied (e-5, new, is not created either).
	digest := emergentDigest(t, owner)
	bad := decode(t, newer)
	bad.Emergent[0].CaseworkSupervisor = "cws-2"
	bad.Emergent[1].AfterClosing = true
	bad.Emergent[2].Held = rules.MustDate("2026-11-17")
	bad.Emergent = append(bad.Emergent, rules.EmergentRequest{ID: "e-5", RequestedBy: "sup-1", CaseworkSupervisor: "cws-2", Made: rules.MustDate("2026-11-20")})
	data, err := json.Marshal(bad)
	if err != nil {
		t.Fatal(err)
	}
	rep = importFacts(t, st, "bad.json", data)
	wantProblems := []string{
		`emergent[0].casework_supervisor: emergent request "e-1" is already recorded with a different casework_supervisor`,
		`emergent[1].after_closing: emergent request "e-2" is already recorded with a different after_closing`,
		`emergent[2].held: emergent request "e-3" is already answered, held on 2026-11-16, not 2026-11-17`,
	}
	assertProblems(t, rep.Problems.List, wantProblems)
	if got := emergentDigest(t, owner); got != digest {
		t.Errorf("a refused file changed the emergent requests: %s, was %s", got, digest)
	}
}

// A file whose requests name what is not there, or what cannot be a
// request, is refused field by field, and nothing at all is saved.
func TestEmergentRequestsBadReferences(t *testing.T) {
	owner, st := testdb.App(t)
	fp := fingerprint(t, owner)
	digest := emergentDigest(t, owner)
	for _, tc := range []struct {
		name, emergent string
		want           []string
	}{
		{"references", `[
		  {"id": "e-1", "requested_by": "sup-1", "casework_supervisor": "nobody", "made": "2026-11-19"},
		  {"id": "e-2", "requested_by": "cws-2", "casework_supervisor": "cws-1", "made": "2026-11-19"},
		  {"id": "e-3", "case": "c-9", "requested_by": "sup-1", "casework_supervisor": "sup-1", "made": "2026-11-19"},
		  {"id": "e-4", "requested_by": "w-9", "casework_supervisor": "cws-1", "made": "2026-11-19"},
		  {"id": "e-5", "requested_by": "sup-1", "casework_supervisor": "cws-1", "made": "2026-11-19", "held": "2026-11-18"},
		  {"id": "e-1", "requested_by": "sup-1", "casework_supervisor": "cws-1", "made": "2026-11-19"}]`, []string{
			`emergent[0].casework_supervisor: no staff member "nobody"`,
			`emergent[1].requested_by: "cws-2" is a casework_supervisor, not a supervisor or a worker`,
			`emergent[2].case: no case "c-9"`,
			`emergent[2].casework_supervisor: "sup-1" is a supervisor`,
			`emergent[3].requested_by: no staff member "w-9"`,
			`emergent[4].held: 2026-11-18 is before the day the request was made 2026-11-19`,
			`emergent[5].id: duplicate`,
		}},
		{"made and held after today", `[
		  {"id": "e-1", "requested_by": "sup-1", "casework_supervisor": "cws-1", "made": "9000-01-03"},
		  {"id": "e-2", "requested_by": "sup-1", "casework_supervisor": "cws-1", "made": "2026-11-19", "held": "9000-01-04"}]`, []string{
			`emergent[0].made: 9000-01-03 is after today`,
			`emergent[1].held: 9000-01-04 is after today`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(emergentFacts, emergentFacts[strings.Index(emergentFacts, `"emergent": [`)+len(`"emergent": `):len(emergentFacts)-1], tc.emergent, 1)
			if tc.name == "made and held after today" {
				data = strings.Replace(data, `"as_of": "2026-11-20"`, `"as_of": "9000-01-05"`, 1)
			}
			rep := importFacts(t, st, "bad.json", []byte(data))
			assertProblems(t, rep.Problems.List, tc.want)
			if diff := cmp.Diff(fp, fingerprint(t, owner)); diff != "" {
				t.Errorf("a refused file changed the database:\n%s", diff)
			}
			if got := emergentDigest(t, owner); got != digest {
				t.Errorf("a refused file saved emergent requests: %s", got)
			}
		})
	}
}

// A later closing hour at or before noon: a request made before it is kept
// at midnight, so that it still reads back as before closing.
func TestEmergentRequestsImportEarlyClosing(t *testing.T) {
	owner, st := testdb.App(t)
	if _, err := owner.Exec(ctx(), `INSERT INTO agency (name) VALUES ('Imported agency')`); err != nil {
		t.Fatal(err)
	}
	if err := st.SetClosingHour(ctx(), 10); err != nil {
		t.Fatal(err)
	}
	f := decode(t, []byte(emergentFacts))
	if rep := importFacts(t, st, "emergent.json", []byte(emergentFacts)); !rep.OK() {
		t.Fatal(rep.Problems.List)
	}
	back := decode(t, export(t, st, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)))
	if diff := cmp.Diff(f.Emergent, back.Emergent, dateCmp); diff != "" {
		t.Errorf("emergent facts with the agency closing at 10 (-file +export):\n%s", diff)
	}
}

func ctx() context.Context { return context.Background() }

// assertProblems checks that every wanted problem begins one reported, and
// that some are.
func assertProblems(t *testing.T, list []exchange.Problem, want []string) {
	t.Helper()
	var got []string
	for _, p := range list {
		got = append(got, p.String())
	}
	if len(got) == 0 {
		t.Fatal("accepted")
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("no problem %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
