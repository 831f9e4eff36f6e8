package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/access"
)

// Who may reach each route. The test walks the router and fails when a route
// has no row here, so a new route cannot ship without a decision.
//
//	public:  anyone, signed in or not
//	signedIn: any signed-in person
//	roles:   only those roles; everyone else gets 404 (as for nothing there)
type reach struct {
	// byToken: the route's credential is a secret in its address (a calendar
	// feed), not a session; tested in calendar_test.go.
	byToken  bool
	public   bool
	signedIn bool
	roles    []access.Role
}

var matrix = map[string]reach{
	"GET /healthz":   {public: true},
	"GET /readyz":    {public: true},
	"GET /static/*":  {public: true},
	"GET /login":     {public: true},
	"POST /login":    {public: true},
	"POST /logout":   {public: true},
	"GET /":          {signedIn: true},
	"GET /password":  {signedIn: true},
	"POST /password": {signedIn: true},
	"GET /unit":      {roles: []access.Role{access.Supervisor}},

	// Routes on one object: the roles that reach an object of the first
	// unit (supervised by the first supervisor, in the first casework
	// supervisor's area, held by the first worker). An object of a unit in
	// another area is out of everyone's reach; the test checks both.
	"GET /units/{unitID}":                       {roles: []access.Role{access.Supervisor, access.CaseworkSupervisor}},
	"GET /units/{unitID}/cases":                 {roles: []access.Role{access.Supervisor, access.CaseworkSupervisor}},
	"GET /workers/{workerID}":                   {roles: []access.Role{access.Supervisor, access.CaseworkSupervisor}},
	"GET /cases/{caseID}":                       {roles: []access.Role{access.Worker, access.Supervisor, access.CaseworkSupervisor}},
	"POST /cases/{caseID}/events":               {roles: []access.Role{access.Supervisor}},
	"POST /cases/{caseID}/risk":                 {roles: []access.Role{access.Supervisor}},
	"POST /cases/{caseID}/flag":                 {roles: []access.Role{access.Supervisor}},
	"POST /cases/{caseID}/safety-plan":          {roles: []access.Role{access.Supervisor}},
	"POST /cases/{caseID}/mvr":                  {roles: []access.Role{access.Supervisor}},
	"POST /cases/{caseID}/siblings":             {roles: []access.Role{access.Supervisor}},
	"POST /workers/{workerID}/contacts/approve": {roles: []access.Role{access.Supervisor}},
	"GET /workers/{workerID}/notes":             {roles: []access.Role{access.Worker, access.Supervisor, access.CaseworkSupervisor}},
	"POST /workers/{workerID}/notes":            {roles: []access.Role{access.Supervisor}},
	"POST /workers/{workerID}/mvr-review":       {roles: []access.Role{access.Supervisor}},

	"GET /workers/{workerID}/conferences/new": {roles: []access.Role{access.Supervisor}},
	"POST /workers/{workerID}/conferences":    {roles: []access.Role{access.Supervisor}},
	// {conferenceID} is a draft of the first supervisor with the first
	// worker: the worker does not see a draft; only its author edits it.
	"GET /conferences/{conferenceID}/":          {roles: []access.Role{access.Supervisor, access.CaseworkSupervisor}},
	"POST /conferences/{conferenceID}/":         {roles: []access.Role{access.Supervisor}},
	"POST /conferences/{conferenceID}/autosave": {roles: []access.Role{access.Supervisor}},
	"POST /conferences/{conferenceID}/sign":     {roles: []access.Role{access.Supervisor}},
	// These take a signed and a shared record of the same two people.
	"POST /conferences/{conferenceID}/share":       {roles: []access.Role{access.Supervisor}},
	"POST /conferences/{conferenceID}/acknowledge": {roles: []access.Role{access.Worker}},
	"POST /conferences/{conferenceID}/addenda":     {roles: []access.Role{access.Supervisor}},
	"GET /area":                                   {roles: []access.Role{access.CaseworkSupervisor}},
	"GET /area/trends":                            {roles: []access.Role{access.CaseworkSupervisor}},
	"GET /unit/trends":                            {roles: []access.Role{access.Supervisor}},
	"GET /exports/compliance.csv":                 {roles: []access.Role{access.Supervisor, access.CaseworkSupervisor}},
	"POST /requests/{requestID}/answer":           {roles: []access.Role{access.CaseworkSupervisor}},
	"GET /supervisors/{supervisorID}/reviews/new": {roles: []access.Role{access.CaseworkSupervisor}},
	"POST /supervisors/{supervisorID}/reviews":    {roles: []access.Role{access.CaseworkSupervisor}},
	"GET /caseload":                               {roles: []access.Role{access.Worker}},
	"GET /agenda":                                 {roles: []access.Role{access.Worker}},
	"POST /agenda/request":                        {roles: []access.Role{access.Worker}},
	"POST /calendar/new":                          {roles: []access.Role{access.Worker}},
	"POST /calendar/revoke":                       {roles: []access.Role{access.Worker}},
	"GET /calendar/{token}":                       {byToken: true},
	"POST /steps/{stepID}/done":                   {roles: []access.Role{access.Worker}},
	"GET /admin/audit":                            {roles: []access.Role{access.Administrator}},
	"GET /admin":                                  {roles: []access.Role{access.Administrator}},
}

// addMatrix lets the tests of another part of the app (admin_matrix_test.go,
// for instance) add the rows of its routes.
func addMatrix(rows map[string]reach) {
	for k, v := range rows {
		if _, dup := matrix[k]; dup {
			panic("access matrix: two rows for " + k)
		}
		matrix[k] = v
	}
}

// fixture holds the ids a route's parameters take.
type fixture map[string]int64

// routeFixture names, for a route, the fixture id its parameter takes when
// it is not the default one.
var routeFixture = map[string]string{
	"POST /conferences/{conferenceID}/share":       "signedConference",
	"POST /conferences/{conferenceID}/acknowledge": "sharedConference",
	"POST /conferences/{conferenceID}/addenda":     "signedConference",
}

// requestPath turns a route into a concrete request path.
func requestPath(route string, f fixture) string {
	_, pattern, _ := strings.Cut(route, " ")
	if strings.HasSuffix(pattern, "/*") {
		return strings.TrimSuffix(pattern, "*") + "anything"
	}
	q := queries[pattern]
	if alt, ok := routeFixture[route]; ok {
		pattern = strings.ReplaceAll(pattern, "{conferenceID}", strconv.FormatInt(f[alt], 10))
	}
	for name, id := range f {
		pattern = strings.ReplaceAll(pattern, "{"+name+"}", strconv.FormatInt(id, 10))
	}
	if q != "" {
		pattern += "?" + q
	}
	return pattern
}

// queries are the query strings a route needs to answer at all.
var queries = map[string]string{"/units/{unitID}/cases": "show=all", "/exports/compliance.csv": "month=2026-11"}

// fixtures: "mine" are objects of the first unit, reached by the first
// supervisor, worker and casework supervisor; "other" are objects of a unit
// in another casework supervisor's area.
func (h *harness) fixtures(t *testing.T) (mine, other fixture) {
	t.Helper()
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := h.pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	const day = "2026-11-23"
	unitOf := func(supervisorRank int) int64 {
		return q(`SELECT s.unit_id FROM unit_supervisors s WHERE s.during @> $1::date AND s.supervisor_id =
			(SELECT id FROM people WHERE role = 'supervisor' ORDER BY id OFFSET $2 LIMIT 1)`, day, supervisorRank)
	}
	build := func(unit, worker int64) fixture {
		f := fixture{"unitID": unit, "workerID": worker,
			"caseID": q(`SELECT case_id FROM case_assignments WHERE worker_id = $1 AND during @> $2::date ORDER BY case_id LIMIT 1`, worker, day)}
		sup := q(`SELECT supervisor_id FROM unit_supervisors WHERE unit_id = $1 AND during @> $2::date`, unit, day)
		f["supervisorID"] = sup
		// An emergent request of the supervisor's to their casework supervisor.
		f["requestID"] = q(`INSERT INTO emergent_requests (case_id, requested_by, casework_supervisor_id, reason, requested_at)
			SELECT $1, r.supervisor_id, r.casework_supervisor_id, 'critical_incident', now() FROM supervisor_reports r
			WHERE r.supervisor_id = $2 AND r.during @> $3::date RETURNING id`, f["caseID"], sup, day)
		// A talking point of the worker's for their next conference.
		f["pointID"] = q(`INSERT INTO talking_points (worker_id, body, written_at) VALUES ($1, 'Fixture point', now()) RETURNING id`, worker)
		// Three conferences of the worker with their supervisor: a draft, a
		// signed record and a shared one.
		for _, c := range []struct{ key, status string }{{"conferenceID", "draft"}, {"signedConference", "signed"}, {"sharedConference", "shared"}} {
			id := q(`INSERT INTO conferences (kind, held_on, supervisor_id, worker_id, status, created_by, entered_at, updated_at)
				VALUES ('supervision', DATE '2026-11-20', $1, $2, 'draft', $1, now(), now()) RETURNING id`, sup, worker)
			q(`INSERT INTO conference_cases (conference_id, case_id, discussion, discussed) VALUES ($1, $2, '{"items": {"safety_risk": "Fixture discussion."}}', true) RETURNING conference_id`, id, f["caseID"])
			if c.key == "signedConference" {
				// A next step of the worker's, open, on a record about to be signed.
				f["stepID"] = q(`INSERT INTO next_steps (conference_id, description, owner_id, due_on)
					VALUES ($1, 'Fixture step', $2, DATE '2026-11-30') RETURNING id`, id, worker)
			}
			if c.status != "draft" {
				q(`UPDATE conferences SET status = $2, signed_at = now(), signed_by = supervisor_id,
					shared_at = CASE WHEN $2 = 'shared' THEN now() END, shared_by = CASE WHEN $2 = 'shared' THEN supervisor_id END
					WHERE id = $1 RETURNING id`, id, c.status)
			}
			f[c.key] = id
		}
		return f
	}
	mineUnit := unitOf(0)
	firstWorker := q(`SELECT id FROM people WHERE role = 'worker' ORDER BY id LIMIT 1`)
	if q(`SELECT unit_id FROM unit_members WHERE worker_id = $1 AND during @> $2::date`, firstWorker, day) != mineUnit {
		t.Fatal("fixture: the first worker is not in the first supervisor's unit")
	}
	// The last supervisor's unit reports to another casework supervisor.
	otherUnit := unitOf(7)
	if q(`SELECT count(DISTINCT casework_supervisor_id) FROM supervisor_reports r JOIN unit_supervisors s ON s.supervisor_id = r.supervisor_id
		WHERE s.unit_id IN ($1, $2) AND r.during @> $3::date AND s.during @> $3::date`, mineUnit, otherUnit, day) != 2 {
		t.Fatal("fixture: the two units are in one area")
	}
	otherWorker := q(`SELECT worker_id FROM unit_members WHERE unit_id = $1 AND during @> $2::date ORDER BY worker_id LIMIT 1`, otherUnit, day)
	return build(mineUnit, firstWorker), build(otherUnit, otherWorker)
}

func TestAccessMatrixCoversEveryRoute(t *testing.T) {
	h := newHarness(t)
	var routes []string
	err := chi.Walk(h.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(routes)
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r] = true
		if _, ok := matrix[r]; !ok {
			t.Errorf("route %q has no entry in the access matrix: decide who may reach it", r)
		}
	}
	for r := range matrix {
		if !seen[r] {
			t.Errorf("matrix entry %q names no route", r)
		}
	}
}

func TestAccessMatrix(t *testing.T) {
	h := newHarness(t)
	clients := map[string]*http.Client{"signed out": h.client(t)}
	for _, role := range access.Roles {
		c := h.client(t)
		h.signIn(t, c, h.email(t, string(role)))
		clients[string(role)] = c
	}
	mine, other := h.fixtures(t)
	for route, want := range matrix {
		if want.byToken {
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		h.checkReach(t, route, method, requestPath(route, mine), want, clients)
		if strings.Contains(pattern, "{") {
			// Out of everyone's reach: the same answer as for nothing there.
			h.checkReach(t, route+" (another area's)", method, requestPath(route, other), reach{}, clients)
		}
	}
}

func (h *harness) checkReach(t *testing.T, route, method, path string, want reach, clients map[string]*http.Client) {
	t.Helper()
	{
		for who, c := range clients {
			if method == http.MethodPost && (path == "/logout" || path == "/login") {
				continue // these change the session under test; covered in web_test.go
			}
			var resp *http.Response
			if method == http.MethodGet {
				resp, _ = h.get(t, c, path)
			} else {
				resp = h.post(t, c, path, url.Values{}, "same-origin")
				resp.Body.Close()
			}
			allowed := want.public || (who != "signed out" && (want.signedIn || hasRole(want.roles, access.Role(who))))
			got := resp.StatusCode
			denied := got == http.StatusNotFound || got == http.StatusUnauthorized || got == http.StatusForbidden ||
				(got == http.StatusSeeOther && resp.Header.Get("Location") == "/login")
			if path == "/static/anything" {
				denied = false // no such file answers 404 to everyone; reach is all that is tested
			}
			if allowed == denied {
				t.Errorf("%s %s as %s: %d %s, want allowed=%v", route, path, who, got, resp.Header.Get("Location"), allowed)
			}
		}
	}
}

func hasRole(roles []access.Role, r access.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
