package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A case whose plan has not yet set its goal (contract version 2: the goal is
// optional) shows "not yet set" on its page and in the worker's caseload.
func TestCaseWithoutGoal(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var caseID int64
	var email string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id, p.email FROM case_assignments a JOIN people p ON p.id = a.worker_id
		WHERE upper_inf(a.during) ORDER BY a.case_id LIMIT 1`).Scan(&caseID, &email); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `UPDATE cases SET goal = NULL WHERE id = $1`, caseID); err != nil {
		t.Fatal(err)
	}
	c := h.client(t)
	h.signIn(t, c, email)
	for _, path := range []string{fmt.Sprintf("/cases/%d", caseID), "/caseload"} {
		r, body := h.get(t, c, path)
		if r.StatusCode != 200 || !strings.Contains(body, "not yet set") {
			t.Errorf("%s: %d, want the goal shown as not yet set", path, r.StatusCode)
		}
	}
}
