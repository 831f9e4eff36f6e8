package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/conference"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/workspace"
	"github.com/casework/casework/web/views"
)

// newConference shows the start of a conference: the engine's proposed
// agenda checked, the rest of the caseload to add.
func (app *App) newConference(w http.ResponseWriter, r *http.Request) {
	app.showNewConference(w, r, http.StatusOK, app.today().Format(time.DateOnly), nil, nil)
}

func (app *App) showNewConference(w http.ResponseWriter, r *http.Request, status int, heldOn string, chosen map[int64]bool, problems map[string]string) {
	id, ok := urlID(r, "workerID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	st, err := app.ws.ConferenceStart(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	n := views.NewConference{Worker: st.Worker, HeldOn: heldOn, Coverage: st.Coverage, FirstYear: st.FirstYear, Target: st.Target,
		Problems: problems, Chosen: chosen, Others: st.Others, Points: st.Points, OpenSteps: st.OpenSteps}
	fill := chosen == nil
	if fill {
		n.Chosen = map[int64]bool{}
	}
	for _, it := range st.Agenda {
		n.Agenda = append(n.Agenda, views.AgendaEntry{Case: it.Case, Priority: it.Priority, Reasons: it.Reasons})
		if fill && it.Checked {
			n.Chosen[it.Case.ID] = true
		}
	}
	app.render(w, r, status, views.NewConferencePage(app.chrome(r, "New conference", ""), n))
}

// carried is what a worker's next conference carries from before it: their
// own talking points and the open next steps of earlier conferences.
func (app *App) carried(r *http.Request, workerID int64) ([]store.TalkingPoint, []store.OpenStep, error) {
	v, _ := viewerFrom(r.Context())
	return app.ws.Carried(r.Context(), v, workerID, app.today())
}

// createConference opens the draft record with the chosen cases.
func (app *App) createConference(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "workerID")
	if !ok {
		app.notFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "New conference", "The form could not be read. Please try again.")
		return
	}
	held, cases, chosen, problems := app.parseStart(r, "Choose at least one case to discuss.")
	if len(problems) > 0 {
		app.showNewConference(w, r, http.StatusUnprocessableEntity, r.PostForm.Get("held_on"), chosen, problems)
		return
	}
	v, _ := viewerFrom(r.Context())
	kid, err := app.store.StartConference(r.Context(), v, id, held, app.now(), cases)
	if errors.Is(err, store.ErrInvalid) {
		problems["cases"] = "A case chosen is not on this worker's caseload on that date, or the worker was not in your unit then."
		app.showNewConference(w, r, statusOf(err), r.PostForm.Get("held_on"), chosen, problems)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/conferences/%d", kid), http.StatusSeeOther)
}

// parseStart reads the start of a record: the day held and the cases chosen
// (each once, in the order given); problems are named by field.
func (app *App) parseStart(r *http.Request, noCase string) (held time.Time, cases []int64, chosen map[int64]bool, problems map[string]string) {
	problems = map[string]string{}
	held, p := app.parseDay(r.PostForm.Get("held_on"))
	if p != "" {
		problems["held_on"] = p
	}
	chosen = map[int64]bool{}
	for _, s := range r.PostForm["case"] {
		c, err := strconv.ParseInt(s, 10, 64)
		if err != nil || c <= 0 {
			problems["cases"] = "A case in the form is not one offered. Choose from the list."
			continue
		}
		if !chosen[c] {
			chosen[c] = true
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		problems["cases"] = noCase
	}
	return held, cases, chosen, problems
}

// conferencePage shows a draft as its form to its author, and any record
// read-only to everyone else in reach.
func (app *App) conferencePage(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "conferenceID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	rec, err := app.store.Conference(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	if app.canEdit(v, rec) {
		form := app.formFromRecord(rec)
		switch r.URL.Query().Get("saved") {
		case "1":
			form.Saved = "Saved."
		case "conflict":
			form.Conflict = "This draft changed since you last saved it: the record was not signed. Check it below, save, then sign."
		}
		app.renderEdit(w, r, http.StatusOK, form)
		return
	}
	app.renderRecord(w, r, http.StatusOK, rec, addendumForm{})
}

// addendumForm is an addendum as typed, shown again with its problem.
type addendumForm struct {
	Body, Problem string
}

func (app *App) canEdit(v access.Viewer, rec store.ConferenceRecord) bool {
	ok, _ := may(v, rec, conference.Edit)
	return ok
}

func (app *App) renderRecord(w http.ResponseWriter, r *http.Request, status int, rec store.ConferenceRecord, add addendumForm) {
	v, _ := viewerFrom(r.Context())
	app.localize(&rec)
	view := views.ConferenceView{
		Record:        rec,
		Checklist:     checklistOf(rec),
		LateEntry:     app.lateEntry(rec),
		AddendumText:  add.Body,
		AddendumIssue: add.Problem,
		Held:          isHeld(rec),
		Personnel:     app.personnelRecord(r, rec),
	}
	view.CanShare, _ = may(v, rec, conference.Share)
	view.CanAcknowledge, _ = may(v, rec, conference.Acknowledge)
	view.CanAddendum, _ = may(v, rec, conference.Addendum)
	switch {
	case rec.Floor != nil:
		// Said on the record as checked when it was signed.
		if n := len(discussedNumbers(rec)); n < rec.Floor.Minimum {
			view.Floor = floorSentence(rec.Floor.Minimum, rec.Floor.Caseload, n)
		}
	case rec.Kind == string(conference.Supervision) && isHeld(rec):
		// Signed before the check was kept (migration 000043): the
		// caseload as the facts know it today, as of the day held.
		if c, err := app.floorCheck(r, rec); err == nil {
			view.Floor = floorShort(c)
		}
	}
	switch r.URL.Query().Get("notice") {
	case "signed":
		view.Notice = "Signed. The record is final; corrections are added as dated addenda."
	case "shared":
		view.Notice = "Shared with the worker."
		if rec.Kind == "casework_review" {
			view.Notice = "Shared with the supervisor."
		}
	case "acknowledged":
		view.Notice = "Thank you: your acknowledgement is recorded."
	case "addendum":
		view.Notice = "The addendum is added."
	}
	title := "Conference"
	if rec.Kind == "casework_review" {
		title = "Casework review"
		view.Topics = rules.ReviewTopics()
	}
	app.render(w, r, status, views.ConferencePage(app.chrome(r, title, ""), view))
}

// checklistOf is the discussion checklist of a record's cases: the profile's
// for a supervision conference, the review's for a casework review.
func checklistOf(rec store.ConferenceRecord) []rules.ChecklistItem {
	if rec.Kind == "casework_review" {
		return rules.ReviewChecklist()
	}
	if rec.Rules != nil {
		return rec.Rules.Checklist
	}
	return rules.Checklist(rec.Profile)
}

// localize shows a record's moments in the agency's zone.
func (app *App) localize(rec *store.ConferenceRecord) {
	rec.EnteredAt = rec.EnteredAt.In(app.loc)
	for _, t := range []**time.Time{&rec.SignedAt, &rec.SharedAt, &rec.AcknowledgedAt} {
		if *t != nil {
			l := (**t).In(app.loc)
			*t = &l
		}
	}
	for i := range rec.Addenda {
		rec.Addenda[i].WrittenAt = rec.Addenda[i].WrittenAt.In(app.loc)
	}
}

// documentationOf returns the profile version in force on the day of a
// conference (uploaded or built-in, as the store read it), whose
// documentation deadline its record has.
func documentationOf(rec store.ConferenceRecord) (*rules.Version, rules.Date) {
	held := rules.DateOf(rec.HeldOn.Year(), int(rec.HeldOn.Month()), rec.HeldOn.Day())
	if rec.Rules != nil {
		return rec.Rules, held
	}
	return rules.Result{Profile: rec.Profile, AsOf: held}.Version(), held
}

// signBy is the date a conference's record should be signed by: the
// profile's documentation deadline, in its business days.
func signBy(rec store.ConferenceRecord) rules.Date {
	v, held := documentationOf(rec)
	return v.DocumentationDue(v.Calendar, held)
}

// lateEntry says why a record counts as entered late: entered after the
// documentation deadline, so a backdated record is visible, not hidden.
func (app *App) lateEntry(rec store.ConferenceRecord) string {
	e := rec.EnteredAt.In(app.loc)
	entered := rules.DateOf(e.Year(), int(e.Month()), e.Day())
	due := signBy(rec)
	if !entered.After(due) {
		return ""
	}
	v, _ := documentationOf(rec)
	return fmt.Sprintf("Entered %s, after %s (%s after the conference).", entered, due, v.DocumentationWords())
}

// formFromRecord fills the edit form from the stored draft.
func (app *App) formFromRecord(rec store.ConferenceRecord) views.ConferenceForm {
	f := views.ConferenceForm{Record: rec, Version: rec.Version, HeldOn: rec.HeldOn.Format(time.DateOnly), Problems: map[string]string{}, TopicText: rec.Topics}
	for _, c := range rec.Cases {
		f.Cases = append(f.Cases, views.FormCase{CaseID: c.CaseID, Number: c.Number, FamilyName: c.FamilyName, CurrentRisk: c.CurrentRisk,
			Items: c.Items, NotApplies: c.NotApplies, Progress: c.Progress, Notes: c.Notes, RiskLevel: c.RiskLevel})
	}
	for _, s := range rec.Steps {
		cs := ""
		if s.CaseID != 0 {
			cs = strconv.FormatInt(s.CaseID, 10)
		}
		f.Steps = append(f.Steps, views.FormStep{CaseID: cs, Description: s.Description, OwnerID: strconv.FormatInt(s.OwnerID, 10), DueOn: s.DueOn.Format(time.DateOnly)})
	}
	return f
}

// renderEdit completes the form with what it needs from around the record
// (the checklist, the people, the cases to add, the month's coverage).
func (app *App) renderEdit(w http.ResponseWriter, r *http.Request, status int, f views.ConferenceForm) {
	v, _ := viewerFrom(r.Context())
	rec := f.Record
	if err := app.storedPersonnel(r, rec, &f); err != nil {
		app.storeError(w, r, err)
		return
	}
	f.Checklist = checklistOf(rec)
	f.SignBy = signBy(rec)
	doc, _ := documentationOf(rec)
	f.SignWithin = doc.DocumentationWords()
	f.Owners = []views.Owner{{ID: rec.WorkerID, Name: rec.WorkerName}, {ID: rec.SupervisorID, Name: rec.SupervisorName}}
	defaultOwner := rec.WorkerID
	if rec.Kind == "casework_review" {
		f.Topics = rules.ReviewTopics()
		f.Owners = []views.Owner{{ID: rec.SupervisorID, Name: rec.SupervisorName}, {ID: rec.CaseworkSupervisorID, Name: rec.CaseworkSupervisor}}
		defaultOwner = rec.SupervisorID
	}
	// Two empty rows for new next steps.
	f.Steps = append(f.Steps, views.FormStep{OwnerID: strconv.FormatInt(defaultOwner, 10)}, views.FormStep{OwnerID: strconv.FormatInt(defaultOwner, 10)})
	if rec.Kind == "casework_review" {
		_, cands, err := app.store.ReviewCandidates(r.Context(), v, rec.SupervisorID, app.today())
		if err != nil {
			app.storeError(w, r, err)
			return
		}
		in := map[int64]bool{}
		for _, c := range f.Cases {
			in[c.CaseID] = true
		}
		for _, k := range cands {
			if !in[k.CaseID] {
				f.AddChoices = append(f.AddChoices, store.CaseRef{ID: k.CaseID, Number: k.Number, FamilyName: k.FamilyName})
			}
		}
	}
	if rec.WorkerID != 0 {
		today := app.today()
		var err error
		if f.Points, f.OpenSteps, err = app.carried(r, rec.WorkerID); err != nil {
			app.storeError(w, r, err)
			return
		}
		refs, err := app.store.WorkerCases(r.Context(), v, rec.WorkerID, today)
		if err != nil {
			app.storeError(w, r, err)
			return
		}
		// Only the cases written so far count as discussed, here as in the
		// facts: a blank section is listed, not discussed.
		in, written := map[int64]bool{}, map[int64]bool{}
		var numbers []string
		for _, c := range f.Cases {
			in[c.CaseID] = true
			written[c.CaseID] = len(c.Blank(f.Checklist)) == 0
		}
		pending := map[int64]int{}
		for number, ref := range refs {
			if in[ref.ID] {
				if written[ref.ID] {
					numbers = append(numbers, number)
				}
				pending[ref.ID] = ref.PendingContacts
			} else {
				f.AddChoices = append(f.AddChoices, ref)
			}
		}
		for i := range f.Cases {
			f.Cases[i].PendingContacts = pending[f.Cases[i].CaseID]
		}
		sort.Slice(f.AddChoices, func(i, j int) bool { return f.AddChoices[i].FamilyName < f.AddChoices[j].FamilyName })
		k := rules.Conference{ID: "this-draft", Date: workspace.DateOf(rec.HeldOn), Cases: numbers}
		if c, err := app.ws.CheckConference(r.Context(), v, rec.WorkerID, k, today); err == nil {
			f.Check = fmt.Sprintf("%d cases listed, %d written so far. ", len(f.Cases), len(numbers)) + conferenceCheck(c)
		}
	}
	title := "Conference with " + rec.WorkerName
	if rec.Kind == "casework_review" {
		title = "Casework review with " + rec.SupervisorName
	}
	app.render(w, r, status, views.ConferenceEditPage(app.chrome(r, title, ""), f))
}

// floorShort says, in a sentence, when a first-year worker's conference
// discusses less than a quarter of the caseload (the policy's floor), counting
// only the cases discussed; "" otherwise.
func floorShort(c rules.ConferenceCheck) string {
	if !c.FirstYear || c.Short == 0 {
		return ""
	}
	return floorSentence(c.Minimum, c.Caseload, c.Discussed)
}

func floorSentence(minimum, caseload, discussed int) string {
	return fmt.Sprintf("Below the first-year floor: a first-year worker's weekly conference discusses at least a quarter of the caseload "+
		"(%d of %d cases); this one discusses %d.", minimum, caseload, discussed)
}

// floorCheck checks a record's discussed cases against the worker's
// caseload on the day it was held.
func (app *App) floorCheck(r *http.Request, rec store.ConferenceRecord) (rules.ConferenceCheck, error) {
	v, _ := viewerFrom(r.Context())
	k := rules.Conference{ID: "this-record", Date: workspace.DateOf(rec.HeldOn), Cases: discussedNumbers(rec)}
	return app.ws.CheckConference(r.Context(), v, rec.WorkerID, k, app.today())
}

func discussedNumbers(rec store.ConferenceRecord) []string {
	var cases []string
	for _, c := range rec.Cases {
		if c.Discussed {
			cases = append(cases, c.Number)
		}
	}
	return cases
}

// floorAtSigning is the first-year check kept with a record when it is
// signed, for the cases it discusses as they will be signed; nil for a
// review or a worker past their first year.
func (app *App) floorAtSigning(r *http.Request, rec store.ConferenceRecord) (*store.Floor, error) {
	if rec.Kind != "supervision" {
		return nil, nil
	}
	c, err := app.floorCheck(r, rec)
	if err != nil {
		return nil, err
	}
	if !c.FirstYear {
		return nil, nil
	}
	return &store.Floor{Caseload: c.Caseload, Minimum: c.Minimum}, nil
}

// asSigned is the record as the form would sign it: its held date and its
// cases, each discussed when every topic is answered.
func asSigned(rec store.ConferenceRecord, f views.ConferenceForm, d store.Draft) store.ConferenceRecord {
	out := rec
	out.HeldOn = d.HeldOn
	checklist := checklistOf(rec)
	known := map[int64]string{}
	for _, c := range rec.Cases {
		known[c.CaseID] = c.Number
	}
	out.Cases = nil
	for _, c := range f.Cases {
		out.Cases = append(out.Cases, store.DiscussedCase{CaseID: c.CaseID, Number: known[c.CaseID], Discussed: len(c.Blank(checklist)) == 0})
	}
	return out
}

// conferenceCheck says, in a sentence, whether the cases chosen are enough.
func conferenceCheck(c rules.ConferenceCheck) string {
	s := fmt.Sprintf("This conference discusses %d of %d cases", c.Discussed, c.Caseload)
	if c.Short > 0 {
		s += fmt.Sprintf("; it should discuss at least %d (%d more)", c.Minimum, c.Short)
	}
	s += fmt.Sprintf(". With it, %d of %d cases are discussed this month.", len(c.Month.Covered), c.Month.Caseload)
	return s
}

// parseConference reads the edit form into the form (every value as typed,
// to show again) and the draft to save; problems are named by field.
func (app *App) parseConference(r *http.Request, rec store.ConferenceRecord) (views.ConferenceForm, store.Draft) {
	f := views.ConferenceForm{Record: rec, Problems: map[string]string{}, HeldOn: r.PostForm.Get("held_on")}
	f.Version, _ = strconv.Atoi(r.PostForm.Get("version"))
	var d store.Draft
	held, p := app.parseDay(f.HeldOn)
	if p != "" {
		f.Problems["held_on"] = p
	}
	d.HeldOn = held
	known := map[int64]store.DiscussedCase{}
	for _, c := range rec.Cases {
		known[c.CaseID] = c
	}
	op := r.PostForm.Get("op")
	remove := int64(-1)
	if rest, ok := strings.CutPrefix(op, "remove:"); ok {
		remove, _ = strconv.ParseInt(rest, 10, 64)
	}
	checklist := checklistOf(rec)
	if rec.Kind == "casework_review" {
		f.TopicText, d.Topics = map[string]string{}, map[string]string{}
		for _, it := range rules.ReviewTopics() {
			text := r.PostForm.Get("topic-" + it.ID)
			f.TopicText[it.ID], d.Topics[it.ID] = text, text
			app.checkText(f.Problems, "topic-"+it.ID, text)
		}
	}
	owners := map[int64]bool{rec.WorkerID: rec.WorkerID != 0, rec.SupervisorID: true, rec.CaseworkSupervisorID: rec.CaseworkSupervisorID != 0}
	if rec.Kind == "supervision" {
		owners[rec.CaseworkSupervisorID] = false
	}
	seen := map[int64]bool{}
	ids := r.PostForm["case"]
	if op == "add" {
		ids = append(ids, r.PostForm.Get("add-case"))
	}
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 || seen[id] || id == remove {
			continue
		}
		seen[id] = true
		fc := views.FormCase{CaseID: id, Items: map[string]string{}}
		if k, ok := known[id]; ok {
			fc.Number, fc.FamilyName, fc.CurrentRisk = k.Number, k.FamilyName, k.CurrentRisk
		} else {
			fc.FamilyName = "Case added" // named once saved; the store checks it is on the caseload
		}
		prefix := fmt.Sprintf("c%d-", id)
		fc.NotApplies = map[string]bool{}
		for _, it := range checklist {
			fc.Items[it.ID] = r.PostForm.Get(prefix + it.ID)
			app.checkText(f.Problems, prefix+it.ID, fc.Items[it.ID])
			fc.NotApplies[it.ID] = r.PostForm.Get(prefix+it.ID+"-na") != ""
		}
		// The case's own fields are named with a hyphen (case-progress),
		// which no checklist key may hold (rules' keyPattern), so a
		// profile's topic ("progress" in tx-dfps) never shares a name
		// with them. A form rendered before they were so named (a tab left
		// open over an upgrade) posts the old names; they are read where no
		// topic takes them, so what it holds is not dropped.
		own := func(name string) string {
			if _, ok := r.PostForm[prefix+"case-"+name]; ok {
				return r.PostForm.Get(prefix + "case-" + name)
			}
			if !slices.ContainsFunc(checklist, func(it rules.ChecklistItem) bool { return it.ID == name }) {
				return r.PostForm.Get(prefix + name)
			}
			return ""
		}
		fc.Progress = own("progress")
		if fc.Progress != "" && !oneOf(fc.Progress, rules.ProgressRatings()) {
			f.Problems[prefix+"case-progress"] = "Choose a rating from the list."
		}
		fc.RiskLevel = own("risk")
		if fc.RiskLevel != "" && !oneOf(fc.RiskLevel, []string{"low", "moderate", "high", "very_high"}) {
			f.Problems[prefix+"case-risk"] = "Choose a risk level from the list."
		}
		fc.Notes = own("notes")
		app.checkText(f.Problems, prefix+"case-notes", fc.Notes)
		f.Cases = append(f.Cases, fc)
		d.Cases = append(d.Cases, store.DraftCase{CaseID: id, Items: fc.Items, NotApplies: fc.NotApplies, Progress: fc.Progress, Notes: fc.Notes, RiskLevel: fc.RiskLevel})
	}
	if len(f.Cases) == 0 {
		f.Problems["held_on"] = "A conference discusses at least one case: keep one, or add one before removing the last."
	}
	descs, cases, stepOwners, dues := r.PostForm["step-desc"], r.PostForm["step-case"], r.PostForm["step-owner"], r.PostForm["step-due"]
	for i := range descs {
		s := views.FormStep{Description: strings.TrimSpace(descs[i]), CaseID: at(cases, i), OwnerID: at(stepOwners, i), DueOn: at(dues, i)}
		if s.Description == "" && s.DueOn == "" {
			continue // an empty row
		}
		key := fmt.Sprintf("step-%d", len(f.Steps))
		f.Steps = append(f.Steps, s)
		st := store.DraftStep{Description: s.Description}
		due, err := time.Parse(time.DateOnly, s.DueOn)
		owner, oerr := strconv.ParseInt(s.OwnerID, 10, 64)
		caseID, cerr := strconv.ParseInt(s.CaseID, 10, 64)
		switch {
		case s.Description == "":
			f.Problems[key] = "Say what the step is."
		case utf8.RuneCountInString(s.Description) > 500:
			f.Problems[key] = "Keep a step under 500 characters; details belong in the notes."
		case err != nil:
			f.Problems[key] = "Give the step a due date (YYYY-MM-DD)."
		case oerr != nil || !owners[owner]:
			f.Problems[key] = "Choose the step's owner from the list."
		case s.CaseID != "" && (cerr != nil || !seen[caseID]):
			f.Problems[key] = "Choose a case of this conference, or the caseload."
		}
		st.DueOn, st.OwnerID, st.CaseID = due, owner, caseID
		d.Steps = append(d.Steps, st)
	}
	app.parsePersonnel(r, rec, &f, &d)
	return f, d
}

// editableDraft loads the conference of the URL for a save, or answers 404.
func (app *App) editableDraft(w http.ResponseWriter, r *http.Request) (store.ConferenceRecord, bool) {
	id, ok := urlID(r, "conferenceID")
	if !ok {
		app.notFound(w, r)
		return store.ConferenceRecord{}, false
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Conference", "The form could not be read; nothing was saved. Go back and try again.")
		return store.ConferenceRecord{}, false
	}
	v, _ := viewerFrom(r.Context())
	rec, err := app.store.Conference(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return rec, false
	}
	if ok, why := may(v, rec, conference.Edit); !ok {
		if why == conference.Final {
			app.storeError(w, r, store.ErrSigned)
			return rec, false
		}
		app.notFound(w, r)
		return rec, false
	}
	return rec, true
}

// saveConference saves the draft from a plain form submit (and adds or
// removes a case). On any problem the form comes back with everything typed.
func (app *App) saveConference(w http.ResponseWriter, r *http.Request) {
	rec, ok := app.editableDraft(w, r)
	if !ok {
		return
	}
	f, d := app.parseConference(r, rec)
	if r.PostForm.Get("op") == "sign" {
		app.signFromForm(w, r, rec, f, d)
		return
	}
	if len(f.Problems) > 0 {
		app.renderEdit(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	v, _ := viewerFrom(r.Context())
	_, err := app.store.SaveDraft(r.Context(), v, rec.ID, f.Version, d)
	if app.saveFailed(w, r, f, err) {
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/conferences/%d?saved=1", rec.ID), http.StatusSeeOther)
}

// saveFailed answers a save that did not happen (a conflict, a case not on
// the caseload, a failure) with the form and everything typed; it says
// whether it answered.
func (app *App) saveFailed(w http.ResponseWriter, r *http.Request, f views.ConferenceForm, err error) bool {
	var conflict *store.ConflictError
	switch {
	case err == nil:
		return false
	case errors.As(err, &conflict):
		f.Conflict = fmt.Sprintf("This draft was saved elsewhere at %s, after you opened it. Your changes are below and were NOT saved or signed. "+
			"Saving again replaces the other version with yours; to compare first, open the conference in another tab.",
			conflict.UpdatedAt.In(app.loc).Format("15:04 on Mon 2 Jan"))
		f.Version = conflict.Current
		app.renderEdit(w, r, statusOf(err), f)
	case errors.Is(err, store.ErrInvalid):
		f.Problems["held_on"] = "A case is not on this worker's caseload on that date, or the worker was not in your unit then. Nothing was saved."
		app.renderEdit(w, r, statusOf(err), f)
	default:
		app.storeError(w, r, err)
	}
	return true
}

// signFromForm signs what is on the page. What was typed is saved first,
// under the version the page read; then, once confirmed (the browser's
// dialog with JavaScript, a confirmation page without), the saved record is
// signed in the same transaction as the save. A record with a blank case is
// saved, not signed, and comes back with each blank case named beside it.
func (app *App) signFromForm(w http.ResponseWriter, r *http.Request, rec store.ConferenceRecord, f views.ConferenceForm, d store.Draft) {
	if len(f.Problems) > 0 {
		f.NotSigned = "The record was not signed."
		app.renderEdit(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	v, _ := viewerFrom(r.Context())
	if r.PostForm.Get("confirmed") == "yes" {
		floor, err := app.floorAtSigning(r, asSigned(rec, f, d))
		if err != nil {
			app.storeError(w, r, err)
			return
		}
		err = app.store.SignConference(r.Context(), v, rec.ID, f.Version, &d, floor, app.now())
		var blank *store.BlankError
		if errors.As(err, &blank) {
			// Keep what was typed, then show what is still blank.
			_, err = app.store.SaveDraft(r.Context(), v, rec.ID, f.Version, d)
			if app.saveFailed(w, r, f, err) {
				return
			}
			app.showBlank(w, r, rec.ID)
			return
		}
		if app.saveFailed(w, r, f, err) {
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/conferences/%d?notice=signed", rec.ID), http.StatusSeeOther)
		return
	}
	if _, err := app.store.SaveDraft(r.Context(), v, rec.ID, f.Version, d); app.saveFailed(w, r, f, err) {
		return
	}
	saved, err := app.store.Conference(r.Context(), v, rec.ID, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	if len(blankCases(saved)) > 0 {
		app.showBlank(w, r, rec.ID)
		return
	}
	app.renderConfirmSign(w, r, saved)
}

// blankCases are the cases of a record not yet discussed.
func blankCases(rec store.ConferenceRecord) []int64 {
	var out []int64
	for _, c := range rec.Cases {
		if !c.Discussed {
			out = append(out, c.CaseID)
		}
	}
	return out
}

// showBlank shows the saved draft with each blank case named beside its
// section: the record was not signed.
func (app *App) showBlank(w http.ResponseWriter, r *http.Request, id int64) {
	v, _ := viewerFrom(r.Context())
	rec, err := app.store.Conference(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	f := app.formFromRecord(rec)
	var names []string
	checklist := checklistOf(rec)
	for _, c := range rec.Cases {
		if c.Discussed {
			continue
		}
		names = append(names, c.FamilyName+" "+c.Number)
		var labels []string
		for _, it := range rules.Unanswered(checklist, c.Items, c.NotApplies) {
			labels = append(labels, it.Label)
		}
		f.Problems[fmt.Sprintf("c%d", c.CaseID)] = "Not discussed yet, so the record cannot be signed. Still blank: " + strings.Join(labels, "; ") +
			". Write each, mark it “does not apply”, or remove this case from the conference."
	}
	f.Saved = "Saved."
	are := "cases are"
	if len(names) == 1 {
		are = "case is"
	}
	f.NotSigned = fmt.Sprintf("The record was saved, not signed: %d %s not discussed yet (%s). "+
		"Write each topic or mark it “does not apply”, or remove the case from the conference.",
		len(names), are, strings.Join(names, "; "))
	app.renderEdit(w, r, http.StatusUnprocessableEntity, f)
}

// renderConfirmSign asks, without JavaScript, before a record becomes final.
func (app *App) renderConfirmSign(w http.ResponseWriter, r *http.Request, rec store.ConferenceRecord) {
	c := views.ConfirmSign{Record: rec}
	if rec.Kind == "supervision" {
		if check, err := app.floorCheck(r, rec); err == nil {
			c.Floor = floorShort(check)
		}
	}
	app.render(w, r, http.StatusOK, views.ConfirmSignPage(app.chrome(r, "Sign the record", ""), c))
}

// autosaveConference is the htmx save as the supervisor types: it answers
// with the status line and the new version, never a page.
func (app *App) autosaveConference(w http.ResponseWriter, r *http.Request) {
	rec, ok := app.editableDraft(w, r)
	if !ok {
		return
	}
	f, d := app.parseConference(r, rec)
	if r.PostForm.Get("op") != "" || len(f.Problems) > 0 {
		app.render(w, r, http.StatusOK, views.AutosaveResult(
			fmt.Sprintf("Not saved automatically: %d fields need attention. Use “Save the draft” to see them.", len(f.Problems)), f.Version))
		return
	}
	v, _ := viewerFrom(r.Context())
	res, err := app.store.SaveDraft(r.Context(), v, rec.ID, f.Version, d)
	var conflict *store.ConflictError
	switch {
	case errors.As(err, &conflict):
		app.render(w, r, http.StatusOK, views.AutosaveResult(
			"Not saved: someone saved this draft elsewhere meanwhile. Use “Save the draft” to see what to do; nothing you typed is lost.", f.Version))
		return
	case errors.Is(err, store.ErrInvalid):
		app.render(w, r, http.StatusOK, views.AutosaveResult("Not saved automatically: use “Save the draft” to see why.", f.Version))
		return
	case err != nil:
		app.storeError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, views.AutosaveResult("Saved automatically at "+res.UpdatedAt.In(app.loc).Format("15:04:05")+".", res.Version))
}

// signConference signs the saved draft at the version the confirmation page
// read (a form that carries the record's fields signs what it carries).
func (app *App) signConference(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "conferenceID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	if r.PostForm.Has("held_on") {
		rec, ok := app.editableDraft(w, r)
		if !ok {
			return
		}
		f, d := app.parseConference(r, rec)
		app.signFromForm(w, r, rec, f, d)
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	v, _ := viewerFrom(r.Context())
	// The draft as saved is what is signed: its floor is checked on it.
	saved, err := app.store.Conference(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	floor, err := app.floorAtSigning(r, saved)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	err = app.store.SignConference(r.Context(), v, id, version, nil, floor, app.now())
	var blank *store.BlankError
	if errors.As(err, &blank) {
		app.showBlank(w, r, id)
		return
	}
	if errors.Is(err, store.ErrConflict) {
		http.Redirect(w, r, fmt.Sprintf("/conferences/%d?saved=conflict", id), http.StatusSeeOther)
		return
	}
	if errors.Is(err, store.ErrSigned) {
		http.Redirect(w, r, fmt.Sprintf("/conferences/%d", id), http.StatusSeeOther)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/conferences/%d?notice=signed", id), http.StatusSeeOther)
}

// shareConference shares a signed record; an addendum typed on the page is
// added first, in the same request, so that nothing typed is lost.
func (app *App) shareConference(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() == nil && strings.TrimSpace(r.PostForm.Get("body")) != "" {
		if !app.addendumFromForm(w, r) {
			return
		}
	}
	app.lifecycleStep(w, r, app.store.ShareConference, "shared")
}

func (app *App) acknowledgeConference(w http.ResponseWriter, r *http.Request) {
	app.lifecycleStep(w, r, app.store.AcknowledgeConference, "acknowledged")
}

func (app *App) lifecycleStep(w http.ResponseWriter, r *http.Request, step func(ctx context.Context, v access.Viewer, id int64, at time.Time) error, notice string) {
	id, ok := urlID(r, "conferenceID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := step(r.Context(), v, id, app.now()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/conferences/%d?notice=%s", id, notice), http.StatusSeeOther)
}

func (app *App) addAddendum(w http.ResponseWriter, r *http.Request) {
	id, _ := urlID(r, "conferenceID")
	if app.addendumFromForm(w, r) {
		http.Redirect(w, r, fmt.Sprintf("/conferences/%d?notice=addendum", id), http.StatusSeeOther)
	}
}

// addendumFromForm adds the addendum of the form. An empty or oversized one
// brings the record back with the message beside the field and the text as
// typed; it says whether the addendum was added (or answered otherwise).
func (app *App) addendumFromForm(w http.ResponseWriter, r *http.Request) bool {
	id, ok := urlID(r, "conferenceID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return false
	}
	v, _ := viewerFrom(r.Context())
	rec, err := app.store.Conference(r.Context(), v, id, app.today())
	if err == nil && partOf(v, rec) != conference.Author {
		err = store.ErrNotFound // only the record's author adds addenda
	}
	if err != nil {
		app.storeError(w, r, err)
		return false
	}
	typed := r.PostForm.Get("body")
	body := strings.TrimSpace(typed)
	problem := ""
	switch {
	case body == "":
		problem = "Write the correction: an addendum needs text."
	case utf8.RuneCountInString(body) > maxText:
		problem = fmt.Sprintf("This is %d characters; an addendum holds at most %d. Shorten it, or add it in parts.", utf8.RuneCountInString(body), maxText)
	}
	if problem != "" {
		app.renderRecord(w, r, http.StatusUnprocessableEntity, rec, addendumForm{Body: typed, Problem: problem})
		return false
	}
	if err := app.store.AddAddendum(r.Context(), v, id, body, app.now()); err != nil {
		app.storeError(w, r, err)
		return false
	}
	return true
}
