package web

import (
	"fmt"
	"net/http"
	"strings"
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
	units, err := app.store.AreaUnits(r.Context(), v, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	f, ids, members, err := app.store.AreaFacts(r.Context(), v, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	refs, err := app.store.AreaCases(r.Context(), v, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	requests, err := app.store.EmergentQueue(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		app.serverError(w, r, err)
		return
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
	a := views.AreaDashboard{Units: dashboard.BuildArea(f, res, inputs), Cases: refs, Requests: requests, Reasons: reasons,
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
