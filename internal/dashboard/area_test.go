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
	if u.OnTime != 1 || u.Owing != 2 || Share(u.OnTime, u.Owing) != 50 {
		t.Errorf("on time %d of %d", u.OnTime, u.Owing)
	}
	// c-1 discussed in November; c-2 and c-3 not.
	if u.Discussed != 1 || u.Caseload != 3 || Share(u.Discussed, u.Caseload) != 33 {
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
	if Share(0, 0) != 100 || Share(2, 3) != 67 {
		t.Error("Share rounds wrong")
	}
}
