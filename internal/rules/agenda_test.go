package rules

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// newWorkerUnit: w-new (first year) with ten cases assigned 2026-10-01.
func newWorkerUnit() Facts {
	f := unit()
	f.AsOf = d("2026-11-22")
	for i := 1; i <= 10; i++ {
		f.Cases = append(f.Cases, Case{ID: fmt.Sprintf("c-%02d", i), Worker: "w-new", Assigned: d("2026-10-01")})
	}
	return f
}

func TestCoverageFirstYear(t *testing.T) {
	f := newWorkerUnit()
	f.Conferences = []Conference{
		sup("k-1", "2026-11-02", "w-new", "c-01", "c-02", "c-03"),
		sup("k-2", "2026-11-09", "w-new", "c-04", "c-05", "c-06"),
		sup("k-3", "2026-10-26", "w-new", "c-07", "c-08", "c-09", "c-10"), // last month
		sup("k-4", "2026-11-23", "w-new", "c-07"),                         // after as_of
	}
	got := Coverage(f, "w-new", d("2026-11-22"))
	want := MonthCoverage{
		Worker: "w-new", AsOf: d("2026-11-22"), Month: "2026-11", FirstYear: true,
		Caseload: 10, PerConference: 3, Conferences: 2,
		Covered:   []string{"c-01", "c-02", "c-03", "c-04", "c-05", "c-06"},
		Uncovered: []string{"c-07", "c-08", "c-09", "c-10"},
		// four cases left at a quarter (3) each: two more conferences
		MoreConferences: 2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Coverage (-want +got):\n%s", diff)
	}
}

// A month with nothing on the caseload is not a month whose caseload was
// discussed: not complete, however many conferences were held.
func TestCoverageOfNoCaseloadIsNotComplete(t *testing.T) {
	f := newWorkerUnit()
	f.Conferences = []Conference{sup("k-1", "2026-11-02", "w-none")}
	got := Coverage(f, "w-none", d("2026-11-22"))
	if got.Complete || got.Caseload != 0 || got.MoreConferences != 0 || got.Conferences != 1 {
		t.Errorf("no caseload: %+v", got)
	}
	f.Conferences = append(f.Conferences, sup("k-2", "2026-11-09", "w-new", "c-01", "c-02", "c-03", "c-04", "c-05", "c-06", "c-07", "c-08", "c-09", "c-10"))
	if got := Coverage(f, "w-new", d("2026-11-22")); !got.Complete {
		t.Errorf("every case discussed: %+v", got)
	}
}

func TestCheckConference(t *testing.T) {
	f := newWorkerUnit()
	f.Conferences = []Conference{sup("k-1", "2026-11-02", "w-new", "c-01", "c-02", "c-03")}
	// A quarter of 10 rounded up is 3: two cases are not enough.
	ch := CheckConference(f, sup("k-2", "2026-11-09", "w-new", "c-04", "c-05", "c-99"))
	if ch.Minimum != 3 || ch.Discussed != 2 || ch.Short != 1 || ch.OK || !ch.FirstYear ||
		!cmp.Equal(ch.NotOnCaseload, []string{"c-99"}) {
		t.Errorf("first-year check: %+v", ch)
	}
	if ch.Month.MoreConferences != 2 || len(ch.Month.Covered) != 5 || ch.Month.Conferences != 2 {
		t.Errorf("month after k-2: %+v", ch.Month)
	}
	ch = CheckConference(f, sup("k-2", "2026-11-09", "w-new", "c-04", "c-05", "c-06"))
	if !ch.OK || ch.Short != 0 {
		t.Errorf("three cases should do: %+v", ch)
	}
	// An experienced worker's monthly conference must cover what is left.
	f.Cases = append(f.Cases, assigned("e-1", "2026-10-01"), assigned("e-2", "2026-10-01"), assigned("e-3", "2026-10-01"))
	f.Conferences = append(f.Conferences, sup("k-5", "2026-11-03", "w-1", "e-1"))
	ch = CheckConference(f, sup("k-6", "2026-11-20", "w-1", "e-2"))
	if ch.FirstYear || ch.Minimum != 2 || ch.Short != 1 || ch.OK || ch.Month.MoreConferences != 1 {
		t.Errorf("experienced check: %+v", ch)
	}
}

func TestProposeAgenda(t *testing.T) {
	f := newWorkerUnit()
	f.Cases[0].Risk = []RiskEntry{{Level: RiskHigh, From: d("2026-11-16")}}          // c-01
	f.Cases[1].CourtNext = d("2026-12-04")                                           // c-02, in 12 days
	f.Cases[2].Closing = d("2026-12-15")                                             // c-03
	f.Cases[3].Setting, f.Cases[3].PlacementDate = SettingOutOfHome, d("2026-11-01") // c-04: FTM due 12-01
	f.Cases[4].CourtNext = d("2026-12-20")                                           // c-05, too far
	f.Cases[9].Worker, f.Cases[9].Assigned = "w-new", d("2026-08-03")                // c-10: not discussed since September
	f.Events = []Event{ev("c-06", EventChildVisit, "2026-11-10"), ev("c-06", EventParentVisit, "2026-11-12"),
		ev("c-06", EventContactSheetApproved, "2026-11-05"), ev("c-04", EventChildVisit, "2026-11-02"),
		ev("c-04", EventCPRBNotification, "2026-11-03"), ev("c-04", EventMVREstablished, "2026-11-04"),
		ev("c-04", EventRelativeNotification, "2026-11-05"), ev("c-04", EventContactSheetApproved, "2026-11-06")}
	f.Conferences = []Conference{
		sup("k-0", "2026-09-10", "w-new", "c-10"),
		sup("k-1", "2026-10-12", "w-new", "c-01", "c-02", "c-03", "c-04", "c-05", "c-06", "c-07", "c-08", "c-09"),
		sup("k-2", "2026-11-02", "w-new", "c-07"),
	}
	a, err := ProposeAgenda(f, Options{}, "w-new")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range a.Items {
		got = append(got, fmt.Sprintf("%s %d %v", it.Case, it.Priority, it.Reasons))
	}
	want := []string{
		"c-10 1 [Monthly discussion overdue since 2026-10-31 (last discussed 2026-09-10).]",
		"c-01 2 [Risk high since 2026-11-16.]",
		"c-04 3 [Family team meeting after placement: due 2026-12-01.]",
		"c-02 3 [Court date 2026-12-04, in 12 days.]",
		"c-03 4 [Planned closing 2026-12-15.]",
		"c-06 5 [2 new contacts awaiting approval (since the last approval on 2026-11-05).]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("agenda (-want +got):\n%s", diff)
	}
	if !a.FirstYear || a.Caseload != 10 || a.Target != 3 {
		t.Errorf("agenda header: %+v", a)
	}

	// With nothing urgent, a first-year worker's agenda is a quarter of the
	// caseload, least recently discussed first.
	f = newWorkerUnit()
	f.Conferences = []Conference{
		sup("k-1", "2026-11-02", "w-new", "c-01", "c-02", "c-03"),
		sup("k-2", "2026-10-05", "w-new", "c-04", "c-05", "c-06", "c-07", "c-08", "c-09", "c-10"),
		sup("k-3", "2026-10-19", "w-new", "c-04", "c-05", "c-06", "c-07"),
	}
	a, _ = ProposeAgenda(f, Options{}, "w-new")
	got = nil
	for _, it := range a.Items {
		got = append(got, fmt.Sprintf("%s %d %v", it.Case, it.Priority, it.Reasons))
	}
	want = []string{
		"c-08 6 [Not yet discussed in 2026-11 (last discussed 2026-10-05).]",
		"c-09 6 [Not yet discussed in 2026-11 (last discussed 2026-10-05).]",
		"c-10 6 [Not yet discussed in 2026-11 (last discussed 2026-10-05).]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quarter agenda (-want +got):\n%s", diff)
	}
}

// The agenda proposes a case whose visits fell short (the visit rules of
// nj-cpp from 2026-12-01) and one whose Safety Protection Plan conference is
// due.
func TestAgendaVisitsAndSafetyPlan(t *testing.T) {
	f := newWorkerUnit()
	f.AsOf = d("2026-12-10")
	f.Cases[0].Goal = "adoption" // c-01: monthly parent contact, last in October
	f.Cases[1].SafetyPlanStart = d("2026-12-04")
	for i := range f.Cases {
		if i > 0 {
			// At home with a goal of reunification: no weekly parent/child
			// visits, the monthly parent contact instead, met in December.
			f.Cases[i].Goal = GoalReunification
		}
	}
	f.Events = []Event{ev("c-01", EventParentVisit, "2026-10-14"), ev("c-01", EventContactSheetApproved, "2026-10-15")}
	for i, c := range f.Cases {
		f.Events = append(f.Events, ev(c.ID, EventCollateralContact, "2026-11-20"), ev(c.ID, EventContactSheetApproved, "2026-11-25"))
		if i > 0 {
			f.Events = append(f.Events, ev(c.ID, EventParentVisit, "2026-12-03"), ev(c.ID, EventContactSheetApproved, "2026-12-04"))
		}
	}
	ids := []string{}
	for _, c := range f.Cases {
		ids = append(ids, c.ID)
	}
	f.Conferences = []Conference{sup("k-1", "2026-12-01", "w-new", ids...)}
	a, err := ProposeAgenda(f, Options{}, "w-new")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range a.Items {
		got = append(got, fmt.Sprintf("%s %d %v", it.Case, it.Priority, it.Reasons))
	}
	want := []string{
		"c-01 3 [Monthly contact with the parents: overdue since 2026-11-30.]",
		"c-02 3 [Safety Protection Plan conferenced weekly: due 2026-12-11.]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("agenda (-want +got):\n%s", diff)
	}
}

// A weekly sibling visit that is overdue is a reason to take the case on
// the agenda, with the label and the date since when.
func TestAgendaSiblingVisit(t *testing.T) {
	f := newWorkerUnit()
	f.AsOf = d("2026-12-10")
	c := &f.Cases[1]
	c.Setting, c.PlacementDate, c.SiblingsApartStart = SettingOutOfHome, d("2026-11-01"), d("2026-11-01")
	f.Events = []Event{ev(c.ID, EventSiblingVisit, "2026-11-25")}
	a, err := ProposeAgenda(f, Options{}, "w-new")
	if err != nil {
		t.Fatal(err)
	}
	want := "Weekly sibling visit: overdue since 2026-12-02."
	for _, it := range a.Items {
		if it.Case == c.ID {
			if !slices.Contains(it.Reasons, want) {
				t.Errorf("%s: reasons %v; want %q", it.Case, it.Reasons, want)
			}
			return
		}
	}
	t.Errorf("%s not on the agenda", c.ID)
}

// The caller that knows each contact's own approval gives the agenda its
// count: one of c-06's two contacts approved on its own leaves one
// awaiting; a case the count leaves out has none, whatever its dates say.
func TestProposeAgendaCountsTheContactsAwaitingGiven(t *testing.T) {
	f := newWorkerUnit()
	f.Events = []Event{ev("c-06", EventChildVisit, "2026-11-10"), ev("c-06", EventParentVisit, "2026-11-12"),
		ev("c-06", EventContactSheetApproved, "2026-11-05"), ev("c-07", EventChildVisit, "2026-11-14")}
	f.Conferences = []Conference{sup("k-1", "2026-11-02", "w-new", "c-01", "c-02", "c-03", "c-04", "c-05", "c-06", "c-07", "c-08", "c-09", "c-10")}
	reasons := func(opts Options) map[string][]string {
		a, err := ProposeAgenda(f, opts, "w-new")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, it := range a.Items {
			out[it.Case] = it.Reasons
		}
		return out
	}
	want := map[string][]string{
		"c-06": {"2 new contacts awaiting approval (since the last approval on 2026-11-05)."},
		"c-07": {"1 new contact awaiting approval (none approved yet)."},
	}
	if diff := cmp.Diff(want, reasons(Options{})); diff != "" {
		t.Errorf("from the facts (-want +got):\n%s", diff)
	}
	want = map[string][]string{"c-06": {"1 new contact awaiting approval (since the last approval on 2026-11-05)."}}
	if diff := cmp.Diff(want, reasons(Options{ContactsAwaiting: map[string]int{"c-06": 1, "c-99": 4}})); diff != "" {
		t.Errorf("the count given (-want +got):\n%s", diff)
	}
	if got := reasons(Options{ContactsAwaiting: map[string]int{}}); len(got) != 0 {
		t.Errorf("none awaiting, yet proposed: %v", got)
	}
}
