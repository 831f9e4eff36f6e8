package store_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/casework/casework/internal/conference"
	"github.com/casework/casework/internal/testdb"
)

// The state-wide load reads the held conferences from their covering index
// (migration 000126), whose predicate names the held statuses: should
// conference.HeldStatuses change, the load's WHERE would no longer imply the
// predicate and PostgreSQL would read the whole table again, silently.
func TestHeldConferencesIndexMatchesTheHeldStatuses(t *testing.T) {
	owner, _ := testdb.App(t)
	var pred string
	if err := owner.QueryRow(context.Background(), `
		SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i
		WHERE i.indexrelid = 'conferences_held_load_idx'::regclass`).Scan(&pred); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range regexp.MustCompile(`'(\w+)'::text`).FindAllStringSubmatch(pred, -1) {
		got = append(got, m[1])
	}
	var want []string
	for _, s := range conference.HeldStatuses() {
		want = append(want, string(s))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("the index's predicate %q names %v; the held statuses are %v", pred, got, want)
	}
}
