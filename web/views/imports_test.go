package views

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// stillImportingStore are the templates that still take the store's row
// types rather than internal/domain's. The list may only shrink: a template
// that stops importing the store leaves it, and no new one joins it.
var stillImportingStore = []string{
	"admin_cases.templ", "admin_import.templ", "admin_offices.templ", "admin_people.templ",
	"agenda.templ", "carried.templ", "case.templ", "conference.templ", "conference_sign.templ",
	"personnel.templ", "worker.templ",
}

func TestTemplatesTakeDomainTypesNotTheStore(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	var importing []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `"github.com/casework/casework/internal/store"`) {
			importing = append(importing, f)
			if !slices.Contains(stillImportingStore, f) {
				t.Errorf("%s imports internal/store: take internal/domain's types (or the view's own)", f)
			}
		}
	}
	for _, f := range stillImportingStore {
		if !slices.Contains(importing, f) {
			t.Errorf("%s no longer imports internal/store: take it off stillImportingStore", f)
		}
	}
}
