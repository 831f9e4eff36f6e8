package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// writeEntries appends n entries from `workers` goroutines at once.
func writeEntries(t *testing.T, st *store.Store, n, workers int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				errs <- st.Audit(context.Background(), access.Viewer{Addr: "10.0.0.1", RequestID: fmt.Sprint("r", i)},
					store.AuditEntry{Action: "viewed", Entity: "case", EntityID: fmt.Sprint(i), Detail: map[string]any{"n": i}})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, st *store.Store) store.AuditCheck {
	t.Helper()
	c, err := st.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuditChainHoldsUnderConcurrentWriters(t *testing.T) {
	_, st := testdb.App(t)
	writeEntries(t, st, 200, 8)
	c := verify(t, st)
	if c.FirstBad != 0 || c.Entries != 200 {
		t.Fatalf("after concurrent writes: %+v", c)
	}
}

// tamper runs SQL as the schema's owner with the append-only trigger off: what
// someone with the database's keys could do behind the app's back.
func tamper(t *testing.T, owner *pgxpool.Pool, sql string) {
	t.Helper()
	ctx := context.Background()
	tx, err := owner.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`, sql, `ALTER TABLE audit_log ENABLE TRIGGER USER`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAuditVerifyNamesTheFirstTamperedEntry(t *testing.T) {
	for _, tc := range []struct {
		name, sql string
		firstBad  int64
		problem   string
	}{
		{"altered", `UPDATE audit_log SET entity_id = 'someone else' WHERE seq = 7`, 7, "altered"},
		{"altered detail", `UPDATE audit_log SET detail = '{"n": 99}' WHERE seq = 12`, 12, "altered"},
		{"removed", `DELETE FROM audit_log WHERE seq = 5`, 5, "missing"},
		{"removed last-but-one and renumbered", `DELETE FROM audit_log WHERE seq = 19; UPDATE audit_log SET seq = 19 WHERE seq = 20`, 19, "does not link"},
		{"inserted", `UPDATE audit_log SET seq = -seq WHERE seq >= 10;
			UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0;
			INSERT INTO audit_log (at, action, entity, seq, prev_hash, hash)
			SELECT now(), 'viewed', 'case', 10, hash, sha256(hash) FROM audit_log WHERE seq = 9`, 10, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			owner, st := testdb.App(t)
			writeEntries(t, st, 20, 1)
			if c := verify(t, st); c.FirstBad != 0 {
				t.Fatalf("chain broken before tampering: %+v", c)
			}
			tamper(t, owner, tc.sql)
			c := verify(t, st)
			if c.FirstBad != tc.firstBad || !strings.Contains(c.Problem, tc.problem) {
				t.Fatalf("verify after %s: %+v, want entry %d (%s)", tc.name, c, tc.firstBad, tc.problem)
			}
		})
	}
}

func TestTheAppRoleCannotRewriteTheAuditLog(t *testing.T) {
	owner, st := testdb.App(t)
	writeEntries(t, st, 2, 1)
	// An entry naming a case is indexed by the trigger (as the schema's
	// owner), though the app may not write that index itself.
	if err := st.Audit(context.Background(), access.Viewer{}, store.AuditEntry{Action: "viewed", Entity: "caseload", Detail: map[string]any{"cases": []int{7}}}); err != nil {
		t.Fatal(err)
	}
	u, err := store.EnsureAppLogin(context.Background(), testdbURL(t, owner), testdb.AppLogin)
	if err != nil {
		t.Fatal(err)
	}
	app, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for _, q := range []string{
		`UPDATE audit_log SET action = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER USER`,
		`DROP TABLE audit_log`,
		`INSERT INTO audit_case_refs VALUES (1, 1)`,
		`DELETE FROM audit_case_refs`,
		`CREATE TABLE sneaky (id int)`,
	} {
		if _, err := app.Exec(context.Background(), q); err == nil {
			t.Errorf("the app's role could run %q", q)
		}
	}
	if c := verify(t, st); c.FirstBad != 0 || c.Entries != 3 {
		t.Fatalf("log changed: %+v", c)
	}
}

func TestServeRefusesPrivilegedConnections(t *testing.T) {
	owner, app := testdb.App(t)
	if err := app.CheckLeastPrivilege(context.Background()); err != nil {
		t.Fatalf("the app's role refused: %v", err)
	}
	if err := store.New(owner).CheckLeastPrivilege(context.Background()); err == nil {
		t.Fatal("a superuser connection was accepted for serving")
	}
}

// testdbURL is the owner pool's connection string.
func testdbURL(t *testing.T, p *pgxpool.Pool) string {
	return p.Config().ConnString()
}

// Concurrent appenders take separate lanes (migration 000020), so their
// commits do not wait on one another; every lane is a whole chain, and an
// entry altered in any lane is named with its lane.
func TestAuditLanesKeepEveryChainWhole(t *testing.T) {
	owner, st := testdb.App(t)
	ctx := context.Background()
	insert := `INSERT INTO audit_log (at, action, entity) VALUES (clock_timestamp(), 'viewed', 'case') RETURNING lane`
	// Three transactions append at once: each holds its lane until it commits.
	var txs []interface {
		Commit(context.Context) error
	}
	lanes := map[int]bool{}
	for range 3 {
		tx, err := owner.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var lane int
		if err := tx.QueryRow(ctx, insert).Scan(&lane); err != nil {
			t.Fatal(err)
		}
		var again int // a second entry of the same transaction stays in its lane
		if err := tx.QueryRow(ctx, insert).Scan(&again); err != nil || again != lane {
			t.Fatalf("second entry in lane %d, first in %d (%v)", again, lane, err)
		}
		lanes[lane] = true
		txs = append(txs, tx)
	}
	if len(lanes) != 3 {
		t.Fatalf("three open appenders shared lanes: %v", lanes)
	}
	for _, tx := range txs {
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	writeEntries(t, st, 50, 8)
	c := verify(t, st)
	if c.FirstBad != 0 || c.Entries != 56 || c.Lanes < 3 {
		t.Fatalf("after appends in lanes: %+v", c)
	}
	tamper(t, owner, `UPDATE audit_log SET entity_id = 'x' WHERE lane = 2 AND seq = 1`)
	c = verify(t, st)
	if c.Lane != 2 || c.FirstBad != 1 || !strings.Contains(c.Problem, "entry 1 of lane 2 was altered") {
		t.Fatalf("tampering in lane 2: %+v", c)
	}
}

// A case's access list holds its own entries and those that name it in their
// detail (a caseload shown, a conference written), found through
// audit_case_refs; not entries about other cases, and nothing for a viewer
// outside the case's reach. The app cannot write the index itself.
func TestCaseAccessFindsEntriesThatNameTheCase(t *testing.T) {
	st, pool := seeded(t)
	ctx := context.Background()
	var supID, caseID, otherCase, outsider int64
	if err := pool.QueryRow(ctx, `
		SELECT s.supervisor_id, a.case_id FROM unit_supervisors s
		JOIN unit_members m ON m.unit_id = s.unit_id AND m.during @> $1::date
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		WHERE s.during @> $1::date ORDER BY s.supervisor_id, a.case_id LIMIT 1`, asOf).Scan(&supID, &caseID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `
		SELECT a.case_id, s.supervisor_id FROM unit_supervisors s
		JOIN unit_members m ON m.unit_id = s.unit_id AND m.during @> $1::date
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		WHERE s.during @> $1::date AND s.supervisor_id <> $2 ORDER BY a.case_id LIMIT 1`, asOf, supID).Scan(&otherCase, &outsider); err != nil {
		t.Fatal(err)
	}
	sup, err := st.ViewerByID(ctx, supID)
	if err != nil {
		t.Fatal(err)
	}
	someone := access.Viewer{Addr: "10.0.0.9", RequestID: "case-refs"}
	for _, e := range []store.AuditEntry{
		{Action: "viewed", Entity: "case", EntityID: fmt.Sprint(caseID)},
		{Action: "viewed", Entity: "caseload", EntityID: "1", Detail: map[string]any{"cases": []int64{otherCase, caseID}}},
		{Action: "recorded", Entity: "event", EntityID: "2", Detail: map[string]any{"case": caseID}},
		{Action: "created", Entity: "conference", EntityID: "3", Detail: map[string]any{"after": map[string]any{"cases": []int64{caseID}}}},
		{Action: "viewed", Entity: "caseload", EntityID: "4", Detail: map[string]any{"cases": []int64{otherCase}}},
		{Action: "viewed", Entity: "case", EntityID: fmt.Sprint(otherCase)},
		{Action: "odd", Entity: "x", EntityID: "5", Detail: map[string]any{"case": 1.5, "cases": []any{"x", -1}}},
	} {
		if err := st.Audit(ctx, someone, e); err != nil {
			t.Fatalf("audit %+v: %v", e, err)
		}
	}
	got, err := st.CaseAccess(ctx, sup, caseID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range got {
		if e.RequestID == "case-refs" {
			ids = append(ids, e.Entity+" "+e.EntityID)
		}
	}
	want := []string{"conference 3", "event 2", "caseload 1", fmt.Sprint("case ", caseID)}
	if strings.Join(ids, ", ") != strings.Join(want, ", ") {
		t.Fatalf("access list: %q, want %q", ids, want)
	}
	other, err := st.ViewerByID(ctx, outsider)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.CaseAccess(ctx, other, caseID, asOf); err != nil || len(got) != 0 {
		t.Fatalf("a supervisor of another unit sees %d entries (%v)", len(got), err)
	}
	if c := verify(t, st); c.FirstBad != 0 {
		t.Fatalf("chain broken: %+v", c)
	}
}
