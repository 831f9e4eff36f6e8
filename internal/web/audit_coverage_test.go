package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casework/casework/internal/access"
)

// Every page that shows agency data records who saw it (issue #5: a record
// of every access): for each GET route of the access matrix that only some
// roles reach, each of those roles' view adds at least one entry by that
// person to the audit log. A new page cannot ship unrecorded.
func TestEveryPageOfAgencyDataIsRecorded(t *testing.T) {
	h := newHarness(t)
	clients := map[access.Role]*http.Client{}
	ids := map[access.Role]int64{}
	for _, role := range access.Roles {
		c := h.client(t)
		email := h.email(t, string(role))
		h.signIn(t, c, email)
		clients[role] = c
		var id int64
		if err := h.pool.QueryRow(t.Context(), `SELECT id FROM people WHERE email = $1`, email).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[role] = id
	}
	mine, _ := h.fixtures(t)
	entries := func(person int64) (n int64) {
		if err := h.pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE actor_id = $1`, person).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	checked := 0
	for route, want := range matrix {
		method, _, _ := strings.Cut(route, " ")
		if method != http.MethodGet || len(want.roles) == 0 {
			continue
		}
		path := requestPath(route, mine)
		for _, role := range want.roles {
			before := entries(ids[role])
			resp, _ := h.get(t, clients[role], path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s as %s: %d", path, role, resp.StatusCode)
				continue
			}
			if entries(ids[role]) == before {
				t.Errorf("%s (%s) as %s: shown, not recorded in the audit log", path, route, role)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d page views checked", checked)
	}
}
