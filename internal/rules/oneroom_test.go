package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Policy lives in one room: no rule id is written outside this package and
// its profile files but in tests, and no profile id in SQL. Pages select
// rules by tag and show their labels.
func TestNoRuleIDOutsideTheEngine(t *testing.T) {
	root := filepath.Join("..", "..")
	var ids []string
	for _, p := range Profiles() {
		for _, v := range p.Versions {
			for _, r := range v.Rules {
				ids = append(ids, r.ID)
			}
		}
	}
	here, _ := filepath.Abs(".")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			abs, _ := filepath.Abs(path)
			if abs == here || (path != root && strings.HasPrefix(d.Name(), ".")) || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, "_test.go") || !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ") || strings.HasSuffix(name, ".sql")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		text := string(data)
		for _, id := range ids {
			for _, q := range []string{`"` + id + `"`, `'` + id + `'`, "`" + id + "`", `"` + id[:strings.IndexByte(id+".", '.')+1] + `"`} {
				if strings.Contains(text, q) {
					t.Errorf("%s: rule id %s written outside internal/rules (select by tag, show the label)", path, q)
				}
			}
		}
		// A migration that rewrites old rows records, once, the policy as it
		// stood on its date (it cannot read the profile files); it says so
		// with this marker, and is the only SQL allowed to name a profile.
		snapshot := strings.HasSuffix(name, ".sql") && strings.Contains(text, "-- policy snapshot:")
		if !snapshot && (strings.HasSuffix(name, ".sql") || strings.Contains(text, "SELECT")) {
			for _, p := range ProfileIDs() {
				if strings.Contains(text, "'"+p+"'") {
					t.Errorf("%s: profile id '%s' in SQL", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files", checked)
	}
}
