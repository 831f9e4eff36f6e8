package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// NUL bytes and text that is not UTF-8, in the fields the outside test
// tried, are refused with 422 naming the field, signed in or not, and
// nothing is written (they used to reach PostgreSQL and answer 500).
func TestUnstorableTextIsRefusedWithTheFieldNamed(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var sup, worker, caseID, conf int64
	if err := h.pool.QueryRow(ctx, `
		SELECT s.supervisor_id, m.worker_id, a.case_id,
		       (SELECT max(id) FROM conferences k WHERE k.supervisor_id = s.supervisor_id)
		FROM unit_supervisors s JOIN unit_members m ON m.unit_id = s.unit_id AND m.during @> DATE '2026-11-23'
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> DATE '2026-11-23'
		WHERE s.during @> DATE '2026-11-23' AND s.supervisor_id = (SELECT id FROM people WHERE email = $1)
		ORDER BY m.worker_id, a.case_id LIMIT 1`, h.email(t, "supervisor")).Scan(&sup, &worker, &caseID, &conf); err != nil {
		t.Fatal(err)
	}
	var before int64
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action NOT IN ('viewed', 'signed_in')`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	nul, notUTF8 := "a\x00b", "caf\xe9"
	clients := map[string]*http.Client{}
	as := func(role string) *http.Client {
		if c, ok := clients[role]; ok {
			return c
		}
		c := h.client(t)
		if role != "" {
			h.signIn(t, c, h.email(t, role))
		}
		clients[role] = c
		return c
	}
	for _, tc := range []struct {
		role, method, path, field string
		form                      url.Values
	}{
		{"", "POST", "/login", "email", url.Values{"email": {nul}, "password": {"x"}}},
		{"", "POST", "/login", "password", url.Values{"email": {"a@b.example"}, "password": {notUTF8}}},
		{"supervisor", "POST", fmt.Sprintf("/conferences/%d", conf), "notes", url.Values{"version": {"1"}, "notes": {notUTF8}}},
		{"supervisor", "POST", fmt.Sprintf("/workers/%d/notes", worker), "body", url.Values{"area": {"supportive"}, "body": {nul}}},
		{"supervisor", "POST", fmt.Sprintf("/cases/%d/flag", caseID), "details", url.Values{"reason": {"critical_incident"}, "details": {nul}}},
		{"worker", "POST", "/agenda/request", "details", url.Values{"reason": {"supervisor_unavailable"}, "details": {notUTF8}}},
		{"administrator", "GET", "/admin/audit?email=" + url.QueryEscape(nul), "email", nil},
		{"administrator", "GET", "/admin/people?q=" + url.QueryEscape(notUTF8), "q", nil},
		{"administrator", "GET", "/admin/cases?q=" + url.QueryEscape(nul), "q", nil},
	} {
		var resp *http.Response
		if tc.method == "POST" {
			resp = h.post(t, as(tc.role), tc.path, tc.form, "same-origin")
		} else {
			var err error
			if resp, err = as(tc.role).Get(h.srv.URL + tc.path); err != nil {
				t.Fatal(err)
			}
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "&#34;"+tc.field+"&#34;") {
			t.Errorf("%s %s with bad text in %s: %d, want 422 naming the field\n%.400s", tc.method, tc.path, tc.field, resp.StatusCode, b)
		}
	}
	// The API names the parameter in its JSON.
	code, body := h.apiGet(t, "cwk_whatever", "/api/v1/obligations?rule="+url.QueryEscape(nul))
	if code != http.StatusUnprocessableEntity || fmt.Sprint(body["problems"]) != "[map[message:holds a NUL byte or text that is not UTF-8 param:rule]]" {
		t.Errorf("API with a NUL in rule: %d %v", code, body)
	}
	var after int64
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action NOT IN ('viewed', 'signed_in')`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("%d entries of changes written by refused requests", after-before)
	}
}

// A body over the limit answers 413, not 400.
func TestBodyOverTheLimitIs413(t *testing.T) {
	h := newHarness(t)
	resp := h.post(t, h.client(t), "/login", url.Values{"email": {"a@b.example"}, "password": {strings.Repeat("x", 2<<20)}}, "same-origin")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "1 MiB") {
		t.Fatalf("a 2 MiB form: %d, want 413 saying the limit\n%.300s", resp.StatusCode, b)
	}
}
