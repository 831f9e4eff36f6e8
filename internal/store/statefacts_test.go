package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// The agency's facts read straight into memory give the same obligations as
// the export read back through the decoder: one agency, two roads.
func TestAgencyFactsAgreeWithTheExport(t *testing.T) {
	st, _ := seededApp(t)
	f, err := st.AgencyFacts(context.Background(), admin, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Events) == 0 || len(f.Conferences) == 0 || len(f.Cases) == 0 {
		t.Fatalf("facts empty: %d cases, %d events, %d conferences", len(f.Cases), len(f.Events), len(f.Conferences))
	}
	direct, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	viaExport, err := rules.Evaluate(decode(t, export(t, st, asOf)), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viaExport.Obligations, direct.Obligations); diff != "" {
		t.Fatalf("obligations differ (-export +direct):\n%s", diff)
	}
	if _, err := st.AgencyFacts(context.Background(), access.Viewer{Role: access.Supervisor, PersonID: 5}, asOf); err != store.ErrNotFound {
		t.Fatalf("a supervisor read the whole agency: %v", err)
	}
}
