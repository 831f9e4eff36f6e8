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
	v, _ := viewerFrom(r.Context())
	today := app.today()
	ar, err := app.evaluateArea(r, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	requests, err := app.store.EmergentQueue(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	for i := range requests {
		requests[i].RequestedAt = requests[i].RequestedAt.In(app.loc)
		if requests[i].AnsweredAt != nil {
			t := requests[i].AnsweredAt.In(app.loc)
			requests[i].AnsweredAt = &t
		}
	}
	reasons := map[string]string{}
	for _, e := range store.EmergentReasons {
		reasons[e.Code] = e.Words
	}
	a := views.AreaDashboard{Units: ar.units, Cases: ar.refs, Requests: requests, Reasons: reasons,
		Month: today.Format("2006-01")}
	if r.URL.Query().Get("notice") == "answered" {
		a.Notice = "Your answer is recorded."
	}
	app.render(w, r, http.StatusOK, views.AreaPage(app.chrome(r, "My area", "/area"), a))
}

// answerRequest records the casework supervisor's answer to an emergent request.
func (app *App) answerRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "requestID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	if mine, err := app.store.RequestAddressedTo(r.Context(), v, id); err != nil || !mine {
		app.storeError(w, r, errOr(err, store.ErrNotFound))
		return
	}
	answer := strings.TrimSpace(r.PostForm.Get("answer"))
	if answer == "" || utf8.RuneCountInString(answer) > maxText {
		app.errorPage(w, r, http.StatusUnprocessableEntity, "Answer", fmt.Sprintf("Write an answer of at most %d characters. Nothing was recorded; go back to keep what you typed.", maxText))
		return
	}
	if err := app.store.AnswerRequest(r.Context(), v, id, answer); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/area?notice=answered#q-h", http.StatusSeeOther)
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
