package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/store"
)

// FuzzCheckInput sends any body and query through the body limit and the
// input check (the seeds run as an ordinary test): the answer is never a
// 5xx; a handler is reached only with storable text; text that parses but
// cannot be stored is 422; a body over the limit is 413.
func FuzzCheckInput(f *testing.F) {
	for _, s := range []struct{ query, body string }{
		{"", "email=someone%40agency.example&password=x"},
		{"", "email=a%00b%40agency.example&password=x"},           // NUL in the sign-in email
		{"", "notes=%FF%FEnot+utf-8&version=3"},                   // a conference's notes
		{"", "case_12_discussion_safety=ok&case_12_notes=%C0%AF"}, // an overlong encoding
		{"", "reason=critical_incident&details=%00"},              // an emergent request
		{"q=%00", ""},                                // the cases search
		{"email=%E2%28%A1", ""},                      // the audit search
		{"", "%00=name"},                             // a bad field name
		{"", "flag=%zz"},                             // not decodable
		{"", strings.Repeat("a", 2000)},              // over the limit
		{"ok=%E2%9C%93", "text=%E2%9C%93+caf%C3%A9"}, // fine UTF-8
	} {
		f.Add(s.query, s.body)
	}
	app, err := New(Config{Store: store.New(nil), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC) }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(app.Close)
	const limit = 1 << 10
	f.Fuzz(func(t *testing.T, query, body string) {
		reached := false
		h := limitBody(limit, nil)(app.checkInput(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached = true
			for k, vs := range r.Form {
				for _, v := range append(vs, k) {
					if !storable(v) {
						t.Fatalf("handler reached with unstorable text in %q", k)
					}
				}
			}
		})))
		req := httptest.NewRequest(http.MethodPost, "/form", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for query %q body %q", rec.Code, query, body)
		}
		q, qerr := url.ParseQuery(query)
		b, berr := url.ParseQuery(body)
		switch {
		case len(body) > limit:
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("a body of %d bytes over a limit of %d: %d, want 413", len(body), limit, rec.Code)
			}
		case qerr == nil && berr == nil:
			_, badQ := unstorableField(q)
			_, badB := unstorableField(b)
			if want := badQ || badB; want != (rec.Code == http.StatusUnprocessableEntity) || want == reached {
				t.Fatalf("query %q body %q: status %d, handler reached %v; unstorable text: %v", query, body, rec.Code, reached, want)
			}
		}
	})
}
