package sso

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The checks made before the provider is asked anything: the provider here
// is unreachable, so any of them that let the answer through would fail
// with a plain error instead of a refusal.
func TestFinishRefusesBeforeAskingTheProvider(t *testing.T) {
	now := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	c, err := New(Config{Issuer: "http://127.0.0.1:1", ClientID: "casework", RedirectURL: "http://127.0.0.1:2/login/oidc/callback",
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	fresh := Pending{State: "s-1", Nonce: "n", Verifier: "v", Begun: now.Add(-time.Minute)}
	for _, tc := range []struct {
		name   string
		pend   Pending
		ok     bool
		q      url.Values
		reason string
	}{
		{"no sign-in begun in this browser", Pending{}, false, url.Values{"state": {"s-1"}, "code": {"c"}}, "state"},
		{"another state", fresh, true, url.Values{"state": {"s-2"}, "code": {"c"}}, "state"},
		{"no state", fresh, true, url.Values{"code": {"c"}}, "state"},
		{"begun too long ago", Pending{State: "s-1", Begun: now.Add(-11 * time.Minute)}, true, url.Values{"state": {"s-1"}, "code": {"c"}}, "expired"},
		{"the provider's error", fresh, true, url.Values{"state": {"s-1"}, "error": {"access_denied"}}, "provider_error"},
		{"no code", fresh, true, url.Values{"state": {"s-1"}}, "provider_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Finish(context.Background(), tc.pend, tc.ok, tc.q)
			var r *Refusal
			if !errors.As(err, &r) || r.Reason != tc.reason || r.Issuer != "http://127.0.0.1:1" {
				t.Errorf("Finish: %v, want a refusal for %s", err, tc.reason)
			}
		})
	}
}

func TestPendingRoundTrip(t *testing.T) {
	p := Pending{State: "s", Nonce: "n", Verifier: "v", Begun: time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)}
	got, ok := DecodePending(p.Encode())
	if !ok || got != p {
		t.Errorf("DecodePending(Encode(%v)) = %v, %v", p, got, ok)
	}
	for _, s := range []string{"", "{", `{"state":""}`} {
		if _, ok := DecodePending(s); ok {
			t.Errorf("DecodePending(%q) accepted", s)
		}
	}
}

func TestNewNamesWhatIsMissing(t *testing.T) {
	_, err := New(Config{})
	for _, name := range []string{"OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_REDIRECT_URL"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("New(empty): %v does not name %s", err, name)
		}
	}
}
