package demo

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

func TestStateIsDeterministicUnitByUnit(t *testing.T) {
	s, err := NewState(StateOptions{Seed: 1, AsOf: asOf, Scale: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	// A unit made on its own is the unit made in the walk: a bulk load walks
	// the state once per table and must see the same rows each time.
	var walked []*store.Dataset
	for d := range s.Chunks() {
		walked = append(walked, d)
	}
	if len(walked) != 1+s.Units() {
		t.Fatalf("%d chunks for %d units", len(walked), s.Units())
	}
	for u := range s.Units() {
		if diff := cmp.Diff(walked[1+u], s.Unit(u)); diff != "" {
			t.Fatalf("unit %d differs between two generations:\n%s", u, diff)
		}
	}
	other, _ := NewState(StateOptions{Seed: 2, AsOf: asOf, Scale: 0.01})
	if cmp.Equal(s.Unit(0).Cases, other.Unit(0).Cases) {
		t.Fatal("another seed gives the same cases")
	}
}

func TestStateScaleIsChecked(t *testing.T) {
	for _, bad := range []float64{0, -1, 1.5} {
		if _, err := NewState(StateOptions{Seed: 1, AsOf: asOf, Scale: bad}); err == nil {
			t.Errorf("scale %v accepted", bad)
		}
	}
}

// The state is the demo's mix: per worker about twenty open cases, history
// over three years, nothing on or after the as-of date.
func TestStateMix(t *testing.T) {
	s, _ := NewState(StateOptions{Seed: 1, AsOf: asOf, Scale: 0.02})
	c := s.Count()
	if c.Units != 12 || c.Offices != 1 {
		t.Fatalf("layout at 0.02: %+v", c)
	}
	if per := float64(c.OpenCases) / float64(c.ActiveWorkers); per < 17 || per > 23 {
		t.Errorf("%.1f open cases per worker, want about 20", per)
	}
	if c.Workers == c.ActiveWorkers {
		t.Error("no former workers: the history has no turnover")
	}
	// The newer rules' records: visit plans on most cases, siblings placed
	// apart on a few, reviews for most worker-months of the last three,
	// some emergent requests; none on or after the as-of date.
	if c.VisitPlans < c.OpenCases*3/4 || c.SiblingsApart == 0 || c.SiblingsApart > c.OpenCases/10 ||
		c.MVRReviews < c.Workers || c.Emergent < c.Units {
		t.Errorf("the newer rules' records: %+v", c)
	}
	for d := range s.Chunks() {
		for _, e := range d.Events {
			if !e.OccurredOn.Before(asOf) || e.OccurredOn.Before(asOf.AddDate(-3, 0, 0)) {
				t.Fatalf("event on %s", e.OccurredOn.Format(time.DateOnly))
			}
		}
		checkNewerRecords(t, d, asOf)
		for _, k := range d.Conferences {
			if !k.HeldOn.Before(asOf) || !k.EnteredAt.Before(asOf) {
				t.Fatalf("conference held %s entered %s", k.HeldOn, k.EnteredAt)
			}
		}
	}
}

// A small state loads through the bulk loader with every trigger of the
// schema on (roles, hierarchy, frozen records), and the rows are all there.
func TestStateLoads(t *testing.T) {
	_, pool := testdb.New(t)
	s, _ := NewState(StateOptions{Seed: 1, AsOf: asOf, Scale: 0.01})
	if err := store.New(pool).LoadChunks(context.Background(), s.Head(), s.Chunks(), nil); err != nil {
		t.Fatal(err)
	}
	want := s.Count()
	for _, q := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM people", want.People},
		{"SELECT count(*) FROM people WHERE role = 'worker' AND active", want.ActiveWorkers},
		{"SELECT count(*) FROM cases", want.Cases},
		{"SELECT count(*) FROM events", want.Events},
		{"SELECT count(*) FROM conferences", want.Conferences},
		{"SELECT count(*) FROM conference_cases", want.ConferenceCases},
		{"SELECT count(*) FROM case_mvr", want.VisitPlans},
		{"SELECT count(*) FROM case_siblings_apart", want.SiblingsApart},
		{"SELECT count(*) FROM emergent_requests", want.Emergent},
		{"SELECT count(*) FROM mvr_reviews", want.MVRReviews},
	} {
		var got int
		if err := pool.QueryRow(context.Background(), q.sql).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != q.want {
			t.Errorf("%s: %d, want %d", q.sql, got, q.want)
		}
	}
	var drafts, signed int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status = 'draft'), count(*) FILTER (WHERE status <> 'draft') FROM conferences`).Scan(&drafts, &signed); err != nil {
		t.Fatal(err)
	}
	if drafts == 0 || signed == 0 {
		t.Errorf("lifecycle not applied: %d drafts, %d signed", drafts, signed)
	}
}
