package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casework/casework/internal/rules"
)

// feedOf makes the worker a feed and returns its path.
func (h *harness) feedOf(t *testing.T, c *http.Client) string {
	t.Helper()
	if r, _ := h.postBody(t, c, "/calendar/new", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new feed: %d", r.StatusCode)
	}
	_, body := h.get(t, c, "/agenda")
	m := regexp.MustCompile(`value="https?://[^/]+(/calendar/[A-Za-z0-9_-]+\.ics)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the feed's address is not shown")
	}
	return m[1]
}

// unfold undoes RFC 5545 line folding.
func unfold(ics string) []string { return strings.Split(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n") }

// The feed holds the worker's own events, in words a person reads: their
// next conference, their cases' deadlines, their open next steps; anything
// overdue on today's date, marked overdue; a next step as a short plain
// title that no line break can turn into lines of its own.
func TestCalendarFeedHoldsTheWorkersOwnEventsInWords(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	email := h.email(t, "worker")
	var worker, caseID int64
	var family string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.worker_id, a.case_id, c.family_name FROM case_assignments a JOIN cases c ON c.id = a.case_id
		WHERE a.worker_id = (SELECT id FROM people WHERE email = $1) AND a.during @> DATE '2026-11-23'
		ORDER BY a.case_id LIMIT 1`, email).Scan(&worker, &caseID, &family); err != nil {
		t.Fatal(err)
	}
	// A next step of the worker's, overdue, typed with a lone CR that would
	// start a forged event, the family's name, and far more than a title.
	step := "Visit the " + family + " family at home\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:Injected\r" +
		"and then bring the safety plan, the school reports and the court letter to the next conference"
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{`SET LOCAL session_replication_role = replica`, // past the signed record's freeze, for the fixture
		`INSERT INTO next_steps (conference_id, case_id, description, owner_id, due_on)
		 SELECT k.id, $1, $2, $3, DATE '2026-11-02' FROM conferences k
		 WHERE k.worker_id = $3 AND k.status <> 'draft' ORDER BY k.held_on DESC LIMIT 1`} {
		args := []any{}
		if strings.HasPrefix(q, "INSERT") {
			args = []any{caseID, step, worker}
		}
		if tag, err := tx.Exec(ctx, q, args...); err != nil || (len(args) > 0 && tag.RowsAffected() != 1) {
			t.Fatalf("fixture: %v", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	c := h.client(t)
	h.signIn(t, c, email)
	feed := h.feedOf(t, c)
	r, ics := h.get(t, h.client(t), feed)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d", r.StatusCode)
	}
	mine := map[string]bool{}
	rows, _ := h.pool.Query(ctx, `SELECT c.case_number FROM case_assignments a JOIN cases c ON c.id = a.case_id
		WHERE a.worker_id = $1 AND a.during @> DATE '2026-11-23'`, worker)
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		mine[n] = true
	}
	var ruleIDs []string
	for _, p := range rules.Profiles() {
		for _, v := range p.Versions {
			for _, r := range v.Rules {
				ruleIDs = append(ruleIDs, r.ID)
			}
		}
	}
	caseRef := regexp.MustCompile(`^Case ([^:]+):`)
	var summaries []string
	day := ""
	conference, overdue, stepSeen := false, false, false
	for _, line := range unfold(ics) {
		switch {
		case strings.HasPrefix(line, "SUMMARY:Injected"):
			t.Fatalf("a next step's CR started a property of its own:\n%s", ics)
		case strings.HasPrefix(line, "DTSTART;VALUE=DATE:"):
			day = strings.TrimPrefix(line, "DTSTART;VALUE=DATE:")
			if day < "20261123" {
				t.Errorf("an event dated %s, before today: overdue items belong on today's date", day)
			}
		case strings.HasPrefix(line, "SUMMARY:"):
			s := strings.TrimPrefix(line, "SUMMARY:")
			summaries = append(summaries, s)
			for _, id := range ruleIDs {
				if strings.Contains(s, id) {
					t.Errorf("a title names the rule id %s: %q", id, s)
				}
			}
			if strings.HasPrefix(s, "Overdue since ") {
				overdue = true
				if day != "20261123" {
					t.Errorf("an overdue item on %s, not today: %q", day, s)
				}
				s = s[strings.Index(s, ": ")+2:]
			}
			if m := caseRef.FindStringSubmatch(s); m != nil && !mine[m[1]] {
				t.Errorf("the feed names case %s, not the worker's: %q", m[1], s)
			}
			for _, notMine := range []string{"Casework review with the supervisor", "Case discussed in conference", "Conference notes shared"} {
				if strings.Contains(s, notMine) {
					t.Errorf("the supervisor's obligation in the worker's feed: %q", s)
				}
			}
			conference = conference || s == "Next conference with your supervisor"
			if strings.Contains(s, "next step: Visit the") {
				stepSeen = true
				title := s[strings.Index(s, "next step: ")+len("next step: "):]
				if !strings.HasPrefix(title, "Visit the (name removed) family at home END:VEVENT") || !strings.HasSuffix(title, "…") ||
					utf8.RuneCountInString(title) > 61 {
					t.Errorf("the next step's title is not one short plain line: %q", title)
				}
				if strings.Contains(s, family) || strings.Contains(s, "school reports") {
					t.Errorf("the next step's title holds the family's name or the whole text: %q", s)
				}
			}
		}
	}
	if !conference || !overdue || !stepSeen {
		t.Fatalf("feed lacks its next conference (%v), an overdue item (%v) or the next step (%v): %q", conference, overdue, stepSeen, summaries)
	}
	// The read is recorded as the worker, with the feed's id and the cases it named.
	var n int
	if err := h.pool.QueryRow(ctx, `
		SELECT count(*) FROM audit_log a
		WHERE a.action = 'viewed' AND a.entity = 'calendar_feed' AND a.actor_id = $1
		  AND a.entity_id = (SELECT id::text FROM calendar_tokens WHERE person_id = $1 AND revoked_at IS NULL)
		  AND a.detail->'cases' @> to_jsonb($2::bigint)`, worker, caseID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d records of the feed's read with its id and the case, want 1", n)
	}
}
