package pgcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Settings given to a start are written after pgdev's own, quoted, and a
// setting that could write more than itself into the file is refused.
func TestSettingsAreWrittenAfterPgdevsOwn(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "postgresql.conf"), []byte("# stock\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeConf(dir, 5432, dir, false, []string{"shared_buffers=2GB", " work_mem = 64MB "}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, confFile))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	own, given := strings.Index(conf, "shared_buffers = 128MB"), strings.Index(conf, "shared_buffers = '2GB'")
	if own < 0 || given < own {
		t.Fatalf("the given shared_buffers does not come after pgdev's own:\n%s", conf)
	}
	if !strings.Contains(conf, "work_mem = '64MB'\n") {
		t.Fatalf("work_mem not written:\n%s", conf)
	}
	for _, bad := range []string{"shared_buffers", "=2GB", "shared buffers=2GB", "a=b\nfsync=off", "x;y=1"} {
		if _, _, err := ParseSetting(bad); err == nil {
			t.Errorf("ParseSetting(%q) accepted", bad)
		}
		if err := writeConf(dir, 5432, dir, false, []string{bad}); err == nil {
			t.Errorf("writeConf with %q accepted", bad)
		}
	}
}
