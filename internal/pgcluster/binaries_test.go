package pgcluster

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Numeric ordering matters: as strings, "9.6" would sort above "15".
func TestVersionedDirsNewestFirst(t *testing.T) {
	base := t.TempDir()
	for _, v := range []string{"9.6", "15", "13", "16"} {
		if err := os.MkdirAll(filepath.Join(base, v, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, d := range versionedDirs(filepath.Join(base, "*", "bin")) {
		got = append(got, filepath.Base(filepath.Dir(d)))
	}
	want := []string{"16", "15", "13", "9.6"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("versionedDirs order = %v, want %v", got, want)
	}
}
