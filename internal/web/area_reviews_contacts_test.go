package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/web"
)

// The casework supervisor's area dashboard shows, on each unit's line, the
// supervisor's monthly reviews of the visit plans that are overdue (workers
// whose rule tagged visit_review is overdue: nj-cpp mvr.review_monthly from
// 2026-12-01) and the contacts awaiting approval (their own approval
// pending), the same figures as the unit's own dashboard, each linking to
// what explains it: the unit's workers (each marked "visit plans not
// reviewed") and the unit's list of cases with contacts awaiting approval.
// The figures are checked against the data itself; a contact awaiting
// approval in another area's unit never counts; a review recorded takes
// its worker off. The links answer the casework supervisor over the unit
// and are refused to one outside the area. The demo's own reviews are left
// out, so every worker under a plan since before 2026-11-10 is overdue.
func TestAreaShowsVisitReviewsOverdueAndContactsAwaiting(t *testing.T) {
	asOf := "2026-12-10"
	h := newHarnessOf(t, func(d *store.Dataset) { d.MVRReviews = nil }, func(c *web.Config) {
		c.Now = func() time.Time { return time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC) }
	})
	ctx := context.Background()
	// The unit with the most workers under a visit plan, its supervisor and
	// casework supervisor, and a casework supervisor of another area.
	var unit, cwsID int64
	var supEmail, cwsEmail, otherEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT us.unit_id, sp.email, r.casework_supervisor_id, cp.email
		FROM unit_supervisors us
		JOIN people sp ON sp.id = us.supervisor_id
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $1::date
		JOIN people cp ON cp.id = r.casework_supervisor_id
		WHERE us.during @> $1::date
		ORDER BY (SELECT count(DISTINCT a.worker_id) FROM unit_members m
		          JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		          JOIN case_mvr p ON p.case_id = a.case_id
		          WHERE m.unit_id = us.unit_id AND m.during @> $1::date) DESC, us.unit_id
		LIMIT 1`, asOf).Scan(&unit, &supEmail, &cwsID, &cwsEmail); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.QueryRow(ctx, `SELECT email FROM people WHERE role = 'casework_supervisor' AND id <> $1 ORDER BY id LIMIT 1`, cwsID).Scan(&otherEmail); err != nil {
		t.Fatal(err)
	}

	// What the data says, read apart from the app's own queries.
	kinds := rules.ContactKinds()
	expected := func() (reviews, contacts int) {
		t.Helper()
		// Workers of the unit whose earliest plan of an assigned open case
		// began more than a month before as_of: their first review fell due
		// and none is recorded (the test records its own, below).
		if err := h.pool.QueryRow(ctx, `
			SELECT count(*) FROM (
			    SELECT m.worker_id, min(p.from_on) AS anchor,
			           (SELECT max(v.reviewed_on) FROM mvr_reviews v WHERE v.worker_id = m.worker_id AND v.reviewed_on <= $2) AS last
			    FROM unit_members m
			    JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $2::date
			    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
			    JOIN case_mvr p ON p.case_id = c.id AND p.from_on <= $2
			    WHERE m.unit_id = $1 AND m.during @> $2::date
			    GROUP BY m.worker_id) w
			WHERE CASE WHEN w.last IS NULL THEN (w.anchor + interval '1 month')::date < $2::date
			           ELSE date_trunc('month', w.last) + interval '2 month' - interval '1 day' < $2::date END`,
			unit, asOf).Scan(&reviews); err != nil {
			t.Fatal(err)
		}
		if err := h.pool.QueryRow(ctx, `
			SELECT count(*) FROM unit_members m
			JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $2::date
			JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
			JOIN events e ON e.case_id = c.id AND e.kind = ANY($3) AND e.approval = 'pending' AND e.occurred_on <= $2
			WHERE m.unit_id = $1 AND m.during @> $2::date`, unit, asOf, kinds).Scan(&contacts); err != nil {
			t.Fatal(err)
		}
		return reviews, contacts
	}

	sup, cws, other := h.client(t), h.client(t), h.client(t)
	h.signIn(t, sup, supEmail)
	h.signIn(t, cws, cwsEmail)
	h.signIn(t, other, otherEmail)
	u := strconv.FormatInt(unit, 10)
	reviewsCell := regexp.MustCompile(`data-testid="visit-reviews"><a href="/units/` + u + `#workers">(\d+)</a>`)
	contactsCell := regexp.MustCompile(`data-testid="contacts"><a href="/units/` + u + `/cases\?show=contacts">(\d+)</a>`)
	anyContacts := regexp.MustCompile(`data-testid="contacts"><a href="[^"]*">(\d+)</a>`)
	contactsCard := regexp.MustCompile(`<span class="n">(\d+)</span>\s*<span class="l">contacts awaiting approval</span>`)
	read := func() (reviews, contacts, areaContacts, unitReviews, unitContacts int) {
		t.Helper()
		r, body := h.get(t, cws, "/area")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("/area: %d", r.StatusCode)
		}
		if strings.Contains(body, "mvr.review_monthly") || strings.Contains(body, "contact_approval") {
			t.Error("/area names a rule id or tag")
		}
		m, c := reviewsCell.FindStringSubmatch(body), contactsCell.FindStringSubmatch(body)
		if m == nil || c == nil {
			t.Fatalf("unit %s's line on /area has no visit reviews overdue or contacts awaiting approval", u)
		}
		reviews, _ = strconv.Atoi(m[1])
		contacts, _ = strconv.Atoi(c[1])
		for _, a := range anyContacts.FindAllStringSubmatch(body, -1) {
			n, _ := strconv.Atoi(a[1])
			areaContacts += n
		}
		// The unit's own dashboard, as its supervisor sees it.
		r, body = h.get(t, sup, "/unit")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("/unit: %d", r.StatusCode)
		}
		unitReviews = strings.Count(body, `data-testid="visit-review-overdue"`)
		if k := contactsCard.FindStringSubmatch(body); k != nil {
			unitContacts, _ = strconv.Atoi(k[1])
		}
		return
	}
	wantReviews, wantContacts := expected()
	reviews, contacts, areaContacts, unitReviews, unitContacts := read()
	t.Logf("unit %s: %d reviews overdue, %d contacts awaiting, area contacts %d", u, reviews, contacts, areaContacts)
	if wantReviews == 0 {
		t.Fatal("no worker of the unit owes an overdue review: the test checks nothing")
	}
	if reviews != wantReviews || contacts != wantContacts || reviews != unitReviews || contacts != unitContacts {
		t.Errorf("area line: %d reviews overdue, %d contacts awaiting; data says %d, %d; the unit dashboard %d, %d",
			reviews, contacts, wantReviews, wantContacts, unitReviews, unitContacts)
	}

	// A contact awaiting approval in a unit of another area: no figure of
	// this area moves.
	var outside, inside int64
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $2::date
		JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $2::date
		WHERE a.during @> $2::date AND NOT EXISTS (SELECT 1 FROM supervisor_reports r
		      WHERE r.supervisor_id = us.supervisor_id AND r.casework_supervisor_id = $1 AND r.during @> $2::date)
		ORDER BY a.case_id LIMIT 1`, cwsID, asOf).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.unit_id = $1 AND m.during @> $2::date
		WHERE a.during @> $2::date ORDER BY a.case_id LIMIT 1`, unit, asOf).Scan(&inside); err != nil {
		t.Fatal(err)
	}
	pending := func(c int64) {
		t.Helper()
		if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at, approval)
			VALUES ($1, 'child_visit', '2026-12-09', now(), 'pending')`, c); err != nil {
			t.Fatal(err)
		}
	}
	pending(outside)
	if r2, c2, a2, _, _ := read(); r2 != reviews || c2 != contacts || a2 != areaContacts {
		t.Errorf("a contact in another area's unit moved this area: reviews %d, contacts %d, area's contacts %d; before %d, %d, %d",
			r2, c2, a2, reviews, contacts, areaContacts)
	}
	pending(inside)
	if _, c2, a2, _, k2 := read(); c2 != contacts+1 || a2 != areaContacts+1 || k2 != unitContacts+1 {
		t.Errorf("a contact of the unit awaiting approval: area line %d, area %d, unit card %d; want %d, %d, %d",
			c2, a2, k2, contacts+1, areaContacts+1, unitContacts+1)
	}
	if _, c2 := expected(); c2 != contacts+1 {
		t.Errorf("the data says %d contacts awaiting, want %d", c2, contacts+1)
	}

	// The supervisor records the month's review of one overdue worker: it
	// comes off the line.
	var worker int64
	_, unitBody := h.get(t, sup, "/unit")
	m := regexp.MustCompile(`data-worker="(\d+)">(?:[^<]|<[^/]|</[^t]|</t[^r])*data-testid="visit-review-overdue"`).FindStringSubmatch(unitBody)
	if m == nil {
		t.Fatal("no worker row marked visit plans not reviewed on /unit")
	}
	worker, _ = strconv.ParseInt(m[1], 10, 64)
	resp := h.post(t, sup, fmt.Sprintf("/workers/%d/mvr-review", worker), url.Values{"note": {"Visits against the plans reviewed."}}, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record the review: %d", resp.StatusCode)
	}
	if r2, _, _, u2, _ := read(); r2 != reviews-1 || u2 != unitReviews-1 {
		t.Errorf("after a review: area line %d, unit dashboard %d; want %d", r2, u2, reviews-1)
	}
	if w, _ := expected(); w != reviews-1 {
		t.Errorf("the data says %d reviews overdue, want %d", w, reviews-1)
	}

	// The links: the casework supervisor over the unit reaches both lists;
	// one outside the area is refused both, and their area has no such line.
	for _, path := range []string{"/units/" + u, "/units/" + u + "/cases?show=contacts"} {
		r, body := h.get(t, cws, path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s for the casework supervisor over the unit: %d", path, r.StatusCode)
		}
		switch {
		case strings.Contains(path, "contacts"):
			if !strings.Contains(body, `data-testid="case-list"`) || !regexp.MustCompile(`\b\d+ contacts? awaiting approval`).MatchString(body) {
				t.Errorf("%s lists no case with contacts awaiting approval", path)
			}
			if strings.Contains(body, " 1 contacts ") || strings.Contains(body, ">1 contacts ") {
				t.Errorf("%s says \"1 contacts\"", path)
			}
		default:
			if !strings.Contains(body, `id="workers"`) || strings.Count(body, `data-testid="visit-review-overdue"`) != reviews-1 {
				t.Errorf("%s does not mark the %d workers whose visit plans are not reviewed", path, reviews-1)
			}
		}
		if r, _ := h.get(t, other, path); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s for a casework supervisor of another area: %d, want 404", path, r.StatusCode)
		}
	}
	if _, body := h.get(t, other, "/area"); reviewsCell.MatchString(body) || contactsCell.MatchString(body) {
		t.Error("another area's dashboard shows the unit's line")
	}
}
