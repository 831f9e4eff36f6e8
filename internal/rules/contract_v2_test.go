package rules

import "testing"

// The rules contract's own examples, version 2, each as the contract states
// it (../shared/docs/rules-contract.md): a differential check that the
// engine answers them exactly.
func TestContractExamples(t *testing.T) {
	none := NewCalendar(nil)
	// "Received Fri 2026-11-20, two business days: Mon 23 is the first,
	// due Tue 2026-11-24."
	if got := none.AddBusinessDays(d("2026-11-20"), 2); got != d("2026-11-24") {
		t.Errorf("two business days from Fri 2026-11-20: %s", got)
	}
	// "2026-11-30 + 3 months = 2027-02-28"
	if got := d("2026-11-30").AddMonths(3); got != d("2027-02-28") {
		t.Errorf("2026-11-30 + 3 months: %s", got)
	}
	// "from 2024-02-29 the first year ends on 2025-02-28"
	if got := d("2024-02-29").AddMonths(12); got != d("2025-02-28") {
		t.Errorf("2024-02-29 + 12 months: %s", got)
	}
	// Calendar month, version 2: "assigned 2026-10-31, first due
	// 2026-11-30; assigned 2026-10-05, first due 2026-11-05"; after a
	// qualifying event in month M, the last day of M+1.
	for _, tt := range []struct{ assigned, asOf, due, state string }{
		{"2026-10-31", "2026-11-01", "2026-11-30", StateOpen}, // "no longer overdue the next day"
		{"2026-10-05", "2026-11-01", "2026-11-05", StateOpen},
		{"2026-10-05", "2026-11-06", "2026-11-05", StateOverdue},
	} {
		f := unit()
		f.AsOf = d(tt.asOf)
		f.Cases = []Case{assigned("c-1", tt.assigned)}
		res, err := Evaluate(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Obligations {
			if o.Rule == "supervision.case" && (o.Due.String() != tt.due || o.State != tt.state) {
				t.Errorf("assigned %s, as of %s: due %s %s, want %s %s", tt.assigned, tt.asOf, o.Due, o.State, tt.due, tt.state)
			}
		}
	}
	// "a reassigned case is not a late assignment": case.assignment is met
	// on first_assigned. "a child visit and a parent visit in the 30 days
	// before closing". "received, scr_assigned, placement_date dated after
	// as_of have not happened yet".
	f := unit()
	f.AsOf = d("2026-12-20")
	c1 := Case{ID: "c-1", Worker: "w-1", Received: d("2026-11-20"), FirstAssigned: d("2026-11-23"), Assigned: d("2026-12-14"), Closing: d("2026-12-15")}
	c2 := Case{ID: "c-2", Received: d("2026-12-21"), Setting: SettingOutOfHome, PlacementDate: d("2026-12-22"), SCRAssigned: d("2026-12-21")}
	f.Cases = []Case{c1, c2}
	f.Events = []Event{ev("c-1", EventChildVisit, "2026-12-01")}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]Obligation{}
	for _, o := range res.Obligations {
		seen[o.Rule+" "+o.Subject] = o
		if o.Subject == "c-2" {
			t.Errorf("c-2 (received, placed and SCR-assigned after as_of) owes %s", o.Rule)
		}
	}
	if o := seen["case.assignment c-1"]; o.State != StateMet || o.Met != d("2026-11-23") {
		t.Errorf("case.assignment c-1: %+v", o)
	}
	if o := seen["closure.family_seen c-1"]; o.State != StateOverdue || !o.Met.IsZero() {
		t.Errorf("closure.family_seen c-1 with a child visit only: %+v", o)
	}
}

// This app's additions to the facts decode and validate field by field.
func TestDecodeAdditions(t *testing.T) {
	f, errs := Decode([]byte(`{"as_of": "2026-12-10", "staff": [{"id": "w", "role": "worker", "since": "2026-01-05", "reports_to": "s"},
		{"id": "s", "role": "supervisor", "since": "2026-01-05"}],
		"cases": [{"id": "c", "worker": "w", "assigned": "2026-10-01", "first_assigned": "2026-09-01",
		  "safety_plan_start": "2026-11-01", "safety_plan_end": "2026-11-20",
		  "mvr": [{"from": "2026-10-01", "child": 2, "parents": 1, "provider": 0}, {"from": "2026-12-01", "child": 4}]}]}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := f.Cases[0]
	if c.FirstAssigned != d("2026-09-01") || c.SafetyPlanEnd != d("2026-11-20") || len(c.MVR) != 2 || c.MVR[1].Child != 4 || c.MVR[1].Parents != 0 {
		t.Errorf("decoded %+v", c)
	}
	_, errs = Decode([]byte(`{"cases": [{"id": "c", "safety_plan_end": "2026-11-20",
		"mvr": [{"from": "2026-12-01", "child": -1}, {"from": "2026-11-01", "parents": "two"}]}]}`))
	want := map[string]bool{"cases[0].safety_plan_end": true, "cases[0].mvr[0].child": true, "cases[0].mvr[1].parents": true, "cases[0].mvr[1].from": true}
	got := map[string]bool{}
	for _, e := range errs {
		got[e.Path] = true
	}
	for p := range want {
		if !got[p] {
			t.Errorf("no problem for %s in %v", p, errs)
		}
	}
}

// The siblings placed apart: decoded, and an end without a start or before
// it named by its field.
func TestDecodeSiblingsApart(t *testing.T) {
	f, errs := Decode([]byte(`{"cases": [{"id": "c", "siblings_apart_start": "2026-11-01", "siblings_apart_end": "2026-12-20"}]}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if c := f.Cases[0]; c.SiblingsApartStart != d("2026-11-01") || c.SiblingsApartEnd != d("2026-12-20") {
		t.Errorf("decoded %+v", c)
	}
	for _, tt := range []struct{ in, want string }{
		{`{"cases": [{"id": "c", "siblings_apart_end": "2026-11-20"}]}`, "cases[0].siblings_apart_end: given without siblings_apart_start"},
		{`{"cases": [{"id": "c", "siblings_apart_start": "2026-11-21", "siblings_apart_end": "2026-11-20"}]}`, "cases[0].siblings_apart_end: 2026-11-20 is before siblings_apart_start 2026-11-21"},
		{`{"cases": [{"id": "c", "siblings_apart_start": "2026-02-30"}]}`, `cases[0].siblings_apart_start: "2026-02-30" is not a date (want YYYY-MM-DD)`},
	} {
		_, errs := Decode([]byte(tt.in))
		found := false
		for _, e := range errs {
			found = found || e.Error() == tt.want
		}
		if !found {
			t.Errorf("%s: want %q, got %v", tt.in, tt.want, errs)
		}
	}
}
