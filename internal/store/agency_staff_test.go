package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/store"
)

// The state-wide load's staff (agencyStaffSQL, one sort of all posts) reads
// as the unit facts' (staffSQL, a lookup per person), on every date from
// before the demo's first posts to after a post not yet begun: every
// column of every person, with a worker moved to another unit (the old
// post ended, the new one begun later), one whose new post has not begun,
// and one with no post at all.
func TestAgencyStaffSQLReadsAsStaffSQL(t *testing.T) {
	_, pool := seededApp(t)
	ctx := context.Background()
	for _, q := range []string{
		// a: the first worker in post on the date; b: the first in another
		// unit. a leaves on the date - 60 and joins b's unit on the date -
		// 40; b leaves on the date + 20, the day its post in a's unit begins.
		`CREATE TABLE moved_pair AS
		 WITH cur AS (SELECT worker_id, unit_id FROM unit_members WHERE during @> $1::date AND lower(during) < $1::date - 60),
		      a AS (SELECT * FROM cur ORDER BY worker_id LIMIT 1)
		 SELECT a.worker_id AS a_worker, a.unit_id AS a_unit, b.worker_id AS b_worker, b.unit_id AS b_unit
		 FROM a, LATERAL (SELECT * FROM cur WHERE cur.unit_id <> a.unit_id ORDER BY worker_id LIMIT 1) b`,
		`UPDATE unit_members m SET during = daterange(lower(m.during), $1::date - 60)
		 FROM moved_pair x WHERE m.worker_id = x.a_worker AND m.during @> $1::date`,
		`UPDATE unit_members m SET during = daterange(lower(m.during), $1::date + 20)
		 FROM moved_pair x WHERE m.worker_id = x.b_worker AND m.during @> $1::date`,
		`INSERT INTO unit_members (unit_id, worker_id, during)
		 SELECT b_unit, a_worker, daterange($1::date - 40, NULL) FROM moved_pair
		 UNION ALL SELECT a_unit, b_worker, daterange($1::date + 20, NULL) FROM moved_pair`,
		`INSERT INTO people (full_name, email, role, active, created_at) SELECT 'Nobody Posted', 'nobody.posted@example.test', 'worker', true, $1::date`,
	} {
		if _, err := pool.Exec(ctx, q, asOf); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var moved int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT worker_id FROM unit_members GROUP BY worker_id HAVING count(*) > 1) x`).Scan(&moved); err != nil || moved < 3 {
		t.Fatalf("the fixture moved %d workers (%v)", moved, err)
	}
	perPerson, everybody := store.StaffSQLForTest()
	for on := asOf.AddDate(-3, 0, 0); !on.After(asOf.AddDate(0, 2, 0)); on = on.AddDate(0, 0, 17) {
		want := staffRows(t, pool, perPerson, on)
		got := staffRows(t, pool, everybody, on)
		if len(want) == 0 {
			t.Fatalf("%s: no staff", on.Format(time.DateOnly))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: the staff differ (-per person +everybody):\n%s", on.Format(time.DateOnly), diff)
		}
	}
}

func staffRows(t *testing.T, pool *pgxpool.Pool, sql string, on time.Time) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql+` ORDER BY p.id`, on)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		v, err := r.Values()
		return fmt.Sprint(v...), err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
