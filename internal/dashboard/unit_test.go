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
		Undiscussed: 2, RiskAwaiting: 1, PendingContacts: 2, Milestone: len(want) + 1,
		// The visits among them: c-2's child visit after placement, c-3's
		// and c-1's family visit after assignment.
		Visits: 3}
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
	// A planned closing says what the closure rules of the version in force
	// owe: from 2026-12-01 a parent visit too (closure.family_seen, rules
	// contract version 2); before, the 2016 version's child visit.
	f.AsOf = d("2026-12-10")
	f.Cases[0].Closing = d("2026-12-12")
	if res, err = rules.Evaluate(f, rules.Options{}); err != nil {
		t.Fatal(err)
	}
	closing := "Planned closing 2026-12-12: risk reassessment within the 30 days before closing; children and family seen (a child visit and a parent visit) within the 30 days before closing."
	if got := Preparation(f, res, "c-1"); !contains(got, closing) {
		t.Errorf("preparation lacks %q; got %q", closing, got)
	}
	f.AsOf = d("2026-11-22")
	if res, err = rules.Evaluate(f, rules.Options{}); err != nil {
		t.Fatal(err)
	}
	closing = "Planned closing 2026-12-12: risk reassessment within the 30 days before closing; child seen within the 30 days before closing."
	if got := Preparation(f, res, "c-1"); !contains(got, closing) {
		t.Errorf("preparation lacks %q; got %q", closing, got)
	}
	if Preparation(f, res, "no-such-case") != nil {
		t.Error("a case not in the facts has a preparation")
	}
}

// The visit obligations, selected by their rules' tag, as of Thu 2026-12-10
// (nj-cpp's version of 2026-12-01, which has the visit rules): w-1's c-1
// is under a plan of two child visits a month and had one in November, so
// its plan's month ended short; w-1's c-2, placed 2026-12-01 with a goal of
// reunification, has had neither the child's visit within five days nor a
// weekly parent/child visit. The child's visit after placement is also a
// milestone; the plan's count and the weekly visit are not. w-2's new case
// owes visits that are not yet due.
func TestBuildCountsOverdueVisits(t *testing.T) {
	ev := func(c, kind, on string) rules.Event { return rules.Event{Case: c, Kind: kind, Date: d(on)} }
	f := rules.Facts{
		AsOf: d("2026-12-10"), Profile: "nj-cpp", HolidaysSet: true,
		Staff: []rules.Staff{
			{ID: "sup-1", Role: rules.RoleSupervisor, Since: d("2025-01-06")},
			{ID: "w-1", Role: rules.RoleWorker, ReportsTo: "sup-1", Since: d("2020-01-06")},
			{ID: "w-2", Role: rules.RoleWorker, ReportsTo: "sup-1", Since: d("2020-01-06")},
		},
		Cases: []rules.Case{
			{ID: "c-1", Worker: "w-1", Assigned: d("2026-09-01"), Setting: rules.SettingInHome,
				MVR: []rules.MVREntry{{From: d("2026-10-01"), Child: 2}}},
			{ID: "c-2", Worker: "w-1", Assigned: d("2026-09-01"), Setting: rules.SettingOutOfHome, PlacementDate: d("2026-12-01"),
				Goal: rules.GoalReunification},
			{ID: "c-3", Worker: "w-2", Assigned: d("2026-12-01"), Setting: rules.SettingInHome},
		},
		Events: []rules.Event{
			ev("c-1", rules.EventChildVisit, "2026-10-05"), ev("c-1", rules.EventChildVisit, "2026-10-20"),
			ev("c-1", rules.EventChildVisit, "2026-11-12"), ev("c-1", rules.EventChildVisit, "2026-12-03"),
			ev("c-1", rules.EventParentVisit, "2026-12-03"), ev("c-1", rules.EventCollateralContact, "2026-12-04"),
			ev("c-2", rules.EventCollateralContact, "2026-12-04"), ev("c-2", rules.EventCPRBNotification, "2026-12-02"),
		},
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := Build(f, res, []Worker{{PersonID: 1, FactID: "w-1", Name: "A"}, {PersonID: 2, FactID: "w-2", Name: "B"}})
	rows := map[string]Row{}
	for _, r := range u.Rows {
		rows[r.FactID] = r
	}
	ids := func(os []rules.Obligation) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.Subject+" "+o.Rule)
		}
		return sortedCopy(out)
	}
	want := []string{"c-1 mvr.child_monthly", "c-2 placement.child_seen", "c-2 visits.parent_child_weekly"}
	if diff := cmp.Diff(want, ids(rows["w-1"].OverdueVisits)); diff != "" {
		t.Errorf("w-1 overdue visits (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"c-2 placement.child_seen"}, ids(rows["w-1"].OverdueMilestones)); diff != "" {
		t.Errorf("w-1 overdue milestones (-want +got):\n%s", diff)
	}
	if len(rows["w-2"].OverdueVisits) != 0 {
		t.Errorf("w-2 overdue visits: %v", ids(rows["w-2"].OverdueVisits))
	}
	if u.Totals.Visits != 3 || u.Totals.Milestone != 1 {
		t.Errorf("totals: %d visits, %d milestones; want 3 and 1", u.Totals.Visits, u.Totals.Milestone)
	}
	// The area's line of the unit carries the same figure.
	area := BuildArea(f, res, []AreaInput{{UnitID: 1, Name: "Unit A", SupervisorFact: "sup-1",
		Workers: []Worker{{FactID: "w-1", Name: "A"}, {FactID: "w-2", Name: "B"}}}})
	if area[0].Unit.Totals.Visits != 3 {
		t.Errorf("area: %d visits overdue, want 3", area[0].Unit.Totals.Visits)
	}
	// The supervisor's monthly review of the visit plans (tagged
	// visit_review): w-1's cases are under a plan since 2026-10-01 and no
	// review is recorded, so it is overdue; w-2 has no plan and owes none.
	if r := rows["w-1"].VisitReview; r == nil || r.State != rules.StateOverdue || rows["w-2"].VisitReview != nil {
		t.Errorf("visit reviews: w-1 %+v, w-2 %+v", r, rows["w-2"].VisitReview)
	}
	if u.Totals.VisitReviewsOverdue != 1 || area[0].Unit.Totals.VisitReviewsOverdue != 1 {
		t.Errorf("visit reviews overdue: unit %d, area %d; want 1", u.Totals.VisitReviewsOverdue, area[0].Unit.Totals.VisitReviewsOverdue)
	}
	// Reviewed in December: none overdue.
	reviewed := f
	reviewed.MVRReviews = []rules.MVRReview{{Worker: "w-1", Supervisor: "sup-1", Date: d("2026-12-02")}}
	rres, err := rules.Evaluate(reviewed, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := Build(reviewed, rres, []Worker{{FactID: "w-1"}, {FactID: "w-2"}}).Totals.VisitReviewsOverdue; n != 0 {
		t.Errorf("after the December review: %d visit reviews overdue, want 0", n)
	}

	// Before 2026-12-01 the version in force has no monthly visit rules: as
	// of 2026-11-22, c-1's plan and c-2's weekly visits owe nothing yet.
	f.AsOf = d("2026-11-22")
	f.Cases[1].PlacementDate = d("2026-11-10")
	if res, err = rules.Evaluate(f, rules.Options{}); err != nil {
		t.Fatal(err)
	}
	u = Build(f, res, []Worker{{FactID: "w-1", Name: "A"}})
	if diff := cmp.Diff([]string{"c-2 placement.child_seen"}, ids(u.Rows[0].OverdueVisits)); diff != "" {
		t.Errorf("as of 2026-11-22, w-1 overdue visits (-want +got):\n%s", diff)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}
