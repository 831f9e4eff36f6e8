package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

type apiCtxKey int

const tokenKey apiCtxKey = 0

// apiToken admits a request that presents a live token, and puts the token
// in its context; anything else is 401, the same whatever was wrong.
func (app *App) apiToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		auth := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="casework"`)
			apiError(w, http.StatusUnauthorized, "unauthorized", "Send a token: Authorization: Bearer cwk_...", nil)
			return
		}
		tok, err := app.store.TokenByValue(r.Context(), strings.TrimSpace(token))
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="casework", error="invalid_token"`)
			apiError(w, http.StatusUnauthorized, "unauthorized", "The token is unknown or revoked.", nil)
			return
		}
		if err != nil {
			app.apiStoreError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey, tok)))
	})
}

// apiViewer is who a token's reads are recorded as in the audit log.
func apiViewer(r *http.Request, tok store.APIToken) access.Viewer {
	o := origin(r)
	return access.Viewer{Name: fmt.Sprintf("API token %d (%s)", tok.ID, tok.Name), Addr: o.Addr, RequestID: o.RequestID}
}

type apiProblem struct {
	Param   string `json:"param"`
	Message string `json:"message"`
}

type apiErrorJSON struct {
	Error    string       `json:"error"`
	Message  string       `json:"message"`
	Problems []apiProblem `json:"problems,omitempty"`
}

func apiError(w http.ResponseWriter, status int, code, msg string, problems []apiProblem) {
	writeJSON(w, status, apiErrorJSON{Error: code, Message: msg, Problems: problems})
}

func (app *App) apiServerError(w http.ResponseWriter, r *http.Request, err error) {
	id := middleware.GetReqID(r.Context())
	app.log.Error("server error", "id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	apiError(w, http.StatusInternalServerError, "server_error", "Something went wrong on our side. If it happens again, tell IT the reference "+id+".", nil)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error": "server_error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// apiParams reads a query string against the parameters a route accepts,
// collecting a problem per bad or unknown parameter.
type apiParams struct {
	r        *http.Request
	allowed  []string
	problems []apiProblem
}

func (app *App) params(r *http.Request, allowed ...string) *apiParams {
	p := &apiParams{r: r, allowed: allowed}
	for name, vs := range r.URL.Query() {
		switch {
		case !slices.Contains(allowed, name):
			p.add(name, "unknown parameter (this route takes: "+strings.Join(allowed, ", ")+")")
		case len(vs) > 1:
			p.add(name, "given more than once")
		}
	}
	slices.SortFunc(p.problems, func(a, b apiProblem) int { return strings.Compare(a.Param, b.Param) })
	return p
}

func (p *apiParams) add(param, msg string) { p.problems = append(p.problems, apiProblem{param, msg}) }

func (p *apiParams) str(name string) string { return strings.TrimSpace(p.r.URL.Query().Get(name)) }

func (p *apiParams) date(name string) rules.Date {
	s := p.str(name)
	if s == "" {
		return rules.Date{}
	}
	d, err := rules.ParseDate(s)
	if err != nil {
		p.add(name, fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", s))
	}
	return d
}

func (p *apiParams) int(name string, min, max int) int {
	s := p.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		p.add(name, fmt.Sprintf("%q is not a whole number from %d to %d", s, min, max))
		return 0
	}
	return n
}

func (p *apiParams) oneOf(name string, values ...string) string {
	s := p.str(name)
	if s != "" && !slices.Contains(values, s) {
		p.add(name, fmt.Sprintf("%q is not one of %s", s, strings.Join(values, ", ")))
		return ""
	}
	return s
}

// bad answers 400 with the problems, if any.
func (p *apiParams) bad(w http.ResponseWriter) bool {
	if len(p.problems) == 0 {
		return false
	}
	apiError(w, http.StatusBadRequest, "bad_request", "Some parameters are wrong; nothing was read.", p.problems)
	return true
}

type apiScopeJSON struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func scopeJSON(tok store.APIToken) apiScopeJSON {
	return apiScopeJSON{Kind: tok.ScopeKind, ID: tok.ScopeID, Name: tok.ScopeName}
}

func tokenFrom(r *http.Request) store.APIToken {
	tok, _ := r.Context().Value(tokenKey).(store.APIToken)
	return tok
}

// apiScope: GET /api/v1/scope — what the token reads: its scope and units today.
func (app *App) apiScope(w http.ResponseWriter, r *http.Request) {
	if p := app.params(r); p.bad(w) {
		return
	}
	tok := tokenFrom(r)
	units, err := app.store.TokenScopeUnits(r.Context(), tok, app.today())
	if err != nil {
		app.apiStoreError(w, r, err)
		return
	}
	if units == nil {
		units = []store.ScopeUnit{}
	}
	type tokenJSON struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	writeJSON(w, http.StatusOK, struct {
		Token tokenJSON         `json:"token"`
		Scope apiScopeJSON      `json:"scope"`
		AsOf  string            `json:"as_of"`
		Units []store.ScopeUnit `json:"units"`
	}{tokenJSON{tok.ID, tok.Name}, scopeJSON(tok), app.today().Format(time.DateOnly), units})
}

// apiObligation is one obligation with where its subject stands.
type apiObligation struct {
	Rule        string     `json:"rule"`
	Subject     string     `json:"subject"`
	SubjectKind string     `json:"subject_kind"` // case, worker, supervisor, conference
	Unit        int64      `json:"unit"`
	Worker      string     `json:"worker,omitempty"` // the worker of a case or conference subject, or the worker subject
	Due         rules.Date `json:"due"`
	State       string     `json:"state"`
	Last        rules.Date `json:"last"`
	Met         rules.Date `json:"met"`
	Why         string     `json:"why"`
	Source      string     `json:"source"`
}

// apiObligations: GET /api/v1/obligations — what the scope owes today, as
// the dashboards show it, filtered by unit, worker, rule, state, due before.
func (app *App) apiObligations(w http.ResponseWriter, r *http.Request) {
	p := app.params(r, "unit", "worker", "rule", "state", "due_before")
	unit := int64(p.int("unit", 1, 1<<53))
	worker := p.str("worker")
	rule := p.str("rule")
	state := p.oneOf("state", rules.StateOpen, rules.StateOverdue, rules.StateMet, rules.StateMetLate)
	dueBefore := p.date("due_before")
	if p.bad(w) {
		return
	}
	tok := tokenFrom(r)
	sf, err := app.store.TokenFacts(r.Context(), apiViewer(r, tok), tok, app.today())
	if err != nil {
		app.apiStoreError(w, r, err)
		return
	}
	if unit != 0 && !slices.ContainsFunc(sf.Units, func(u store.ScopeUnit) bool { return u.ID == unit }) {
		apiError(w, http.StatusNotFound, "not_found", "No such unit in this token's scope.", nil)
		return
	}
	res, err := rules.Evaluate(sf.Facts, rules.Options{})
	if err != nil {
		app.apiStoreError(w, r, err)
		return
	}
	// Where each subject stands; staff named by old conferences from outside
	// the scope are in the facts for validity, not for their obligations.
	type place struct {
		kind   string
		unit   int64
		worker string
	}
	where := map[string]place{}
	for _, s := range sf.Facts.Staff {
		if u, ok := sf.Unit[s.ID]; ok && s.Role != rules.RoleCaseworkSupervisor {
			pl := place{kind: s.Role, unit: u}
			if s.Role == rules.RoleWorker {
				pl.worker = s.ID
			}
			where[s.ID] = pl
		}
	}
	for _, c := range sf.Facts.Cases {
		if u, ok := sf.Unit[c.Worker]; ok {
			where[c.ID] = place{kind: "case", unit: u, worker: c.Worker}
		}
	}
	for _, k := range sf.Facts.Conferences {
		if u, ok := sf.Unit[k.Supervisor]; ok {
			where[k.ID] = place{kind: "conference", unit: u, worker: k.Worker}
		}
	}
	out := []apiObligation{}
	for _, o := range res.Obligations {
		pl, ok := where[o.Subject]
		switch {
		case !ok:
		case unit != 0 && pl.unit != unit:
		case worker != "" && pl.worker != worker:
		case rule != "" && o.Rule != rule:
		case state != "" && o.State != state:
		case !dueBefore.IsZero() && !o.Due.Before(dueBefore):
		default:
			out = append(out, apiObligation{Rule: o.Rule, Subject: o.Subject, SubjectKind: pl.kind, Unit: pl.unit, Worker: pl.worker,
				Due: o.Due, State: o.State, Last: o.Last, Met: o.Met, Why: o.Why, Source: o.Source})
		}
	}
	writeJSON(w, http.StatusOK, struct {
		AsOf        rules.Date      `json:"as_of"`
		Profile     string          `json:"profile"`
		Scope       apiScopeJSON    `json:"scope"`
		Obligations []apiObligation `json:"obligations"`
	}{res.AsOf, res.Profile, scopeJSON(tok), out})
}

// apiConferences: GET /api/v1/conferences — the held conferences of the
// scope: who, when, which cases, where the record stands. Never notes.
func (app *App) apiConferences(w http.ResponseWriter, r *http.Request) {
	p := app.params(r, "from", "to", "unit", "worker", "kind", "limit")
	q := store.ConferenceQuery{
		Unit:   int64(p.int("unit", 1, 1<<53)),
		Worker: p.str("worker"),
		Kind:   p.oneOf("kind", rules.KindSupervision, rules.KindCaseworkReview),
		Limit:  p.int("limit", 1, 1000),
	}
	from, to := p.date("from"), p.date("to")
	if p.bad(w) {
		return
	}
	today := app.today()
	q.To = today
	if !to.IsZero() {
		q.To = time.Date(to.Year(), time.Month(to.Month()), to.Day(), 0, 0, 0, 0, time.UTC)
	}
	q.From = q.To.AddDate(0, 0, -31)
	if !from.IsZero() {
		q.From = time.Date(from.Year(), time.Month(from.Month()), from.Day(), 0, 0, 0, 0, time.UTC)
	}
	if q.Limit == 0 {
		q.Limit = 200
	}
	if q.From.After(q.To) {
		apiError(w, http.StatusBadRequest, "bad_request", "Some parameters are wrong; nothing was read.",
			[]apiProblem{{"from", "after to"}})
		return
	}
	tok := tokenFrom(r)
	if q.Unit != 0 {
		units, err := app.store.TokenScopeUnits(r.Context(), tok, today)
		if err != nil {
			app.apiStoreError(w, r, err)
			return
		}
		if !slices.ContainsFunc(units, func(u store.ScopeUnit) bool { return u.ID == q.Unit }) {
			apiError(w, http.StatusNotFound, "not_found", "No such unit in this token's scope.", nil)
			return
		}
	}
	list, more, err := app.store.TokenConferences(r.Context(), apiViewer(r, tok), tok, today, q)
	if err != nil {
		app.apiStoreError(w, r, err)
		return
	}
	if list == nil {
		list = []store.ConferenceMeta{}
	}
	writeJSON(w, http.StatusOK, struct {
		Scope       apiScopeJSON           `json:"scope"`
		From        string                 `json:"from"`
		To          string                 `json:"to"`
		Conferences []store.ConferenceMeta `json:"conferences"`
		More        bool                   `json:"more"`
	}{scopeJSON(tok), q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), list, more})
}
