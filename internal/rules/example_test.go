package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// d is MustDate, short for tables.
func d(s string) Date { return MustDate(s) }

// workedExample is the contract's worked example: as of Sun 2026-11-22,
// profile nj-cpp, no holidays.
func workedExample() Facts {
	return Facts{
		AsOf: d("2026-11-22"), Profile: "nj-cpp", HolidaysSet: true, Holidays: []Date{},
		Staff: []Staff{
			{ID: "cws-1", Role: RoleCaseworkSupervisor, Name: "Dana Cole"},
			{ID: "sup-1", Role: RoleSupervisor, ReportsTo: "cws-1", Since: d("2025-01-06")},
			{ID: "w-1", Role: RoleWorker, ReportsTo: "sup-1", Since: d("2026-03-02"), ExperienceStart: d("2026-03-02")},
		},
		Cases: []Case{{
			ID: "c-1", Worker: "w-1", Assigned: d("2026-11-03"),
			Risk: []RiskEntry{{Level: RiskModerate, From: d("2026-11-03")}, {Level: RiskHigh, From: d("2026-11-16")}},
		}},
		Conferences: []Conference{
			{ID: "k-0", Kind: KindSupervision, Date: d("2026-11-09"), Supervisor: "sup-1", Worker: "w-1"},
			{ID: "k-1", Kind: KindSupervision, Date: d("2026-11-16"), Supervisor: "sup-1", Worker: "w-1", Cases: []string{"c-1"}},
			{ID: "k-2", Kind: KindCaseworkReview, Date: d("2026-11-18"), CaseworkSupervisor: "cws-1", Supervisor: "sup-1", Cases: []string{"c-1"}},
		},
	}
}

func TestWorkedExample(t *testing.T) {
	f := workedExample()
	if errs := Validate(f); len(errs) > 0 {
		t.Fatalf("Validate: %v", errs)
	}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The four obligations the contract lists, exactly.
	want := []Obligation{
		{Rule: "risk.report", Subject: "c-1", Due: d("2026-11-17"), State: StateMetLate, Met: d("2026-11-18"),
			Why:    "Risk high since 2026-11-16: case reported to the casework supervisor within one business day, due 2026-11-17; reviewed 2026-11-18.",
			Source: "CP&P-III-C-5-500, Very High Risk or High Risk Cases"},
		{Rule: "supervision.worker", Subject: "w-1", Due: d("2026-11-23"), State: StateOpen, Last: d("2026-11-16"),
			Why:    "New worker (under one year since 2026-03-02): weekly conference; last held 2026-11-16.",
			Source: "CP&P-III-C-5-500, Conferences with New Workers on a Weekly Basis"},
		{Rule: "risk.weekly", Subject: "c-1", Due: d("2026-11-25"), State: StateOpen, Last: d("2026-11-18"),
			Why:    "Risk high since 2026-11-16: weekly casework review while the risk stays high; last reviewed 2026-11-18.",
			Source: "CP&P-III-C-5-500, Very High Risk or High Risk Cases"},
		{Rule: "supervision.case", Subject: "c-1", Due: d("2026-12-31"), State: StateOpen, Last: d("2026-11-16"),
			Why:    "Assigned 2026-11-03: case discussed in a supervision conference every calendar month; last discussed 2026-11-16.",
			Source: "CP&P-III-C-5-500, Permanency Case Conferencing, Introduction"},
	}
	listed := map[string]bool{}
	for _, o := range want {
		listed[o.Rule+" "+o.Subject] = true
	}
	var got, others []Obligation
	for _, o := range res.Obligations {
		if listed[o.Rule+" "+o.Subject] {
			got = append(got, o)
		} else {
			others = append(others, o)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("worked example (-want +got):\n%s", diff)
	}
	// The example does not list the rules that also apply to its facts:
	// the supervisor's biweekly review and the case's contact sheets.
	wantOthers := []Obligation{
		{Rule: "casework.supervisor", Subject: "sup-1", Due: d("2026-12-02"), State: StateOpen, Last: d("2026-11-18"),
			Why:    "Supervisor since 2025-01-06: casework review with the casework supervisor every two weeks; last held 2026-11-18.",
			Source: "NJ DCF Casework Supervisor Conferencing, Key Elements of a Routine Conference"},
		{Rule: "contacts.approval", Subject: "c-1", Due: d("2026-12-03"), State: StateOpen,
			Why:    "Assigned 2026-11-03: contact sheets reviewed and approved every calendar month, before the case is conferenced, and before the next court date; not yet approved.",
			Source: "CP&P-III-C-5-500, Reviewing and Approving Contact Sheets"},
	}
	if diff := cmp.Diff(wantOthers, others); diff != "" {
		t.Errorf("other obligations (-want +got):\n%s", diff)
	}
}
