package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// maxProfileUpload bounds an uploaded profile file (the built-in ones are
// about 15 KiB).
const maxProfileUpload = 512 << 10

// policyVersions fills the policy page's list of the uploaded versions of
// the profile in force today, and of the agency's own profiles.
func (app *App) policyVersions(r *http.Request, pv *views.PolicyView) error {
	if pv.InForce == "" {
		pv.InForce = rules.DefaultProfile
	}
	rows, err := app.versionRows(r, pv.InForce)
	if err != nil {
		return err
	}
	pv.Versions = rows
	// The agency's own profiles not in force: their versions too, so that
	// one uploaded and not yet chosen is seen.
	for _, o := range pv.OwnProfiles {
		if o.ID == pv.InForce {
			continue
		}
		rows, err := app.versionRows(r, o.ID)
		if err != nil {
			return err
		}
		pv.OwnVersions = append(pv.OwnVersions, views.OwnProfileVersions{Name: o.Name + " (" + o.ID + "), the agency's own, not in force today", Rows: rows})
	}
	return nil
}

// versionRows are the uploaded versions of a profile, for the policy page.
func (app *App) versionRows(r *http.Request, profile string) ([]views.ProfileVersionRow, error) {
	v, _ := viewerFrom(r.Context())
	rows, err := app.store.ProfileVersions(r.Context(), v, profile)
	if err != nil {
		return nil, err
	}
	var out []views.ProfileVersionRow
	for _, row := range rows {
		vr := views.ProfileVersionRow{Effective: row.EffectiveOn, UploadedAt: row.UploadedAt.In(app.loc), UploadedBy: row.UploadedBy}
		if ver, problems := rules.ReadVersion(row.Profile, rules.DateOf(row.EffectiveOn.Year(), int(row.EffectiveOn.Month()), row.EffectiveOn.Day()), []byte(row.File)); len(problems) == 0 {
			vr.Changes = ver.Changes
		} else {
			vr.Changes = []string{"This version no longer reads: " + problems[0].Error()}
		}
		out = append(out, vr)
	}
	return out, nil
}

// uploadProfileVersion checks an uploaded profile file and shows it beside
// the version it replaces; with confirm=1 (the button under the
// comparison) it keeps it as the profile's version from its date. The
// file's text comes back with every answer, so nothing typed is lost.
func (app *App) uploadProfileVersion(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := r.ParseMultipartForm(maxProfileUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		if tooLarge(err) {
			app.errorPage(w, r, http.StatusRequestEntityTooLarge, "File too large", "A profile file is at most 512 KiB. Nothing was changed.")
			return
		}
		app.errorPage(w, r, http.StatusBadRequest, "Upload not read", "The upload could not be read. Please try again. Nothing was changed.")
		return
	}
	u := views.ProfileUpload{Effective: strings.TrimSpace(r.FormValue("effective_on")), Text: r.FormValue("file_text"), Field: map[string]string{}}
	if f, _, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, maxProfileUpload+1))
		f.Close()
		if err == nil && len(data) > 0 {
			u.Text = string(data)
		}
	}
	show := func(status int) {
		app.render(w, r, status, views.ProfileUploadPage(app.chrome(r, "New profile version", "/admin"), u))
	}
	effective, ok := formDate(r, "effective_on")
	if !ok || effective.IsZero() {
		u.Field["effective_on"] = "Enter the date it takes effect, as YYYY-MM-DD."
	}
	if strings.TrimSpace(u.Text) == "" {
		u.Field["file"] = "Choose a profile file, or paste its text."
	}
	if len(u.Field) > 0 {
		show(http.StatusUnprocessableEntity)
		return
	}
	data := []byte(u.Text)
	// The file's id says what it is: a version of a built-in profile, or
	// of the agency's own profile (any other id, checked the same way).
	parsed, problems := rules.ParseProfile(data)
	var ver rules.Version
	if len(problems) == 0 {
		ver, problems = rules.ReadVersion(parsed.ID, dateOfTime(effective), data)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			u.Problems = append(u.Problems, p.Error())
		}
		show(http.StatusUnprocessableEntity)
		return
	}
	current, err := app.store.PolicyProfile(r.Context(), parsed.ID)
	if errors.Is(err, store.ErrNotFound) {
		// The first upload of the agency's own profile: nothing before it.
		current, err = rules.OwnProfile(parsed.ID, parsed.Name, nil), nil
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	u.Own = !rules.IsBuiltin(parsed.ID)
	u.ProfileID = parsed.ID
	var old *rules.Version
	ok = false
	if len(current.Versions) > 0 {
		old, ok = current.VersionAt(dateOfTime(effective))
	}
	u.ProfileName, u.Replaces = current.Name, "nothing (no version before this date)"
	if ok {
		u.Replaces = "the version in force from " + old.Effective.String()
		if old.Effective.IsZero() {
			u.Replaces = "the version in force for any date"
		}
	} else {
		old = nil
	}
	u.Changes = rules.Compare(old, &ver)
	if r.FormValue("confirm") != "1" {
		show(http.StatusOK)
		return
	}
	_, err = app.store.UploadProfileVersion(r.Context(), v, parsed.ID, effective, data)
	var pp store.ProfileProblems
	if errors.As(err, &pp) {
		for _, p := range pp {
			u.Problems = append(u.Problems, p.Error())
		}
		u.Changes = nil
		show(http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/policy?done=version", http.StatusSeeOther)
}

func dateOfTime(t time.Time) rules.Date { return rules.DateOf(t.Year(), int(t.Month()), t.Day()) }
