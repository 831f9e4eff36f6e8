package web_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/access"
)

// Who may reach each route. The test walks the router and fails when a route
// has no row here, so a new route cannot ship without a decision.
//
//	public:  anyone, signed in or not
//	signedIn: any signed-in person
//	roles:   only those roles; everyone else gets 404 (as for nothing there)
type reach struct {
	public   bool
	signedIn bool
	roles    []access.Role
}

var matrix = map[string]reach{
	"GET /healthz":   {public: true},
	"GET /readyz":    {public: true},
	"GET /static/*":  {public: true},
	"GET /login":     {public: true},
	"POST /login":    {public: true},
	"POST /logout":   {public: true},
	"GET /":          {signedIn: true},
	"GET /password":  {signedIn: true},
	"POST /password": {signedIn: true},
	"GET /unit":      {roles: []access.Role{access.Supervisor}},
	"GET /area":      {roles: []access.Role{access.CaseworkSupervisor}},
	"GET /caseload":  {roles: []access.Role{access.Worker}},
	"GET /admin":     {roles: []access.Role{access.Administrator}},
}

// addMatrix lets the tests of another part of the app (admin_matrix_test.go,
// for instance) add the rows of its routes.
func addMatrix(rows map[string]reach) {
	for k, v := range rows {
		if _, dup := matrix[k]; dup {
			panic("access matrix: two rows for " + k)
		}
		matrix[k] = v
	}
}

// requestPath turns a route pattern into a concrete request path.
func requestPath(pattern string) string {
	if strings.HasSuffix(pattern, "/*") {
		return strings.TrimSuffix(pattern, "*") + "anything"
	}
	return pattern
}

func TestAccessMatrixCoversEveryRoute(t *testing.T) {
	h := newHarness(t)
	var routes []string
	err := chi.Walk(h.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(routes)
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r] = true
		if _, ok := matrix[r]; !ok {
			t.Errorf("route %q has no entry in the access matrix: decide who may reach it", r)
		}
	}
	for r := range matrix {
		if !seen[r] {
			t.Errorf("matrix entry %q names no route", r)
		}
	}
}

func TestAccessMatrix(t *testing.T) {
	h := newHarness(t)
	clients := map[string]*http.Client{"signed out": h.client(t)}
	for _, role := range access.Roles {
		c := h.client(t)
		h.signIn(t, c, h.email(t, string(role)))
		clients[string(role)] = c
	}
	for route, want := range matrix {
		method, pattern, _ := strings.Cut(route, " ")
		path := requestPath(pattern)
		for who, c := range clients {
			if method == http.MethodPost && (path == "/logout" || path == "/login") {
				continue // these change the session under test; covered in web_test.go
			}
			var resp *http.Response
			if method == http.MethodGet {
				resp, _ = h.get(t, c, path)
			} else {
				resp = h.post(t, c, path, url.Values{}, "same-origin")
				resp.Body.Close()
			}
			allowed := want.public || (who != "signed out" && (want.signedIn || hasRole(want.roles, access.Role(who))))
			got := resp.StatusCode
			denied := got == http.StatusNotFound || got == http.StatusUnauthorized || got == http.StatusForbidden ||
				(got == http.StatusSeeOther && resp.Header.Get("Location") == "/login")
			if path == "/static/anything" {
				denied = false // no such file answers 404 to everyone; reach is all that is tested
			}
			if allowed == denied {
				t.Errorf("%s as %s: %d %s, want allowed=%v", route, who, got, resp.Header.Get("Location"), allowed)
			}
		}
	}
}

func hasRole(roles []access.Role, r access.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
