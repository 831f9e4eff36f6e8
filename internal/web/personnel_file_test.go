package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/web"
)

func init() {
	addMatrix(map[string]reach{
		// The worker's own supervisor; {workerID} of another area is out
		// of everyone's reach (an empty form: 422 to the one who may).
		"POST /workers/{workerID}/personnel/met": {roles: []access.Role{access.Supervisor}},
	})
}

// texasForm is the edit form of a Texas (tx-dfps) draft discussing one
// case, with its personnel part.
func texasForm(version string, caseID int64, rating string) url.Values {
	v := url.Values{"version": {version}, "held_on": {"2026-11-23"}, "case": {fmt.Sprint(caseID)}, "op": {"save"}}
	for _, it := range rules.Checklist("tx-dfps") {
		v.Set(fmt.Sprintf("c%d-%s", caseID, it.ID), "Reviewed with the worker.")
	}
	// tx-dfps's topic "progress" is written like every other (its field,
	// c<case>-progress, is not the case's progress rating, c<case>-case-progress).
	v.Set("pf-notes", "Supervisor's side: coaching continues (SUPNOTE-4411).")
	v.Set("pf-objectives", "Enter each contact within a day (OBJ-2290).")
	v.Set("pf-rating-timely_contacts", rating)
	v.Set("pf-note-timely_contacts", "Two families not seen (EVALNOTE-8812).")
	v.Set("pf-rating-safety_assessment", "meets")
	v["pstep-standard"] = []string{"contacts", "documentation", "contacts"}
	v["pstep-desc"] = []string{"Visit the overdue families (STEP-3377)", "Narratives up to date (STEP-5561)", ""}
	v["pstep-due"] = []string{"2026-12-10", "2026-11-24", ""}
	return v
}

// The personnel part of a Texas conference through the pages, and who sees
// what of it: roles x routes. Written in the conference form and saved with
// it (a refused save keeps what was typed), signed, filed; the worker reads
// the objectives and steps on the shared record, never the notes or the
// evaluation, and no personnel file; the supervisor chain reads it all; no
// other unit, no administrator reads any; only the worker's supervisor
// marks a step met; a step open after its date is overdue.
func TestPersonnelFileOfATexasConferenceRolesAndRoutes(t *testing.T) {
	var mu sync.Mutex
	now := fixedNow
	h := newHarnessWith(t, func(c *web.Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	ctx := context.Background()
	if _, err := h.pool.Exec(ctx, `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by) VALUES ('tx-dfps', DATE '2026-01-01', now(), 'test')`); err != nil {
		t.Fatal(err)
	}
	sup, path, worker, case1, _, _ := h.draftFixture(t)

	_, page := h.get(t, sup, path)
	if !strings.Contains(page, `data-testid="personnel-part"`) || !strings.Contains(page, "Maintain timely case contacts") ||
		strings.Count(page, `data-testid="ability"`) != 5 {
		t.Fatal("the Texas conference form has no personnel part with the five abilities")
	}
	// A rating not on the scale: nothing saved, everything typed kept.
	r, body := h.postBody(t, sup, path, texasForm("1", case1, "superb"))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="pf-rating-timely_contacts-problem"`) ||
		!strings.Contains(body, "SUPNOTE-4411") || !strings.Contains(body, "STEP-3377") || !strings.Contains(body, "EVALNOTE-8812") {
		t.Fatalf("a bad rating: %d", r.StatusCode)
	}
	if r, body := h.postBody(t, sup, path, texasForm("1", case1, "below")); r.StatusCode != http.StatusSeeOther {
		i := strings.Index(body, "field-problem")
		t.Fatalf("save: %d %s", r.StatusCode, body[max(0, i-300):min(len(body), i+300)])
	}
	// A save from the version read before (another tab): nothing written,
	// the personnel part as typed comes back with the conflict.
	stale := texasForm("1", case1, "developing")
	stale.Set("pf-notes", "Another tab's notes (STALE-6060).")
	if r, body := h.postBody(t, sup, path, stale); r.StatusCode != http.StatusConflict || !strings.Contains(body, "STALE-6060") || !strings.Contains(body, `value="developing" selected`) {
		t.Fatalf("a stale save: %d", r.StatusCode)
	}
	_, page = h.get(t, sup, path)
	if strings.Contains(page, "STALE-6060") || !strings.Contains(page, "SUPNOTE-4411") || !strings.Contains(page, `value="below" selected`) || !strings.Contains(page, "STEP-5561") {
		t.Fatal("the saved personnel part is not on the form")
	}
	sign := texasForm("2", case1, "below")
	sign.Set("op", "sign")
	sign.Set("confirmed", "yes")
	if r, _ := h.postBody(t, sup, path, sign); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "notice=signed") {
		t.Fatalf("sign: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r, _ := h.postBody(t, sup, path+"/share", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("share: %d", r.StatusCode)
	}
	mu.Lock()
	now = fixedNow.AddDate(0, 0, 2) // 2026-11-25: the documentation step (due the 24th) is overdue
	mu.Unlock()

	email := func(sql string, args ...any) string {
		var e string
		if err := h.pool.QueryRow(ctx, sql, args...).Scan(&e); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return e
	}
	supID := h.id(t, `SELECT id FROM people WHERE role = 'supervisor' ORDER BY id LIMIT 1`)
	people := map[string]string{
		"worker of the unit": email(`SELECT email FROM people WHERE id = $1`, worker),
		"worker elsewhere": email(`SELECT p.email FROM unit_members m JOIN people p ON p.id = m.worker_id
			WHERE upper_inf(m.during) AND m.unit_id <> (SELECT unit_id FROM unit_members WHERE worker_id = $1 AND upper_inf(during)) ORDER BY p.id LIMIT 1`, worker),
		"the supervisor":            h.email(t, "supervisor"),
		"another unit's supervisor": email(`SELECT email FROM people WHERE role = 'supervisor' ORDER BY id OFFSET 7 LIMIT 1`),
		"casework supervisor over":  email(`SELECT p.email FROM supervisor_reports r JOIN people p ON p.id = r.casework_supervisor_id WHERE r.supervisor_id = $1 AND upper_inf(r.during)`, supID),
		"casework supervisor not over": email(`SELECT email FROM people WHERE role = 'casework_supervisor' AND id NOT IN
			(SELECT casework_supervisor_id FROM supervisor_reports WHERE supervisor_id = $1) ORDER BY id LIMIT 1`, supID),
		"administrator": h.email(t, "administrator"),
	}
	type sees struct{ record, objectives, personnelSide, file bool }
	want := map[string]sees{
		"worker of the unit":           {record: true, objectives: true},
		"worker elsewhere":             {},
		"the supervisor":               {record: true, objectives: true, personnelSide: true, file: true},
		"another unit's supervisor":    {},
		"casework supervisor over":     {record: true, objectives: true, personnelSide: true, file: true},
		"casework supervisor not over": {},
		"administrator":                {},
	}
	notes := fmt.Sprintf("/workers/%d/notes", worker)
	var openStep int64
	if err := h.pool.QueryRow(ctx, `SELECT id FROM personnel_steps WHERE worker_id = $1 AND description LIKE '%STEP-5561%'`, worker).Scan(&openStep); err != nil {
		t.Fatal(err)
	}
	met := fmt.Sprintf("/workers/%d/personnel/met", worker)
	clients := map[string]*http.Client{}
	for who, addr := range people {
		c := h.client(t)
		h.signIn(t, c, addr)
		clients[who] = c
		w := want[who]
		r, rec := h.get(t, c, path)
		if (r.StatusCode == http.StatusOK) != w.record {
			t.Errorf("%s: the record %d, want seen=%v", who, r.StatusCode, w.record)
		}
		if got := strings.Contains(rec, "OBJ-2290") && strings.Contains(rec, "STEP-3377"); got != w.objectives {
			t.Errorf("%s: objectives and steps on the record %v, want %v", who, got, w.objectives)
		}
		if got := strings.Contains(rec, "SUPNOTE-4411") || strings.Contains(rec, "EVALNOTE-8812") || strings.Contains(rec, `data-testid="evaluation"`); got != w.personnelSide {
			t.Errorf("%s: the supervisor's side on the record %v, want %v", who, got, w.personnelSide)
		}
		r, file := h.get(t, c, notes)
		got := r.StatusCode == http.StatusOK && strings.Contains(file, `data-testid="personnel-filing"`) && strings.Contains(file, "SUPNOTE-4411") &&
			strings.Contains(file, "EVALNOTE-8812") && strings.Contains(file, "Below the standard: steps set")
		if got != w.file || (!w.file && (strings.Contains(file, "SUPNOTE-4411") || strings.Contains(file, "EVALNOTE-8812"))) {
			t.Errorf("%s: the personnel file %d seen=%v, want %v", who, r.StatusCode, got, w.file)
		}
		if w.file && (!strings.Contains(file, `data-testid="step-overdue"`) || strings.Count(file, `data-testid="personnel-step"`) != 2) {
			t.Errorf("%s: the open steps are not listed, the one past its date overdue", who)
		}
		if who == "the supervisor" {
			continue // marks the step below, last
		}
		if r, _ := h.postBody(t, c, met, url.Values{"step": {fmt.Sprint(openStep)}, "met_on": {"2026-11-25"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s marks a step met: %d, want 404", who, r.StatusCode)
		}
	}
	var metOn *time.Time
	_ = h.pool.QueryRow(ctx, `SELECT met_on FROM personnel_steps WHERE id = $1`, openStep).Scan(&metOn)
	if metOn != nil {
		t.Fatal("a step was marked met by someone not the worker's supervisor")
	}
	c := clients["the supervisor"]
	r, body = h.postBody(t, c, met, url.Values{"step": {fmt.Sprint(openStep)}, "met_on": {"2026-11-20"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, fmt.Sprintf(`data-testid="met-%d-problem"`, openStep)) || !strings.Contains(body, `value="2026-11-20"`) {
		t.Errorf("met before the conference: %d", r.StatusCode)
	}
	if r, body := h.postBody(t, c, met, url.Values{"step": {fmt.Sprint(openStep)}, "met_on": {"2026-11-26"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "future") {
		t.Errorf("met tomorrow: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, met, url.Values{"step": {fmt.Sprint(openStep)}, "met_on": {"2026-11-25"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("met: %d", r.StatusCode)
	}
	_, file := h.get(t, c, notes)
	if strings.Contains(file, `data-testid="step-overdue"`) || strings.Count(file, `data-testid="personnel-step"`) != 1 || !strings.Contains(file, "met Wed 25 Nov 2026") {
		t.Error("the met step is still listed open or overdue")
	}

	// Never with the case, nor in the audit log.
	_, casePage := h.get(t, c, fmt.Sprintf("/cases/%d", case1))
	for _, s := range []string{"SUPNOTE-4411", "EVALNOTE-8812", "OBJ-2290", "STEP-3377"} {
		if strings.Contains(casePage, s) {
			t.Errorf("%s is on the case page", s)
		}
	}
	var leaks int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE detail::text ~ '(SUPNOTE|EVALNOTE|OBJ-2290|STEP-3377)'`).Scan(&leaks); err != nil || leaks != 0 {
		t.Errorf("personnel text in the audit log (%d, %v)", leaks, err)
	}
}

// New Jersey's profile asks for no personnel file: its conference form has
// no personnel part.
func TestPersonnelFileNotOnANewJerseyConference(t *testing.T) {
	h := newHarness(t)
	c, path, _, _, _, _ := h.draftFixture(t)
	if _, page := h.get(t, c, path); strings.Contains(page, `data-testid="personnel-part"`) {
		t.Error("an nj-cpp conference form has a personnel part")
	}
}
