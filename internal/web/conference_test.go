package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casework/casework/internal/rules"
)

// draftFixture signs in the first supervisor and starts a conference with one
// of their workers through the pages, returning its path.
func (h *harness) draftFixture(t *testing.T) (c *http.Client, path string, worker, case1, case2, foreign int64) {
	t.Helper()
	ctx := context.Background()
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := h.pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	sup := q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id LIMIT 1`)
	worker = q(`SELECT m.worker_id FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		WHERE s.supervisor_id = $1 AND upper_inf(m.during) ORDER BY m.worker_id LIMIT 1`, sup)
	case1 = q(`SELECT case_id FROM case_assignments WHERE worker_id = $1 AND upper_inf(during) ORDER BY case_id LIMIT 1`, worker)
	case2 = q(`SELECT case_id FROM case_assignments WHERE worker_id = $1 AND upper_inf(during) ORDER BY case_id OFFSET 1 LIMIT 1`, worker)
	foreign = q(`SELECT a.case_id FROM case_assignments a JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during) WHERE s.supervisor_id <> $1 AND upper_inf(a.during) LIMIT 1`, sup)
	c = h.client(t)
	h.signIn(t, c, h.email(t, "supervisor"))
	resp := h.post(t, c, fmt.Sprintf("/workers/%d/conferences", worker), url.Values{
		"held_on": {"2026-11-23"}, "case": {fmt.Sprint(case1)}}, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/conferences/") {
		t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return c, resp.Header.Get("Location"), worker, case1, case2, foreign
}

// form is the edit form of a draft discussing one case, every topic of the
// checklist answered (the safety topic with the text given), so it counts.
func form(version string, caseID int64, safety string) url.Values {
	v := url.Values{"version": {version}, "held_on": {"2026-11-23"}, "case": {fmt.Sprint(caseID)}, "op": {"save"}}
	for _, it := range rules.Checklist("nj-cpp") {
		v.Set(fmt.Sprintf("c%d-%s", caseID, it.ID), "Reviewed with the worker.")
	}
	v.Set(fmt.Sprintf("c%d-safety_risk", caseID), safety)
	return v
}

func (h *harness) postBody(t *testing.T, c *http.Client, path string, v url.Values) (*http.Response, string) {
	t.Helper()
	resp := h.post(t, c, path, v, "same-origin")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// Two tabs (or two people) edit one draft: the second save, made from the
// version both read, is refused with a clear message and keeps what its
// author typed; the first save stays.
func TestTwoEditorsCannotOverwriteEachOtherSilently(t *testing.T) {
	h := newHarness(t)
	c, path, _, case1, _, _ := h.draftFixture(t)
	if r, _ := h.postBody(t, c, path, form("1", case1, "First tab's notes.")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	r, body := h.postBody(t, c, path, form("1", case1, "Second tab's notes."))
	if r.StatusCode != http.StatusConflict || !strings.Contains(body, `data-testid="conflict"`) || !strings.Contains(body, "Second tab&#39;s notes.") {
		t.Fatalf("stale save: %d; want 409 with the conflict message and the typed text kept", r.StatusCode)
	}
	_, page := h.get(t, c, path)
	if !strings.Contains(page, "First tab&#39;s notes.") || strings.Contains(page, "Second tab") {
		t.Fatal("the stored draft is not the first save")
	}
	// The conflict page carries the current version: saving again is a
	// deliberate replacement, which succeeds.
	if r, _ := h.postBody(t, c, path, form("2", case1, "Second tab's notes.")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deliberate save: %d", r.StatusCode)
	}
}

// Form tampering: a case of another unit posted into the conference, a next
// step for someone outside it, a bad rating. Nothing is saved, the problem is
// named, the typed values come back.
func TestConferenceFormRefusesTamperingAndKeepsWhatWasTyped(t *testing.T) {
	h := newHarness(t)
	c, path, _, case1, _, foreign := h.draftFixture(t)
	f := form("1", case1, "Typed before the problem.")
	f.Add("case", fmt.Sprint(foreign))
	r, body := h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Typed before the problem.") || !strings.Contains(body, "Nothing was saved") {
		t.Fatalf("another unit's case: %d", r.StatusCode)
	}
	f = form("1", case1, "Typed again.")
	f.Set(fmt.Sprintf("c%d-case-progress", case1), "excellent")
	f.Set("step-desc", "Call the school")
	f.Set("step-owner", "1") // the administrator
	f.Set("step-due", "2026-12-01")
	r, body = h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, fmt.Sprintf(`data-testid="c%d-case-progress-problem"`, case1)) ||
		!strings.Contains(body, `data-testid="step-0-problem"`) || !strings.Contains(body, "Call the school") {
		t.Fatalf("bad rating and owner: %d", r.StatusCode)
	}
	var version int
	if err := h.pool.QueryRow(context.Background(), `SELECT version FROM conferences WHERE id = $1`, strings.TrimPrefix(path, "/conferences/")).Scan(&version); err != nil || version != 1 {
		t.Fatalf("a refused save changed the draft: version %d (%v)", version, err)
	}
	// A date in the future is refused by name.
	f = form("1", case1, "x")
	f.Set("held_on", "2026-11-30")
	if r, body := h.postBody(t, c, path, f); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "cannot be in the future") {
		t.Fatalf("future date: %d", r.StatusCode)
	}
}

// The htmx save answers with the status line and the next version, and a
// plain page load shows what it saved.
func TestAutosave(t *testing.T) {
	h := newHarness(t)
	c, path, _, case1, _, _ := h.draftFixture(t)
	f := form("1", case1, "Saved as typed.")
	f.Del("op")
	r, body := h.postBody(t, c, path+"/autosave", f)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, "Saved automatically") || !strings.Contains(body, `value="2"`) || strings.Contains(body, "<html") {
		t.Fatalf("autosave: %d %s", r.StatusCode, body)
	}
	if _, page := h.get(t, c, path); !strings.Contains(page, "Saved as typed.") {
		t.Fatal("the autosaved text is not in the draft")
	}
	// A stale autosave is refused without a page, and says so.
	r, body = h.postBody(t, c, path+"/autosave", f)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, "Not saved") {
		t.Fatalf("stale autosave: %d %s", r.StatusCode, body)
	}
}

// Signed records are final: a save answers that nothing was saved; the
// worker sees the record only once shared, and acknowledges it.
func TestSignShareAcknowledge(t *testing.T) {
	h := newHarness(t)
	c, path, worker, case1, _, _ := h.draftFixture(t)
	h.postBody(t, c, path, form("1", case1, "Discussed."))
	var workerEmail string
	_ = h.pool.QueryRow(context.Background(), `SELECT email FROM people WHERE id = $1`, worker).Scan(&workerEmail)
	wc := h.client(t)
	h.signIn(t, wc, workerEmail)
	if r, _ := h.get(t, wc, path); r.StatusCode != http.StatusNotFound {
		t.Fatalf("worker reads a draft: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, path+"/sign", url.Values{"version": {"2"}}); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "notice=signed") {
		t.Fatalf("sign: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r, body := h.postBody(t, c, path, form("3", case1, "Changed after signing")); r.StatusCode != http.StatusConflict || !strings.Contains(body, "nothing was saved") {
		t.Fatalf("save after signing: %d", r.StatusCode)
	}
	if r, _ := h.get(t, wc, path); r.StatusCode != http.StatusNotFound {
		t.Fatalf("worker reads a signed, unshared record: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, path+"/share", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("share: %d", r.StatusCode)
	}
	r, body := h.get(t, wc, path)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, "Discussed.") || !strings.Contains(body, `data-testid="acknowledge"`) {
		t.Fatalf("worker reads the shared record: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, wc, path+"/acknowledge", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", r.StatusCode)
	}
	if _, body := h.get(t, wc, path); !strings.Contains(body, "acknowledged") {
		t.Fatal("the record does not show the acknowledgement")
	}
}

// A record with a case left blank is not signed: the page comes back with the
// case named beside its section and everything typed saved; the supervisor
// removes the case (or writes it) and signs. Without JavaScript, signing asks
// on a confirmation page first.
func TestBlankRecordIsNotSigned(t *testing.T) {
	h := newHarness(t)
	c, path, _, case1, case2, _ := h.draftFixture(t)
	f := form("1", case1, "Safety plan holding.")
	f.Set("op", "add")
	f.Set("add-case", fmt.Sprint(case2))
	if r, _ := h.postBody(t, c, path, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a case: %d", r.StatusCode)
	}
	// Sign with the second case blank but for a note, confirmed as the
	// browser's dialog confirms it.
	f = form("2", case1, "Safety plan holding.")
	f.Add("case", fmt.Sprint(case2))
	f.Set(fmt.Sprintf("c%d-case-notes", case2), "Typed beside a blank case.")
	f.Set("op", "sign")
	f.Set("confirmed", "yes")
	r, body := h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="not-signed"`) ||
		!strings.Contains(body, fmt.Sprintf(`data-testid="c%d-problem"`, case2)) || strings.Contains(body, fmt.Sprintf(`data-testid="c%d-problem"`, case1)) {
		t.Fatalf("signing a blank case: %d; want 422 naming case %d beside its section, and only it", r.StatusCode, case2)
	}
	if !strings.Contains(body, "Typed beside a blank case.") {
		t.Error("the note typed beside the blank case is not on the page")
	}
	var status string
	var version int
	id := strings.TrimPrefix(path, "/conferences/")
	if err := h.pool.QueryRow(context.Background(), `SELECT status, version FROM conferences WHERE id = $1`, id).Scan(&status, &version); err != nil || status != "draft" || version != 3 {
		t.Fatalf("after the refused signing: %s at version %d (%v); want a draft saved at version 3", status, version, err)
	}
	// The plain /sign (the confirmation page's) is refused the same way.
	if r, body := h.postBody(t, c, path+"/sign", url.Values{"version": {"3"}, "confirmed": {"yes"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, fmt.Sprintf(`data-testid="c%d-problem"`, case2)) {
		t.Fatalf("signing the saved blank draft: %d", r.StatusCode)
	}
	// Remove the blank case and sign, without JavaScript: a confirmation
	// page first, then the record is signed.
	f = form("3", case1, "Safety plan holding, typed just before signing.")
	f.Add("case", fmt.Sprint(case2))
	f.Set("op", "sign")
	f.Set("op", fmt.Sprintf("remove:%d", case2))
	r, _ = h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove the blank case: %d", r.StatusCode)
	}
	f = form("4", case1, "Safety plan holding, typed just before signing.")
	f.Set("op", "sign")
	r, body = h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="confirm-sign"`) {
		t.Fatalf("sign without JavaScript: %d; want the confirmation page", r.StatusCode)
	}
	if err := h.pool.QueryRow(context.Background(), `SELECT status FROM conferences WHERE id = $1`, id).Scan(&status); err != nil || status != "draft" {
		t.Fatalf("one click signed the record: %s", status)
	}
	if r, _ := h.postBody(t, c, path+"/sign", url.Values{"version": {"5"}, "confirmed": {"yes"}}); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "notice=signed") {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if _, page := h.get(t, c, path); !strings.Contains(page, "typed just before signing") {
		t.Error("the text typed before signing is not in the signed record")
	}
}

// An oversized note or an empty addendum brings the form back with the
// message beside the field and everything typed kept, never a dead end; an
// addendum typed before "Share" is added, not lost.
func TestOversizedAndEmptyFieldsKeepWhatWasTyped(t *testing.T) {
	h := newHarness(t)
	c, path, _, case1, _, _ := h.draftFixture(t)
	f := form("1", case1, "Typed beside a long note.")
	f.Set(fmt.Sprintf("c%d-case-notes", case1), strings.Repeat("n", 2<<20))
	r, body := h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, fmt.Sprintf(`data-testid="c%d-case-notes-problem"`, case1)) ||
		!strings.Contains(body, "Typed beside a long note.") {
		t.Fatalf("a 2 MB note: %d; want the form with the message beside the note and the typed text", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, path, form("1", case1, "Discussed.")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, path+"/sign", url.Values{"version": {"2"}, "confirmed": {"yes"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d", r.StatusCode)
	}
	r, body = h.postBody(t, c, path+"/addenda", url.Values{"body": {"   "}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="addendum-problem"`) || !strings.Contains(body, `data-testid="discussed-case"`) {
		t.Fatalf("an empty addendum: %d; want the record with the message beside the field", r.StatusCode)
	}
	long := strings.Repeat("a", 10001)
	r, body = h.postBody(t, c, path+"/addenda", url.Values{"body": {long}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="addendum-problem"`) || !strings.Contains(body, long) {
		t.Fatalf("an oversized addendum: %d; want the message and the text kept", r.StatusCode)
	}
	// Typed, then "Share": the addendum is added and the record shared.
	if r, _ := h.postBody(t, c, path+"/share", url.Values{"body": {"Correction typed before sharing."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("share with an addendum typed: %d", r.StatusCode)
	}
	_, page := h.get(t, c, path)
	if !strings.Contains(page, "Correction typed before sharing.") || !strings.Contains(page, `data-testid="status">shared with the worker`) {
		t.Fatal("the addendum typed before sharing is not on the shared record")
	}
}

// A first-year worker's conference that discusses fewer than a quarter of the
// caseload says so before signing, and the signed record says so after.
func TestFirstYearConferenceBelowTheFloorSaysSo(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var worker, case1 int64
	var supEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT p.id, sp.email, (SELECT a.case_id FROM case_assignments a WHERE a.worker_id = p.id AND upper_inf(a.during) ORDER BY a.case_id LIMIT 1)
		FROM people p
		JOIN unit_members m ON m.worker_id = p.id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people sp ON sp.id = s.supervisor_id
		WHERE p.experience_start > DATE '2025-11-23'
		  AND (SELECT count(*) FROM case_assignments a WHERE a.worker_id = p.id AND upper_inf(a.during)) >= 8
		ORDER BY p.id LIMIT 1`).Scan(&worker, &supEmail, &case1); err != nil {
		t.Fatalf("a first-year worker with 8 cases or more: %v", err)
	}
	c := h.client(t)
	h.signIn(t, c, supEmail)
	r := h.post(t, c, fmt.Sprintf("/workers/%d/conferences", worker), url.Values{"held_on": {"2026-11-23"}, "case": {fmt.Sprint(case1)}}, "same-origin")
	r.Body.Close()
	path := r.Header.Get("Location")
	f := form("1", case1, "Discussed.")
	f.Set("op", "sign")
	r, body := h.postBody(t, c, path, f)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="confirm-sign"`) || !strings.Contains(body, `data-testid="floor"`) {
		t.Fatalf("confirming a first-year conference of one case: %d; want the confirmation page saying it is below the floor", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, path+"/sign", url.Values{"version": {"2"}, "confirmed": {"yes"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d", r.StatusCode)
	}
	if _, page := h.get(t, c, path); !strings.Contains(page, `data-testid="floor"`) || !strings.Contains(page, "Below the first-year floor") {
		t.Error("the signed record does not say it is below the first-year floor")
	}
	// The check is kept with the record as made at signing, and frozen.
	var caseload, minimum int
	id := strings.TrimPrefix(path, "/conferences/")
	if err := h.pool.QueryRow(ctx, `SELECT floor_caseload, floor_minimum FROM conferences WHERE id = $1`, id).Scan(&caseload, &minimum); err != nil ||
		caseload < 8 || minimum != (caseload+3)/4 {
		t.Errorf("the floor kept at signing: %d of %d (%v); want a quarter of the caseload, rounded up", minimum, caseload, err)
	}
	if _, err := h.pool.Exec(ctx, `UPDATE conferences SET floor_minimum = 0 WHERE id = $1`, id); err == nil {
		t.Error("the floor of a signed record was changed")
	}
}

// A form rendered before the case's own fields were named case-notes,
// case-progress and case-risk (a tab left open over the upgrade) posts
// the old names; what it holds is saved, not dropped. The new names win
// when both come.
func TestAFormOfTheOldFieldNamesLosesNothing(t *testing.T) {
	h := newHarness(t)
	c, path, _, case1, _, _ := h.draftFixture(t)
	f := form("1", case1, "Safety plan holding.")
	f.Set(fmt.Sprintf("c%d-notes", case1), "Typed in a tab opened before the upgrade.")
	f.Set(fmt.Sprintf("c%d-progress", case1), rules.ProgressRatings()[0])
	if r, body := h.postBody(t, c, path, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with the old names: %d\n%s", r.StatusCode, body)
	}
	id := strings.TrimPrefix(path, "/conferences/")
	var notes, progress string
	read := func() {
		t.Helper()
		if err := h.pool.QueryRow(context.Background(), `SELECT coalesce(notes, ''), coalesce(progress, '') FROM conference_cases WHERE conference_id = $1 AND case_id = $2`, id, case1).Scan(&notes, &progress); err != nil {
			t.Fatal(err)
		}
	}
	read()
	if notes != "Typed in a tab opened before the upgrade." || progress != rules.ProgressRatings()[0] {
		t.Fatalf("saved notes %q, progress %q: the old names' text was dropped", notes, progress)
	}
	f = form("2", case1, "Safety plan holding.")
	f.Set(fmt.Sprintf("c%d-notes", case1), "old")
	f.Set(fmt.Sprintf("c%d-case-notes", case1), "new")
	if r, _ := h.postBody(t, c, path, f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with both names: %d", r.StatusCode)
	}
	if read(); notes != "new" {
		t.Errorf("with both names the notes are %q, want the new name's", notes)
	}
}
