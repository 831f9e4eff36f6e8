package demo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/store"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	a, la := Generate(Options{Seed: 7, AsOf: asOf})
	b, lb := Generate(Options{Seed: 7, AsOf: asOf})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed and date, different agency:\n%s", diff)
	}
	if diff := cmp.Diff(la, lb); diff != "" {
		t.Fatalf("same seed and date, different logins:\n%s", diff)
	}
	c, _ := Generate(Options{Seed: 8, AsOf: asOf})
	if cmp.Equal(a.Cases, c.Cases) {
		t.Fatal("another seed gives the same cases")
	}
}

// The logins depend on the seed only, so the list printed by a second
// `make run` on a later day still matches the database.
func TestLoginsDoNotDependOnTheDate(t *testing.T) {
	_, a := Generate(Options{Seed: 1, AsOf: asOf})
	_, b := Generate(Options{Seed: 1, AsOf: asOf.AddDate(0, 2, 3)})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("logins changed with the as-of date:\n%s", diff)
	}
}

// History ends the day before the as-of date, whatever the date.
func TestNothingHappensOnOrAfterAsOf(t *testing.T) {
	for _, day := range []time.Time{asOf, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)} {
		d, _ := Generate(Options{Seed: 3, AsOf: day})
		for _, e := range d.Events {
			if !e.OccurredOn.Before(day) {
				t.Fatalf("as of %s: event on %s", day.Format(time.DateOnly), e.OccurredOn.Format(time.DateOnly))
			}
		}
		for _, k := range d.Conferences {
			if !k.HeldOn.Before(day) || !k.EnteredAt.Before(day) {
				t.Fatalf("as of %s: conference held %s entered %s", day.Format(time.DateOnly), k.HeldOn, k.EnteredAt)
			}
		}
		for _, r := range d.Risks {
			if !r.AssessedOn.Before(day) {
				t.Fatalf("as of %s: risk assessed %s", day.Format(time.DateOnly), r.AssessedOn.Format(time.DateOnly))
			}
		}
		for _, a := range d.Assignments {
			if !a.Since.Before(day) {
				t.Fatalf("as of %s: case assigned %s", day.Format(time.DateOnly), a.Since.Format(time.DateOnly))
			}
		}
		checkNewerRecords(t, d, day)
	}
}

// checkNewerRecords: the visit plans, siblings placed apart, emergent
// requests and visit plan reviews of d begin before the as-of date, and an
// answer is never before its request.
func checkNewerRecords(t *testing.T, d *store.Dataset, day time.Time) {
	t.Helper()
	for _, m := range d.VisitPlans {
		if !m.From.Before(day) || m.Child+m.Parents+m.Provider == 0 {
			t.Fatalf("as of %s: visit plan %+v", day.Format(time.DateOnly), m)
		}
	}
	for _, sa := range d.SiblingsApart {
		if !sa.Start.Before(day) || (!sa.End.IsZero() && (!sa.End.Before(day) || sa.End.Before(sa.Start))) {
			t.Fatalf("as of %s: siblings apart %+v", day.Format(time.DateOnly), sa)
		}
	}
	for _, e := range d.Emergent {
		if !e.RequestedAt.Before(day) || (!e.AnsweredAt.IsZero() && (!e.AnsweredAt.Before(day) || e.AnsweredAt.Before(e.RequestedAt))) {
			t.Fatalf("as of %s: emergent request %+v", day.Format(time.DateOnly), e)
		}
	}
	for _, r := range d.MVRReviews {
		if !r.ReviewedOn.Before(day) {
			t.Fatalf("as of %s: review %+v", day.Format(time.DateOnly), r)
		}
	}
}
