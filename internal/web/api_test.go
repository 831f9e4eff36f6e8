package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// apiGet calls the API with a token ("" for none).
func (h *harness) apiGet(t *testing.T, token, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %s", path, resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET %s: Cache-Control %q", path, cc)
	}
	return resp.StatusCode, body
}

var tokenPattern = regexp.MustCompile(`cwk_[A-Za-z0-9_-]{43}`)

// issue issues a token through the administration page, as an administrator
// does, and returns it.
func (h *harness) issue(t *testing.T, admin *http.Client, name, scope string) string {
	t.Helper()
	resp := h.post(t, admin, "/admin/tokens", url.Values{"name": {name}, "scope": {scope}}, "same-origin")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := tokenPattern.FindString(string(b))
	if resp.StatusCode != http.StatusOK || tok == "" || !strings.Contains(string(b), `data-testid="token-issued"`) {
		t.Fatalf("issue %s: %d\n%s", scope, resp.StatusCode, b)
	}
	return tok
}

type unitInfo struct {
	id, supervisor, cws, office int64
}

func (h *harness) units(t *testing.T) []unitInfo {
	t.Helper()
	rows, err := h.pool.Query(context.Background(), `
		SELECT u.id, s.supervisor_id, r.casework_supervisor_id, u.office_id FROM units u
		JOIN unit_supervisors s ON s.unit_id = u.id AND s.during @> DATE '2026-11-23'
		JOIN supervisor_reports r ON r.supervisor_id = s.supervisor_id AND r.during @> DATE '2026-11-23'
		ORDER BY u.id`)
	if err != nil {
		t.Fatal(err)
	}
	var out []unitInfo
	for rows.Next() {
		var u unitInfo
		_ = rows.Scan(&u.id, &u.supervisor, &u.cws, &u.office)
		out = append(out, u)
	}
	return out
}

func obligationsOf(body map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := body["obligations"].([]any)
	for _, o := range list {
		out = append(out, o.(map[string]any))
	}
	return out
}

// A token reads its scope and nothing else: a unit's token gets exactly the
// unit's dashboard obligations; an area's, its units'; an office's, its
// units'. Filters narrow; a unit outside the scope is 404.
func TestAPITokensReadTheirScopeOnly(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	units := h.units(t)
	u := units[0]
	unitTok := h.issue(t, admin, "unit feed", "unit:"+itoa(u.id))
	areaTok := h.issue(t, admin, "area feed", "area:"+itoa(u.cws))
	officeTok := h.issue(t, admin, "office feed", "office:"+itoa(units[len(units)-1].office))

	// The unit's token: the dashboard's obligations of that unit, exactly.
	code, body := h.apiGet(t, unitTok, "/api/v1/obligations")
	if code != http.StatusOK {
		t.Fatalf("obligations: %d %v", code, body)
	}
	got := map[string]bool{}
	for _, o := range obligationsOf(body) {
		if int64(o["unit"].(float64)) != u.id {
			t.Errorf("unit token got an obligation of unit %v: %v", o["unit"], o)
		}
		got[o["rule"].(string)+" "+o["subject"].(string)] = true
	}
	st := store.New(h.pool)
	sup, err := st.ViewerByID(context.Background(), u.supervisor)
	if err != nil {
		t.Fatal(err)
	}
	f, ids, err := st.UnitFacts(context.Background(), sup, u.id, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, c := range f.Cases {
		own[c.ID] = true
	}
	for _, s := range f.Staff {
		if (s.Role == rules.RoleWorker && ids.People[s.ReportsTo] == u.supervisor) || ids.People[s.ID] == u.supervisor {
			own[s.ID] = true
		}
	}
	want := map[string]bool{}
	for _, o := range res.Obligations {
		if own[o.Subject] {
			want[o.Rule+" "+o.Subject] = true
		}
	}
	if len(want) < 50 || len(got) != len(want) {
		t.Errorf("unit token: %d obligations, the dashboard %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("dashboard obligation %s missing from the API", k)
		}
	}

	// The area's token: its units, all of them, and only them.
	areaUnits := map[int64]bool{}
	for _, x := range units {
		if x.cws == u.cws {
			areaUnits[x.id] = true
		}
	}
	_, body = h.apiGet(t, areaTok, "/api/v1/obligations")
	seen := map[int64]bool{}
	for _, o := range obligationsOf(body) {
		unit := int64(o["unit"].(float64))
		seen[unit] = true
		if !areaUnits[unit] {
			t.Errorf("area token got unit %d, outside the area", unit)
		}
	}
	if len(seen) != len(areaUnits) {
		t.Errorf("area token saw units %v, want %v", seen, areaUnits)
	}
	// The office's token: the units of that office.
	_, body = h.apiGet(t, officeTok, "/api/v1/scope")
	officeUnits := map[int64]bool{}
	for _, x := range body["units"].([]any) {
		officeUnits[int64(x.(map[string]any)["id"].(float64))] = true
	}
	for _, x := range units {
		if officeUnits[x.id] != (x.office == units[len(units)-1].office) {
			t.Errorf("office token's scope and unit %d disagree", x.id)
		}
	}
	_, body = h.apiGet(t, officeTok, "/api/v1/obligations")
	for _, o := range obligationsOf(body) {
		if !officeUnits[int64(o["unit"].(float64))] {
			t.Fatalf("office token got an obligation outside the office: %v", o)
		}
	}
	// A unit outside the scope is not there.
	if code, _ := h.apiGet(t, unitTok, "/api/v1/obligations?unit="+itoa(units[1].id)); code != http.StatusNotFound {
		t.Errorf("unit token asking for another unit: %d, want 404", code)
	}
	if code, _ := h.apiGet(t, unitTok, "/api/v1/conferences?unit="+itoa(units[1].id)); code != http.StatusNotFound {
		t.Errorf("unit token asking for another unit's conferences: %d, want 404", code)
	}

	// Filters: state, rule, worker, due_before, unit.
	_, body = h.apiGet(t, areaTok, "/api/v1/obligations?state=overdue&rule=supervision.case&due_before=2026-11-23&unit="+itoa(u.id))
	list := obligationsOf(body)
	if len(list) == 0 {
		t.Fatal("no overdue supervision.case in the unit")
	}
	worker := ""
	for _, o := range list {
		if o["state"] != "overdue" || o["rule"] != "supervision.case" || o["due"].(string) >= "2026-11-23" || int64(o["unit"].(float64)) != u.id || o["subject_kind"] != "case" {
			t.Errorf("filtered obligation does not match: %v", o)
		}
		worker = o["worker"].(string)
	}
	_, body = h.apiGet(t, unitTok, "/api/v1/obligations?worker="+url.QueryEscape(worker))
	for _, o := range obligationsOf(body) {
		if o["worker"] != worker {
			t.Errorf("worker filter %s let through %v", worker, o)
		}
	}

	// Conference metadata: the scope's, no content.
	code, body = h.apiGet(t, unitTok, "/api/v1/conferences?from=2026-01-01&limit=1000")
	if code != http.StatusOK {
		t.Fatalf("conferences: %d %v", code, body)
	}
	confs := body["conferences"].([]any)
	if len(confs) < 20 {
		t.Fatalf("%d conferences for the unit since January", len(confs))
	}
	allowed := map[string]bool{"id": true, "kind": true, "date": true, "status": true, "unit": true, "supervisor": true, "worker": true,
		"casework_supervisor": true, "cases": true, "signed_at": true, "shared_at": true, "acknowledged_at": true}
	for _, c := range confs {
		m := c.(map[string]any)
		for k := range m {
			if !allowed[k] {
				t.Errorf("conference metadata has %q", k)
			}
		}
		if int64(m["unit"].(float64)) != u.id || m["status"] == "draft" {
			t.Errorf("conference outside the scope or a draft: %v", m)
		}
	}
	_, body = h.apiGet(t, unitTok, "/api/v1/conferences?kind=casework_review&from=2026-01-01&limit=2")
	if list := body["conferences"].([]any); len(list) != 2 || body["more"] != true || list[0].(map[string]any)["kind"] != "casework_review" {
		t.Errorf("kind and limit: %v", body)
	}
	// Every read is in the audit log, as the token.
	var reads int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE entity IN ('api_obligations', 'api_conferences') AND actor_id IS NULL`).Scan(&reads); err != nil || reads < 8 {
		t.Errorf("%d API reads in the audit log (%v)", reads, err)
	}
}

// No token, a wrong one or a revoked one: 401, whatever the route. Only the
// token's hash is stored. A session does not open the API.
func TestAPIRefusesMissingWrongAndRevokedTokens(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	u := h.units(t)[0]
	tok := h.issue(t, admin, "to be revoked", "unit:"+itoa(u.id))
	if code, _ := h.apiGet(t, tok, "/api/v1/scope"); code != http.StatusOK {
		t.Fatalf("fresh token: %d", code)
	}
	sum := sha256.Sum256([]byte(tok))
	var hashed, plain int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM api_tokens WHERE token_hash = $1`, sum[:]).Scan(&hashed); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM api_tokens t WHERE t::text LIKE '%' || $1 || '%'`, tok[4:20]).Scan(&plain); err != nil {
		t.Fatal(err)
	}
	if hashed != 1 || plain != 0 {
		t.Fatalf("token storage: %d rows by hash, %d rows holding the token's text", hashed, plain)
	}
	// The page lists it, never shows it again.
	_, page := h.get(t, admin, "/admin/tokens")
	if strings.Contains(page, tok) || !strings.Contains(page, "to be revoked") {
		t.Error("the tokens page shows the token again, or does not list it")
	}
	var id int64
	if err := h.pool.QueryRow(context.Background(), `SELECT id FROM api_tokens WHERE name = 'to be revoked'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	resp := h.post(t, admin, "/admin/tokens/"+itoa(id)+"/revoke", nil, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	for _, bad := range []string{"", tok, "cwk_" + strings.Repeat("A", 43), "not-even-a-token"} {
		for _, p := range []string{"/api/v1/scope", "/api/v1/obligations", "/api/v1/conferences", "/api/v1/nothing"} {
			if code, body := h.apiGet(t, bad, p); code != http.StatusUnauthorized || body["error"] != "unauthorized" {
				t.Errorf("GET %s with %.12q: %d %v", p, bad, code, body)
			}
		}
	}
	// A signed-in administrator's session cookie does not open the API.
	if resp, _ := h.get(t, admin, "/api/v1/obligations"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("session on the API: %d", resp.StatusCode)
	}
	// Revoking twice, or a token that does not exist: 404.
	resp = h.post(t, admin, "/admin/tokens/"+itoa(id)+"/revoke", nil, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("second revoke: %d", resp.StatusCode)
	}
	var audited int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE entity = 'api_token' AND action IN ('created', 'revoked')`).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("%d token changes audited (%v)", audited, err)
	}
}

// Bad parameters are named one by one (400), never a 500.
func TestAPIBadParametersAreNamed(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	tok := h.issue(t, admin, "feed", "unit:"+itoa(h.units(t)[0].id))
	code, body := h.apiGet(t, tok, "/api/v1/obligations?state=late&due_before=2026-02-30&unit=x&colour=blue")
	if code != http.StatusBadRequest {
		t.Fatalf("%d %v", code, body)
	}
	var params []string
	for _, p := range body["problems"].([]any) {
		params = append(params, p.(map[string]any)["param"].(string))
	}
	sort.Strings(params)
	if strings.Join(params, " ") != "colour due_before state unit" {
		t.Errorf("problems name %v", params)
	}
	if code, _ := h.apiGet(t, tok, "/api/v1/conferences?from=2026-11-01&to=2026-10-01"); code != http.StatusBadRequest {
		t.Errorf("from after to: %d", code)
	}
	if code, _ := h.apiGet(t, tok, "/api/v1/conferences?limit=100000"); code != http.StatusBadRequest {
		t.Errorf("limit too large: %d", code)
	}
	// The issue form names its problems too.
	resp := h.post(t, admin, "/admin/tokens", url.Values{"name": {""}, "scope": {"planet:3"}}, "same-origin")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `data-testid="name-problem"`) || !strings.Contains(string(b), `data-testid="scope-problem"`) {
		t.Errorf("bad issue form: %d", resp.StatusCode)
	}
	resp = h.post(t, admin, "/admin/tokens", url.Values{"name": {"x"}, "scope": {"unit:999999"}}, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown unit: %d", resp.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
