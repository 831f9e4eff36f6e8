package dashboard

import (
	"testing"

	"github.com/casework/casework/internal/rules"
)

func TestBuildArea(t *testing.T) {
	f := unitFacts()
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	units := BuildArea(f, res, []AreaInput{{UnitID: 1, Name: "Unit A", SupervisorFact: "sup-1", SupervisorName: "S",
		Workers: []Worker{{FactID: "w-1", Name: "A"}, {FactID: "w-2", Name: "B"}}}})
	u := units[0]
	// w-1's conference is due (open), w-2's overdue.
	if u.OnTime != 1 || u.Owing != 2 || u.OnTimeRate() != (Rate{1, 2}) {
		t.Errorf("on time %d of %d", u.OnTime, u.Owing)
	}
	// c-1 discussed in November; c-2 and c-3 not.
	if u.Discussed != 1 || u.Caseload != 3 || u.DiscussedRate() != (Rate{1, 3}) {
		t.Errorf("discussed %d of %d", u.Discussed, u.Caseload)
	}
	if len(u.HighRisk) != 2 {
		t.Fatalf("high-risk cases: %+v", u.HighRisk)
	}
	c1, c2 := u.HighRisk[0], u.HighRisk[1]
	if c1.Case != "c-1" || c1.Report == nil || c1.Report.State != rules.StateMetLate || c1.Weekly == nil || c1.Weekly.Due != d("2026-11-25") {
		t.Errorf("c-1: %+v", c1)
	}
	if c2.Case != "c-2" || c2.Level != rules.RiskVeryHigh || c2.Report == nil || c2.Report.State != rules.StateOpen || c2.Report.Due != d("2026-11-23") {
		t.Errorf("c-2: %+v report %+v", c2, c2.Report)
	}
	// sup-1's last review was on 2026-11-18: the next is due 14 days later.
	if u.NextReview == nil || u.NextReview.Due != d("2026-12-02") {
		t.Errorf("next review: %+v", u.NextReview)
	}
}

// A unit owing nothing (its one worker holds no open case, so owes no
// conference, and no case is there to discuss) has no percentage in
// either figure: "nothing owed", not the 100% that would read as every
// worker conferenced and every case discussed. A unit with no worker at
// all reads the same.
func TestAreaUnitNothingOwed(t *testing.T) {
	f := unitFacts()
	f.Staff = append(f.Staff,
		rules.Staff{ID: "sup-2", Role: rules.RoleSupervisor, ReportsTo: "cws-1", Since: d("2025-01-06")},
		rules.Staff{ID: "w-3", Role: rules.RoleWorker, ReportsTo: "sup-2", Since: d("2024-01-08")})
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	units := BuildArea(f, res, []AreaInput{
		{UnitID: 1, Name: "Unit A", SupervisorFact: "sup-1", Workers: []Worker{{FactID: "w-1"}, {FactID: "w-2"}}},
		{UnitID: 2, Name: "Unit B", SupervisorFact: "sup-2", Workers: []Worker{{FactID: "w-3"}}},
		{UnitID: 3, Name: "Unit C", SupervisorFact: "sup-2"},
	})
	for _, u := range units[1:] {
		if u.Owing != 0 || u.Caseload != 0 || u.OnTime != 0 || u.Discussed != 0 {
			t.Fatalf("%s: %d of %d on time, %d of %d discussed; want nothing owed", u.Name, u.OnTime, u.Owing, u.Discussed, u.Caseload)
		}
		for _, r := range []Rate{u.OnTimeRate(), u.DiscussedRate()} {
			if p, ok := r.Pct(); ok || p != 0 {
				t.Errorf("%s: %+v reads %d%% (owed %v), want nothing owed", u.Name, r, p, ok)
			}
		}
	}
	// Unit A owes: its rates are percentages, rounded half up.
	for _, r := range []struct {
		got  Rate
		want int
	}{{units[0].OnTimeRate(), 50}, {units[0].DiscussedRate(), 33}, {Rate{2, 3}, 67}, {Rate{0, 2}, 0}, {Rate{3, 3}, 100}} {
		if p, ok := r.got.Pct(); !ok || p != r.want {
			t.Errorf("%+v: %d%% (owed %v), want %d%%", r.got, p, ok, r.want)
		}
	}
}
