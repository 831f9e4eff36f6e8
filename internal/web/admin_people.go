package web

import (
	"crypto/rand"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// The administration of people: the list, a person's page, adding and
// editing, posts over time, deactivation, temporary passwords.

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

// formDate reads a YYYY-MM-DD field; ok is false when it is given but not a date.
func formDate(r *http.Request, name string) (time.Time, bool) {
	s := strings.TrimSpace(r.FormValue(name))
	if s == "" {
		return time.Time{}, true
	}
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}

func (app *App) peoplePage(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	f := store.PeopleFilter{Role: r.URL.Query().Get("role"), OfficeID: formInt(r, "office"),
		Search: r.URL.Query().Get("q"), Inactive: r.URL.Query().Get("inactive") == "1"}
	people, err := app.store.AdminPeople(r.Context(), v, f, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	offices, err := app.store.AdminOffices(r.Context(), v, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, views.AdminPeoplePage(app.chrome(r, "People", "/admin"), views.PeopleView{Filter: f, People: people, Offices: offices}))
}

func (app *App) personForm(r *http.Request) (store.PersonForm, map[string]string) {
	problems := map[string]string{}
	exp, ok := formDate(r, "experience_start")
	if !ok {
		problems["experience_start"] = "Enter a date as YYYY-MM-DD."
	}
	return store.PersonForm{SourceID: r.PostForm.Get("source_id"), FullName: r.PostForm.Get("full_name"), Email: r.PostForm.Get("email"),
		Role: r.PostForm.Get("role"), OfficeID: formInt(r, "office"), ExperienceStart: exp}, problems
}

func (app *App) newPersonPage(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	offices, err := app.store.AdminOffices(r.Context(), v, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, views.AdminNewPersonPage(app.chrome(r, "Add a person", "/admin"),
		views.PersonView{New: true, Offices: offices, Form: store.PersonForm{Role: "worker"}, Problems: map[string]string{}}))
}

func (app *App) createPerson(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Add a person", "The form could not be read. Please try again.")
		return
	}
	form, problems := app.personForm(r)
	var id int64
	var err error
	if len(problems) == 0 {
		id, err = app.store.CreatePerson(r.Context(), v, form)
	}
	var fe store.FieldErrors
	if errors.As(err, &fe) || len(problems) > 0 {
		for k, m := range fe {
			problems[k] = m
		}
		offices, oerr := app.store.AdminOffices(r.Context(), v, app.today())
		if oerr != nil {
			app.storeError(w, r, oerr)
			return
		}
		app.render(w, r, http.StatusUnprocessableEntity, views.AdminNewPersonPage(app.chrome(r, "Add a person", "/admin"),
			views.PersonView{New: true, Offices: offices, Form: form, Problems: problems}))
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=created", http.StatusSeeOther)
}

var doneMessages = map[string]string{
	"created": "Added. Issue a temporary password and give them their post below.",
	"saved":   "Saved.",
	"post":    "The new post is recorded.",
	"active":  "Saved.",
}

// personPage shows a person; pv carries what a failed form or a fresh
// temporary password adds.
func (app *App) personPage(w http.ResponseWriter, r *http.Request) {
	app.renderPerson(w, r, http.StatusOK, views.PersonView{Message: doneMessages[r.URL.Query().Get("done")]}, true)
}

func (app *App) renderPerson(w http.ResponseWriter, r *http.Request, status int, pv views.PersonView, fillForm bool) {
	v, _ := viewerFrom(r.Context())
	id, err := strconv.ParseInt(chi.URLParam(r, "personID"), 10, 64)
	if err != nil {
		app.notFound(w, r)
		return
	}
	p, posts, err := app.store.AdminPersonByID(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	offices, err := app.store.AdminOffices(r.Context(), v, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	cws, err := app.store.AdminPeople(r.Context(), v, store.PeopleFilter{Role: "casework_supervisor"}, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	pv.Person, pv.Posts, pv.Offices, pv.CWS = p, posts, offices, cws
	if pv.SSO, err = app.ssoLink(r.Context(), v, id, pv.SSO); err != nil {
		app.storeError(w, r, err)
		return
	}
	if fillForm {
		pv.Form = store.PersonForm{FullName: p.FullName, Email: p.Email, Role: p.Role}
		if p.SourceID != nil {
			pv.Form.SourceID = *p.SourceID
		}
		if p.OfficeID != nil {
			pv.Form.OfficeID = *p.OfficeID
		}
		if p.ExperienceStart != nil {
			pv.Form.ExperienceStart = *p.ExperienceStart
		}
	}
	pv.Form.Role = p.Role
	if pv.Since == "" {
		pv.Since = app.today().Format(time.DateOnly)
	}
	if pv.Problems == nil {
		pv.Problems = map[string]string{}
	}
	app.render(w, r, status, views.AdminPersonPage(app.chrome(r, p.FullName, "/admin"), pv))
}

func personID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "personID"), 10, 64)
	return id, err == nil
}

func (app *App) updatePerson(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, ok := personID(r)
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	form, problems := app.personForm(r)
	var err error
	if len(problems) == 0 {
		err = app.store.UpdatePerson(r.Context(), v, id, form)
	}
	var fe store.FieldErrors
	if errors.As(err, &fe) || len(problems) > 0 {
		for k, m := range fe {
			problems[k] = m
		}
		app.renderPerson(w, r, http.StatusUnprocessableEntity, views.PersonView{Form: form, Problems: problems}, false)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=saved", http.StatusSeeOther)
}

func (app *App) newPost(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, ok := personID(r)
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	since, ok := formDate(r, "since")
	problems := map[string]string{}
	if !ok || since.IsZero() {
		problems["since"] = "Enter the date of the new post as YYYY-MM-DD."
	}
	var err error
	if len(problems) == 0 {
		err = app.store.NewPost(r.Context(), v, id, formInt(r, "target"), since)
	}
	var fe store.FieldErrors
	if errors.As(err, &fe) || len(problems) > 0 {
		for k, m := range fe {
			problems[k] = m
		}
		app.renderPerson(w, r, http.StatusUnprocessableEntity, views.PersonView{Problems: problems, Since: r.PostForm.Get("since")}, true)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=post", http.StatusSeeOther)
}

func (app *App) setActive(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, ok := personID(r)
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	err := app.store.SetActive(r.Context(), v, id, r.PostForm.Get("active") == "true")
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		app.renderPerson(w, r, http.StatusUnprocessableEntity, views.PersonView{Problems: fe}, true)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=active", http.StatusSeeOther)
}

// temporaryPassword is 16 random letters and digits in four groups: 80 bits,
// easy to read out over the phone (no 0/o, 1/l).
func temporaryPassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String(), nil
}

// issuePassword sets a temporary password and shows it, this once. The
// person must choose their own at their next sign-in.
func (app *App) issuePassword(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, ok := personID(r)
	if !ok {
		app.notFound(w, r)
		return
	}
	pw, err := temporaryPassword()
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	release, ok := app.enterHashing(r)
	if !ok {
		app.busy(w, r, "Person")
		return
	}
	hash, err := auth.HashPassword(pw)
	release()
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if err := app.store.SetTemporaryPassword(r.Context(), v, id, hash); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			app.renderPerson(w, r, http.StatusUnprocessableEntity, views.PersonView{Problems: map[string]string{"active": "Reactivate the account first."}}, true)
			return
		}
		app.storeError(w, r, err)
		return
	}
	app.renderPerson(w, r, http.StatusOK, views.PersonView{TempPassword: pw}, true)
}
