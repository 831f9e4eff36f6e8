package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
)

// packsDifferingFromEvents counts the cases whose kept pack (migration
// 000111) is not exactly their events packed afresh, either way round: a
// pack missing, one too many, or one with other contents.
func packsDifferingFromEvents(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	err := pool.QueryRow(context.Background(), `
		SELECT count(*) FROM
		    (SELECT case_id, string_agg(event_pack_entry(occurred_on, kind), ''::bytea ORDER BY id) AS events
		     FROM events GROUP BY case_id) fresh
		FULL JOIN case_event_packs kept USING (case_id)
		WHERE fresh.events IS DISTINCT FROM kept.events`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every way the events change (the bulk load's COPY, the app recording one,
// an approval, a correction of date, kind or case, a deletion, a statement
// touching many cases at once) leaves each case's pack its events exactly.
func TestEventPacksStayTrueToTheEvents(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var packs int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM case_event_packs`).Scan(&packs); err != nil {
		t.Fatal(err)
	}
	if packs == 0 {
		t.Fatal("the seeded demo has no event packs")
	}
	if n := packsDifferingFromEvents(t, owner); n != 0 {
		t.Fatalf("after the bulk load, %d cases' packs differ from their events", n)
	}

	// The app, as the app's role, records a visit on a case a supervisor
	// supervises (the trigger writes the pack the app's role cannot).
	var caseID, supervisor int64
	if err := owner.QueryRow(ctx, `
		SELECT a.case_id, us.supervisor_id FROM case_assignments a
		JOIN unit_members m ON m.worker_id = a.worker_id
		JOIN unit_supervisors us ON us.unit_id = m.unit_id
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE a.during @> $1::date ORDER BY a.case_id LIMIT 1`, asOf).Scan(&caseID, &supervisor); err != nil {
		t.Fatal(err)
	}
	sup := access.Viewer{Role: access.Supervisor, PersonID: supervisor}
	if err := st.RecordEvent(ctx, sup, caseID, "child_visit", asOf.AddDate(0, 0, -1), asOf); err != nil {
		t.Fatal(err)
	}
	if n := packsDifferingFromEvents(t, owner); n != 0 {
		t.Fatalf("after recording a visit, %d cases' packs differ", n)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE case_event_packs SET events = '\x'`); err == nil {
		t.Fatal("the app's role wrote a pack")
	}

	changes := []struct{ name, sql string }{
		{"an approval (nothing of the pack changes)", `UPDATE events SET approval = 'approved' WHERE approval = 'pending'`},
		{"a date corrected", `UPDATE events SET occurred_on = occurred_on - 3 WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 40)`},
		{"a kind corrected", `UPDATE events SET kind = 'collateral_contact' WHERE id IN (SELECT id FROM events WHERE kind = 'child_visit' ORDER BY id DESC LIMIT 25)`},
		{"events moved to another case", `UPDATE events SET case_id = (SELECT min(id) FROM cases) WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 10 OFFSET 100)`},
		{"events deleted", `DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id DESC LIMIT 60)`},
		{"a case's every event deleted", `DELETE FROM events WHERE case_id = (SELECT case_id FROM events ORDER BY id LIMIT 1 OFFSET 500)`},
		{"many cases at once", `INSERT INTO events (case_id, kind, occurred_on, recorded_at)
			SELECT id, 'ninety_day_staffing', received + 90, now() FROM cases WHERE received IS NOT NULL`},
	}
	for _, c := range changes {
		tag, err := owner.Exec(ctx, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("%s: changed nothing, so it tests nothing", c.name)
		}
		if n := packsDifferingFromEvents(t, owner); n != 0 {
			t.Fatalf("after %s, %d cases' packs differ from their events", c.name, n)
		}
	}
	var orphans int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM case_event_packs p WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = p.case_id)`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Fatalf("%d packs of cases with no event", orphans)
	}
}

// Two transactions recording events on the same case at once: the second
// waits for the first's lock on the pack, then packs with the first's event
// committed, so neither event is lost from the pack. Under REPEATABLE READ
// the second fails instead (it cannot see the first), never silently.
func TestEventPacksKeepConcurrentWriters(t *testing.T) {
	_, owner := seededApp(t)
	ctx := context.Background()
	var caseID int64
	if err := owner.QueryRow(ctx, `SELECT case_id FROM case_event_packs ORDER BY case_id LIMIT 1`).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, 'family_team_meeting', $2, now())`

	for _, iso := range []pgx.TxIsoLevel{pgx.ReadCommitted, pgx.RepeatableRead} {
		first, err := owner.BeginTx(ctx, pgx.TxOptions{IsoLevel: iso})
		if err != nil {
			t.Fatal(err)
		}
		second, err := owner.BeginTx(ctx, pgx.TxOptions{IsoLevel: iso})
		if err != nil {
			t.Fatal(err)
		}
		// The second's snapshot is taken before the first commits.
		if _, err := second.Exec(ctx, `SELECT 1 FROM cases WHERE id = $1`, caseID); err != nil {
			t.Fatal(err)
		}
		if _, err := first.Exec(ctx, insert, caseID, asOf.AddDate(0, -1, 0)); err != nil {
			t.Fatal(err)
		}
		var secondPID int
		if err := second.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&secondPID); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := second.Exec(ctx, insert, caseID, asOf.AddDate(0, -2, 0))
			done <- err
		}()
		waitUntilBlocked(t, owner, secondPID, done)
		if err := first.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		err = <-done
		switch iso {
		case pgx.ReadCommitted:
			if err != nil {
				t.Fatalf("read committed: the second writer failed: %v", err)
			}
			if err := second.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		case pgx.RepeatableRead:
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "40001" {
				t.Fatalf("repeatable read: want a serialization failure, got %v", err)
			}
			_ = second.Rollback(ctx)
		}
		if n := packsDifferingFromEvents(t, owner); n != 0 {
			t.Fatalf("%v: %d cases' packs differ from their events after two writers", iso, n)
		}
	}
}

// waitUntilBlocked waits until the backend pid waits for a lock, or fails
// if its statement ends first: the test's order of events, not its speed.
func waitUntilBlocked(t *testing.T, pool *pgxpool.Pool, pid int, done chan error) {
	t.Helper()
	for {
		var waiting bool
		if err := pool.QueryRow(context.Background(),
			`SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the second writer did not wait for the first: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// discussedPacksDifferingFromTheView counts the conferences whose kept pack
// of discussed cases (migration 000112) is not exactly the view
// discussed_cases packed afresh, either way round.
func discussedPacksDifferingFromTheView(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	err := pool.QueryRow(context.Background(), `
		SELECT count(*) FROM
		    (SELECT conference_id, string_agg(int8send(case_id) || int4send(position), ''::bytea ORDER BY position, case_id) AS cases
		     FROM discussed_cases GROUP BY conference_id) fresh
		FULL JOIN discussed_case_packs kept USING (conference_id)
		WHERE fresh.cases IS DISTINCT FROM kept.cases`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every change a draft's cases can take (a save that changes no discussion,
// a case becoming discussed or blank again, a case added, moved or removed)
// leaves each conference's pack of discussed cases the view exactly.
func TestDiscussedPacksStayTrueToTheView(t *testing.T) {
	_, owner := seededApp(t)
	ctx := context.Background()
	var packs int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM discussed_case_packs`).Scan(&packs); err != nil {
		t.Fatal(err)
	}
	if packs == 0 {
		t.Fatal("the seeded demo has no packs of discussed cases")
	}
	if n := discussedPacksDifferingFromTheView(t, owner); n != 0 {
		t.Fatalf("after the bulk load, %d conferences' packs differ from the view", n)
	}
	drafts := `(SELECT id FROM conferences WHERE status = 'draft' ORDER BY id LIMIT 5)`
	changes := []struct{ name, sql string }{
		{"a save that changes no discussion", `UPDATE conference_cases SET discussion = discussion WHERE conference_id IN ` + drafts},
		{"cases reordered", `UPDATE conference_cases SET position = position + 7 WHERE conference_id IN ` + drafts},
		{"a case blank again", `UPDATE conference_cases SET discussed = false WHERE (conference_id, case_id) IN (
			SELECT conference_id, min(case_id) FROM conference_cases WHERE conference_id IN ` + drafts + ` GROUP BY conference_id)`},
		{"cases discussed", `UPDATE conference_cases SET discussed = true WHERE NOT discussed AND conference_id IN ` + drafts},
		{"a case added", `INSERT INTO conference_cases (conference_id, case_id, position, discussed)
			SELECT k.id, (SELECT min(c.id) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM conference_cases x WHERE x.conference_id = k.id AND x.case_id = c.id)), 99, true
			FROM conferences k WHERE k.id IN ` + drafts},
		{"cases removed", `DELETE FROM conference_cases WHERE conference_id IN ` + drafts + ` AND position = 99`},
		{"a draft's every case removed", `DELETE FROM conference_cases WHERE conference_id = (SELECT min(id) FROM ` + drafts + ` d)`},
	}
	for _, c := range changes {
		tag, err := owner.Exec(ctx, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("%s: changed nothing, so it tests nothing", c.name)
		}
		if n := discussedPacksDifferingFromTheView(t, owner); n != 0 {
			t.Fatalf("after %s, %d conferences' packs differ from the view", c.name, n)
		}
	}
}

// sharedOnDiffering counts the conferences whose kept shared day (migration
// 000113) is not the day of shared_at in the agency's zone.
func sharedOnDiffering(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `
		SELECT count(*) FROM conferences
		WHERE shared_on IS DISTINCT FROM (shared_at AT TIME ZONE (SELECT time_zone FROM agency))::date`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The shared day kept on a conference is the day of its sharing in the
// agency's zone: after the load, after a sharing just before midnight,
// after a statement that tries to write it, and after the zone changes.
func TestSharedOnIsTheSharedDayInTheAgencysZone(t *testing.T) {
	_, owner := seededApp(t)
	ctx := context.Background()
	var shared int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM conferences WHERE shared_on IS NOT NULL`).Scan(&shared); err != nil {
		t.Fatal(err)
	}
	if shared == 0 {
		t.Fatal("the seeded demo has no shared conference")
	}
	if n := sharedOnDiffering(t, owner); n != 0 {
		t.Fatalf("after the load, %d conferences' shared day is wrong", n)
	}
	// Shared at 23:30 in New York: 04:30 the next day in UTC.
	if _, err := owner.Exec(ctx, `UPDATE agency SET time_zone = 'America/New_York'`); err != nil {
		t.Fatal(err)
	}
	var id int64
	var day time.Time
	err := owner.QueryRow(ctx, `
		UPDATE conferences SET shared_at = timestamptz '2026-11-20 23:30 America/New_York', shared_by = supervisor_id
		WHERE id = (SELECT id FROM conferences WHERE shared_at IS NULL AND signed_at IS NOT NULL ORDER BY id LIMIT 1)
		RETURNING id, shared_on`).Scan(&id, &day)
	if err != nil {
		t.Fatal(err)
	}
	if got := day.Format(time.DateOnly); got != "2026-11-20" {
		t.Fatalf("shared at 23:30 in New York on 20 November: shared day %s", got)
	}
	if _, err := owner.Exec(ctx, `UPDATE conferences SET shared_on = date '1999-01-01' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if n := sharedOnDiffering(t, owner); n != 0 {
		t.Fatalf("a statement wrote the shared day: %d wrong", n)
	}
	// In Los Angeles, 23:30 in New York is 20:30 the same day; in Berlin,
	// 05:30 the next.
	for zone, want := range map[string]string{"America/Los_Angeles": "2026-11-20", "Europe/Berlin": "2026-11-21"} {
		if _, err := owner.Exec(ctx, `UPDATE agency SET time_zone = $1`, zone); err != nil {
			t.Fatal(err)
		}
		if err := owner.QueryRow(ctx, `SELECT shared_on FROM conferences WHERE id = $1`, id).Scan(&day); err != nil {
			t.Fatal(err)
		}
		if got := day.Format(time.DateOnly); got != want {
			t.Fatalf("in %s: shared day %s, want %s", zone, got, want)
		}
		if n := sharedOnDiffering(t, owner); n != 0 {
			t.Fatalf("after the zone changed to %s, %d conferences' shared day is wrong", zone, n)
		}
	}
}
