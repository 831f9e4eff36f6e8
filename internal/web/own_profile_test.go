package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// njFrom is nj-cpp's file with its own version's date (its first effective
// line; the [[earlier]] blocks keep theirs) moved to the date given.
func njFrom(t *testing.T, effective string) string {
	t.Helper()
	data, _ := rules.BuiltinFile("nj-cpp")
	s := string(data)
	at := strings.Index(s, "\neffective = ")
	if at < 0 {
		t.Fatal("no effective line in nj-cpp's file")
	}
	end := at + 1 + strings.Index(s[at+1:], "\n")
	return s[:at] + "\neffective = " + effective + s[end:]
}

// renamed is the file as the agency's own profile "ok-dhs": the same rules,
// each under an id no built-in profile uses ("ok.r01", ...), so that a page
// that knew a rule by its id would miss it.
func renamed(t *testing.T, file string) (string, map[string]string) {
	t.Helper()
	p, problems := rules.ParseProfile([]byte(file))
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	// New ids in the order of the old ones: obligations due the same day
	// are listed by rule id (the engine's tie-break), so the pages keep
	// their order.
	var old []string
	for _, v := range p.Versions {
		for _, r := range v.Rules {
			if !slices.Contains(old, r.ID) {
				old = append(old, r.ID)
			}
		}
	}
	slices.Sort(old)
	ids := map[string]string{}
	for i, id := range old {
		ids[id] = fmt.Sprintf("ok.r%02d", i+1)
	}
	for old, nw := range ids {
		file = strings.ReplaceAll(file, `"`+old+`"`, `"`+nw+`"`)
	}
	file = strings.Replace(file, `id = "nj-cpp"`, `id = "ok-dhs"`, 1)
	file = regexp.MustCompile(`(?m)^name = ".*"$`).ReplaceAllString(file, `name = "Oklahoma DHS Child Welfare (our own)"`)
	return file, ids
}

// An agency that is not New Jersey uploads a profile of its own (an id no
// built-in profile has, every rule id new), chooses it from a date, and the
// unit, area and agenda pages are filled from it by tag exactly as from the
// same rules under nj-cpp's ids; earlier dates keep the profile chosen then.
func TestAgencyRunsOnItsOwnProfile(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	sup, cws, worker := h.client(t), h.client(t), h.client(t)
	h.signIn(t, sup, h.email(t, "supervisor"))
	h.signIn(t, cws, h.email(t, "casework_supervisor"))
	h.signIn(t, worker, h.email(t, "worker"))
	pages := []struct {
		c    *http.Client
		path string
	}{{sup, "/unit"}, {cws, "/area"}, {worker, "/agenda"}}
	read := func() []string {
		var out []string
		for _, p := range pages {
			r, page := h.get(t, p.c, p.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", p.path, r.StatusCode)
			}
			out = append(out, page)
		}
		return out
	}

	// The same rules under nj-cpp's own ids, from 2026-11-01: the pages to
	// compare with.
	nj := njFrom(t, "2026-11-01")
	if code, _, body := h.postForm(t, admin, "/admin/policy/versions", url.Values{"effective_on": {"2026-11-01"}, "confirm": {"1"}, "file_text": {nj}}); code != http.StatusSeeOther {
		t.Fatalf("nj-cpp version: %d\n%s", code, body)
	}
	want := read()

	own, ids := renamed(t, nj)
	// The preview says what it is: the agency's own profile, not yet in force.
	code, _, page := h.uploadProfile(t, admin, "2026-11-01", []byte(own), "same-origin")
	if code != http.StatusOK || !strings.Contains(page, `data-testid="own-profile"`) || !strings.Contains(page, "Keep this version of Oklahoma DHS Child Welfare (our own) from 2026-11-01") {
		t.Fatalf("own profile preview: %d\n%s", code, page)
	}
	if i := strings.Index(page, `data-testid="profile-compare"`); i < 0 || strings.Contains(page[i:strings.Index(page, "</table>")], "ok.r") {
		t.Error("the comparison is missing or shows a rule id")
	}
	// Checked as any profile file: a bad one is refused with its line.
	bad := strings.Replace(own, "documentation_business_days = 2", "documentation_business_days = 0", 1)
	if code, _, page := h.uploadProfile(t, admin, "2026-11-01", []byte(bad), "same-origin"); code != http.StatusUnprocessableEntity || !strings.Contains(page, "documentation_business_days") {
		t.Errorf("a bad own profile: %d", code)
	}
	if code, _, body := h.postForm(t, admin, "/admin/policy/versions", url.Values{"effective_on": {"2026-11-01"}, "confirm": {"1"}, "file_text": {own}}); code != http.StatusSeeOther {
		t.Fatalf("own profile upload: %d\n%s", code, body)
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'profile_version' AND action = 'uploaded' AND detail->>'profile' = 'ok-dhs' AND (detail->>'own_profile')::boolean`); n != 1 {
		t.Errorf("%d uploads of the own profile audited", n)
	}
	// Kept, not in force: the pages have not changed.
	if got := read(); got[0] != want[0] {
		t.Error("an upload of an own profile changed the unit page before it was chosen")
	}

	// Chosen on the policy page, from 2026-11-01.
	if _, page := h.get(t, admin, "/admin/policy"); !strings.Contains(page, `<option value="ok-dhs"`) {
		t.Fatal("the policy page does not offer the agency's own profile")
	} else if !strings.Contains(page, "Versions of Oklahoma DHS Child Welfare (our own) (ok-dhs), the agency&#39;s own, not in force today") {
		t.Error("the policy page does not list the own profile's uploaded version")
	}
	// Not before its first version.
	if code, _, page := h.postForm(t, admin, "/admin/policy", url.Values{"profile": {"ok-dhs"}, "effective_on": {"2026-10-01"}, "calendar": {"profile"}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "takes effect on 2026-11-01") {
		t.Errorf("choosing it before its date: %d", code)
	}
	if code, loc, body := h.postForm(t, admin, "/admin/policy", url.Values{"profile": {"ok-dhs"}, "effective_on": {"2026-11-01"}, "calendar": {"profile"}}); code != http.StatusSeeOther || loc != "/admin/policy?done=1" {
		t.Fatalf("choose: %d %s\n%s", code, loc, body)
	}

	// The evaluation is the own profile's, under its own ids; earlier dates
	// keep the profile chosen then.
	st := store.New(h.pool)
	var unitID, supID int64
	if err := h.pool.QueryRow(ctx, `SELECT unit_id, supervisor_id FROM unit_supervisors WHERE upper_inf(during) ORDER BY unit_id LIMIT 1`).Scan(&unitID, &supID); err != nil {
		t.Fatal(err)
	}
	viewer, err := st.ViewerByID(ctx, supID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ on, profile string }{{"2026-10-31", "nj-cpp"}, {"2026-11-23", "ok-dhs"}} {
		on, _ := time.Parse(time.DateOnly, tc.on)
		f, _, err := st.UnitFacts(ctx, viewer, unitID, on)
		if err != nil {
			t.Fatal(err)
		}
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Profile != tc.profile || len(res.Obligations) == 0 {
			t.Fatalf("as of %s: profile %s with %d obligations, want %s", tc.on, res.Profile, len(res.Obligations), tc.profile)
		}
		for _, o := range res.Obligations {
			if _, renamed := ids[o.Rule]; renamed == (tc.profile == "ok-dhs") {
				t.Fatalf("as of %s: obligation under rule %s", tc.on, o.Rule)
			}
		}
	}

	// The pages: the same figures, lines and labels as under nj-cpp's ids,
	// and no rule id.
	got := read()
	for i, p := range pages {
		if got[i] != want[i] {
			t.Errorf("%s under the own profile differs from the same rules under nj-cpp's ids:\n%s", p.path, firstDiff(want[i], got[i]))
		}
		if strings.Contains(got[i], "ok.r") {
			t.Errorf("%s shows a rule id", p.path)
		}
	}
	// The comparison is not of two empty pages: the unit's totals select
	// obligations by tag (milestones, high risk, conferences).
	for _, card := range []string{"overdue placement and visit milestones", "high-risk cases awaiting report or review", "conferences due within 7 days"} {
		if !regexp.MustCompile(`<span class="n">[1-9][0-9]*</span> <span class="l">` + card).MatchString(got[0]) {
			t.Errorf("the unit page counts no %s", card)
		}
	}
	if !strings.Contains(got[1], "Permanency Unit A") || !strings.Contains(got[2], "overdue since") {
		t.Error("the area page lists no unit, or the agenda no overdue obligation")
	}
}

// firstDiff shows where two pages part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-200, 0)
	return "want …" + a[from:min(i+200, len(a))] + "\n got …" + b[from:min(i+200, len(b))]
}

// The conference page follows the version in force on the day held, as
// uploaded: its discussion checklist (a heading added, one renamed), its
// "sign by" date (five business days instead of two), and whether a case
// counts as discussed when the draft is saved.
func TestConferenceFollowsTheUploadedVersion(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	file := njFrom(t, "2026-11-01")
	file = strings.Replace(file, "documentation_business_days = 2", "documentation_business_days = 5", 1)
	file = strings.Replace(file, `label = "Safety and risk"`, `label = "Safety, risk and the safety plan"`, 1)
	file = strings.Replace(file, "[[checklist]]\nkey = \"obstacles\"", "[[checklist]]\nkey = \"tribal\"\nlabel = \"Tribal and ICWA inquiry\"\nhint = \"Whether the child may be a member of a tribe, and the notices sent.\"\nsource = \"County policy 11-2026\"\n\n[[checklist]]\nkey = \"obstacles\"", 1)
	if !strings.Contains(file, `key = "tribal"`) {
		t.Fatal("the checklist heading was not added")
	}
	c, path, _, case1, _, _ := h.draftFixture(t) // held 2026-11-23

	// Before: the built-in version in force that day.
	builtin, _ := rules.LookupProfile("nj-cpp")
	held := rules.MustDate("2026-11-23")
	bv, _ := builtin.VersionAt(held)
	_, page := h.get(t, c, path)
	before := "Record to sign by " + views.RDate(bv.DocumentationDue(bv.Calendar, held)) + " (2 business days after the conference)"
	if !strings.Contains(page, before) || strings.Contains(page, "Tribal and ICWA inquiry") {
		t.Fatalf("before the upload the page lacks %q\n%s", before, page)
	}

	if code, _, body := h.postForm(t, admin, "/admin/policy/versions", url.Values{"effective_on": {"2026-11-01"}, "confirm": {"1"}, "file_text": {file}}); code != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	ver, problems := rules.ReadVersion("nj-cpp", rules.MustDate("2026-11-01"), []byte(file))
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	after := "Record to sign by " + views.RDate(ver.DocumentationDue(ver.Calendar, held)) + " (5 business days after the conference)"
	if ver.DocumentationDue(ver.Calendar, held) == bv.DocumentationDue(bv.Calendar, held) {
		t.Fatal("the test's two deadlines are the same day")
	}
	_, page = h.get(t, c, path)
	for _, want := range []string{after, "Tribal and ICWA inquiry", "Safety, risk and the safety plan"} {
		if !strings.Contains(page, want) {
			t.Errorf("after the upload the conference page lacks %q", want)
		}
	}
	if strings.Contains(page, before) {
		t.Error("the conference page still shows the built-in deadline")
	}

	// Saved with every built-in heading answered but not the new one: not
	// discussed under the version in force. With it answered: discussed.
	discussed := func() bool {
		var d bool
		if err := h.pool.QueryRow(context.Background(), `SELECT discussed FROM conference_cases WHERE case_id = $1 ORDER BY conference_id DESC LIMIT 1`, case1).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if r, _ := h.postBody(t, c, path, form("1", case1, "Safe at home.")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if discussed() {
		t.Error("a case with the uploaded version's new heading blank counts as discussed")
	}
	v := form("2", case1, "Safe at home.")
	v.Set(fmt.Sprintf("c%d-tribal", case1), "No tribal membership known; inquiry recorded.")
	if r, _ := h.postBody(t, c, path, v); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d", r.StatusCode)
	}
	if !discussed() {
		t.Error("a case with every heading of the version in force answered does not count as discussed")
	}
}
