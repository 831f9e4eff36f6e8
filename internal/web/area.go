package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// areaPage is the casework supervisor's dashboard: every unit of the area
// from one load of the area's facts and one evaluation.
func (app *App) areaPage(w http.ResponseWriter, r *http.Request) {
	app.showArea(w, r, http.StatusOK, views.AnswerForm{})
}

func (app *App) showArea(w http.ResponseWriter, r *http.Request, status int, answer views.AnswerForm) {
	v, _ := viewerFrom(r.Context())
	today := app.today()
	ar, err := app.evaluateArea(r, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	requests, err := app.store.EmergentQueue(r.Context(), v, app.loc.String())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	a := views.AreaDashboard{Units: ar.units, Cases: ar.refs, Requests: app.emergentEntries(r, requests), Reasons: emergentReasons(),
		Month: today.Format("2006-01"), Answer: answer}
	if r.URL.Query().Get("notice") == "answered" {
		a.Notice = "Your answer is recorded."
	}
	app.render(w, r, status, views.AreaPage(app.chrome(r, "My area", "/area"), a))
}

// answerRequest records the casework supervisor's answer to an emergent
// request with the day the conference was held; a problem brings the area
// back with the message beside the field and what was typed.
func (app *App) answerRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "requestID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	made, err := app.store.RequestMadeOn(r.Context(), v, id)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	f := views.AnswerForm{RequestID: id, Answer: r.PostForm.Get("answer"), HeldOn: r.PostForm.Get("held_on"), Problems: map[string]string{}}
	answer := strings.TrimSpace(f.Answer)
	switch {
	case answer == "":
		f.Problems["answer"] = "Say what was decided at the conference."
	case utf8.RuneCountInString(answer) > maxText:
		f.Problems["answer"] = fmt.Sprintf("Keep the answer under %d characters.", maxText)
	}
	held, problem := app.parseDay(f.HeldOn)
	if problem == "" && held.Before(startOfDay(made.In(app.loc))) {
		problem = "The conference answers the request: it is held on or after the day the request was made (" + made.In(app.loc).Format(time.DateOnly) + ")."
	}
	if problem != "" {
		f.Problems["held_on"] = problem
	}
	if len(f.Problems) > 0 {
		app.showArea(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := app.store.AnswerRequest(r.Context(), v, id, answer, held, app.now()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/area?notice=answered#q-h", http.StatusSeeOther)
}

// startOfDay is the calendar date of t, as parseDay returns dates.
func startOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// errOr is err, or def when err is nil.
func errOr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// areaEval is an area's units evaluated on a date. Read-only once made.
type areaEval struct {
	units []dashboard.AreaUnit
	refs  map[string]store.CaseRef
}

// evaluateArea records the view of the casework supervisor's area and
// returns its units' lines: kept from an earlier view if no unit's data
// changed since (evalcache.go), else composed from each unit's own
// evaluation. Those are kept per unit, the very ones the unit dashboards
// use, so after a change in one unit only that unit is evaluated again, and
// a unit a supervisor just viewed costs the area nothing.
func (app *App) evaluateArea(r *http.Request, today time.Time) (*areaEval, error) {
	v, _ := viewerFrom(r.Context())
	stamp, unitStamps, err := app.store.AreaView(r.Context(), v, today)
	if err != nil {
		return nil, err
	}
	key := cacheKey{kind: 'a', id: v.PersonID, day: today}
	if e, ok := app.cache.get(key, stamp); ok {
		return e.(*areaEval), nil
	}
	units, err := app.store.AreaUnitsRead(r.Context(), v, today)
	if err != nil {
		return nil, err
	}
	e := &areaEval{refs: map[string]store.CaseRef{}}
	asOf := dateOf(today)
	// Kept between views: what the page shows, not the evaluations behind
	// it (each unit's full dashboard stays with the unit's own kept state).
	own := func(o *rules.Obligation) *rules.Obligation {
		if o == nil {
			return nil
		}
		c := *o
		return &c
	}
	obligations := 0
	for _, u := range units {
		st, err := app.keptUnit(r, u.UnitID, today, unitStamps[u.UnitID])
		if err != nil {
			return nil, err
		}
		in := dashboard.AreaInput{UnitID: u.UnitID, Name: u.UnitName, SupervisorID: u.SupervisorID,
			SupervisorFact: st.factOf[u.SupervisorID], SupervisorName: u.SupervisorName}
		line := dashboard.AreaUnitOf(in, st.unit, st.facts.Cases, asOf, st.reviews[in.SupervisorFact])
		line.Unit = dashboard.Unit{Totals: line.Unit.Totals}
		line.NextReview = own(line.NextReview)
		for j := range line.HighRisk {
			line.HighRisk[j].Report, line.HighRisk[j].Weekly = own(line.HighRisk[j].Report), own(line.HighRisk[j].Weekly)
			obligations += 2
		}
		for k, ref := range st.caseRef {
			e.refs[k] = ref
		}
		e.units = append(e.units, line)
	}
	app.cache.put(key, stamp, int64(8192+512*len(e.refs)+512*len(e.units)+320*obligations), e)
	return e, nil
}
