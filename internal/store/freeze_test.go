package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/store"
)

// The signed record keeps the columns listed in conference_frozen_columns
// (migration 000090): the same ones 000011's trigger named in its body, and
// the floor. A migration freezes a new column with one call, which refuses a
// name that is not a column; the trigger then refuses any change to it after
// signing, and none before.
func TestFrozenColumnsAreDataAndAColumnIsFrozenWithOneCall(t *testing.T) {
	f := newConfFixture(t)
	ctx := context.Background()
	rows, err := f.owner.Query(ctx, `SELECT name FROM conference_frozen_columns ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"casework_supervisor_id", "created_by", "entered_at", "floor_caseload", "floor_minimum", "held_on", "invited_worker_id",
		"kind", "signed_at", "signed_by", "source_id", "supervisor_id", "topics", "worker_id"}
	if !slices.Equal(got, want) {
		t.Errorf("frozen columns %v, want %v", got, want)
	}
	if _, err := f.owner.Exec(ctx, `SELECT freeze_conference_columns('held_onn')`); err == nil || !strings.Contains(err.Error(), "no column held_onn") {
		t.Errorf("freezing a column that does not exist: %v", err)
	}
	// What a later migration would do.
	if _, err := f.owner.Exec(ctx, `ALTER TABLE conferences ADD COLUMN later_note text; SELECT freeze_conference_columns('later_note')`); err != nil {
		t.Fatal(err)
	}
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.owner.Exec(ctx, `UPDATE conferences SET later_note = 'draft note' WHERE id = $1`, id); err != nil {
		t.Fatalf("a draft's new column is refused: %v", err)
	}
	draft := store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.case1, Items: written("Safety plan holding.")}}}
	res, err := f.st.SaveDraft(ctx, f.sup, id, 1, draft)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SignConference(ctx, f.sup, id, res.Version, nil, nil, signedAt); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE conferences SET later_note = 'changed after signing' WHERE id = $1`,
		`UPDATE conferences SET later_note = NULL WHERE id = $1`,
		`UPDATE conferences SET source_id = 'x-1' WHERE id = $1`,
		`UPDATE conferences SET signed_at = signed_at + interval '1 second' WHERE id = $1`,
		`UPDATE conferences SET topics = topics || '{"added": "later"}' WHERE id = $1`,
	} {
		_, err := f.owner.Exec(ctx, q, id)
		if err == nil || !strings.Contains(err.Error(), "is signed: its record cannot change") {
			t.Errorf("%s: %v, want the record refused", q, err)
		}
	}
	// What is not frozen still moves: the lifecycle, the working columns.
	if _, err := f.owner.Exec(ctx, `UPDATE conferences SET updated_at = updated_at + interval '1 second' WHERE id = $1`, id); err != nil {
		t.Errorf("a column not listed is refused: %v", err)
	}
	if err := f.st.ShareConference(ctx, f.sup, id, sharedAt); err != nil {
		t.Errorf("sharing the signed record: %v", err)
	}
}
