package dashboard

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/rules"
)

var d = rules.MustDate

// A unit of two workers as of Sun 2026-11-22: w-1 new (the contract's worked
// example), w-2 experienced and last conferenced in September, so overdue.
func unitFacts() rules.Facts {
	return rules.Facts{
		AsOf: d("2026-11-22"), Profile: "nj-cpp", HolidaysSet: true,
		Staff: []rules.Staff{
			{ID: "cws-1", Role: rules.RoleCaseworkSupervisor},
			{ID: "sup-1", Role: rules.RoleSupervisor, ReportsTo: "cws-1", Since: d("2025-01-06")},
			{ID: "w-1", Role: rules.RoleWorker, ReportsTo: "sup-1", Since: d("2026-03-02")},
			{ID: "w-2", Role: rules.RoleWorker, ReportsTo: "sup-1", Since: d("2020-01-06")},
		},
		Cases: []rules.Case{
			{ID: "c-1", Worker: "w-1", Assigned: d("2026-11-03"), Setting: rules.SettingInHome,
				Risk: []rules.RiskEntry{{Level: "moderate", From: d("2026-11-03")}, {Level: "high", From: d("2026-11-16")}}},
			{ID: "c-2", Worker: "w-2", Assigned: d("2026-01-05"), Setting: rules.SettingOutOfHome, PlacementDate: d("2026-10-01"),
				Risk: []rules.RiskEntry{{Level: "very_high", From: d("2026-11-20")}}},
			{ID: "c-3", Worker: "w-2", Assigned: d("2026-02-02"), Setting: rules.SettingInHome,
				Risk: []rules.RiskEntry{{Level: "low", From: d("2026-02-02")}}},
		},
		Conferences: []rules.Conference{
			{ID: "k-1", Kind: rules.KindSupervision, Date: d("2026-11-09"), Supervisor: "sup-1", Worker: "w-1"},
			{ID: "k-2", Kind: rules.KindSupervision, Date: d("2026-11-16"), Supervisor: "sup-1", Worker: "w-1", Cases: []string{"c-1"}},
			{ID: "k-3", Kind: rules.KindCaseworkReview, Date: d("2026-11-18"), Supervisor: "sup-1", CaseworkSupervisor: "cws-1", Cases: []string{"c-1"}},
			{ID: "k-4", Kind: rules.KindSupervision, Date: d("2026-09-14"), Supervisor: "sup-1", Worker: "w-2", Cases: []string{"c-2", "c-3"}},
		},
		Events: []rules.Event{},
	}
}

func TestBuild(t *testing.T) {
	f := unitFacts()
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := Build(f, res, []Worker{
		{PersonID: 1, FactID: "w-1", Name: "Avery New", PendingContacts: 2},
		{PersonID: 2, FactID: "w-2", Name: "Blake Senior"},
	})
	if len(u.Rows) != 2 {
		t.Fatalf("%d rows", len(u.Rows))
	}
	// w-2's conference is overdue (September's conference: due 2026-10-31),
	// so w-2 comes first although the name sorts later.
	w2, w1 := u.Rows[0], u.Rows[1]
	if w2.FactID != "w-2" || w2.NextConference == nil || w2.NextConference.State != rules.StateOverdue || w2.NextConference.Due != d("2026-10-31") {
		t.Fatalf("first row: %+v", w2)
	}
	if w1.NextConference == nil || w1.NextConference.Due != d("2026-11-23") || w1.NextConference.State != rules.StateOpen || !w1.FirstYear {
		t.Fatalf("w-1 row: %+v", w1)
	}
	// c-2 went very high on Fri 2026-11-20 with no casework review since: its
	// one-day report (due Mon 2026-11-23) is awaited. c-1's report was made
	// (late) and its weekly review is not yet due: not awaiting.
	if diff := cmp.Diff([]string{"c-2"}, w2.RiskAwaiting); diff != "" {
		t.Errorf("w-2 risk awaiting (-want +got):\n%s", diff)
	}
	if len(w1.RiskAwaiting) != 0 {
		t.Errorf("w-1 risk awaiting: %v", w1.RiskAwaiting)
	}
	// Not discussed in November: both of w-2's cases; c-1 was discussed on the 16th.
	if diff := cmp.Diff([]string{"c-2", "c-3"}, w2.Undiscussed); diff != "" {
		t.Errorf("w-2 undiscussed (-want +got):\n%s", diff)
	}
	if len(w1.Undiscussed) != 0 {
		t.Errorf("w-1 undiscussed: %v", w1.Undiscussed)
	}
	// c-2 was placed on 2026-10-01: its five-day child visit, CPRB notice,
	// relatives' notification, family team meeting and visit plan are
	// overdue; in-home c-3 has had no visit since its assignment in February.
	var got []string
	for _, o := range w2.OverdueMilestones {
		got = append(got, o.Rule)
	}
	want := []string{"assignment.family_seen", "mvr.established", "placement.child_seen", "placement.cprb_notice", "placement.ftm", "placement.relatives"}
	if diff := cmp.Diff(want, sortedCopy(got)); diff != "" {
		t.Errorf("w-2 overdue milestones (-want +got):\n%s", diff)
	}
	wantTotals := Totals{Workers: 2, FirstYear: 1, Caseload: 3, ConferencesOverdue: 1, ConferencesDueThisWeek: 1,
		// w-1's c-1 (in-home, assigned 2026-11-03) owed a family visit by Tue
		// 2026-11-17 (ten business days): one more overdue milestone.
		Undiscussed: 2, RiskAwaiting: 1, PendingContacts: 2, Milestone: len(want) + 1}
	if diff := cmp.Diff(wantTotals, u.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if u.CaseWorker["c-3"] != "w-2" || len(u.ByCase["c-1"]) == 0 {
		t.Errorf("case index: %v", u.CaseWorker)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// Records: a draft held Tue 2026-11-17 and still unsigned on Sun 22 is past
// its deadline (Thu 19); a record held Mon 9 and entered Mon 16 is a late
// entry (deadline Wed 11); one entered on the next day is not; one of
// October is not counted in November.
func TestDocumentationDeadlines(t *testing.T) {
	f := unitFacts()
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := Build(f, res, []Worker{{FactID: "w-1", Name: "A", Records: []Record{
		{Held: d("2026-11-17"), Entered: d("2026-11-17")},
		{Held: d("2026-11-09"), Entered: d("2026-11-16"), Signed: true},
		{Held: d("2026-11-02"), Entered: d("2026-11-03"), Signed: true},
		{Held: d("2026-10-05"), Entered: d("2026-10-20"), Signed: true},
	}}})
	r := u.Rows[0]
	if r.UnsignedOverdue != 1 || r.LateEntries != 1 || u.Totals.UnsignedOverdue != 1 || u.Totals.LateEntries != 1 {
		t.Fatalf("unsigned %d, late %d (totals %d, %d); want 1 and 1", r.UnsignedOverdue, r.LateEntries, u.Totals.UnsignedOverdue, u.Totals.LateEntries)
	}
}

func TestPreparation(t *testing.T) {
	f := unitFacts()
	f.Events = append(f.Events,
		rules.Event{Case: "c-1", Kind: rules.EventChildVisit, Date: d("2026-11-18")},
		rules.Event{Case: "c-1", Kind: rules.EventParentVisit, Date: d("2026-11-19")},
		rules.Event{Case: "c-1", Kind: rules.EventChildVisit, Date: d("2026-11-10")}, // before the last conference
	)
	f.Cases[0].CourtNext = d("2026-12-04")
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := Preparation(f, res, "c-1")
	want := []string{
		"Update the documentation of the 2 contacts since the last conference on 2026-11-16.",
		"Court date 2026-12-04: prepare the court report and have the contact sheets approved before it.",
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("preparation lacks %q; got %q", w, got)
		}
	}
	// c-3 (w-2): never discussed since assignment, no contact, visit overdue.
	got = Preparation(f, res, "c-3")
	if len(got) < 2 || got[0] != "No contact recorded since the last conference on 2026-09-14: bring the visits up to date." {
		t.Errorf("c-3 preparation: %q", got)
	}
	if Preparation(f, res, "no-such-case") != nil {
		t.Error("a case not in the facts has a preparation")
	}
}
