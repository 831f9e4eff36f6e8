package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/testdb"
)

func run(t *testing.T, f func(stdout, stderr *bytes.Buffer) int) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := f(&out, &errb)
	return code, out.String(), errb.String()
}

// `casework import facts FILE` then `casework export facts`: exit 0, counts on
// stdout, the facts back on stdout; a bad file exits 2 with one line per
// problem on stderr, nothing on stdout, and changes nothing.
func TestImportAndExportCommands(t *testing.T) {
	url, _ := testdb.New(t)
	ctx := context.Background()
	example := filepath.Join("..", "..", "docs", "examples", "facts.json")

	code, out, errs := run(t, func(o, e *bytes.Buffer) int { return runImport(ctx, []string{"facts", example}, nil, o, e, url) })
	if code != 0 || errs != "" || !strings.Contains(out, "cases") {
		t.Fatalf("import: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	code, out, errs = run(t, func(o, e *bytes.Buffer) int {
		return runExport(ctx, []string{"facts", "--as-of", "2026-11-22"}, o, e, url)
	})
	if code != 0 || errs != "" {
		t.Fatalf("export: exit %d, stderr %s", code, errs)
	}
	f, problems := rules.Decode([]byte(out))
	if len(problems) > 0 || len(f.Cases) != 7 || f.AsOf.String() != "2026-11-22" {
		t.Fatalf("export: %d cases, as_of %s, problems %v", len(f.Cases), f.AsOf, problems)
	}
	exported := out

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"as_of": "2026-11-22", "staff": [{"id": "w-1", "role": "worker"}],
		"cases": [{"id": "c-1", "worker": "w-9", "assigned": "2026-11-01", "setting": "in_home", "goal": "remain_home"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, func(o, e *bytes.Buffer) int { return runImport(ctx, []string{"facts", bad}, nil, o, e, url) })
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code != 2 || out != "" || len(lines) != 3 ||
		lines[0] != "staff[0].since: required for a worker" || lines[1] != `cases[0].worker: no staff member "w-9"` {
		t.Fatalf("bad import: exit %d\nstdout %q\nstderr:\n%s", code, out, errs)
	}
	_, again, _ := run(t, func(o, e *bytes.Buffer) int {
		return runExport(ctx, []string{"facts", "--as-of", "2026-11-22"}, o, e, url)
	})
	if again != exported {
		t.Fatal("a bad import changed the database")
	}

	// Usage errors exit 2 and say what is wrong.
	for _, args := range [][]string{{}, {"nonsense", "x"}, {"facts"}, {"facts", "/no/such/file"}} {
		if code, _, errs := run(t, func(o, e *bytes.Buffer) int { return runImport(ctx, args, nil, o, e, url) }); code != 2 || errs == "" {
			t.Errorf("import %v: exit %d, stderr %q", args, code, errs)
		}
	}
	for _, args := range [][]string{{}, {"cases"}, {"facts", "--as-of", "2026-13-01"}, {"facts", "--profile", "xx"}, {"facts", "extra"}} {
		if code, out, errs := run(t, func(o, e *bytes.Buffer) int { return runExport(ctx, args, o, e, url) }); code != 2 || errs == "" || out != "" {
			t.Errorf("export %v: exit %d, stderr %q", args, code, errs)
		}
	}
	// --profile overrides the profile written.
	_, out, _ = run(t, func(o, e *bytes.Buffer) int {
		return runExport(ctx, []string{"facts", "--as-of", "2026-11-22", "--profile", "tx-dfps"}, o, e, url)
	})
	if f, _ := rules.Decode([]byte(out)); f.Profile != "tx-dfps" {
		t.Errorf("--profile tx-dfps wrote profile %q", f.Profile)
	}
}
