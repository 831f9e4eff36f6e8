package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/notify"
	"github.com/casework/casework/internal/store"
)

// composeDigests queues the demo day's digests as the notifier does.
func (h *harness) composeDigests(t *testing.T) int {
	t.Helper()
	loc, _ := time.LoadLocation("America/New_York")
	n := &notify.Notifier{Store: store.New(h.pool), Now: func() time.Time { return fixedNow }, Location: loc, DigestHour: 7, BaseURL: "http://casework.test"}
	added, err := n.ComposeDay(context.Background(), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return added
}

// The outbox page: administrators only, filtered by status and kind, a
// page at a time, with the reason of each failure; where no SMTP server is
// set (the demo) an administrator reads each message as sent, nobody else.
func TestOutboxPageIsTheAdministratorsOnly(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if n := h.composeDigests(t); n <= store.OutboxPageSize {
		t.Fatalf("%d messages: too few to need a second page", n)
	}
	failed := h.id(t, `UPDATE outbox SET status = 'failed', attempts = 1, reason = '550 5.1.1 No such mailbox'
		WHERE id = (SELECT min(id) FROM outbox) RETURNING id`)

	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	resp, body := h.get(t, admin, "/admin/outbox")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="preview-mode"`) {
		t.Fatalf("outbox: %d", resp.StatusCode)
	}
	if rows := strings.Count(body, `data-testid="outbox-row"`); rows != store.OutboxPageSize || !strings.Contains(body, `data-testid="next-page"`) {
		t.Fatalf("first page: %d rows, next link %v", rows, strings.Contains(body, "next-page"))
	}
	i := strings.Index(body, `href="/admin/outbox?before=`)
	next := body[i+len(`href="`):]
	next = strings.ReplaceAll(next[:strings.Index(next, `"`)], "&amp;", "&")
	if resp, body := h.get(t, admin, next); resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="outbox-row"`) ||
		!strings.Contains(body, "No such mailbox") {
		t.Fatalf("the next page (%s): %d, or it lacks the oldest, failed message", next, resp.StatusCode)
	}
	_, body = h.get(t, admin, "/admin/outbox?status=failed&kind=digest")
	if strings.Count(body, `data-testid="outbox-row"`) != 1 || !strings.Contains(body, "550 5.1.1 No such mailbox") {
		t.Fatalf("the failed filter does not show the one failure with its reason")
	}
	msg := fmt.Sprintf("/admin/outbox/%d", failed)
	resp, body = h.get(t, admin, msg)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Casework daily digest for Mon 23 Nov 2026") || !strings.Contains(body, `data-testid="text-part"`) {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	resp, body = h.get(t, admin, msg+"/html")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(body, "<html") {
		t.Fatalf("HTML part: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}

	for _, role := range []string{"worker", "supervisor", "casework_supervisor"} {
		c := h.client(t)
		h.signIn(t, c, h.email(t, role))
		for _, p := range []string{"/admin/outbox", msg, msg + "/html"} {
			if resp, _ := h.get(t, c, p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: GET %s answered %d, want 404", role, p, resp.StatusCode)
			}
		}
		if code, _, _ := h.postForm(t, c, "/admin/outbox/policy", url.Values{}); code != http.StatusNotFound {
			t.Errorf("%s: POST /admin/outbox/policy answered %d", role, code)
		}
	}
	var mandatory bool
	_ = h.pool.QueryRow(ctx, `SELECT mandatory FROM notification_policy WHERE kind = 'escalation'`).Scan(&mandatory)
	if !mandatory {
		t.Fatal("others' refused posts changed the policy")
	}
}

// The digest's unsubscribe link leads to the person's settings, which stop
// it after a confirmation; a kind the administrator makes mandatory cannot
// be turned off, and the refusal names it.
func TestUnsubscribeAndMandatoryKinds(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	worker := h.client(t)
	email := h.email(t, "worker")
	h.signIn(t, worker, email)
	resp, body := h.get(t, worker, "/settings/notifications?stop=digest")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="stop-digest"`) {
		t.Fatalf("the unsubscribe link: %d", resp.StatusCode)
	}
	code, loc, _ := h.postForm(t, worker, "/settings/notifications", url.Values{"digest": {"off"}, "shared_record": {"digest"}})
	if code != http.StatusSeeOther || loc != "/settings/notifications?saved=1" {
		t.Fatalf("saving: %d %s", code, loc)
	}
	choice := func(kind string) string {
		var c string
		_ = h.pool.QueryRow(ctx, `SELECT choice FROM notification_preferences np JOIN people p ON p.id = np.person_id WHERE p.email = $1 AND np.kind = $2`, email, kind).Scan(&c)
		return c
	}
	if choice("digest") != "off" || choice("shared_record") != "digest" {
		t.Fatalf("choices saved: digest %q, shared records %q", choice("digest"), choice("shared_record"))
	}

	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	if code, _, _ := h.postForm(t, admin, "/admin/outbox/policy", url.Values{"mandatory": {"digest", "escalation"}}); code != http.StatusSeeOther {
		t.Fatalf("policy: %d", code)
	}
	code, _, body = h.postForm(t, worker, "/settings/notifications", url.Values{"digest": {"off"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Daily digest: choose") {
		t.Fatalf("turning off a mandatory kind: %d", code)
	}
	_, body = h.get(t, worker, "/settings/notifications?stop=digest")
	if strings.Contains(body, `data-testid="stop-digest"`) || !strings.Contains(body, "The agency requires the daily digest") {
		t.Fatal("the unsubscribe link offers to stop a mandatory digest")
	}
	// The worker's earlier "off" no longer holds: the digest is composed.
	if got := notify.Effective("digest", choice("digest"), true); got != notify.Digest {
		t.Fatalf("effective choice %q", got)
	}
}
