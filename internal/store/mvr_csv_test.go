package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casework/casework/internal/exchange"
)

// Visit plans import from CSV: a case's plans are added by date (earlier
// ones kept), a plan of the same date corrected, a bad count named.
func TestVisitPlansCSV(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var number string
	if err := owner.QueryRow(ctx, `SELECT case_number FROM cases WHERE closed IS NULL ORDER BY id LIMIT 1`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	rep, err := st.ImportCSV(ctx, admin, exchange.LookupKind("mvr"), "mvr.csv", strings.NewReader("case_id,from_on,child,parents,provider\n"+
		number+",2026-10-01,2,1,1\n"+number+",2026-11-01,4,2,0\n"))
	if err != nil || !rep.OK() {
		t.Fatalf("import: %v %v", err, rep.Problems.List)
	}
	rep, err = st.ImportCSV(ctx, admin, exchange.LookupKind("mvr"), "mvr.csv", strings.NewReader("case_id,from_on,child,parents,provider\n"+number+",2026-11-01,3,2,0\n"))
	if err != nil || !rep.OK() || rep.Count("visit plans").Updated != 1 {
		t.Fatalf("correction: %v %+v", err, rep)
	}
	var n, child int
	if err := owner.QueryRow(ctx, `SELECT count(*), max(child) FILTER (WHERE from_on = '2026-11-01') FROM case_mvr m JOIN cases c ON c.id = m.case_id WHERE c.case_number = $1`, number).Scan(&n, &child); err != nil || n != 2 || child != 3 {
		t.Errorf("plans %d, November's child visits %d (%v); want 2 and 3", n, child, err)
	}
	rep, err = st.ImportCSV(ctx, admin, exchange.LookupKind("mvr"), "mvr.csv", strings.NewReader("case_id,from_on,child,parents,provider\n"+number+",2026-12-01,40,1,1\n"))
	if err != nil || rep.OK() || rep.Problems.Len() != 1 {
		t.Errorf("a count of 40: %v %v", err, rep.Problems.List)
	}
}

// A case's Safety Protection Plan imports with the cases CSV; an end before
// its start is named.
func TestSafetyPlanCSV(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var number, office, family, setting string
	if err := owner.QueryRow(ctx, `SELECT c.case_number, o.name, c.family_name, c.setting FROM cases c JOIN offices o ON o.id = c.office_id
		WHERE c.closed IS NULL AND c.setting = 'in_home' ORDER BY c.id LIMIT 1`).Scan(&number, &office, &family, &setting); err != nil {
		t.Fatal(err)
	}
	head := "case_id,family_name,office,setting,safety_plan_start,safety_plan_end\n"
	rep, err := st.ImportCSV(ctx, admin, exchange.LookupKind("cases"), "cases.csv", strings.NewReader(head+number+","+family+","+office+","+setting+",2026-11-02,\n"))
	if err != nil || !rep.OK() {
		t.Fatalf("import: %v %v", err, rep.Problems.List)
	}
	var start *string
	if err := owner.QueryRow(ctx, `SELECT safety_plan_start::text FROM cases WHERE case_number = $1`, number).Scan(&start); err != nil || start == nil || *start != "2026-11-02" {
		t.Errorf("safety_plan_start: %v (%v)", start, err)
	}
	rep, err = st.ImportCSV(ctx, admin, exchange.LookupKind("cases"), "cases.csv", strings.NewReader(head+number+","+family+","+office+","+setting+",2026-11-02,2026-11-01\n"))
	if err != nil || rep.OK() || !strings.Contains(rep.Problems.List[0].Msg, "before safety_plan_start") {
		t.Errorf("end before start: %v %v", err, rep.Problems.List)
	}
}
