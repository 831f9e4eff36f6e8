package rulescli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/casework/casework/internal/rules"
)

func TestProfileShow(t *testing.T) {
	for _, id := range rules.ProfileIDs() {
		code, out, errs := run("", "profile", "show", id)
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d, stderr %q", id, code, errs)
		}
		if !strings.Contains(out, `id = "`+id+`"`) || !strings.Contains(out, "[[rule]]") {
			t.Errorf("%s: not the profile file:\n%s", id, out)
		}
		// What it prints checks clean.
		path := filepath.Join(t.TempDir(), id+".toml")
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, errs := run("", "check", path); code != 0 || out != "" || errs != "" {
			t.Errorf("%s: check exit %d, stdout %q, stderr %q", id, code, out, errs)
		}
	}
	if code, out, errs := run("", "profile", "show", "no-such"); code != 2 || out != "" || !strings.Contains(errs, "unknown profile") {
		t.Errorf("unknown: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	data, _ := rules.BuiltinFile("nj-cpp")
	s := string(data)
	s = strings.Replace(s, `cadence = "calendar_month"`, `cadence = "monthly"`, 1)
	s = strings.Replace(s, "days = 14", "days = -14", 1)
	s = strings.Replace(s, `tags = ["risk_report"]`, `tags = ["risk"]`, 1)
	path := filepath.Join(t.TempDir(), "ours.toml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("", "check", path)
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 problems, got:\n%s", errs)
	}
	shape := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `: line [0-9]+: rule "[a-z._]+"\.[a-z_]+: `)
	for _, l := range lines {
		if !shape.MatchString(l) {
			t.Errorf("problem without file, line and field: %q", l)
		}
	}
	for _, want := range []string{`"supervision.worker".cadence: "monthly" is not one of`, `"casework.supervisor".days: must be from 1`, `"risk.report".tags: "risk" is not one of`} {
		if !strings.Contains(errs, want) {
			t.Errorf("no %q in:\n%s", want, errs)
		}
	}
	if code, _, errs := run("", "check", filepath.Join(t.TempDir(), "absent.toml")); code != 2 || errs == "" {
		t.Errorf("absent file: exit %d", code)
	}
}

// Changing case assignment from two business days to three in a copy of
// the profile file moves the due dates by one business day.
func TestEvalProfileFile(t *testing.T) {
	facts := `{"as_of": "2026-11-30", "holidays": [],
	  "staff": [{"id": "w-1", "role": "worker", "since": "2024-01-02"}],
	  "cases": [{"id": "c-fri", "received": "2026-11-20"}, {"id": "c-wed", "received": "2026-11-25"}]}`
	dir := t.TempDir()
	factsPath := filepath.Join(dir, "facts.json")
	os.WriteFile(factsPath, []byte(facts), 0o644)
	_, shown, _ := run("", "profile", "show", "nj-cpp")
	two := filepath.Join(dir, "two.toml")
	os.WriteFile(two, []byte(shown), 0o644)
	block := shown[strings.Index(shown, `id = "case.assignment"`):]
	block = block[:strings.Index(block, "[[rule]]")]
	three := filepath.Join(dir, "three.toml")
	os.WriteFile(three, []byte(strings.Replace(shown, block, strings.Replace(block, "business_days = 2", "business_days = 3", 1), 1)), 0o644)

	due := func(args ...string) map[string]string {
		t.Helper()
		code, out, errs := run("", append([]string{"eval"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var res rules.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, o := range res.Obligations {
			if o.Rule == "case.assignment" {
				m[o.Subject] = o.Due.String()
			}
		}
		return m
	}
	builtin := due(factsPath)
	if got := due("--profile-file", two, factsPath); got["c-fri"] != builtin["c-fri"] || got["c-wed"] != builtin["c-wed"] {
		t.Errorf("the shown file evaluates differently: %v, built-in %v", got, builtin)
	}
	if builtin["c-fri"] != "2026-11-24" || builtin["c-wed"] != "2026-11-27" {
		t.Errorf("two business days: %v", builtin)
	}
	if got := due("--profile-file", three, factsPath); got["c-fri"] != "2026-11-25" || got["c-wed"] != "2026-11-30" {
		t.Errorf("three business days: %v", got)
	}
	// A bad profile file: its problems, nothing on stdout.
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte(strings.Replace(shown, "business_days = 2", "business_days = 0", 1)), 0o644)
	code, out, errs := run("", "eval", "--profile-file", bad, factsPath)
	if code != 2 || out != "" || !strings.Contains(errs, "business_days: must be from 1") {
		t.Errorf("bad profile: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
