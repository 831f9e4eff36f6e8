package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casework/casework/internal/access"
)

func init() {
	addMatrix(map[string]reach{
		"POST /agenda/points":                    {roles: []access.Role{access.Worker}},
		"POST /agenda/points/{pointID}/withdraw": {roles: []access.Role{access.Worker}},
	})
}

// The conference carries what came before it: the worker's own talking
// points, seen by the supervisor in the proposed agenda and while writing the
// record, until a conference is held; and the next steps of earlier
// conferences until they are done.
func TestTalkingPointsAndOpenStepsAreCarriedIntoTheNextConference(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	c, path, worker, case1, _, _ := h.draftFixture(t)
	// An earlier conference, signed, sets a next step for the worker.
	f := form("1", case1, "Discussed.")
	f.Set("step-desc", "Call the school about attendance")
	f.Set("step-owner", fmt.Sprint(worker))
	f.Set("step-due", "2026-11-30")
	f.Set("step-case", fmt.Sprint(case1))
	f.Set("op", "sign")
	f.Set("confirmed", "yes")
	if r, _ := h.postBody(t, c, path, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign the earlier conference: %d", r.StatusCode)
	}
	// The worker writes a talking point after it.
	var email string
	_ = h.pool.QueryRow(ctx, `SELECT email FROM people WHERE id = $1`, worker).Scan(&email)
	wc := h.client(t)
	h.signIn(t, wc, email)
	if r, body := h.postBody(t, wc, "/agenda/points", url.Values{"case": {fmt.Sprint(case1)}, "body": {" "}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `data-testid="point-body-problem"`) {
		t.Fatalf("an empty talking point: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, wc, "/agenda/points", url.Values{"case": {fmt.Sprint(case1)}, "body": {"The mother asked about reunification dates."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a talking point: %d", r.StatusCode)
	}
	if _, page := h.get(t, wc, "/agenda"); !strings.Contains(page, "The mother asked about reunification dates.") {
		t.Error("the worker does not see their talking point")
	}
	// The supervisor sees both when starting the next conference, and in it.
	start := fmt.Sprintf("/workers/%d/conferences/new", worker)
	_, page := h.get(t, c, start)
	if !strings.Contains(page, `data-testid="talking-point"`) || !strings.Contains(page, "The mother asked about reunification dates.") ||
		!strings.Contains(page, `data-testid="open-step"`) || !strings.Contains(page, "Call the school about attendance") {
		t.Fatal("the proposed agenda does not carry the talking point and the open step")
	}
	if _, page := h.get(t, c, fmt.Sprintf("/workers/%d", worker)); !strings.Contains(page, "The mother asked about reunification dates.") {
		t.Error("the worker page's proposed agenda does not carry the talking point")
	}
	r := h.post(t, c, fmt.Sprintf("/workers/%d/conferences", worker), url.Values{"held_on": {"2026-11-23"}, "case": {fmt.Sprint(case1)}}, "same-origin")
	r.Body.Close()
	next := r.Header.Get("Location")
	if _, page := h.get(t, c, next); !strings.Contains(page, "The mother asked about reunification dates.") || !strings.Contains(page, "Call the school about attendance") {
		t.Fatal("the next conference's form does not carry them")
	}
	// Done, the step is no longer carried; held, the point is not either.
	var step int64
	_ = h.pool.QueryRow(ctx, `SELECT id FROM next_steps WHERE description = 'Call the school about attendance'`).Scan(&step)
	if r, _ := h.postBody(t, wc, fmt.Sprintf("/steps/%d/done", step), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark the step done: %d", r.StatusCode)
	}
	f = form("1", case1, "Discussed the reunification dates.")
	f.Set("op", "sign")
	f.Set("confirmed", "yes")
	if r, _ := h.postBody(t, c, next, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign the next conference: %d", r.StatusCode)
	}
	_, page = h.get(t, c, start)
	if strings.Contains(page, "Call the school about attendance") || strings.Contains(page, "The mother asked about reunification dates.") {
		t.Error("a step done or a point discussed is still carried")
	}
	// Another worker's point cannot be withdrawn by this worker.
	var other int64
	if err := h.pool.QueryRow(ctx, `INSERT INTO talking_points (worker_id, body, written_at) SELECT id, 'Not yours', now() FROM people
		WHERE role = 'worker' AND id <> $1 ORDER BY id LIMIT 1 RETURNING id`, worker).Scan(&other); err != nil {
		t.Fatal(err)
	}
	if r, _ := h.postBody(t, wc, fmt.Sprintf("/agenda/points/%d/withdraw", other), nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("withdraw another worker's point: %d", r.StatusCode)
	}
}
