package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

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
	ar, err := app.ws.Area(r.Context(), v, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	requests, err := app.store.EmergentQueue(r.Context(), v, app.loc.String())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	obs, err := app.store.AreaEmergent(r.Context(), v, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	a := views.AreaDashboard{Units: ar.Units, Cases: ar.Refs, Requests: app.emergentEntries(requests, obs), Reasons: emergentReasons(),
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
