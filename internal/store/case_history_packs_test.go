package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// caseHistoryPacksDiffering counts the cases whose kept pack of risk
// assessments and visit plans (migration 000129) is not exactly their rows
// packed afresh, either way round.
func caseHistoryPacksDiffering(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	err := pool.QueryRow(context.Background(), `
		WITH r AS (SELECT case_id, string_agg(int4send(assessed_on - date '2000-01-01')
		                  || set_byte('\x00'::bytea, 0, octet_length(level)) || convert_to(level, 'UTF8'), ''::bytea ORDER BY assessed_on) AS risks
		           FROM risk_assessments GROUP BY case_id),
		     m AS (SELECT case_id, string_agg(int4send(from_on - date '2000-01-01')
		                  || set_byte(set_byte(set_byte('\x000000'::bytea, 0, child), 1, parents), 2, provider), ''::bytea ORDER BY from_on) AS plans
		           FROM case_mvr GROUP BY case_id),
		     fresh AS (SELECT case_id, coalesce(r.risks, '\x'::bytea) AS risks, coalesce(m.plans, '\x'::bytea) AS plans
		               FROM r FULL JOIN m USING (case_id))
		SELECT count(*) FROM fresh FULL JOIN case_history_packs kept USING (case_id)
		WHERE fresh.risks IS DISTINCT FROM kept.risks OR fresh.plans IS DISTINCT FROM kept.plans`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every way the risk assessments and the visit plans change (the bulk
// load's COPY, one recorded, a date or a level or a count corrected, rows
// moved to another case, deleted, a case's last one deleted, many cases at
// once, a table truncated) leaves each case's pack its rows exactly. The
// app's role cannot write a pack.
func TestCaseHistoryPacksStayTrueToTheRecords(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var packs, withPlans int
	if err := owner.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE plans <> '\x') FROM case_history_packs`).Scan(&packs, &withPlans); err != nil {
		t.Fatal(err)
	}
	if packs == 0 || withPlans == 0 {
		t.Fatalf("the seeded demo has %d case history packs, %d with visit plans", packs, withPlans)
	}
	if n := caseHistoryPacksDiffering(t, owner); n != 0 {
		t.Fatalf("after the bulk load, %d cases' packs differ from their rows", n)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE case_history_packs SET risks = '\x'`); err == nil {
		t.Fatal("the app's role wrote a pack")
	}
	changes := []struct{ name, sql string }{
		{"an assessment recorded", `INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_at)
			SELECT id, 'very_high', date '2026-11-20', now() FROM cases ORDER BY id LIMIT 1 ON CONFLICT DO NOTHING`},
		{"a level corrected", `UPDATE risk_assessments SET level = 'moderate' WHERE id IN (SELECT id FROM risk_assessments ORDER BY id LIMIT 20)`},
		{"a date corrected", `UPDATE risk_assessments SET assessed_on = assessed_on - 400 WHERE id IN (SELECT id FROM risk_assessments ORDER BY id DESC LIMIT 15)`},
		{"assessments moved to another case", `UPDATE risk_assessments SET case_id = (SELECT max(id) FROM cases)
			WHERE id IN (SELECT r.id FROM risk_assessments r WHERE NOT EXISTS (SELECT 1 FROM risk_assessments x
			    WHERE x.case_id = (SELECT max(id) FROM cases) AND x.assessed_on = r.assessed_on) ORDER BY r.id LIMIT 3 OFFSET 50)`},
		{"assessments deleted", `DELETE FROM risk_assessments WHERE id IN (SELECT id FROM risk_assessments ORDER BY id DESC LIMIT 30)`},
		{"a plan set", `INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at)
			SELECT id, date '2026-11-15', 4, 2, 31, now() FROM cases ORDER BY id LIMIT 3 ON CONFLICT DO NOTHING`},
		{"a plan's counts changed", `UPDATE case_mvr SET child = child + 1 WHERE child < 31 AND id IN (SELECT id FROM case_mvr ORDER BY id LIMIT 25)`},
		{"plans deleted", `DELETE FROM case_mvr WHERE id IN (SELECT id FROM case_mvr ORDER BY id DESC LIMIT 10)`},
		{"a case's every assessment and plan deleted", `WITH c AS (SELECT case_id FROM case_history_packs ORDER BY case_id LIMIT 1 OFFSET 7),
			d AS (DELETE FROM case_mvr WHERE case_id = (SELECT case_id FROM c) RETURNING 1)
			DELETE FROM risk_assessments WHERE case_id = (SELECT case_id FROM c)`},
		{"many cases at once", `INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_at)
			SELECT id, 'low', date '2026-11-29', now() FROM cases ON CONFLICT DO NOTHING`},
	}
	for _, c := range changes {
		tag, err := owner.Exec(ctx, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("%s: changed nothing, so it tests nothing", c.name)
		}
		if n := caseHistoryPacksDiffering(t, owner); n != 0 {
			t.Fatalf("after %s, %d cases' packs differ from their rows", c.name, n)
		}
	}
	for _, table := range []string{"case_mvr", "risk_assessments"} {
		if _, err := owner.Exec(ctx, `TRUNCATE `+table); err != nil {
			t.Fatal(err)
		}
		if n := caseHistoryPacksDiffering(t, owner); n != 0 {
			t.Fatalf("after %s was truncated, %d cases' packs differ", table, n)
		}
	}
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM case_history_packs`).Scan(&packs); err != nil || packs != 0 {
		t.Fatalf("with no assessment and no plan, %d packs (%v)", packs, err)
	}
}

// A case's packs made by PostgreSQL (migration 000129's functions) read
// back in Go as the same assessments and plans, in date order, those after
// the date left out; a pack cut short is an error, never a partial list.
func TestCaseHistoryPacksReadBackInGo(t *testing.T) {
	owner, _ := testdb.App(t)
	ctx := context.Background()
	var risks, plans []byte
	if err := owner.QueryRow(ctx, `
		SELECT int4send(date '1999-12-31' - date '2000-01-01') || '\x03'::bytea || convert_to('low', 'UTF8')
		    || int4send(date '2026-11-02' - date '2000-01-01') || '\x09'::bytea || convert_to('very_high', 'UTF8')
		    || int4send(date '2026-12-02' - date '2000-01-01') || '\x04'::bytea || convert_to('high', 'UTF8'),
		       int4send(date '2026-10-01' - date '2000-01-01') || '\x00011f'::bytea
		    || int4send(date '2026-12-01' - date '2000-01-01') || '\x020100'::bytea
		    || int4send(date '2027-01-01' - date '2000-01-01') || '\x030303'::bytea`).Scan(&risks, &plans); err != nil {
		t.Fatal(err)
	}
	got, err := store.DecodeCaseHistoryPacksForTest(risks, plans, rules.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"low@1999-12-31", "very_high@2026-11-02", "2026-10-01:0/1/31", "2026-12-01:2/1/0"}
	if !slices.Equal(got, want) {
		t.Fatalf("read back %q, want %q", got, want)
	}
	if got, err := store.DecodeCaseHistoryPacksForTest(nil, nil, rules.MustDate("2026-12-01")); err != nil || len(got) != 0 {
		t.Fatalf("no packs read as %q (%v)", got, err)
	}
	for cut := 1; cut < len(risks); cut++ {
		if cut == 8 || cut == 8+14 { // whole assessments: low, very_high
			continue
		}
		if got, err := store.DecodeCaseHistoryPacksForTest(risks[:cut], nil, rules.MustDate("2026-12-01")); err == nil {
			t.Errorf("risks cut at %d read as %q", cut, got)
		}
	}
	for cut := 1; cut < len(plans); cut++ {
		if cut%7 == 0 {
			continue
		}
		if got, err := store.DecodeCaseHistoryPacksForTest(nil, plans[:cut], rules.MustDate("2026-12-01")); err == nil {
			t.Errorf("plans cut at %d read as %q", cut, got)
		}
	}
}
