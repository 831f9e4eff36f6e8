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
// returns its units' dashboards: kept from an earlier view if no unit's data
// changed since (evalcache.go), else one load of the area's facts and one
// evaluation.
func (app *App) evaluateArea(r *http.Request, today time.Time) (*areaEval, error) {
	v, _ := viewerFrom(r.Context())
	stamp, err := app.store.AreaView(r.Context(), v, today)
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
	f, ids, members, err := app.store.AreaFacts(r.Context(), v, today)
	if err != nil {
		return nil, err
	}
	refs, err := app.store.AreaCases(r.Context(), v, today)
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		return nil, err
	}
	factOf := map[int64]string{}
	for fid, pid := range ids.People {
		factOf[pid] = fid
	}
	names := map[string]string{}
	for _, s := range f.Staff {
		names[s.ID] = s.Name
	}
	inputs := make([]dashboard.AreaInput, 0, len(units))
	byUnit := map[int64]int{}
	for _, u := range units {
		byUnit[u.UnitID] = len(inputs)
		inputs = append(inputs, dashboard.AreaInput{UnitID: u.UnitID, Name: u.UnitName, SupervisorName: u.SupervisorName})
	}
	for _, m := range members {
		i, ok := byUnit[m.UnitID]
		if !ok {
			continue
		}
		in := &inputs[i]
		in.SupervisorID, in.SupervisorFact = m.SupervisorID, factOf[m.SupervisorID]
		fid := factOf[m.WorkerID]
		in.Workers = append(in.Workers, dashboard.Worker{PersonID: m.WorkerID, FactID: fid, Name: names[fid]})
	}
	e := &areaEval{units: dashboard.BuildArea(f, res, inputs), refs: refs}
	// Kept between views: what the page shows, not the evaluation behind it
	// (each unit's full dashboard, the area's every obligation).
	own := func(o *rules.Obligation) *rules.Obligation {
		if o == nil {
			return nil
		}
		c := *o
		return &c
	}
	obligations := 0
	for i := range e.units {
		u := &e.units[i]
		u.Unit = dashboard.Unit{Totals: u.Unit.Totals}
		u.NextReview = own(u.NextReview)
		for j := range u.HighRisk {
			u.HighRisk[j].Report, u.HighRisk[j].Weekly = own(u.HighRisk[j].Report), own(u.HighRisk[j].Weekly)
			obligations += 2
		}
	}
	app.cache.put(key, stamp, int64(8192+512*len(refs)+512*len(e.units)+320*obligations), e)
	return e, nil
}
