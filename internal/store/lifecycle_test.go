package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/conference"
	"github.com/casework/casework/internal/store"
)

// What the lifecycle (internal/conference) forbids, the store refuses and,
// written behind the app's back by the schema's owner, the database refuses
// too: signing again and editing after signing, in every held state; a
// record never goes back. In a draft the same writes go through, as the
// lifecycle allows them. Each step the lifecycle allows is taken by the
// person it names and by no one else.
func TestLifecycleAgreesWithTheDatabase(t *testing.T) {
	f := newConfFixture(t)
	ctx := context.Background()
	id, err := f.st.StartConference(ctx, f.sup, f.workerID, heldOn, enteredAt, []int64{f.case1})
	if err != nil {
		t.Fatal(err)
	}
	parties := conference.Parties{Kind: conference.Supervision, Supervisor: f.sup.PersonID, Worker: f.workerID}
	viewers := map[conference.Relation]access.Viewer{conference.Author: f.sup, conference.Recipient: f.worker, conference.Reader: f.cws}
	for rel, v := range viewers {
		if got := parties.RelationOf(v.PersonID); got != rel {
			t.Fatalf("%s %d is %s, want %s", v.Role, v.PersonID, got, rel)
		}
	}
	draft := store.Draft{HeldOn: heldOn, Cases: []store.DraftCase{{CaseID: f.case1, Items: written("Safety plan holding.")}}}
	version := 1

	// Raw writes: signing again (a new signing moment), editing the record's
	// content, its discussed cases, its next steps; taking it back a step.
	signAgain := `UPDATE conferences SET signed_at = signed_at + interval '1 hour', signed_by = signed_by WHERE id = $1`
	edits := []string{
		`UPDATE conferences SET topics = topics || '{"added": "later"}' WHERE id = $1`,
		`UPDATE conferences SET held_on = held_on - 1 WHERE id = $1`,
		`UPDATE conference_cases SET notes = 'changed' WHERE conference_id = $1`,
		`INSERT INTO next_steps (conference_id, description, owner_id, due_on) SELECT id, 'added later', supervisor_id, held_on + 7 FROM conferences WHERE id = $1`,
	}
	status := func() conference.Status {
		var s string
		if err := f.owner.QueryRow(ctx, `SELECT status FROM conferences WHERE id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return conference.Status(s)
	}

	// In the draft: the author edits; the database lets the content change.
	if ok, _ := conference.Can(conference.Author, conference.Edit, conference.Draft); !ok {
		t.Fatal("the lifecycle forbids the author's draft")
	}
	if _, err := f.owner.Exec(ctx, edits[0], id); err != nil {
		t.Errorf("draft: %s refused: %v", edits[0], err)
	}
	for rel, v := range viewers {
		ok, _ := conference.Can(rel, conference.Edit, conference.Draft)
		_, err := f.st.SaveDraft(ctx, v, id, version, draft)
		if ok != (err == nil) {
			t.Errorf("draft: edit by the %s: lifecycle %v, store %v", rel, ok, err)
		}
		if err == nil {
			version++
		}
	}
	if _, err := f.owner.Exec(ctx, `UPDATE conferences SET status = 'draft' WHERE id = $1`, id); err != nil {
		t.Errorf("draft: staying a draft refused: %v", err)
	}

	// Each step, by each relation: only the one the lifecycle names takes
	// it; the others are refused (as not found) and nothing moves.
	steps := []conference.Action{conference.Sign, conference.Share, conference.Acknowledge}
	take := func(a conference.Action, v access.Viewer) error {
		switch a {
		case conference.Sign:
			return f.st.SignConference(ctx, v, id, version, nil, nil, signedAt)
		case conference.Share:
			return f.st.ShareConference(ctx, v, id, sharedAt)
		default:
			return f.st.AcknowledgeConference(ctx, v, id, sharedAt)
		}
	}
	for _, a := range steps {
		from := status()
		want, ok := conference.Next(from, a)
		if !ok {
			t.Fatalf("%s from %s is not a step", a, from)
		}
		for _, rel := range []conference.Relation{conference.Reader, conference.Recipient, conference.Author} {
			allowed, _ := conference.Can(rel, a, from)
			if allowed {
				continue // taken last, below
			}
			if err := take(a, viewers[rel]); err == nil {
				t.Errorf("%s by the %s in %s: the store took it", a, rel, from)
			}
			if s := status(); s != from {
				t.Fatalf("%s refused to the %s, yet the record moved to %s", a, rel, s)
			}
		}
		// Who takes it, as the policy says: the supervisor signs and shares,
		// the worker acknowledges.
		taker := map[conference.Action]conference.Relation{conference.Sign: conference.Author,
			conference.Share: conference.Author, conference.Acknowledge: conference.Recipient}[a]
		if ok, _ := conference.Can(taker, a, from); !ok {
			t.Errorf("%s in %s: the lifecycle refuses it to the %s", a, from, taker)
		}
		if err := take(a, viewers[taker]); err != nil {
			t.Fatalf("%s by the %s in %s: %v", a, taker, from, err)
		}
		if s := status(); s != want {
			t.Fatalf("%s from %s: the record is %s, the lifecycle says %s", a, from, s, want)
		}

		// Now held: the lifecycle forbids signing and editing, for everyone;
		// the store refuses them as signed; the database refuses them
		// whoever writes, and refuses every way back.
		held := status()
		for _, rel := range conference.Relations() {
			for _, act := range []conference.Action{conference.Sign, conference.Edit} {
				if ok, why := conference.Can(rel, act, held); ok || why != conference.Final {
					t.Errorf("%s by the %s in %s: %v %q, want Final", act, rel, held, ok, why)
				}
			}
		}
		if err := f.st.SignConference(ctx, f.sup, id, version, nil, nil, signedAt); !errors.Is(err, store.ErrSigned) {
			t.Errorf("%s: signing again through the store: %v, want ErrSigned", held, err)
		}
		if _, err := f.st.SaveDraft(ctx, f.sup, id, version, draft); !errors.Is(err, store.ErrSigned) {
			t.Errorf("%s: editing through the store: %v, want ErrSigned", held, err)
		}
		if _, err := f.owner.Exec(ctx, signAgain, id); err == nil || !strings.Contains(err.Error(), "is signed") {
			t.Errorf("%s: signing again in the database: %v, want refused", held, err)
		}
		for _, q := range edits {
			if _, err := f.owner.Exec(ctx, q, id); err == nil || !strings.Contains(err.Error(), "is signed") {
				t.Errorf("%s: %s: %v, want refused", held, q, err)
			}
		}
		for _, back := range conference.Statuses() {
			if back == held {
				break // the states before this one only
			}
			if _, err := f.owner.Exec(ctx, `UPDATE conferences SET status = $2 WHERE id = $1`, id, string(back)); err == nil {
				t.Errorf("%s: the database let the record go back to %s", held, back)
			}
		}
		if _, err := f.owner.Exec(ctx, `DELETE FROM conferences WHERE id = $1`, id); err == nil {
			t.Errorf("%s: the database deleted a held record", held)
		}
		// An addendum is the one change the lifecycle allows its author.
		if ok, _ := conference.Can(conference.Author, conference.Addendum, held); !ok {
			t.Errorf("%s: the lifecycle forbids the author's addendum", held)
		}
		if err := f.st.AddAddendum(ctx, f.worker, id, "Not mine to add.", addendumAt); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: the worker's addendum: %v, want not found", held, err)
		}
		if err := f.st.AddAddendum(ctx, f.sup, id, "A correction.", addendumAt); err != nil {
			t.Errorf("%s: the author's addendum: %v", held, err)
		}
	}
	if s := status(); s != conference.Acknowledged {
		t.Fatalf("the record ends %s", s)
	}
}
