package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// The personnel part of a supervision conference (seed 002, CPS 1481):
// written in the conference form where the profile in force on the day held
// asks for it, saved with everything else in the same request, shown on
// the record to whom the store lets read it (docs/workspace.md, "Personnel
// file").

// personnelFileOf is what the profile version in force on the day held
// (the record's, uploaded or built-in) asks of a record's personnel part;
// nil for a casework review or a profile that asks for none. (A form that
// moves the held-on date into another version's period is still read with
// the record's version; the store's save checks against the new one.)
func personnelFileOf(rec store.ConferenceRecord, held time.Time) *rules.PersonnelFile {
	if rec.Kind != "supervision" {
		return nil
	}
	if rec.Rules != nil {
		return rec.Rules.PersonnelFile
	}
	return rules.PersonnelFileOf(rec.Profile, rules.DateOf(held.Year(), int(held.Month()), held.Day()))
}

// parsePersonnel reads the personnel part of the conference form into the
// form (as typed) and the draft; problems are named by field.
func (app *App) parsePersonnel(r *http.Request, rec store.ConferenceRecord, f *views.ConferenceForm, d *store.Draft) {
	held := d.HeldOn
	if held.IsZero() {
		held = rec.HeldOn
	}
	pf := personnelFileOf(rec, held)
	if pf == nil {
		return
	}
	p := views.PersonnelForm{File: pf, Parsed: true, Ratings: map[string]string{}, AbilityNotes: map[string]string{},
		Notes: r.PostForm.Get("pf-notes"), Objectives: r.PostForm.Get("pf-objectives")}
	app.checkText(f.Problems, "pf-notes", p.Notes)
	app.checkText(f.Problems, "pf-objectives", p.Objectives)
	part := &store.ConferencePersonnel{Notes: p.Notes, Objectives: p.Objectives}
	for _, a := range pf.Abilities {
		rating, note := r.PostForm.Get("pf-rating-"+a.Key), r.PostForm.Get("pf-note-"+a.Key)
		p.Ratings[a.Key], p.AbilityNotes[a.Key] = rating, note
		if rating != "" && pf.RatingLabel(rating) == "" {
			f.Problems["pf-rating-"+a.Key] = "Choose a rating from the list."
		}
		app.checkText(f.Problems, "pf-note-"+a.Key, note)
		part.Abilities = append(part.Abilities, store.AbilityRating{Ability: a.Key, Rating: rating, Note: note})
	}
	standards, descs, dues := r.PostForm["pstep-standard"], r.PostForm["pstep-desc"], r.PostForm["pstep-due"]
	for i := range descs {
		s := views.PersonnelFormStep{Standard: at(standards, i), Description: strings.TrimSpace(descs[i]), DueOn: at(dues, i)}
		if s.Description == "" && s.DueOn == "" {
			continue // an empty row
		}
		key := fmt.Sprintf("pstep-%d", len(p.Steps))
		p.Steps = append(p.Steps, s)
		due, err := time.Parse(time.DateOnly, s.DueOn)
		switch {
		case s.Description == "":
			f.Problems[key] = "Say what the step is."
		case utf8.RuneCountInString(s.Description) > 500:
			f.Problems[key] = "Keep a step under 500 characters; details belong in the notes."
		case err != nil:
			f.Problems[key] = "Give the step its time frame: the date it is due by (YYYY-MM-DD)."
		case due.Before(held):
			f.Problems[key] = "A step is due on or after the day of the conference."
		case pf.StandardLabel(s.Standard) == "":
			f.Problems[key] = "Choose what the step brings to standard from the list."
		}
		part.Steps = append(part.Steps, store.StandardStep{Standard: s.Standard, Description: s.Description, DueOn: due})
	}
	f.Personnel, d.Personnel = p, part
}

// storedPersonnel fills the form's personnel part from the saved draft, with
// two empty rows for new steps.
func (app *App) storedPersonnel(r *http.Request, rec store.ConferenceRecord, f *views.ConferenceForm) error {
	if f.Personnel.Parsed {
		f.Personnel.Steps = append(f.Personnel.Steps, views.PersonnelFormStep{}, views.PersonnelFormStep{})
		return nil
	}
	pf := personnelFileOf(rec, rec.HeldOn)
	if pf == nil {
		return nil
	}
	p := views.PersonnelForm{File: pf, Ratings: map[string]string{}, AbilityNotes: map[string]string{}}
	v, _ := viewerFrom(r.Context())
	part, err := app.store.ConferencePersonnelPart(r.Context(), v, rec.ID, app.today())
	switch {
	case errors.Is(err, store.ErrNotFound): // nothing saved yet
	case err != nil:
		return err
	default:
		p.Notes, p.Objectives = part.Notes, part.Objectives
		for _, a := range part.Abilities {
			p.Ratings[a.Ability], p.AbilityNotes[a.Ability] = a.Rating, a.Note
		}
		for _, s := range part.Steps {
			p.Steps = append(p.Steps, views.PersonnelFormStep{Standard: s.Standard, Description: s.Description, DueOn: s.DueOn.Format(time.DateOnly)})
		}
	}
	p.Steps = append(p.Steps, views.PersonnelFormStep{}, views.PersonnelFormStep{})
	f.Personnel = p
	return nil
}

// personnelRecord is the personnel part of a record as the viewer may read
// it; nil when there is none for them.
func (app *App) personnelRecord(r *http.Request, rec store.ConferenceRecord) *views.PersonnelRecord {
	pf := personnelFileOf(rec, rec.HeldOn)
	if pf == nil {
		return nil
	}
	v, _ := viewerFrom(r.Context())
	part, err := app.store.ConferencePersonnelPart(r.Context(), v, rec.ID, app.today())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		app.log.Error("personnel part", "conference", rec.ID, "err", err)
		return &views.PersonnelRecord{Problem: "The personnel part of this record could not be read just now. Reload the page to try again."}
	}
	return &views.PersonnelRecord{File: pf, Part: part}
}

// markPersonnelStepMet records that a step of the worker's personnel file
// was met, on the day given: the worker's own supervisor only.
func (app *App) markPersonnelStepMet(w http.ResponseWriter, r *http.Request) {
	workerID, ok := urlID(r, "workerID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	today := app.today()
	ws, err := app.store.Worker(r.Context(), v, workerID, today)
	if err == nil && ws.SupervisorID != v.PersonID {
		err = store.ErrNotFound // marking met is the worker's own supervisor's
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	step, serr := strconv.ParseInt(r.PostForm.Get("step"), 10, 64)
	metOn, problem := app.parseDay(r.PostForm.Get("met_on"))
	if serr != nil || step <= 0 {
		problem = "Choose the step that was met, from the list."
	}
	if problem == "" {
		err = app.store.MarkPersonnelStepMet(r.Context(), v, workerID, step, metOn, today, app.now())
		if errors.Is(err, store.ErrNotFound) {
			problem = "That step is met already, or the date is before the conference that set it."
		} else if err != nil {
			app.storeError(w, r, err)
			return
		}
	}
	if problem != "" {
		app.showNotes(w, r, http.StatusUnprocessableEntity, views.NotesView{MetStep: step, MetOn: r.PostForm.Get("met_on"), MetProblem: problem})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/workers/%d/notes?met=1#personnel-file", workerID), http.StatusSeeOther)
}
