package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// seeded returns a fresh database holding the demo agency as of asOf.
func seeded(t *testing.T) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	_, pool := testdb.New(t)
	st := store.New(pool)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	if err := st.LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return st, pool
}

var tables = []string{"agency", "profile_choices", "offices", "people", "units", "unit_supervisors", "unit_members",
	"supervisor_reports", "cases", "case_assignments", "risk_assessments", "events", "conferences",
	"conference_cases", "next_steps"}

// fingerprint is a digest of every row of every agency table.
func fingerprint(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range tables {
		var sum string
		if err := pool.QueryRow(context.Background(),
			"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "+tb+" t").Scan(&sum); err != nil {
			t.Fatal(err)
		}
		out[tb] = sum
	}
	return out
}

func TestDemoSeedIsDeterministic(t *testing.T) {
	_, a := seeded(t)
	_, b := seeded(t)
	if diff := cmp.Diff(fingerprint(t, a), fingerprint(t, b)); diff != "" {
		t.Fatalf("two seeds with the same seed and as-of differ (-a +b):\n%s", diff)
	}
}

func TestDemoAgencyShape(t *testing.T) {
	_, pool := seeded(t)
	ctx := context.Background()
	count := func(q string) int {
		var n int
		if err := pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	checks := []struct {
		what     string
		q        string
		min, max int
	}{
		{"offices", "SELECT count(*) FROM offices", 2, 2},
		{"casework supervisors", "SELECT count(*) FROM people WHERE role = 'casework_supervisor'", 3, 3},
		{"units", "SELECT count(*) FROM units", 8, 8},
		{"workers", "SELECT count(*) FROM people WHERE role = 'worker'", 40, 50},
		{"first-year workers", "SELECT count(*) FROM people WHERE role = 'worker' AND experience_start > DATE '2025-11-23'", 5, 15},
		{"open cases", "SELECT count(*) FROM cases WHERE closed IS NULL", 550, 650},
		{"unassigned open cases", "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id)", 1, 10},
		{"cases high or very high now", `SELECT count(*) FROM cases c WHERE (SELECT level FROM risk_assessments r WHERE r.case_id = c.id ORDER BY assessed_on DESC LIMIT 1) IN ('high', 'very_high')`, 40, 150},
		{"cases very high now", `SELECT count(*) FROM cases c WHERE (SELECT level FROM risk_assessments r WHERE r.case_id = c.id ORDER BY assessed_on DESC LIMIT 1) = 'very_high'`, 3, 60},
		{"risk went high in the last 10 days", "SELECT count(*) FROM risk_assessments WHERE level IN ('high','very_high') AND assessed_on >= DATE '2026-11-13'", 1, 100},
		{"out-of-home cases", "SELECT count(*) FROM cases WHERE setting = 'out_of_home'", 200, 450},
		{"court dates ahead", "SELECT count(*) FROM cases WHERE court_next >= DATE '2026-11-23'", 100, 600},
		{"contacts awaiting approval", "SELECT count(*) FROM events WHERE approval = 'pending'", 20, 5000},
		{"supervision conferences", "SELECT count(*) FROM conferences WHERE kind = 'supervision'", 400, 2000},
		{"casework reviews", "SELECT count(*) FROM conferences WHERE kind = 'casework_review'", 250, 500},
		{"drafts", "SELECT count(*) FROM conferences WHERE status = 'draft'", 1, 100},
		{"acknowledged", "SELECT count(*) FROM conferences WHERE status = 'acknowledged'", 100, 2000},
		{"a worker moved between units", "SELECT count(*) FROM (SELECT worker_id FROM unit_members GROUP BY worker_id HAVING count(*) > 1) m", 1, 3},
		{"transferred cases", "SELECT count(*) FROM (SELECT case_id FROM case_assignments GROUP BY case_id HAVING count(*) > 1) m", 1, 300},
		{"history starts a year back", "SELECT count(*) FROM events WHERE occurred_on < DATE '2026-01-01'", 1000, 100000},
		{"nothing dated today or later", "SELECT count(*) FROM events WHERE occurred_on >= DATE '2026-11-23'", 0, 0},
		{"no conference today or later", "SELECT count(*) FROM conferences WHERE held_on >= DATE '2026-11-23'", 0, 0},
	}
	for _, c := range checks {
		if n := count(c.q); n < c.min || n > c.max {
			t.Errorf("%s: %d, want %d..%d", c.what, n, c.min, c.max)
		}
	}
}

func TestSeedRefusesANonEmptyDatabase(t *testing.T) {
	st, _ := seeded(t)
	d, _ := demo.Generate(demo.Options{Seed: 2, AsOf: asOf})
	err := st.LoadDataset(context.Background(), d)
	if err == nil || !strings.Contains(err.Error(), "already holds an agency") {
		t.Fatalf("second load: got %v, want a refusal", err)
	}
}

func TestMigrateDownUpRoundTrips(t *testing.T) {
	url := testdb.URL(t)
	m, err := store.NewMigration(url)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for i, step := range []func() error{m.Up, m.Down, m.Up} {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	v, dirty, err := m.Version()
	if err != nil || dirty || v == 0 {
		t.Fatalf("version after round trip: %d dirty=%v err=%v", v, dirty, err)
	}
	if err := m.Down(); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var left int
	if err := pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d tables left after migrate down", left)
	}
}

func TestSchemaRefusesBadData(t *testing.T) {
	_, pool := seeded(t)
	ctx := context.Background()
	var drafts int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM conferences WHERE status = 'draft'`).Scan(&drafts); err != nil || drafts == 0 {
		t.Fatalf("the demo needs a draft for this test: %d, %v", drafts, err)
	}
	bad := []struct {
		what, sql string
	}{
		{"risk level outside the four", `INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_at) VALUES (1, 'severe', '2026-11-01', now())`},
		{"a conference with a worker of another unit", `INSERT INTO conferences (kind, held_on, supervisor_id, worker_id, created_by, entered_at, updated_at)
			SELECT 'supervision', DATE '2026-11-20', s.supervisor_id, m.worker_id, s.supervisor_id, now(), now()
			FROM unit_supervisors s JOIN unit_members m ON m.unit_id <> s.unit_id AND m.during @> DATE '2026-11-20' LIMIT 1`},
		{"two units at once for a worker", `INSERT INTO unit_members (unit_id, worker_id, during)
			SELECT CASE WHEN unit_id = 1 THEN 2 ELSE 1 END, worker_id, daterange('2026-11-01', NULL) FROM unit_members LIMIT 1`},
		{"a case assigned to a supervisor", `INSERT INTO case_assignments (case_id, worker_id, during)
			SELECT c.id, (SELECT id FROM people WHERE role = 'supervisor' LIMIT 1), daterange('2026-11-22', NULL)
			FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id) LIMIT 1`},
		{"a signed conference without a signer", `UPDATE conferences SET status = 'signed', signed_at = now(), signed_by = NULL
			WHERE id = (SELECT min(id) FROM conferences WHERE status = 'draft')`},
		{"editing the audit log", `UPDATE audit_log SET action = 'x'`},
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (at, action, entity) VALUES (now(), 'test', 'case')`); err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		if _, err := pool.Exec(ctx, b.sql); err == nil {
			t.Errorf("%s: accepted, want refused", b.what)
		}
	}
	for _, q := range []string{`DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := pool.Exec(ctx, q); err == nil {
			t.Errorf("%s: accepted on the append-only log", q)
		}
	}
}

func TestViewerScopedPages(t *testing.T) {
	st, pool := seeded(t)
	ctx := context.Background()
	viewer := func(role string) access.Viewer {
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM people WHERE role = $1 ORDER BY id LIMIT 1`, role).Scan(&id); err != nil {
			t.Fatal(err)
		}
		v, err := st.ViewerByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	sup, cws, wk, adm := viewer("supervisor"), viewer("casework_supervisor"), viewer("worker"), viewer("administrator")

	roster, err := st.SupervisorUnit(ctx, sup, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(roster.Workers) < 4 {
		t.Fatalf("unit has %d workers", len(roster.Workers))
	}
	// Every worker listed is in this supervisor's unit today.
	for _, w := range roster.Workers {
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id
			WHERE m.worker_id = $1 AND s.supervisor_id = $2 AND m.during @> $3::date AND s.during @> $3::date)`, w.PersonID, sup.PersonID, asOf).Scan(&ok); err != nil || !ok {
			t.Errorf("worker %s listed outside the unit (err %v)", w.Name, err)
		}
		if w.Caseload == 0 {
			t.Errorf("worker %s has no cases", w.Name)
		}
	}
	// Other roles get nothing from the supervisor's query.
	for _, v := range []access.Viewer{cws, wk, adm} {
		if _, err := st.SupervisorUnit(ctx, v, asOf); err != store.ErrNotFound {
			t.Errorf("SupervisorUnit as %s: %v, want ErrNotFound", v.Role, err)
		}
	}
	units, err := st.AreaUnits(ctx, cws, asOf)
	if err != nil || len(units) == 0 {
		t.Fatalf("AreaUnits: %d units, %v", len(units), err)
	}
	if _, err := st.AreaUnits(ctx, sup, asOf); err != store.ErrNotFound {
		t.Errorf("AreaUnits as supervisor: %v", err)
	}
	cases, err := st.WorkerCaseload(ctx, wk, asOf)
	if err != nil || len(cases) == 0 {
		t.Fatalf("WorkerCaseload: %d, %v", len(cases), err)
	}
	var mine int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM case_assignments WHERE worker_id = $1 AND during @> $2::date`, wk.PersonID, asOf).Scan(&mine); err != nil {
		t.Fatal(err)
	}
	if mine != len(cases) {
		t.Errorf("worker sees %d cases, holds %d", len(cases), mine)
	}
	o, err := st.Overview(ctx, adm)
	if err != nil || len(o.Offices) != 2 || o.People["worker"] == 0 {
		t.Fatalf("Overview: %+v, %v", o, err)
	}
	if _, err := st.Overview(ctx, sup); err != store.ErrNotFound {
		t.Errorf("Overview as supervisor: %v", err)
	}
}
