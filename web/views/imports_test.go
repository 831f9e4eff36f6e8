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
// It is empty: no template imports the store.
var stillImportingStore = []string{}

// storeImport is how a file names the store in its imports, with or without
// a name of its own for it.
const storeImport = `"github.com/casework/casework/internal/store"`

// importsStore reports whether a template's or a Go file's source imports
// the store.
func importsStore(src string) bool { return strings.Contains(src, storeImport) }

func TestTemplatesTakeDomainTypesNotTheStore(t *testing.T) {
	templates, err := filepath.Glob("*.templ")
	if err != nil || len(templates) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	var importing []string
	for _, f := range templates {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if importsStore(string(b)) {
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
	// The package's hand-written Go files import no store at all (the
	// generated ones follow their templates).
	gofiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if importsStore(string(b)) {
			t.Errorf("%s imports internal/store: take internal/domain's types", f)
		}
	}
}

// The check sees the store however a file imports it, so a template that
// takes to the store again fails the test above.
func TestImportsStoreSeesEveryFormOfTheImport(t *testing.T) {
	for src, want := range map[string]bool{
		"import \"github.com/casework/casework/internal/store\"\n":                       true,
		"import (\n\t\"time\"\n\n\t\"github.com/casework/casework/internal/store\"\n)\n": true,
		"import (\n\tst \"github.com/casework/casework/internal/store\"\n)\n":            true,
		"import \"github.com/casework/casework/internal/domain\"\n":                      false,
		"import \"github.com/casework/casework/internal/storefront\"\n":                  false,
	} {
		if got := importsStore(src); got != want {
			t.Errorf("importsStore(%q) = %v, want %v", src, got, want)
		}
	}
}
