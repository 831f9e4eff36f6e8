package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// newReview starts a casework review with a supervisor who reports to the
// viewer: the unit's high and very high risk cases and the flagged ones
// checked (seed 001's agenda follows on the record's page).
func (app *App) newReview(w http.ResponseWriter, r *http.Request) {
	app.showNewReview(w, r, http.StatusOK, app.today().Format(time.DateOnly), nil, nil)
}

func (app *App) showNewReview(w http.ResponseWriter, r *http.Request, status int, heldOn string, chosen map[int64]bool, problems map[string]string) {
	id, ok := urlID(r, "supervisorID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	name, cands, err := app.store.ReviewCandidates(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	if chosen == nil {
		chosen = map[int64]bool{}
		for _, k := range cands {
			if k.Flagged || k.Risk == "high" || k.Risk == "very_high" {
				chosen[k.CaseID] = true
			}
		}
	}
	n := views.NewReview{SupervisorID: id, SupervisorName: name, HeldOn: heldOn, Candidates: cands, Chosen: chosen, Problems: problems}
	app.render(w, r, status, views.NewReviewPage(app.chrome(r, "Casework review", "/area"), n))
}

func (app *App) createReview(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "supervisorID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	held, cases, chosen, problems := app.parseStart(r, "Choose at least one case: the high-risk and flagged ones are the review's purpose.")
	if len(problems) > 0 {
		app.showNewReview(w, r, http.StatusUnprocessableEntity, r.PostForm.Get("held_on"), chosen, problems)
		return
	}
	v, _ := viewerFrom(r.Context())
	kid, err := app.store.StartReview(r.Context(), v, id, held, app.now(), cases)
	if errors.Is(err, store.ErrInvalid) {
		problems["cases"] = "A case chosen is not of this supervisor's unit on that date, or the supervisor did not report to you then."
		app.showNewReview(w, r, statusOf(err), r.PostForm.Get("held_on"), chosen, problems)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/conferences/%d", kid), http.StatusSeeOther)
}
