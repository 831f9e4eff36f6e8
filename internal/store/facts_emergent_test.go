package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// The emergent requests and the visit plan reviews reach the facts: the
// unit's (as the supervisor sees it), the agency's and the export agree;
// the day made and "after closing" are read in the agency's zone at the
// agency's closing hour; the casework supervisor's queue is evaluated by
// the engine.
func TestEmergentAndMVRReviewFacts(t *testing.T) {
	st, pool := seededApp(t)
	ctx := context.Background()
	var unit, sup, cws, worker, caseID int64
	var caseNumber string
	if err := pool.QueryRow(ctx, `
		SELECT us.unit_id, us.supervisor_id, r.casework_supervisor_id, a.worker_id, c.id, c.case_number
		FROM unit_supervisors us
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> DATE '2026-11-23'
		JOIN unit_members m ON m.unit_id = us.unit_id AND m.during @> DATE '2026-11-23'
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> DATE '2026-11-23'
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE us.during @> DATE '2026-11-23' ORDER BY us.unit_id, c.id LIMIT 1`).Scan(&unit, &sup, &cws, &worker, &caseID, &caseNumber); err != nil {
		t.Fatal(err)
	}
	var late, today, answered int64
	for _, q := range []struct {
		at, answered, held string
		id                 *int64
	}{
		{"2026-11-19 18:30 America/New_York", "", "", &late},
		{"2026-11-23 10:00 America/New_York", "", "", &today},
		{"2026-11-16 09:00 America/New_York", "2026-11-17 15:00 America/New_York", "2026-11-17", &answered},
	} {
		var ans, held any
		if q.answered != "" {
			ans, held = q.answered, q.held
		}
		if err := pool.QueryRow(ctx, `INSERT INTO emergent_requests (case_id, requested_by, casework_supervisor_id, reason, requested_at, answered_at, answered_by, answer, held_on)
			VALUES ($1, $2, $3, 'critical_incident', $4::timestamptz, $5::timestamptz, CASE WHEN $5::text IS NOT NULL THEN $3::bigint END, CASE WHEN $5::text IS NOT NULL THEN 'Held.' END, $6::date) RETURNING id`,
			caseID, sup, cws, q.at, ans, held).Scan(q.id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO mvr_reviews (worker_id, reviewed_by, reviewed_on, note, recorded_at) VALUES ($1, $2, '2026-11-10', 'Reviewed.', now())`, worker, sup); err != nil {
		t.Fatal(err)
	}

	v, err := st.ViewerByID(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	f, ids, err := st.UnitFacts(ctx, v, unit, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if problems := rules.Validate(f); len(problems) > 0 {
		t.Fatalf("unit facts invalid: %v", problems[:min(5, len(problems))])
	}
	var cwsFact, supFact, workerFact string
	for fid, pid := range ids.People {
		switch pid {
		case cws:
			cwsFact = fid
		case sup:
			supFact = fid
		case worker:
			workerFact = fid
		}
	}
	id := func(n int64) string { return "e" + itoa(n) }
	var mine []rules.EmergentRequest
	for _, q := range f.Emergent {
		if q.ID == id(late) || q.ID == id(today) || q.ID == id(answered) {
			mine = append(mine, q)
		}
	}
	want := []rules.EmergentRequest{
		{ID: id(late), Case: caseNumber, RequestedBy: supFact, CaseworkSupervisor: cwsFact, Made: rules.MustDate("2026-11-19"), AfterClosing: true},
		{ID: id(today), Case: caseNumber, RequestedBy: supFact, CaseworkSupervisor: cwsFact, Made: rules.MustDate("2026-11-23")},
		{ID: id(answered), Case: caseNumber, RequestedBy: supFact, CaseworkSupervisor: cwsFact, Made: rules.MustDate("2026-11-16"), Held: rules.MustDate("2026-11-17")},
	}
	if diff := cmp.Diff(want, sortLike(mine, want)); diff != "" || len(mine) != len(want) {
		t.Errorf("unit facts' requests (-want +got):\n%s", diff)
	}
	found := false
	for _, r := range f.MVRReviews {
		found = found || (r == rules.MVRReview{Worker: workerFact, Supervisor: supFact, Date: rules.MustDate("2026-11-10")})
	}
	if !found {
		t.Errorf("the unit's facts miss the visit plan review: %+v", f.MVRReviews)
	}

	// The casework supervisor's queue, evaluated.
	cv, err := st.ViewerByID(ctx, cws)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := st.AreaEmergent(ctx, cv, asOf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, n := range []int64{late, today, answered} {
		got[n] = obs[n].Due.String() + " " + obs[n].State
	}
	wantStates := map[int64]string{late: "2026-11-20 overdue", today: "2026-11-23 open", answered: "2026-11-16 met_late"}
	if diff := cmp.Diff(wantStates, got); diff != "" {
		t.Errorf("area's emergent obligations (-want +got):\n%s", diff)
	}
	if _, err := st.AreaEmergent(ctx, v, asOf); err == nil {
		t.Error("a supervisor read a casework supervisor's queue")
	}
	// A later closing hour: Thursday's 18:30 request was made before it.
	if err := st.SetClosingHour(ctx, 19); err != nil {
		t.Fatal(err)
	}
	if obs, err = st.AreaEmergent(ctx, cv, asOf); err != nil || obs[late].Due.String() != "2026-11-19" {
		t.Errorf("closing at 19: due %s (want 2026-11-19), %v", obs[late].Due, err)
	}
	if err := st.SetClosingHour(ctx, 0); err == nil {
		t.Error("closing hour 0 accepted")
	}

	// The agency's facts and the export carry the same.
	af, err := st.AgencyFacts(ctx, admin, asOf)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := rules.Evaluate(af, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ef := decode(t, export(t, st, asOf))
	viaExport, err := rules.Evaluate(ef, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(af.Emergent) < 3 || len(af.MVRReviews) < 1 || len(ef.Emergent) != len(af.Emergent) || len(ef.MVRReviews) != len(af.MVRReviews) {
		t.Errorf("agency facts: %d requests, %d reviews; export: %d, %d", len(af.Emergent), len(af.MVRReviews), len(ef.Emergent), len(ef.MVRReviews))
	}
	pick := func(res rules.Result) []rules.Obligation {
		var out []rules.Obligation
		for _, o := range res.Obligations {
			if o.Request != "" {
				out = append(out, o)
			}
		}
		return out
	}
	if diff := cmp.Diff(pick(direct), pick(viaExport)); diff != "" || len(pick(direct)) < 3 {
		t.Errorf("emergent obligations differ (-agency +export):\n%s", diff)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sortLike orders got by the ids of want.
func sortLike(got, want []rules.EmergentRequest) []rules.EmergentRequest {
	var out []rules.EmergentRequest
	for _, w := range want {
		for _, g := range got {
			if g.ID == w.ID {
				out = append(out, g)
			}
		}
	}
	return out
}

// A facts file's visit plan reviews are imported (once: the same file again
// changes nothing) and exported again. (Its emergent requests:
// import_emergent_test.go.) The demo's own reviews are left out, so the
// test's two are the only ones.
func TestMVRReviewsImport(t *testing.T) {
	st, pool := seededAppWithout(t, func(d *store.Dataset) { d.MVRReviews = nil })
	ctx := context.Background()
	var sup, worker int64
	if err := pool.QueryRow(ctx, `
		SELECT us.supervisor_id, m.worker_id FROM unit_supervisors us
		JOIN unit_members m ON m.unit_id = us.unit_id AND m.during @> DATE '2026-11-23'
		WHERE us.during @> DATE '2026-11-23' ORDER BY us.unit_id, m.worker_id LIMIT 1`).Scan(&sup, &worker); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO mvr_reviews (worker_id, reviewed_by, reviewed_on, note, recorded_at) VALUES ($1, $2, '2026-11-10', 'Reviewed.', now()), ($1, $2, '2026-10-12', 'Reviewed.', now())`, worker, sup); err != nil {
		t.Fatal(err)
	}
	data := export(t, st, asOf)
	f := decode(t, data)
	if len(f.MVRReviews) != 2 {
		t.Fatalf("export: %d reviews", len(f.MVRReviews))
	}
	// The same database takes its own export back: nothing new.
	rep := importFacts(t, st, "own.json", data)
	if !rep.OK() || counts(rep)["visit plan reviews"].Unchanged != 2 {
		t.Fatalf("own export read back: %v %v", rep.Problems.List, rep.Summary())
	}

	_, empty := testdb.App(t)
	f.Emergent = nil
	without, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	rep = importFacts(t, empty, "reviews.json", without)
	if !rep.OK() || counts(rep)["visit plan reviews"].Created != 2 {
		t.Fatalf("import: %v %v", rep.Problems.List, rep.Summary())
	}
	if rep = importFacts(t, empty, "reviews.json", without); !rep.OK() || counts(rep)["visit plan reviews"].Unchanged != 2 {
		t.Fatalf("the same file again: %v %v", rep.Problems.List, rep.Summary())
	}
	back := decode(t, export(t, empty, asOf))
	if diff := cmp.Diff(f.MVRReviews, back.MVRReviews); diff != "" {
		t.Errorf("reviews after import and export (-file +export):\n%s", diff)
	}
	reviewObligations := func(f rules.Facts) []rules.Obligation {
		res, err := rules.Evaluate(f, rules.Options{AsOf: rules.MustDate("2026-12-10")})
		if err != nil {
			t.Fatal(err)
		}
		var out []rules.Obligation
		for _, o := range res.Obligations {
			if res.Is(o, rules.TagVisitReview) {
				out = append(out, o)
			}
		}
		return out
	}
	if diff := cmp.Diff(reviewObligations(f), reviewObligations(back)); diff != "" {
		t.Errorf("review obligations after the round trip (-file +export):\n%s", diff)
	}
}
