package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The worker's own page: the next conference with its supervisor, the cases
// proposed with what to prepare, and nothing of another worker's.
func TestWorkerAgenda(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "worker")
	h.signIn(t, c, email)
	if r, _ := h.get(t, c, "/"); r.Header.Get("Location") != "/agenda" {
		t.Fatalf("a worker's first page: %q", r.Header.Get("Location"))
	}
	r, body := h.get(t, c, "/agenda")
	if r.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="my-due"`) || !strings.Contains(body, "To prepare") {
		t.Fatalf("agenda: %d", r.StatusCode)
	}
	var supervisor string
	_ = h.pool.QueryRow(context.Background(), `SELECT sp.full_name FROM people w
		JOIN unit_members m ON m.worker_id = w.id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people sp ON sp.id = s.supervisor_id WHERE w.email = $1`, email).Scan(&supervisor)
	if !strings.Contains(body, "With <strong>"+supervisor+"</strong>") {
		t.Errorf("the agenda does not say with whom (%s)", supervisor)
	}
	// Every case linked is the worker's own.
	var own int
	for _, m := range regexp.MustCompile(`href="/cases/(\d+)"`).FindAllStringSubmatch(body, -1) {
		var mine bool
		_ = h.pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM case_assignments a JOIN people p ON p.id = a.worker_id
			WHERE a.case_id = $1 AND p.email = $2 AND upper_inf(a.during))`, m[1], email).Scan(&mine)
		if !mine {
			t.Errorf("the agenda links case %s, not the worker's", m[1])
		}
		own++
	}
	if own == 0 {
		t.Error("the agenda links no case")
	}
}

func TestNextStepsAndEmergentRequest(t *testing.T) {
	h := newHarness(t)
	c, path, worker, case1, _, foreign := h.draftFixture(t)
	f := form("1", case1, "x")
	f.Set("step-desc", "Call the school")
	f.Set("step-owner", fmt.Sprint(worker))
	f.Set("step-due", "2026-11-30")
	f.Set("step-case", fmt.Sprint(case1))
	if r, _ := h.postBody(t, c, path, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with a step: %d", r.StatusCode)
	}
	h.postBody(t, c, path+"/sign", url.Values{"version": {"2"}})
	var email string
	var step int64
	_ = h.pool.QueryRow(context.Background(), `SELECT email FROM people WHERE id = $1`, worker).Scan(&email)
	_ = h.pool.QueryRow(context.Background(), `SELECT id FROM next_steps WHERE description = 'Call the school'`).Scan(&step)
	wc := h.client(t)
	h.signIn(t, wc, email)
	if _, body := h.get(t, wc, "/agenda"); !strings.Contains(body, "Call the school") {
		t.Fatal("the worker's next step is not on their page")
	}
	// The supervisor cannot mark the worker's step done; the worker can, once.
	if r, _ := h.postBody(t, c, fmt.Sprintf("/steps/%d/done", step), nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("someone else marks the step done: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, wc, fmt.Sprintf("/steps/%d/done", step), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark done: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, wc, fmt.Sprintf("/steps/%d/done", step), nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("mark done twice: %d", r.StatusCode)
	}
	// Supervisor unavailable: the worker asks the casework supervisor, about
	// their own case only.
	if r, _ := h.postBody(t, wc, "/agenda/request", url.Values{"case": {fmt.Sprint(foreign)}, "details": {"Crisis"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("request about another's case: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, wc, "/agenda/request", url.Values{"case": {fmt.Sprint(case1)}, "details": {"Crisis at the placement"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("request: %d", r.StatusCode)
	}
	var n int
	_ = h.pool.QueryRow(context.Background(), `SELECT count(*) FROM emergent_requests WHERE reason = 'supervisor_unavailable' AND requested_by = $1 AND case_id = $2`, worker, case1).Scan(&n)
	if n != 1 {
		t.Fatalf("%d requests recorded", n)
	}
}

func TestCalendarFeed(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "worker"))
	if r, _ := h.postBody(t, c, "/calendar/new", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new feed: %d", r.StatusCode)
	}
	_, body := h.get(t, c, "/agenda")
	m := regexp.MustCompile(`value="https?://[^/]+(/calendar/[A-Za-z0-9_-]+\.ics)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the feed's address is not shown")
	}
	feed := m[1]
	if _, again := h.get(t, c, "/agenda"); strings.Contains(again, feed) {
		t.Error("the feed's address is shown more than once")
	}
	anon := h.client(t) // a calendar program: no session
	r, ics := h.get(t, anon, feed)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || !strings.Contains(ics, "BEGIN:VEVENT") ||
		!strings.Contains(ics, "Next conference with your supervisor") || r.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %q", r.StatusCode, ics[:min(200, len(ics))])
	}
	for _, line := range strings.Split(ics, "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line longer than 75 octets: %q", line)
		}
	}
	var families []string
	rows, _ := h.pool.Query(context.Background(), `SELECT DISTINCT family_name FROM cases`)
	for rows.Next() {
		var f string
		_ = rows.Scan(&f)
		families = append(families, f)
	}
	for _, f := range families {
		if strings.Contains(ics, f) {
			t.Fatalf("the feed names the family %q", f)
		}
	}
	// Revoked: the address stops working, and looks like any wrong address.
	h.postBody(t, c, "/calendar/revoke", nil)
	if r, _ := h.get(t, anon, feed); r.StatusCode != http.StatusNotFound {
		t.Fatalf("revoked feed: %d", r.StatusCode)
	}
	if r, _ := h.get(t, anon, "/calendar/not-a-real-token-at-all-xxxxxxxx.ics"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("made-up feed: %d", r.StatusCode)
	}
}

// A case whose only reason to be discussed is contacts awaiting approval is
// never left off the worker's agenda, even when the conference owes no
// more cases (an experienced worker whose cases were all discussed this
// month: the agenda's size is 0), and the agenda says how many contacts.
func TestWorkerAgendaShowsContactsAwaitingApproval(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	q := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := h.pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	rows, err := h.pool.Query(ctx, `
		SELECT p.id FROM people p JOIN unit_members m ON m.worker_id = p.id AND m.during @> DATE '2026-11-23'
		WHERE p.role = 'worker' AND coalesce(p.experience_start, lower(m.during)) < DATE '2025-10-01'
		  AND (SELECT count(*) FROM case_assignments a JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		       WHERE a.worker_id = p.id AND a.during @> DATE '2026-11-23') >= 3
		ORDER BY p.id LIMIT 6`)
	if err != nil {
		t.Fatal(err)
	}
	var workers []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		workers = append(workers, id)
	}
	if len(workers) == 0 {
		t.Fatal("the demo has no experienced worker with three cases")
	}
	item := regexp.MustCompile(`^(\d+)"`)
	proposed := func(page string) map[int64]string {
		out := map[int64]string{}
		i := strings.Index(page, `data-testid="worker-agenda"`)
		if i < 0 {
			t.Fatal("no agenda on the page")
		}
		list := page[i : i+strings.Index(page[i:], "</ol>")]
		for _, it := range strings.Split(list, `<li><a href="/cases/`)[1:] {
			if m := item.FindStringSubmatch(it); m != nil {
				var id int64
				fmt.Sscan(m[1], &id)
				out[id] = it
			}
		}
		return out
	}
	for _, worker := range workers {
		// Every case discussed in November, every contact approved.
		sup := q(`SELECT s.supervisor_id FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
			WHERE m.worker_id = $1 AND m.during @> DATE '2026-11-23'`, worker)
		k := q(`INSERT INTO conferences (kind, held_on, supervisor_id, worker_id, status, created_by, entered_at, updated_at)
			VALUES ('supervision', DATE '2026-11-20', $1, $2, 'draft', $1, now(), now()) RETURNING id`, sup, worker)
		q(`WITH ins AS (INSERT INTO conference_cases (conference_id, case_id, discussion, discussed)
			SELECT $1, a.case_id, '{"items": {"safety_risk": "Fixture discussion."}}', true
			FROM case_assignments a JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
			WHERE a.worker_id = $2 AND a.during @> DATE '2026-11-23' RETURNING 1) SELECT count(*) FROM ins`, k, worker)
		q(`UPDATE conferences SET status = 'signed', signed_at = now(), signed_by = supervisor_id WHERE id = $1 RETURNING id`, k)
		if _, err := h.pool.Exec(ctx, `UPDATE events SET approval = 'approved' WHERE approval = 'pending' AND case_id IN (
			SELECT case_id FROM case_assignments WHERE worker_id = $1 AND during @> DATE '2026-11-23')`, worker); err != nil {
			t.Fatal(err)
		}
		var email string
		_ = h.pool.QueryRow(ctx, `SELECT email FROM people WHERE id = $1`, worker).Scan(&email)
		c := h.client(t)
		h.signIn(t, c, email)
		_, page := h.get(t, c, "/agenda")
		if strings.Contains(page, `data-testid="awaiting-contacts"`) {
			t.Fatalf("worker %d: contacts awaiting approval shown with every contact approved", worker)
		}
		before := proposed(page)
		var quiet int64
		rows, err := h.pool.Query(ctx, `SELECT a.case_id FROM case_assignments a JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
			WHERE a.worker_id = $1 AND a.during @> DATE '2026-11-23' ORDER BY a.case_id`, worker)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			if _, ok := before[id]; !ok && quiet == 0 {
				quiet = id
			}
		}
		if quiet == 0 {
			continue // every case of this worker needs something else: try the next
		}
		// Two contacts on the case that needs nothing else.
		if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at, documented_on, approval)
			VALUES ($1, 'child_visit', DATE '2026-11-20', now(), DATE '2026-11-20', 'pending'),
			       ($1, 'parent_visit', DATE '2026-11-21', now(), DATE '2026-11-21', 'pending')`, quiet); err != nil {
			t.Fatal(err)
		}
		_, page = h.get(t, c, "/agenda")
		it, ok := proposed(page)[quiet]
		if !ok {
			t.Fatalf("worker %d: case %d, with 2 contacts awaiting approval, is not on the agenda", worker, quiet)
		}
		if !strings.Contains(it, `data-testid="awaiting-contacts"`) || !strings.Contains(it, "2 contacts awaiting your supervisor's approval.") {
			t.Errorf("worker %d: the agenda does not say case %d has 2 contacts awaiting approval:\n%s", worker, quiet, it)
		}
		if !strings.Contains(it, "2 new contacts awaiting approval") {
			t.Errorf("worker %d: the agenda's reason does not count the same 2 contacts:\n%s", worker, it)
		}
		return
	}
	t.Fatal("no experienced worker of the demo has a case that needs nothing: the test checks nothing")
}
