package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

func (app *App) policyPage(w http.ResponseWriter, r *http.Request) {
	pv := views.PolicyView{Effective: app.today().Format(time.DateOnly)}
	switch r.URL.Query().Get("done") {
	case "1":
		pv.Message = "The choice is recorded."
	case "version":
		pv.Message = "The profile version is kept; it takes effect on its date."
	}
	app.renderPolicy(w, r, http.StatusOK, pv, true)
}

func (app *App) renderPolicy(w http.ResponseWriter, r *http.Request, status int, pv views.PolicyView, fill bool) {
	v, _ := viewerFrom(r.Context())
	choices, err := app.store.PolicyChoices(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	for i := range choices {
		choices[i].ChosenAt = choices[i].ChosenAt.In(app.loc)
	}
	pv.Choices = choices
	for _, c := range choices {
		if !c.EffectiveOn.After(app.today()) {
			pv.InForce = c.Profile
			break
		}
	}
	own, err := app.store.OwnProfiles(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	for _, o := range own {
		pv.OwnProfiles = append(pv.OwnProfiles, views.ProfileOption{ID: o.ID, Name: o.Name})
	}
	if err := app.policyVersions(r, &pv); err != nil {
		app.storeError(w, r, err)
		return
	}
	if pv.Upload.Effective == "" {
		pv.Upload.Effective = app.today().Format(time.DateOnly)
	}
	if fill {
		// The form starts from the choice in force today.
		for _, c := range choices {
			if !c.EffectiveOn.After(app.today()) {
				pv.Profile, pv.Own, pv.Holidays = c.Profile, c.OwnCalendar, holidayText(c.Holidays)
				break
			}
		}
	}
	if pv.Problems == nil {
		pv.Problems = map[string]string{}
	}
	app.render(w, r, status, views.AdminPolicyPage(app.chrome(r, "Policy", "/admin"), pv))
}

func holidayText(hs []time.Time) string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Format(time.DateOnly))
	}
	return strings.Join(out, "\n")
}

// choosePolicy records a profile and calendar from a date.
func (app *App) choosePolicy(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	pv := views.PolicyView{Profile: r.PostForm.Get("profile"), Effective: r.PostForm.Get("effective_on"),
		Own: r.PostForm.Get("calendar") == "own", Holidays: r.PostForm.Get("holidays"), Problems: map[string]string{}}
	effective, ok := formDate(r, "effective_on")
	if !ok || effective.IsZero() {
		pv.Problems["effective_on"] = "Enter the date as YYYY-MM-DD."
	}
	var holidays []time.Time
	if pv.Own {
		holidays = []time.Time{}
		for _, f := range strings.FieldsFunc(pv.Holidays, func(c rune) bool { return c == ',' || c == '\n' || c == '\r' || c == ' ' || c == ';' }) {
			d, err := time.Parse(time.DateOnly, f)
			if err != nil {
				pv.Problems["holidays"] = "“" + f + "” is not a date (want YYYY-MM-DD)."
				break
			}
			holidays = append(holidays, d)
		}
	}
	var err error
	if len(pv.Problems) == 0 {
		err = app.store.ChoosePolicy(r.Context(), v, pv.Profile, effective, holidays)
	}
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		pv.Problems = fe
	}
	if len(pv.Problems) > 0 {
		app.renderPolicy(w, r, http.StatusUnprocessableEntity, pv, false)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/policy?done=1", http.StatusSeeOther)
}
