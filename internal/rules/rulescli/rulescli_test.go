package rulescli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func run(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestEvalGolden(t *testing.T) {
	code, out, errs := run("", "eval", "testdata/facts.json")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	golden(t, "eval.golden.json", out)

	// The same from stdin, and with the flags after FILE.
	data, _ := os.ReadFile("testdata/facts.json")
	if code, out2, _ := run(string(data), "eval"); code != 0 || out2 != out {
		t.Errorf("stdin: exit %d, output differs", code)
	}
	if code, out2, _ := run(string(data), "eval", "-"); code != 0 || out2 != out {
		t.Errorf("stdin as -: exit %d, output differs", code)
	}
	code, out3, _ := run("", "eval", "testdata/facts.json", "--as-of", "2026-12-01", "--profile=nj-cpp")
	if code != 0 || !strings.Contains(out3, `"as_of": "2026-12-01"`) {
		t.Errorf("flags after FILE: exit %d\n%s", code, out3)
	}
}

func TestEvalOutputShape(t *testing.T) {
	_, out, _ := run("", "eval", "--profile", "tx-dfps", "testdata/facts.json")
	// Key order is the contract's.
	for _, want := range []string{
		"{\n  \"as_of\": \"2026-11-22\",\n  \"profile\": \"tx-dfps\",\n  \"obligations\": [",
		"\"rule\": \"notes.shared\",\n      \"subject\": \"k-1\",\n      \"due\": \"2026-11-30\",\n      \"state\": \"met\",\n      \"last\": null,\n      \"met\": \"2026-11-18\",\n      \"why\": ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var v struct {
		Obligations []map[string]any `json:"obligations"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Obligations) == 0 {
		t.Fatalf("not JSON: %v", err)
	}
	if strings.Contains(out, `\u0026`) {
		t.Error("& must not be escaped (CP&P)")
	}
}

func TestEvalNothingOwed(t *testing.T) {
	code, out, errs := run(`{"as_of":"2026-11-22"}`, "eval")
	want := "{\n  \"as_of\": \"2026-11-22\",\n  \"profile\": \"nj-cpp\",\n  \"obligations\": []\n}\n"
	if code != 0 || errs != "" || out != want {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errs, out)
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		stderr string
	}{
		{
			name:  "field problems, one per line",
			stdin: `{"as_of":"2026-11-22","staff":[],"cases":[{"id":"c-1"},{"id":"c-2"},{"id":"c-3"},{"id":"c-4","worker":"w-1","assigned":"2026-13-01"}],"conferences":[{"id":"k","kind":"supervision","date":"2026-11-01","supervisor":"s","worker":"w-9"}]}`,
			args:  []string{"eval"},
			stderr: `cases[3].assigned: "2026-13-01" is not a date (want YYYY-MM-DD)
cases[3].worker: no staff member "w-1"
conferences[0].supervisor: no staff member "s"
conferences[0].worker: no staff member "w-9"
`,
		},
		{
			name: "unknown profile", stdin: `{"as_of":"2026-11-22"}`, args: []string{"eval", "--profile", "ca-cdss"},
			stderr: "--profile: unknown profile \"ca-cdss\" (known: nj-cpp, policy-46100, tx-dfps)\n",
		},
		{
			name: "unknown profile in the file", stdin: `{"as_of":"2026-11-22","profile":"x"}`, args: []string{"eval"},
			stderr: "profile: unknown profile \"x\" (known: nj-cpp, policy-46100, tx-dfps)\n",
		},
		{
			name: "no as_of", stdin: `{"cases":[{"id":"c","setting":"x"}]}`, args: []string{"eval"},
			stderr: "cases[0].setting: \"x\" is not a setting (want in_home or out_of_home)\nas_of: required (in the facts or with --as-of)\n",
		},
		{
			name: "bad --as-of", stdin: `{}`, args: []string{"eval", "--as-of", "tomorrow"},
			stderr: "--as-of: \"tomorrow\" is not a date (want YYYY-MM-DD)\n",
		},
		{
			name: "before the profile took effect", stdin: `{"as_of":"2011-01-01"}`, args: []string{"eval"},
			stderr: "as_of: 2011-01-01 is before profile nj-cpp took effect (2012-05-21)\n",
		},
		{
			name: "not JSON", stdin: "\x00\xff", args: []string{"eval"},
			stderr: "facts: not valid JSON at byte 1: invalid character '\\x00' looking for beginning of value\n",
		},
		{
			name: "no such file", args: []string{"eval", "testdata/nope.json"},
			stderr: "casework rules eval: open testdata/nope.json: no such file or directory\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(tt.stdin, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			if diff := cmp.Diff(tt.stderr, errs); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil, {"frobnicate"}, {"eval", "--verbose"}, {"eval", "a.json", "b.json"}, {"eval", "--as-of"},
		{"list", "--as-of", "2026-11-22"}, {"list", "extra"},
	} {
		code, out, errs := run("{}", args...)
		if code != 2 || out != "" || errs == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	if code, out, _ := run("", "help"); code != 0 || !strings.Contains(out, "casework rules eval") {
		t.Errorf("help: exit %d", code)
	}
}

func TestList(t *testing.T) {
	code, out, errs := run("", "list")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	golden(t, "list.golden.json", out)
	var v struct {
		Profiles []struct {
			ID       string
			Versions []struct {
				Effective *string
				Changes   []string
				Rules     []struct{ Rule, Source string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range v.Profiles {
		ids = append(ids, p.ID)
	}
	if !cmp.Equal(ids, []string{"nj-cpp", "policy-46100", "tx-dfps"}) {
		t.Errorf("profiles %v", ids)
	}
	if n := len(v.Profiles[0].Versions); n != 3 || len(v.Profiles[0].Versions[2].Rules) != 26 {
		t.Errorf("nj-cpp: %d versions", n)
	}
	code, out, _ = run("", "list", "--profile", "tx-dfps")
	if code != 0 || !strings.Contains(out, `"rule": "notes.shared"`) || strings.Contains(out, "nj-cpp") {
		t.Errorf("list --profile tx-dfps: exit %d\n%s", code, out)
	}
	if code, out, errs := run("", "list", "--profile", "nope"); code != 2 || out != "" || !strings.Contains(errs, `unknown profile "nope"`) {
		t.Errorf("list unknown profile: exit %d %q", code, errs)
	}
}
