package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// postForm posts and returns the status, the redirect and the page.
func (h *harness) postForm(t *testing.T, c *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	resp := h.post(t, c, path, form, "same-origin")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func (h *harness) id(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := h.pool.QueryRow(context.Background(), q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

var tempPasswordPattern = regexp.MustCompile(`data-testid="temp-password-value">([a-z0-9-]{19})<`)

// An administrator adds a worker, issues a temporary password (which must be
// changed at sign-in), edits them, moves them to another unit (history
// kept) and deactivates them (their session ends). Every change is audited
// with before and after. Other roles reach none of it.
func TestAdministratorManagesPeople(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	code, loc, body := h.postForm(t, admin, "/admin/people", url.Values{"full_name": {"Robin Hale"}, "email": {"Robin.Hale@demo.casework.test"},
		"role": {"worker"}, "office": {"1"}, "source_id": {"w-900"}, "experience_start": {"2026-11-02"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/people/") {
		t.Fatalf("create: %d %s\n%s", code, loc, body)
	}
	person := strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/people/"), "?done=created")
	id := h.id(t, `SELECT id FROM people WHERE source_id = 'w-900' AND email = 'robin.hale@demo.casework.test' AND password_hash IS NULL`)
	// The same address again: said beside the field.
	if code, _, body := h.postForm(t, admin, "/admin/people", url.Values{"full_name": {"Other"}, "email": {"robin.hale@demo.casework.test"}, "role": {"worker"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "already has this address") {
		t.Errorf("duplicate email: %d", code)
	}
	// Give them a unit, then move them: two memberships, the first ended.
	unitA := h.id(t, `SELECT id FROM units ORDER BY id LIMIT 1`)
	unitB := h.id(t, `SELECT id FROM units ORDER BY id OFFSET 1 LIMIT 1`)
	for _, p := range []struct{ unit int64 }{{unitA}, {unitB}} {
		since := map[int64]string{unitA: "2026-11-02", unitB: "2026-11-16"}[p.unit]
		if code, loc, body := h.postForm(t, admin, "/admin/people/"+person+"/post", url.Values{"target": {itoa(p.unit)}, "since": {since}}); code != http.StatusSeeOther {
			t.Fatalf("post %d: %d %s\n%s", p.unit, code, loc, body)
		}
	}
	if n := h.count(t, `SELECT count(*) FROM unit_members WHERE worker_id = $1 AND ((unit_id = $2 AND upper(during) = '2026-11-16') OR (unit_id = $3 AND upper_inf(during)))`, id, unitA, unitB); n != 2 {
		t.Errorf("memberships after the move: %d, want the old (ended) and the new", n)
	}
	// A date before the post recorded is refused.
	if code, _, body := h.postForm(t, admin, "/admin/people/"+person+"/post", url.Values{"target": {itoa(unitA)}, "since": {"2026-01-01"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "history is not rewritten") {
		t.Errorf("post before history: %d", code)
	}
	// A temporary password, shown once; signing in with it leads to the password page.
	code, _, body = h.postForm(t, admin, "/admin/people/"+person+"/password", nil)
	m := tempPasswordPattern.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("temporary password: %d\n%s", code, body)
	}
	worker := h.client(t)
	resp := h.post(t, worker, "/login", url.Values{"email": {"robin.hale@demo.casework.test"}, "password": {m[1]}}, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with the temporary password: %d", resp.StatusCode)
	}
	if r, _ := h.get(t, worker, "/caseload"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password" {
		t.Errorf("with a temporary password: %d %s, want the password page", r.StatusCode, r.Header.Get("Location"))
	}
	if _, page := h.get(t, admin, "/admin/people/"+person); strings.Contains(page, m[1]) {
		t.Error("the temporary password is shown again")
	}
	// Edit: before and after in the log.
	if code, _, body := h.postForm(t, admin, "/admin/people/"+person, url.Values{"full_name": {"Robin Hale-Ortiz"}, "email": {"robin.hale@demo.casework.test"},
		"office": {"2"}, "source_id": {"w-900"}, "experience_start": {"2026-11-02"}}); code != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", code, body)
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'person' AND entity_id = $1 AND action = 'updated'
		AND detail->'before'->>'full_name' = 'Robin Hale' AND detail->'after'->>'full_name' = 'Robin Hale-Ortiz'`, person); n != 1 {
		t.Error("the edit is not in the audit log with before and after")
	}
	// Deactivate: the session ends at its next request; the records stay.
	if code, _, _ := h.postForm(t, admin, "/admin/people/"+person+"/active", url.Values{"active": {"false"}}); code != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", code)
	}
	if r, _ := h.get(t, worker, "/password"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("a deactivated person's session: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if n := h.count(t, `SELECT count(*) FROM people WHERE id = $1 AND NOT active`, id); n != 1 {
		t.Error("not deactivated, or deleted")
	}
	// An administrator cannot lock themselves out.
	self := h.id(t, `SELECT id FROM people WHERE role = 'administrator' ORDER BY id LIMIT 1`)
	if code, _, _ := h.postForm(t, admin, "/admin/people/"+itoa(self)+"/active", url.Values{"active": {"false"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("self-deactivation: %d", code)
	}
	// Real objects: administrators only.
	for _, role := range []string{"worker", "supervisor", "casework_supervisor"} {
		c := h.client(t)
		h.signIn(t, c, h.email(t, role))
		for _, p := range []string{"/admin/people/" + person, "/admin/people", "/admin/offices", "/admin/cases", "/admin/policy"} {
			if r, _ := h.get(t, c, p); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as %s: %d", p, role, r.StatusCode)
			}
		}
		for _, p := range []string{"/admin/people/" + person + "/active", "/admin/people/" + person + "/password", "/admin/units/" + itoa(unitA) + "/supervisor"} {
			if code, _, _ := h.postForm(t, c, p, url.Values{"active": {"true"}}); code != http.StatusNotFound {
				t.Errorf("POST %s as %s: %d", p, role, code)
			}
		}
	}
	for _, p := range []string{"/admin/people?q=Hale", "/admin/people/" + person, "/admin/offices", "/admin/cases?unassigned=1", "/admin/policy"} {
		if r, page := h.get(t, admin, p); r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		} else if strings.Contains(page, "Fixture step") {
			t.Errorf("GET %s shows conference content", p)
		}
	}
}

// A new supervisor takes a unit over from a date: the former supervisor's
// post ends that day, and the unit's dashboard is the new supervisor's.
func TestAdministratorChangesAUnitsSupervisor(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	_, loc, _ := h.postForm(t, admin, "/admin/people", url.Values{"full_name": {"Ines Park"}, "email": {"ines.park@demo.casework.test"}, "role": {"supervisor"}, "office": {"1"}})
	person := strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/people/"), "?done=created")
	unit := h.id(t, `SELECT id FROM units ORDER BY id LIMIT 1`)
	former := h.id(t, `SELECT supervisor_id FROM unit_supervisors WHERE unit_id = $1 AND during @> DATE '2026-11-23'`, unit)
	if code, loc, body := h.postForm(t, admin, "/admin/units/"+itoa(unit)+"/supervisor", url.Values{"supervisor": {person}, "since": {"2026-11-23"}}); code != http.StatusSeeOther || loc != "/admin/offices?done=supervisor" {
		t.Fatalf("change supervisor: %d %s\n%s", code, loc, body)
	}
	if n := h.count(t, `SELECT count(*) FROM unit_supervisors WHERE unit_id = $1 AND ((supervisor_id = $2 AND upper(during) = '2026-11-23') OR (supervisor_id = $3 AND lower(during) = '2026-11-23'))`, unit, former, person); n != 2 {
		t.Errorf("handover rows: %d", n)
	}
	// Before the former supervisor's own start: refused, nothing changes.
	if code, _, body := h.postForm(t, admin, "/admin/units/"+itoa(unit)+"/supervisor", url.Values{"supervisor": {itoa(former)}, "since": {"2000-01-01"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="structure-problem"`) {
		t.Errorf("handover before history: %d", code)
	}
	// The new supervisor reports to a casework supervisor from the same day.
	cws := h.id(t, `SELECT id FROM people WHERE role = 'casework_supervisor' ORDER BY id LIMIT 1`)
	if code, _, body := h.postForm(t, admin, "/admin/people/"+person+"/post", url.Values{"target": {itoa(cws)}, "since": {"2026-11-23"}}); code != http.StatusSeeOther {
		t.Fatalf("report: %d\n%s", code, body)
	}
	if n := h.count(t, `SELECT count(*) FROM supervisor_reports WHERE supervisor_id = $1 AND casework_supervisor_id = $2`, person, cws); n != 1 {
		t.Error("the report is not recorded")
	}
}

// Cases are reassigned one or many at a time, all or none, history kept.
func TestAdministratorReassignsCases(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	from := h.id(t, `SELECT id FROM people WHERE role = 'worker' ORDER BY id LIMIT 1`)
	to := h.id(t, `SELECT id FROM people WHERE role = 'worker' ORDER BY id OFFSET 1 LIMIT 1`)
	rows, err := h.pool.Query(context.Background(), `SELECT case_id FROM case_assignments WHERE worker_id = $1 AND during @> DATE '2026-11-23' ORDER BY case_id LIMIT 3`, from)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"worker": {itoa(to)}, "since": {"2026-11-23"}}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		form.Add("case", itoa(id))
	}
	// One of them assigned after the date: refused, none moves.
	bad := url.Values{"worker": {itoa(to)}, "since": {"2020-01-01"}, "case": form["case"]}
	if code, _, body := h.postForm(t, admin, "/admin/cases/reassign", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "history is not rewritten") {
		t.Fatalf("reassign before history: %d", code)
	}
	if n := h.count(t, `SELECT count(*) FROM case_assignments WHERE worker_id = $1`, to); n == 0 {
		t.Fatal("fixture")
	}
	before := h.count(t, `SELECT count(*) FROM case_assignments WHERE worker_id = $1 AND during @> DATE '2026-11-23'`, to)
	code, loc, body := h.postForm(t, admin, "/admin/cases/reassign", form)
	if code != http.StatusSeeOther || !strings.Contains(loc, "moved=3") {
		t.Fatalf("reassign: %d %s\n%s", code, loc, body)
	}
	if after := h.count(t, `SELECT count(*) FROM case_assignments WHERE worker_id = $1 AND during @> DATE '2026-11-23'`, to); after != before+3 {
		t.Errorf("worker holds %d cases, want %d", after, before+3)
	}
	if n := h.count(t, `SELECT count(*) FROM case_assignments WHERE worker_id = $1 AND upper(during) = '2026-11-23' AND case_id = ANY($2::bigint[])`, from, form["case"]); n != 3 {
		t.Errorf("%d former assignments ended on the day", n)
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log WHERE action = 'reassigned' AND entity = 'cases' AND jsonb_array_length(detail->'cases') = 3 AND detail ? 'before'`); n != 1 {
		t.Error("the reassignment is not audited with before and after")
	}
	if _, page := h.get(t, admin, "/admin/cases?worker="+itoa(to)); strings.Count(page, `data-testid="admin-case-row"`) != before+3 {
		t.Errorf("the worker's list shows %d cases", strings.Count(page, `data-testid="admin-case-row"`))
	}
	// Nothing ticked: said in words.
	if code, _, body := h.postForm(t, admin, "/admin/cases/reassign", url.Values{"worker": {itoa(to)}, "since": {"2026-11-23"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose the cases") {
		t.Errorf("nothing ticked: %d", code)
	}
}

// Offices and units: added, renamed; a unit with people is not deactivated;
// names are unique where they must be.
func TestAdministratorManagesOfficesAndUnits(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	if code, _, body := h.postForm(t, admin, "/admin/offices", url.Values{"name": {"Lakeside Local Office"}, "county": {"Carver County"}}); code != http.StatusSeeOther {
		t.Fatalf("new office: %d\n%s", code, body)
	}
	office := h.id(t, `SELECT id FROM offices WHERE name = 'Lakeside Local Office'`)
	if code, _, _ := h.postForm(t, admin, "/admin/offices", url.Values{"name": {"Lakeside Local Office"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("duplicate office: %d", code)
	}
	if code, _, body := h.postForm(t, admin, "/admin/units", url.Values{"office": {itoa(office)}, "name": {"Intake Unit"}}); code != http.StatusSeeOther {
		t.Fatalf("new unit: %d\n%s", code, body)
	}
	unit := h.id(t, `SELECT id FROM units WHERE name = 'Intake Unit'`)
	if code, _, _ := h.postForm(t, admin, "/admin/units/"+itoa(unit), url.Values{"name": {"Intake Unit North"}, "active": {"true"}}); code != http.StatusSeeOther {
		t.Errorf("rename unit: %d", code)
	}
	busy := h.id(t, `SELECT id FROM units ORDER BY id LIMIT 1`)
	if code, _, body := h.postForm(t, admin, "/admin/units/"+itoa(busy), url.Values{"name": {"Permanency Unit A"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "move them to another unit first") {
		t.Errorf("deactivating a unit with people: %d", code)
	}
	if code, _, _ := h.postForm(t, admin, "/admin/units/"+itoa(unit), url.Values{"name": {"Intake Unit North"}}); code != http.StatusSeeOther {
		t.Errorf("deactivating an empty unit: %d", code)
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'unit' AND entity_id = $1::text AND action = 'updated' AND detail->'after'->>'active' = 'false'`, itoa(unit)); n != 1 {
		t.Error("deactivation not audited")
	}
}

// The agency chooses its profile and calendar with a date; the facts of each
// date follow the choice in force then.
func TestPolicyChoiceIsRecordedWithItsDate(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	if code, _, body := h.postForm(t, admin, "/admin/policy", url.Values{"profile": {"tx-dfps"}, "effective_on": {"2026-12-01"},
		"calendar": {"own"}, "holidays": {"2026-12-25, 2026-12-24\n2027-01-01"}}); code != http.StatusSeeOther {
		t.Fatalf("choose: %d\n%s", code, body)
	}
	if n := h.count(t, `SELECT count(*) FROM profile_choices WHERE profile = 'tx-dfps' AND effective_on = '2026-12-01' AND holidays = '{2026-12-24,2026-12-25,2027-01-01}'`); n != 1 {
		t.Error("the choice is not recorded with its calendar")
	}
	if n := h.count(t, `SELECT count(*) FROM profile_choices WHERE profile = 'nj-cpp'`); n != 1 {
		t.Error("the earlier choice is gone")
	}
	for _, bad := range []url.Values{
		{"profile": {"xx"}, "effective_on": {"2026-12-01"}},
		{"profile": {"nj-cpp"}, "effective_on": {"2026-13-01"}},
		{"profile": {"nj-cpp"}, "effective_on": {"2000-01-01"}},
		{"profile": {"nj-cpp"}, "effective_on": {"2027-01-01"}, "calendar": {"own"}, "holidays": {"Christmas"}},
	} {
		if code, _, _ := h.postForm(t, admin, "/admin/policy", bad); code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", bad, code)
		}
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'profile_choice' AND action = 'chosen'`); n != 1 {
		t.Errorf("%d choices audited", n)
	}
}
