package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// uploadProfile posts a profile file to the policy page as a browser does,
// from the site itself (site "same-origin") or from elsewhere.
func (h *harness) uploadProfile(t *testing.T, c *http.Client, effective string, file []byte, site string) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("effective_on", effective)
	fw, _ := mw.CreateFormFile("file", "ours.toml")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/admin/policy/versions", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", site)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// ourProfile is nj-cpp's file with case assignment in three business days
// instead of two, in force from 2026-12-01.
func ourProfile(t *testing.T) []byte {
	t.Helper()
	data, _ := rules.BuiltinFile("nj-cpp")
	// The file's own date (its first effective line; the [[earlier]]
	// blocks after it keep theirs) becomes 2026-12-01.
	s := string(data)
	if at := strings.Index(s, "\neffective = "); at >= 0 {
		end := at + 1 + strings.Index(s[at+1:], "\n")
		s = s[:at] + "\neffective = 2026-12-01" + s[end:]
	}
	at := strings.Index(s, `id = "case.assignment"`)
	if at < 0 {
		t.Fatal("no case.assignment in nj-cpp's file")
	}
	s = s[:at] + strings.Replace(s[at:], "business_days = 2", "business_days = 3", 1)
	s = strings.Replace(s, "changes = [\n", "changes = [\n  \"County policy 12-2026: cases assigned within three business days.\",\n", 1)
	return []byte(s)
}

// An administrator uploads a profile version: it is checked, shown beside
// the version it replaces, kept and audited when put in force, and the
// evaluation of a date uses the version in force on that date.
func TestAdministratorUploadsAProfileVersion(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	if r, page := h.get(t, admin, "/admin/policy"); r.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="profile-upload"`) || !strings.Contains(page, "the built-in version applies") {
		t.Fatalf("policy page: %d\n%s", r.StatusCode, page)
	}
	file := ourProfile(t)

	// A file with problems: each with its line and field, the text kept,
	// nothing stored.
	bad := bytes.Replace(file, []byte("business_days = 3"), []byte("business_days = \"3\"\nbusiness_dayz = 3"), 1)
	bad = append([]byte("# our marker\n"), bad...)
	code, _, page := h.uploadProfile(t, admin, "2026-12-01", bad, "same-origin")
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d\n%s", code, page)
	}
	line := strings.Count(string(bad[:bytes.Index(bad, []byte("business_dayz"))]), "\n") // the line before business_dayz
	for _, want := range []string{"2 problems", fmt.Sprintf("line %d: rule &#34;case.assignment&#34;.business_days: want a whole number", line),
		fmt.Sprintf("line %d: rule &#34;case.assignment&#34;.business_dayz: unknown field", line+1), "# our marker"} {
		if !strings.Contains(page, want) {
			t.Errorf("bad file: the page lacks %q", want)
		}
	}
	// No date: the field is named, the file kept.
	if code, _, page := h.uploadProfile(t, admin, "", file, "same-origin"); code != http.StatusUnprocessableEntity || !strings.Contains(page, `data-testid="version_effective_on-problem"`) || !strings.Contains(page, "County policy 12-2026") {
		t.Errorf("no date: %d", code)
	}

	// A good file: the comparison, rule by rule, and nothing stored yet.
	code, _, page = h.uploadProfile(t, admin, "2026-12-01", file, "same-origin")
	if code != http.StatusOK {
		t.Fatalf("preview: %d\n%s", code, page)
	}
	nj, _ := rules.LookupProfile("nj-cpp")
	replaced, _ := nj.VersionAt(rules.MustDate("2026-12-01"))
	if !strings.Contains(page, "the version in force from "+replaced.Effective.String()) || !strings.Contains(page, "Put this version in force from 2026-12-01") {
		t.Errorf("preview lacks the version it replaces or the button")
	}
	changed := page[strings.Index(page, `data-testid="profile-compare"`):]
	changed = changed[:strings.Index(changed, "</table>")]
	if n := strings.Count(changed, "(changed)"); n != 1 {
		t.Errorf("%d changed lines, want 1 (case assignment's due date)", n)
	}
	if !strings.Contains(changed, "received + 2 business days") || !strings.Contains(changed, "<strong>once: due received + 3 business days</strong>") || !strings.Contains(changed, "Case assigned") {
		t.Errorf("the comparison does not show the change:\n%s", changed)
	}
	if strings.Contains(changed, "case.assignment") {
		t.Error("the comparison shows a rule id")
	}
	if n := h.count(t, `SELECT count(*) FROM profile_versions`); n != 0 {
		t.Fatalf("a preview stored %d versions", n)
	}

	confirm := url.Values{"effective_on": {"2026-12-01"}, "confirm": {"1"}, "file_text": {string(file)}}
	// From another site: refused by the cross-origin check, nothing kept.
	if r := h.post(t, admin, "/admin/policy/versions", confirm, "cross-site"); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site confirm: %d", r.StatusCode)
	}
	// Not an administrator: not found.
	sup := h.client(t)
	h.signIn(t, sup, h.email(t, "supervisor"))
	if code, _, _ := h.postForm(t, sup, "/admin/policy/versions", confirm); code != http.StatusNotFound {
		t.Errorf("supervisor: %d", code)
	}
	if n := h.count(t, `SELECT count(*) FROM profile_versions`); n != 0 {
		t.Fatalf("refused requests stored %d versions", n)
	}
	if code, loc, body := h.postForm(t, admin, "/admin/policy/versions", confirm); code != http.StatusSeeOther || loc != "/admin/policy?done=version" {
		t.Fatalf("confirm: %d %s\n%s", code, loc, body)
	}
	if n := h.count(t, `SELECT count(*) FROM profile_versions WHERE profile = 'nj-cpp' AND effective_on = '2026-12-01' AND uploaded_by <> ''`); n != 1 {
		t.Fatalf("%d versions kept", n)
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'profile_version' AND action = 'uploaded' AND detail->>'effective_on' = '2026-12-01'`); n != 1 {
		t.Errorf("%d uploads audited", n)
	}
	if _, err := h.pool.Exec(ctx, `UPDATE profile_versions SET file = 'x'`); err == nil {
		t.Error("a kept version was changed")
	}
	if _, err := h.pool.Exec(ctx, `DELETE FROM profile_versions`); err == nil {
		t.Error("a kept version was deleted")
	}
	if _, page := h.get(t, admin, "/admin/policy?done=version"); !strings.Contains(page, "County policy 12-2026") || !strings.Contains(page, `data-testid="profile-versions"`) {
		t.Error("the policy page does not list the version")
	}

	// Evaluation: the version in force on each date.
	st := store.New(h.pool)
	var unitID, supID int64
	if err := h.pool.QueryRow(ctx, `SELECT unit_id, supervisor_id FROM unit_supervisors WHERE upper_inf(during) ORDER BY unit_id LIMIT 1`).Scan(&unitID, &supID); err != nil {
		t.Fatal(err)
	}
	viewer, err := st.ViewerByID(ctx, supID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		on        string
		effective string
		days      int
	}{{"2026-11-30", "2016-06-26", 2}, {"2026-12-01", "2026-12-01", 3}, {"2027-03-01", "2026-12-01", 3}} {
		on, _ := time.Parse(time.DateOnly, tc.on)
		f, _, err := st.UnitFacts(ctx, viewer, unitID, on)
		if err != nil {
			t.Fatal(err)
		}
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := res.Version().Rule("case.assignment")
		if got := res.Version().Effective.String(); got != tc.effective || r.Due.BusinessDays != tc.days {
			t.Errorf("as of %s: version %s with %d business days, want %s with %d", tc.on, got, r.Due.BusinessDays, tc.effective, tc.days)
		}
	}

	// A second version the same day replaces the first from that day; both
	// are kept.
	second := bytes.Replace(file, []byte("business_days = 3"), []byte("business_days = 4"), 1)
	if code, _, body := h.postForm(t, admin, "/admin/policy/versions", url.Values{"effective_on": {"2026-12-01"}, "confirm": {"1"}, "file_text": {string(second)}}); code != http.StatusSeeOther {
		t.Fatalf("second upload: %d\n%s", code, body)
	}
	p, err := st.PolicyProfile(ctx, "nj-cpp")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := p.Latest().Rule("case.assignment"); r.Due.BusinessDays != 4 || len(p.Versions) != 3 {
		t.Errorf("after the second upload: %d versions, %d business days", len(p.Versions), r.Due.BusinessDays)
	}
	if n := h.count(t, `SELECT count(*) FROM profile_versions`); n != 2 {
		t.Errorf("%d versions kept", n)
	}
}

// A version in force today names its rules on the pages with its own
// labels: the case page lists the case's obligations by the labels of the
// version it was evaluated with.
func TestPagesShowTheLabelsOfTheVersionInForce(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	var caseID int64
	var email string
	if err := h.pool.QueryRow(context.Background(), `SELECT a.case_id, p.email FROM case_assignments a JOIN people p ON p.id = a.worker_id
		JOIN cases c ON c.id = a.case_id WHERE upper_inf(a.during) AND c.closed IS NULL ORDER BY a.case_id LIMIT 1`).Scan(&caseID, &email); err != nil {
		t.Fatal(err)
	}
	worker := h.client(t)
	h.signIn(t, worker, email)
	path := "/cases/" + itoa(caseID)
	if _, page := h.get(t, worker, path); !strings.Contains(page, "Case discussed in conference") || strings.Contains(page, "Discussed with the supervisor this month") {
		t.Fatalf("before: the built-in label is not shown\n%s", page)
	}
	data, _ := rules.BuiltinFile("nj-cpp")
	// The file's own date (its first effective line) becomes 2026-11-01.
	file := string(data)
	if at := strings.Index(file, "\neffective = "); at >= 0 {
		end := at + 1 + strings.Index(file[at+1:], "\n")
		file = file[:at] + "\neffective = 2026-11-01" + file[end:]
	}
	file = strings.Replace(file, `label = "Case discussed in conference"`, `label = "Discussed with the supervisor this month"`, 1)
	if code, loc, body := h.postForm(t, admin, "/admin/policy/versions", url.Values{"effective_on": {"2026-11-01"}, "confirm": {"1"}, "file_text": {file}}); code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s\n%s", code, loc, body)
	}
	if _, page := h.get(t, worker, path); !strings.Contains(page, "Discussed with the supervisor this month") || strings.Contains(page, "Case discussed in conference") {
		t.Errorf("after: the page does not show the version's label")
	}
}

// The lists of obligations (the unit's case lists, a worker's caseload, the
// worker's agenda) name each obligation by the label of the version it was
// evaluated with: before an upload the built-in labels, after an upload that
// renames every rule the new labels and no other. No page looks a label up
// in the built-in profiles.
func TestObligationListsShowTheLabelsOfTheVersionInForce(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	// The worker with the most open cases, and their supervisor on the day.
	var workerID, unitID int64
	var workerEmail, supEmail string
	if err := h.pool.QueryRow(context.Background(), `
		SELECT w.id, w.email, m.unit_id, s.email
		FROM case_assignments a JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		JOIN people w ON w.id = a.worker_id
		JOIN unit_members m ON m.worker_id = w.id AND upper_inf(m.during)
		JOIN unit_supervisors us ON us.unit_id = m.unit_id AND upper_inf(us.during)
		JOIN people s ON s.id = us.supervisor_id
		WHERE upper_inf(a.during)
		GROUP BY w.id, w.email, m.unit_id, s.email ORDER BY count(*) DESC, w.id LIMIT 1`).Scan(&workerID, &workerEmail, &unitID, &supEmail); err != nil {
		t.Fatal(err)
	}
	worker, sup := h.client(t), h.client(t)
	h.signIn(t, worker, workerEmail)
	h.signIn(t, sup, supEmail)
	pages := []struct {
		c    *http.Client
		path string
	}{
		{sup, "/workers/" + itoa(workerID)},
		{sup, "/units/" + itoa(unitID) + "/cases?show=all"},
		{sup, "/units/" + itoa(unitID) + "/cases?show=conferences"},
		{worker, "/agenda"},
	}
	// labels are the names the pages' obligation lists give, page by page.
	line := regexp.MustCompile(`</span> <strong>([^<]+)</strong> · `)
	labels := func() map[string][]string {
		out := map[string][]string{}
		for _, p := range pages {
			code, page := h.get(t, p.c, p.path)
			if code.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", p.path, code.StatusCode)
			}
			for _, m := range line.FindAllStringSubmatch(page, -1) {
				out[p.path] = append(out[p.path], html.UnescapeString(m[1]))
			}
		}
		return out
	}
	const ours = "Our county: "
	before := labels()
	builtin := map[string]bool{}
	if p, ok := rules.LookupProfile("nj-cpp"); ok {
		for _, v := range p.Versions {
			for _, r := range v.Rules {
				builtin[r.Label] = true
			}
		}
	}
	for _, p := range pages {
		if len(before[p.path]) == 0 {
			t.Fatalf("before: %s lists no obligation: the test would prove nothing", p.path)
		}
		for _, l := range before[p.path] {
			if !builtin[l] {
				t.Errorf("before: %s names an obligation %q, not a built-in label", p.path, l)
			}
		}
	}

	// nj-cpp's file, every rule renamed (its earlier versions' too), in
	// force from 2026-11-01.
	data, _ := rules.BuiltinFile("nj-cpp")
	file := string(data)
	if at := strings.Index(file, "\neffective = "); at >= 0 {
		end := at + 1 + strings.Index(file[at+1:], "\n")
		file = file[:at] + "\neffective = 2026-11-01" + file[end:]
	}
	for _, head := range []string{"\n[[rule]]\n", "\n[[earlier.rule]]\n"} {
		blocks := strings.Split(file, head)
		for i := 1; i < len(blocks); i++ {
			blocks[i] = strings.Replace(blocks[i], `label = "`, `label = "`+ours, 1)
		}
		file = strings.Join(blocks, head)
	}
	if code, loc, body := h.postForm(t, admin, "/admin/policy/versions", url.Values{"effective_on": {"2026-11-01"}, "confirm": {"1"}, "file_text": {file}}); code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s\n%s", code, loc, body)
	}

	after := labels()
	for _, p := range pages {
		if len(after[p.path]) == 0 {
			t.Errorf("after: %s lists no obligation", p.path)
		}
		for _, l := range after[p.path] {
			if !strings.HasPrefix(l, ours) {
				t.Errorf("after: %s names an obligation %q, not by the uploaded version's label", p.path, l)
			}
		}
	}
}
