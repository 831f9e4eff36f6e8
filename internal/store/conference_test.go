package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// confFixture: the demo as the app's role sees it, with the first unit's
// supervisor, one of their workers and two of that worker's cases, and a case
// of another unit.
type confFixture struct {
	st                    *store.Store
	owner                 *pgxpool.Pool
	sup, worker, other    access.Viewer
	cws, admin            access.Viewer
	workerID              int64
	case1, case2, foreign int64
}

func newConfFixture(t *testing.T) confFixture {
	t.Helper()
	owner, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := owner.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	viewer := func(id int64) access.Viewer {
		v, err := st.ViewerByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	f := confFixture{st: st, owner: owner}
	supID := q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id LIMIT 1`)
	f.sup = viewer(supID)
	f.other = viewer(q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id OFFSET 5 LIMIT 1`))
	f.cws = viewer(q(`SELECT casework_supervisor_id FROM supervisor_reports WHERE supervisor_id = $1`, supID))
	f.admin = viewer(q(`SELECT id FROM people WHERE role = 'administrator' LIMIT 1`))
	f.workerID = q(`SELECT m.worker_id FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id
		WHERE s.supervisor_id = $1 AND m.during @> DATE '2026-11-23' ORDER BY m.worker_id LIMIT 1`, supID)
	f.worker = viewer(f.workerID)
	f.case1 = q(`SELECT case_id FROM case_assignments WHERE worker_id = $1 AND upper_inf(during) ORDER BY case_id LIMIT 1`, f.workerID)
	f.case2 = q(`SELECT case_id FROM case_assignments WHERE worker_id = $1 AND upper_inf(during) ORDER BY case_id OFFSET 1 LIMIT 1`, f.workerID)
	f.foreign = q(`SELECT a.case_id FROM case_assignments a JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.supervisor_id = $1 WHERE upper_inf(a.during) LIMIT 1`, f.other.PersonID)
	return f
}

var (
	heldOn    = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	enteredAt = time.Date(2026, 11, 20, 18, 30, 0, 0, time.UTC)
	// The lifecycle's moments, from the app's clock: none is the database
	// server's now, so a stamp taken from now() is seen.
	signedAt   = time.Date(2026, 11, 20, 19, 5, 0, 0, time.UTC)
	addendumAt = time.Date(2026, 11, 21, 9, 15, 0, 0, time.UTC)
	sharedAt   = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
)

func TestConferenceLifecycle(t *testing.T) {
	f := newConfFixture(t)
	ctx := context.Background()
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1})
	if err != nil {
		t.Fatal(err)
	}
	// A worker never sees a draft; another unit's supervisor, an
	// administrator never see it at all.
	for _, v := range []access.Viewer{f.worker, f.other, f.admin} {
		if _, err := f.st.Conference(ctx, v, id, asOf); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft as %s %d: %v, want not found", v.Role, v.PersonID, err)
		}
	}
	k, err := f.st.Conference(ctx, f.cws, id, asOf)
	if err != nil || k.Status != "draft" || k.Version != 1 || len(k.Cases) != 1 {
		t.Fatalf("casework supervisor reads the draft: %+v, %v", k, err)
	}
	draft := store.Draft{HeldOn: heldOn,
		Cases: []store.DraftCase{
			{CaseID: f.case1, Items: written("Safety plan holding."), Progress: "adequate", Notes: "Mother engaged.", RiskLevel: "high"},
			{CaseID: f.case2, Items: map[string]string{"court": "Hearing on the 4th."}, NotApplies: notApplies("court")},
		},
		Steps: []store.DraftStep{{CaseID: f.case1, Description: "Schedule the family team meeting", OwnerID: f.workerID, DueOn: heldOn.AddDate(0, 0, 10)}},
	}
	res, err := f.st.SaveDraft(ctx, f.sup, id, 1, draft)
	if err != nil || res.Version != 2 {
		t.Fatalf("save: %+v %v", res, err)
	}
	// A second save from the page that read version 1 is refused: nothing
	// is overwritten silently.
	draft.Cases[0].Notes = "Overwritten?"
	var conflict *store.ConflictError
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 1, draft); !errors.As(err, &conflict) || conflict.Current != 2 {
		t.Fatalf("stale save: %v, want a conflict at version 2", err)
	}
	k, _ = f.st.Conference(ctx, f.sup, id, asOf)
	if k.Cases[0].Notes != "Mother engaged." || k.Cases[0].Items["safety_risk"] != "Safety plan holding." || len(k.Cases) != 2 || len(k.Steps) != 1 {
		t.Fatalf("after the refused save: %+v", k)
	}
	// Sign: the record freezes and the new risk level takes effect on the day held.
	if err := f.st.SignConference(ctx, f.sup, id, 2, nil, nil, signedAt); err != nil {
		t.Fatal(err)
	}
	var level string
	var recordedAt time.Time
	if err := f.owner.QueryRow(ctx, `SELECT level, recorded_at FROM risk_assessments WHERE case_id = $1 AND assessed_on = $2`, f.case1, heldOn).Scan(&level, &recordedAt); err != nil || level != "high" {
		t.Fatalf("risk level at signing: %q, %v", level, err)
	}
	if !recordedAt.Equal(signedAt) {
		t.Errorf("the risk level applied by signing is recorded at %v, want the signing's moment %v", recordedAt, signedAt)
	}
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 3, draft); !errors.Is(err, store.ErrSigned) {
		t.Fatalf("save after signing: %v, want ErrSigned", err)
	}
	// Not even the schema's owner changes a signed record's content.
	for _, q := range []string{
		`UPDATE conference_cases SET notes = 'x' WHERE conference_id = $1`,
		`DELETE FROM conference_cases WHERE conference_id = $1`,
		`UPDATE next_steps SET description = 'x' WHERE conference_id = $1`,
		`UPDATE conferences SET held_on = held_on - 1 WHERE id = $1`,
		`UPDATE conferences SET status = 'draft', signed_at = NULL, signed_by = NULL WHERE id = $1`,
		`DELETE FROM conferences WHERE id = $1`,
	} {
		if _, err := f.owner.Exec(ctx, q, id); err == nil {
			t.Errorf("%s: changed a signed record", q)
		}
	}
	// Next steps may still be marked done.
	if _, err := f.owner.Exec(ctx, `UPDATE next_steps SET done_on = DATE '2026-11-22' WHERE conference_id = $1`, id); err != nil {
		t.Errorf("marking a next step done: %v", err)
	}
	if err := f.st.AddAddendum(ctx, f.sup, id, "Correction: the hearing is on the 5th.", addendumAt); err != nil {
		t.Fatal(err)
	}
	// Share, then the worker sees it and acknowledges it.
	if err := f.st.AcknowledgeConference(ctx, f.worker, id, sharedAt); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("acknowledged before sharing: %v", err)
	}
	if err := f.st.ShareConference(ctx, f.sup, id, sharedAt); err != nil {
		t.Fatal(err)
	}
	k, err = f.st.Conference(ctx, f.worker, id, asOf)
	if err != nil || k.Status != "shared" || len(k.Addenda) != 1 {
		t.Fatalf("worker reads the shared record: %+v, %v", k, err)
	}
	// The worker's instance's clock is a minute behind the one that
	// shared: the record is acknowledged when it was shared, never before.
	if err := f.st.AcknowledgeConference(ctx, f.worker, id, sharedAt.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AcknowledgeConference(ctx, f.worker, id, sharedAt.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("acknowledged twice: %v", err)
	}
	// Every moment of the lifecycle is the app's clock's, not the database's.
	var gotSigned, gotShared, gotAcked, gotWritten time.Time
	if err := f.owner.QueryRow(ctx, `SELECT k.signed_at, k.shared_at, k.acknowledged_at, a.written_at
		FROM conferences k JOIN conference_addenda a ON a.conference_id = k.id WHERE k.id = $1`, id).Scan(&gotSigned, &gotShared, &gotAcked, &gotWritten); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		got, want time.Time
	}{{"signed", gotSigned, signedAt}, {"addendum written", gotWritten, addendumAt}, {"shared", gotShared, sharedAt}, {"acknowledged", gotAcked, sharedAt}} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s at %v, want %v", c.what, c.got, c.want)
		}
	}
	// The audit log has the lifecycle, and no conference text.
	var actions []string
	rows, _ := f.owner.Query(ctx, `SELECT action FROM audit_log WHERE entity = 'conference' AND entity_id = $1 AND action <> 'viewed' ORDER BY seq`, fmt.Sprint(id))
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	want := "created updated signed addendum shared acknowledged"
	if got := join(actions); got != want {
		t.Errorf("audit: %q, want %q", got, want)
	}
	var leaks int
	if err := f.owner.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%Mother engaged%' OR detail::text LIKE '%hearing%'`).Scan(&leaks); err != nil || leaks != 0 {
		t.Errorf("conference text in the audit log: %d rows (%v)", leaks, err)
	}
}

// written is a discussion answering every topic of nj-cpp's checklist, the
// first with the text given.
func written(first string) map[string]string {
	m := map[string]string{}
	for i, it := range rules.Checklist("nj-cpp") {
		m[it.ID] = "Discussed with the worker."
		if i == 0 {
			m[it.ID] = first
		}
	}
	return m
}

// notApplies marks every topic of nj-cpp's checklist "does not apply" but
// the ones named.
func notApplies(except ...string) map[string]bool {
	m := map[string]bool{}
	for _, it := range rules.Checklist("nj-cpp") {
		if !slices.Contains(except, it.ID) {
			m[it.ID] = true
		}
	}
	return m
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// Form tampering: a case of another unit, a next step owned by someone
// outside the conference, another supervisor's draft.
func TestConferenceRefusesWhatIsNotTheSupervisors(t *testing.T) {
	f := newConfFixture(t)
	ctx := context.Background()
	if _, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1, f.foreign}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("start with another unit's case: %v", err)
	}
	if _, err := f.st.StartConference(ctx, f.other, f.workerID, heldOn, enteredAt, []int64{f.case1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another supervisor starts a conference with this worker: %v", err)
	}
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 1, store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.foreign}}}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("save with another unit's case: %v", err)
	}
	if _, err := f.st.SaveDraft(ctx, f.sup, id, 1, store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.case1}},
		Steps: []store.DraftStep{{Description: "x", OwnerID: f.other.PersonID, DueOn: heldOn}}}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("save with an outside owner: %v", err)
	}
	if _, err := f.st.SaveDraft(ctx, f.other, id, 1, store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.case1}}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another supervisor saves the draft: %v", err)
	}
	// Nothing of the refused saves was written.
	k, err := f.st.Conference(ctx, f.sup, id, asOf)
	if err != nil || k.Version != 1 || len(k.Cases) != 1 || len(k.Steps) != 0 {
		t.Fatalf("after refused saves: %+v %v", k, err)
	}
	// A conference dated after the day it is entered is refused by the schema.
	if _, err := f.st.StartConference(ctx, f.sup, f.workerID, enteredAt.AddDate(0, 0, 3), enteredAt, []int64{f.case1}); err == nil {
		t.Fatal("a conference dated in the future was accepted")
	}
}

// A case left blank is listed, not discussed: the record is not signed with
// it, and a blank case of a record signed before the rule (made here by
// switching the schema's guard off, as a record from before migration 000040
// would be) never reaches the rules' facts.
func TestBlankCaseIsNeverDiscussed(t *testing.T) {
	f := newConfFixture(t)
	ctx := context.Background()
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1, f.case2})
	if err != nil {
		t.Fatal(err)
	}
	blankDraft := store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{
		{CaseID: f.case1, Items: written("Safety plan holding.")},
		{CaseID: f.case2, Items: map[string]string{"safety_risk": "   "}, Notes: "Only notes, no topic."},
	}}
	res, err := f.st.SaveDraft(ctx, f.sup, id, 1, blankDraft)
	if err != nil {
		t.Fatal(err)
	}
	var blank *store.BlankError
	if err := f.st.SignConference(ctx, f.sup, id, res.Version, nil, nil, signedAt); !errors.As(err, &blank) || len(blank.Cases) != 1 || blank.Cases[0] != f.case2 {
		t.Fatalf("signing with a blank case: %v, want BlankError naming case %d", err, f.case2)
	}
	// Saving and signing at once is refused the same way, and writes nothing.
	if err := f.st.SignConference(ctx, f.sup, id, res.Version, &blankDraft, nil, signedAt); !errors.As(err, &blank) {
		t.Fatalf("save and sign with a blank case: %v", err)
	}
	k, _ := f.st.Conference(ctx, f.sup, id, asOf)
	if k.Status != "draft" || k.Version != res.Version || !k.Cases[0].Discussed || k.Cases[1].Discussed {
		t.Fatalf("after refused signings: status %s version %d, discussed %v %v", k.Status, k.Version, k.Cases[0].Discussed, k.Cases[1].Discussed)
	}
	// Whoever asks: the schema refuses it too.
	if _, err := f.owner.Exec(ctx, `UPDATE conferences SET status = 'signed', signed_at = now(), signed_by = supervisor_id WHERE id = $1`, id); err == nil {
		t.Fatal("the schema signed a record with a blank case")
	}
	// A record signed before the rule, with the blank case on it.
	for _, q := range []string{
		`ALTER TABLE conferences DISABLE TRIGGER conferences_sign_discussed`,
		fmt.Sprintf(`UPDATE conferences SET status = 'signed', signed_at = now(), signed_by = supervisor_id WHERE id = %d`, id),
		`ALTER TABLE conferences ENABLE TRIGGER conferences_sign_discussed`,
	} {
		if _, err := f.owner.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var n1, n2 string
	if err := f.owner.QueryRow(ctx, `SELECT (SELECT case_number FROM cases WHERE id = $1), (SELECT case_number FROM cases WHERE id = $2)`, f.case1, f.case2).Scan(&n1, &n2); err != nil {
		t.Fatal(err)
	}
	facts, ids, err := f.st.WorkerFacts(ctx, f.sup, f.workerID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range facts.Conferences {
		if ids.Conferences[c.ID] != id {
			continue
		}
		found = true
		if !slices.Contains(c.Cases, n1) || slices.Contains(c.Cases, n2) {
			t.Errorf("the signed record's cases in the facts: %v; want %s (discussed) and not %s (blank)", c.Cases, n1, n2)
		}
	}
	if !found {
		t.Fatal("the signed record is not in the worker's facts")
	}
	// The same for every reader: the record page says the blank case does
	// not count, and the count of cases on the worker's page is of discussed
	// cases only.
	k, _ = f.st.Conference(ctx, f.sup, id, asOf)
	if k.Cases[1].Discussed {
		t.Error("the blank case reads as discussed")
	}
	var counted int
	if err := f.owner.QueryRow(ctx, `SELECT count(*) FROM discussed_cases WHERE conference_id = $1`, id).Scan(&counted); err != nil || counted != 1 {
		t.Errorf("discussed_cases holds %d cases of the record (%v), want 1", counted, err)
	}
}
