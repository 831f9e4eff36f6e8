package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/web"
)

// statuses sends the forms at once, each from its own client, and counts
// the answers by status; every 429 and 503 must say when to come back.
func (h *harness) statuses(t *testing.T, forms []url.Values) map[int]int {
	t.Helper()
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, f := range forms {
		wg.Go(func() {
			<-start
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/login", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := h.client(t).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if s := resp.StatusCode; s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable {
				if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
					t.Errorf("%d without a Retry-After in seconds: %q", s, resp.Header.Get("Retry-After"))
				}
			}
			mu.Lock()
			got[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return got
}

// Simultaneous attempts for one account: no more than the lockout's five
// are ever evaluated, whatever arrives at once, the right password among them.
func TestSimultaneousSignInsGetNoMoreTriesThanTheLockout(t *testing.T) {
	// Room for every admitted attempt to wait its turn, however slow the
	// machine: this test is about the lockout, not the gate.
	h := newHarnessWith(t, func(c *web.Config) { c.HashWait = time.Hour })
	email := h.email(t, "supervisor")
	var forms []url.Values
	for i := range 12 {
		pw := "wrong-password-here"
		if i == 11 {
			pw = demo.Password
		}
		forms = append(forms, url.Values{"email": {email}, "password": {pw}})
	}
	got := h.statuses(t, forms)
	evaluated := got[http.StatusUnauthorized] + got[http.StatusSeeOther]
	if evaluated > 5 || got[http.StatusTooManyRequests] != 12-evaluated {
		t.Fatalf("12 attempts at once: %v; want at most 5 evaluated (401 or 303), the rest 429", got)
	}
	// Thirty at once for another email: five evaluated, twenty-five locked out.
	forms = forms[:0]
	for range 30 {
		forms = append(forms, url.Values{"email": {"nobody-at-all@" + demo.EmailDomain}, "password": {"wrong-password-here"}})
	}
	// From another address's point of view these are all one client, so the
	// address limit (20) is reached too: still no more than 5 per email.
	got = h.statuses(t, forms)
	if got[http.StatusUnauthorized] != 5 || got[http.StatusTooManyRequests] != 25 {
		t.Fatalf("30 attempts at once: %v; want 5 × 401 and 25 × 429", got)
	}
}

// A locked account is refused before any hashing (even when every hashing
// slot is taken), and an attempt that finds the slots and the queue full is
// answered 503 with Retry-After, without being counted as a failure.
func TestSignInBeyondTheHashingSlotsIsRefusedNotQueued(t *testing.T) {
	gate := auth.NewGate(1, 0)
	h := newHarnessWith(t, func(c *web.Config) { c.HashGate = gate })
	email := h.email(t, "supervisor")
	for range 5 {
		h.failSignIn(t, h.client(t), email).Body.Close()
	}
	release, ok := gate.Enter(context.Background())
	if !ok {
		t.Fatal("the gate's one slot")
	}
	r := h.post(t, h.client(t), "/login", url.Values{"email": {email}, "password": {demo.Password}}, "same-origin")
	r.Body.Close()
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("locked account while every slot is taken: %d Retry-After %q, want 429 at once", r.StatusCode, r.Header.Get("Retry-After"))
	}
	worker := h.email(t, "worker")
	r = h.post(t, h.client(t), "/login", url.Values{"email": {worker}, "password": {"wrong-password-here"}}, "same-origin")
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sign-in with no slot free: %d Retry-After %q, want 503 with Retry-After", r.StatusCode, r.Header.Get("Retry-After"))
	}
	var n int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM login_failures WHERE email = lower($1)`, worker).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("an attempt refused as busy counted as %d failures", n)
	}
	release()
	h.signIn(t, h.client(t), worker)
}
