package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// texasFixture is the conference fixture under the tx-dfps profile, whose
// conferences have a personnel part (CPS 1481).
func texasFixture(t *testing.T) confFixture {
	t.Helper()
	f := newConfFixture(t)
	if _, err := f.owner.Exec(context.Background(), `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by)
		VALUES ('tx-dfps', DATE '2026-01-01', now(), 'test')`); err != nil {
		t.Fatal(err)
	}
	return f
}

// writtenUnder answers every topic of a profile's checklist.
func writtenUnder(profile string) map[string]string {
	m := map[string]string{}
	for _, it := range rules.Checklist(profile) {
		m[it.ID] = "Discussed with the worker."
	}
	return m
}

func texasPersonnel() *store.ConferencePersonnel {
	p := &store.ConferencePersonnel{
		Notes:      "Coaching on contacts continues (PF-7731).",
		Objectives: "Enter every contact within 24 hours (OBJ-55).",
		Steps: []store.StandardStep{
			{Standard: "contacts", Description: "Visit the three overdue families", DueOn: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)},
			{Standard: "documentation", Description: "Bring the contact narratives up to date", DueOn: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
		},
	}
	for _, a := range rules.PersonnelFileOf("tx-dfps", rules.MustDate("2026-11-20")).Abilities {
		p.Abilities = append(p.Abilities, store.AbilityRating{Ability: a.Key})
	}
	p.Abilities[3].Rating, p.Abilities[3].Note = "below", "Two families not seen this month (EV-19)."
	p.Abilities[0].Rating = "meets"
	return p
}

// The personnel part is saved with the draft in one request under its
// version check, read by the supervisor chain only, frozen at signing and
// filed then in the personnel file, append-only; the worker reads the
// objectives and steps of the record shared with them, never the notes or
// the evaluation.
func TestPersonnelFileConferencePartSavedFrozenAndFiled(t *testing.T) {
	f := texasFixture(t)
	ctx := context.Background()
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1})
	if err != nil {
		t.Fatal(err)
	}
	draft := store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.case1, Items: writtenUnder("tx-dfps")}}, Personnel: texasPersonnel()}

	// What the profile does not list is refused, and nothing of the save
	// is written.
	bad := draft
	bad.Personnel = texasPersonnel()
	bad.Personnel.Abilities[1].Rating = "superb"
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 1, bad); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("an unknown rating: %v", err)
	}
	if _, err := f.st.ConferencePersonnelPart(ctx, f.sup, id, asOf); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused save wrote the personnel part: %v", err)
	}
	res, err := f.st.SaveDraft(ctx, f.sup, id, 1, draft)
	if err != nil {
		t.Fatal(err)
	}
	// A save at an older version is a conflict: nothing of it is written.
	stale := draft
	stale.Personnel = &store.ConferencePersonnel{Notes: "stale"}
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 1, stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale save: %v", err)
	}
	p, err := f.st.ConferencePersonnelPart(ctx, f.sup, id, asOf)
	if err != nil || !p.Full || p.Notes != draft.Personnel.Notes || len(p.Abilities) != 5 || p.Abilities[3].Rating != "below" || len(p.Steps) != 2 {
		t.Fatalf("the author's draft: %+v %v", p, err)
	}
	// The draft: its author and the casework supervisor over them; never
	// the worker, another unit's supervisor or an administrator.
	if p, err := f.st.ConferencePersonnelPart(ctx, f.cws, id, asOf); err != nil || !p.Full {
		t.Errorf("the casework supervisor over: %+v %v", p, err)
	}
	for _, v := range []access.Viewer{f.worker, f.other, f.admin} {
		if _, err := f.st.ConferencePersonnelPart(ctx, v, id, asOf); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the draft's part as %s: %v", v.Role, err)
		}
	}

	if err := f.st.SignConference(ctx, f.sup, id, res.Version, nil, nil, signedAt); err != nil {
		t.Fatal(err)
	}
	// Frozen at signing, whoever writes: the list of tables is data.
	rows, err := f.owner.Query(ctx, `SELECT name::text FROM conference_frozen_tables ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"conference_abilities", "conference_cases", "conference_personnel", "conference_standard_steps"}; !slices.Equal(tables, want) {
		t.Errorf("frozen tables %v, want %v", tables, want)
	}
	for _, q := range []string{
		`UPDATE conference_personnel SET notes = 'rewritten' WHERE conference_id = $1`,
		`UPDATE conference_abilities SET rating = 'meets' WHERE conference_id = $1`,
		`DELETE FROM conference_standard_steps WHERE conference_id = $1`,
		`INSERT INTO conference_standard_steps (conference_id, position, standard, description, due_on) VALUES ($1, 9, 'contacts', 'later', DATE '2026-12-31')`,
	} {
		if _, err := f.owner.Exec(ctx, q, id); err == nil || !strings.Contains(err.Error(), "is signed") {
			t.Errorf("%s after signing: %v", q, err)
		}
	}
	if _, err := f.owner.Exec(ctx, `SELECT freeze_conference_tables('people')`); err == nil || !strings.Contains(err.Error(), "no conference_id") {
		t.Errorf("freezing a table that is not of a record: %v", err)
	}

	// Filed: the copy as signed, with the profile's words.
	files, err := f.st.PersonnelFile(ctx, f.sup, f.workerID, asOf)
	if err != nil || len(files) != 1 {
		t.Fatalf("the personnel file: %d %v", len(files), err)
	}
	fl := files[0]
	if fl.ConferenceID != id || fl.Notes != draft.Personnel.Notes || fl.Objectives != draft.Personnel.Objectives || !fl.FiledAt.Equal(signedAt) ||
		len(fl.Evaluation) != 5 || fl.Evaluation[3].Label != "Maintain timely case contacts" || fl.Evaluation[3].RatingLabel != "Below the standard: steps set" ||
		fl.Evaluation[3].Note != "Two families not seen this month (EV-19)." || fl.Evaluation[2].Rating != "" || fl.Source == "" {
		t.Errorf("filed: %+v", fl)
	}
	if len(fl.Steps) != 2 || fl.Steps[0].StandardLabel != "Case contacts" || fl.Steps[1].StandardLabel != "Case documentation" || fl.Steps[0].MetOn != nil {
		t.Fatalf("filed steps: %+v", fl.Steps)
	}
	if !fl.Steps[1].Overdue(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)) || fl.Steps[1].Overdue(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) {
		t.Error("a step open after its due date is overdue, on its due date not yet")
	}
	if files, err := f.st.PersonnelFile(ctx, f.cws, f.workerID, asOf); err != nil || len(files) != 1 {
		t.Errorf("the casework supervisor over: %d %v", len(files), err)
	}
	for _, v := range []access.Viewer{f.worker, f.other, f.admin} {
		if files, err := f.st.PersonnelFile(ctx, v, f.workerID, asOf); err != nil || len(files) != 0 {
			t.Errorf("the personnel file as %s: %d %v", v.Role, len(files), err)
		}
	}

	// Shared: the worker reads the objectives and the steps set for them,
	// not the supervisor's notes nor the evaluation.
	if _, err := f.st.ConferencePersonnelPart(ctx, f.worker, id, asOf); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("signed, not shared, as the worker: %v", err)
	}
	if err := f.st.ShareConference(ctx, f.sup, id, sharedAt); err != nil {
		t.Fatal(err)
	}
	wp, err := f.st.ConferencePersonnelPart(ctx, f.worker, id, asOf)
	if err != nil || wp.Full || wp.Notes != "" || len(wp.Abilities) != 0 || wp.Objectives != draft.Personnel.Objectives || len(wp.Steps) != 2 {
		t.Errorf("the worker's view: %+v %v", wp, err)
	}
	if _, err := f.st.ConferencePersonnelPart(ctx, f.other, id, asOf); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another unit's supervisor, shared: %v", err)
	}

	// A step is marked met once, by the worker's own supervisor, on a day
	// from the conference to today.
	step := fl.Steps[1].ID
	today := asOf
	for _, v := range []access.Viewer{f.worker, f.other, f.cws, f.admin} {
		if err := f.st.MarkPersonnelStepMet(ctx, v, f.workerID, step, today, today, signedAt); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("marked met by %s: %v", v.Role, err)
		}
	}
	if err := f.st.MarkPersonnelStepMet(ctx, f.sup, f.workerID, step, heldOn.AddDate(0, 0, -1), today, signedAt); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("met before the conference that set it: %v", err)
	}
	if err := f.st.MarkPersonnelStepMet(ctx, f.sup, f.workerID, step, today.AddDate(0, 0, 1), today, signedAt); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("met tomorrow: %v", err)
	}
	if err := f.st.MarkPersonnelStepMet(ctx, f.sup, f.workerID, step, today, today, signedAt); err != nil {
		t.Fatal(err)
	}
	if err := f.st.MarkPersonnelStepMet(ctx, f.sup, f.workerID, step, today, today, signedAt); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("met twice: %v", err)
	}
	files, _ = f.st.PersonnelFile(ctx, f.sup, f.workerID, asOf)
	if s := files[0].Steps[1]; s.MetOn == nil || s.MetBy != f.sup.Name || s.Overdue(today.AddDate(0, 1, 0)) {
		t.Errorf("the met step: %+v", s)
	}

	// Append-only, for the app's role and by trigger for the owner.
	for _, q := range []string{
		`UPDATE personnel_filings SET notes = 'nothing to see'`,
		`DELETE FROM personnel_filings`,
		`UPDATE personnel_steps SET description = 'easier'`,
		`UPDATE personnel_steps SET met_on = NULL, met_by = NULL, met_recorded_at = NULL WHERE met_on IS NOT NULL`,
		`UPDATE personnel_steps SET met_on = met_on - 10 WHERE met_on IS NOT NULL`,
		`DELETE FROM personnel_steps`,
	} {
		if _, err := f.st.Pool().Exec(ctx, q); err == nil {
			t.Errorf("as the app: %s accepted", q)
		}
		if _, err := f.owner.Exec(ctx, q); err == nil {
			t.Errorf("as the owner: %s accepted", q)
		}
	}
}

// A profile that asks for no personnel file (nj-cpp) takes no personnel
// part and files nothing at signing.
func TestPersonnelFileNotAskedByNewJersey(t *testing.T) {
	f := newConfFixture(t)
	ctx := context.Background()
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1})
	if err != nil {
		t.Fatal(err)
	}
	draft := store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.case1, Items: writtenUnder("nj-cpp")}}, Personnel: &store.ConferencePersonnel{Notes: "x"}}
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 1, draft); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("a personnel part under nj-cpp: %v", err)
	}
	draft.Personnel = nil
	res, err := f.st.SaveDraft(ctx, f.sup, id, 1, draft)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SignConference(ctx, f.sup, id, res.Version, nil, nil, signedAt); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.owner.QueryRow(ctx, `SELECT count(*) FROM personnel_filings`).Scan(&n); err != nil || n != 0 {
		t.Errorf("filings under nj-cpp: %d %v", n, err)
	}
}
