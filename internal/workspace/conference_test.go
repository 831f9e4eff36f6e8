package workspace_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/fault"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/workspace"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// The start of a conference, its check and the worker's feed are composed
// in the workspace from the store's reads and the engine: the same agenda,
// coverage, check and obligations the engine gives for the worker's facts,
// cases named by the caseload's rows, and only the worker's own supervisor
// may start one.
func TestConferenceStartCheckAndFeed(t *testing.T) {
	owner, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	ctx := context.Background()
	if err := store.New(owner).LoadDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := owner.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	viewer := func(id int64) access.Viewer {
		v, err := st.ViewerByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	supID := q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id LIMIT 1`)
	sup, other := viewer(supID), viewer(q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id OFFSET 5 LIMIT 1`))
	workerID := q(`SELECT m.worker_id FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id
		WHERE s.supervisor_id = $1 AND m.during @> $2::date ORDER BY m.worker_id LIMIT 1`, supID, asOf)
	worker := viewer(workerID)
	svc := workspace.New(st, func() time.Time { return asOf.Add(15 * time.Hour) }, time.UTC, 1<<24)

	// What the engine says of the worker's facts, computed here directly.
	f, ids, err := st.WorkerFacts(ctx, sup, workerID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	me := workspace.FactIDOf(ids, workerID)
	// The contacts awaiting approval by their own approval, as the
	// workspace gives them (the facts cannot say).
	agenda, err := rules.ProposeAgenda(f, rules.Options{ContactsAwaiting: ids.Awaiting}, me)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := st.WorkerCases(ctx, sup, workerID, asOf)
	if err != nil {
		t.Fatal(err)
	}

	for round := range 2 { // the second from the kept evaluation
		start, err := svc.ConferenceStart(ctx, sup, workerID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if start.Worker.PersonID != workerID || start.FirstYear != agenda.FirstYear || start.Target != agenda.Target {
			t.Errorf("round %d: worker %d, first year %v, target %d; want %d, %v, %d", round,
				start.Worker.PersonID, start.FirstYear, start.Target, workerID, agenda.FirstYear, agenda.Target)
		}
		if diff := cmp.Diff(rules.Coverage(f, me, f.AsOf), start.Coverage); diff != "" {
			t.Errorf("round %d: coverage (-engine +workspace):\n%s", round, diff)
		}
		if len(start.Agenda) == 0 {
			t.Fatal("the demo worker's agenda is empty: nothing is checked")
		}
		var want []string
		for i, it := range agenda.Items {
			if _, ok := refs[it.Case]; ok {
				want = append(want, it.Case)
				checked := it.Priority <= rules.PriorityDeadline || i < agenda.Target
				for _, p := range start.Agenda {
					if p.Case.Number == it.Case && p.Checked != checked {
						t.Errorf("case %s (priority %d, place %d): checked %v, want %v", it.Case, it.Priority, i, p.Checked, checked)
					}
				}
			}
		}
		var got []string
		seen := map[string]bool{}
		for _, p := range start.Agenda {
			got = append(got, p.Case.Number)
			seen[p.Case.Number] = true
			if refs[p.Case.Number].ID != p.Case.ID {
				t.Errorf("case %s named by row %d, want %d", p.Case.Number, p.Case.ID, refs[p.Case.Number].ID)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("agenda (-engine +workspace):\n%s", diff)
		}
		for _, o := range start.Others {
			if seen[o.Number] {
				t.Errorf("case %s both proposed and among the others", o.Number)
			}
			seen[o.Number] = true
		}
		if len(seen) != len(refs) {
			t.Errorf("%d cases listed, the caseload has %d", len(seen), len(refs))
		}
		if !sort.SliceIsSorted(start.Others, func(i, j int) bool {
			return start.Others[i].FamilyName+start.Others[i].Number < start.Others[j].FamilyName+start.Others[j].Number
		}) {
			t.Error("the other cases are not in family-name order")
		}
	}
	// Only the worker's own supervisor starts their conference.
	for _, v := range []access.Viewer{other, worker} {
		if _, err := svc.ConferenceStart(ctx, v, workerID, asOf); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("conference start as %s %d: %v, want not found", v.Role, v.PersonID, err)
		}
	}

	// The check of a conference discussing the agenda's first cases.
	var numbers []string
	for _, it := range agenda.Items[:min(2, len(agenda.Items))] {
		numbers = append(numbers, it.Case)
	}
	k := rules.Conference{ID: "this-draft", Date: workspace.DateOf(asOf), Cases: numbers}
	check, err := svc.CheckConference(ctx, sup, workerID, k, asOf)
	if err != nil {
		t.Fatal(err)
	}
	k.Kind, k.Worker = rules.KindSupervision, me
	if diff := cmp.Diff(rules.CheckConference(f, k), check); diff != "" {
		t.Errorf("check (-engine +workspace):\n%s", diff)
	}
	if check.Caseload == 0 || check.Discussed != len(numbers) {
		t.Errorf("check: caseload %d, %d discussed, want the %d cases listed", check.Caseload, check.Discussed, len(numbers))
	}
	if _, err := svc.CheckConference(ctx, other, workerID, k, asOf); err == nil {
		t.Error("another unit's supervisor checked a conference with this worker")
	}

	// The worker's feed: their own facts, evaluated.
	feed, err := svc.Feed(ctx, worker, asOf)
	if err != nil {
		t.Fatal(err)
	}
	own, ownIDs, err := st.WorkerFacts(ctx, worker, workerID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Evaluate(own, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if feed.FactID != workspace.FactIDOf(ownIDs, workerID) || feed.FactID == "" {
		t.Errorf("feed of fact id %q, want the worker's %q", feed.FactID, workspace.FactIDOf(ownIDs, workerID))
	}
	if diff := cmp.Diff(res.Obligations, feed.Result.Obligations); diff != "" || len(res.Obligations) == 0 {
		t.Errorf("feed obligations (-engine +workspace), %d:\n%s", len(res.Obligations), diff)
	}
	steps, err := st.MyNextSteps(ctx, worker, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(feed.Steps) != len(steps) {
		t.Errorf("feed of %d next steps, the worker has %d", len(feed.Steps), len(steps))
	}
}
