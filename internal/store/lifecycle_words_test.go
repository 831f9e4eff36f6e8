package store_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/casework/casework/internal/conference"
)

// No query spells a conference state itself: each takes the state's word
// from the lifecycle (lifecycle.go's draftSQL, recipientReadsSQL, ...), so
// that a state renamed or added in internal/conference is renamed or added
// in every query. A line that quotes the word for something else (a field's
// name) says so with "not a state".
func TestNoQuerySpellsAConferenceState(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, s := range conference.Statuses() {
		words = append(words, regexp.QuoteMeta(string(s)))
	}
	spelt := regexp.MustCompile(`'(` + strings.Join(words, "|") + `)'`)
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "lifecycle.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if spelt.MatchString(line) && !strings.Contains(line, "not a state") {
				t.Errorf("%s:%d spells a conference state: take it from lifecycle.go (%s)", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d files: run from the store's directory", checked)
	}
}

// The states the schema allows (the conferences table's CHECK) are the
// lifecycle's, no more and no fewer.
func TestTheSchemasStatesAreTheLifecycles(t *testing.T) {
	f := newConfFixture(t)
	var def string
	err := f.owner.QueryRow(context.Background(), `
		SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
		WHERE c.conrelid = 'conferences'::regclass AND c.contype = 'c'
		  AND pg_get_constraintdef(c.oid) LIKE '%status = ANY%'
		  AND pg_get_constraintdef(c.oid) NOT LIKE '%shared_at%' AND pg_get_constraintdef(c.oid) NOT LIKE '%acknowledged_at%'`).Scan(&def)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range regexp.MustCompile(`'([a-z_]+)'`).FindAllStringSubmatch(def, -1) {
		got = append(got, m[1])
	}
	var want []string
	for _, s := range conference.Statuses() {
		want = append(want, string(s))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the schema allows %v (%s); the lifecycle has %v", got, def, want)
	}
}
