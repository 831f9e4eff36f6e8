package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/web"
)

// counter counts the queries sent on the app's connections.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// queryHarness is the demo agency behind an app whose queries are counted.
func queryHarness(t *testing.T) (*harness, *counter) {
	t.Helper()
	return queryHarnessKeeping(t, 0)
}

// queryHarnessKeeping is queryHarness with the evaluations kept between views
// bounded by cacheBytes (web.Config.EvalCacheBytes: negative keeps none).
func queryHarnessKeeping(t *testing.T, cacheBytes int64) (*harness, *counter) {
	t.Helper()
	var c counter
	owner, st := testdb.AppTraced(t, &c)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	app, err := web.New(web.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return fixedNow }, Sleep: func(time.Duration) {}, EvalCacheBytes: cacheBytes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Routes())
	t.Cleanup(srv.Close)
	return &harness{srv: srv, pool: owner}, &c
}

// cost is the number of queries one GET of path makes for the person signed
// in as email, after a first request has warmed the session and the pool's
// connections. A request now and then costs one query more than the page's
// own (a connection new to the pool loads type information; the session is
// rewritten when it has aged), so three measures are taken and the smallest
// kept: the page's own cost.
func (h *harness) cost(t *testing.T, c *counter, email, path string) int64 {
	t.Helper()
	cl := h.client(t)
	h.signIn(t, cl, email)
	h.get(t, cl, path)
	best := int64(-1)
	for range 3 {
		before := c.n.Load()
		resp, body := h.get(t, cl, path)
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Fatalf("%s as %s: %d", path, email, resp.StatusCode)
		}
		if n := c.n.Load() - before; best < 0 || n < best {
			best = n
		}
	}
	return best
}

// The unit dashboard costs a fixed number of queries, whatever the size of
// the unit: no query per worker or per case. The largest and the smallest
// demo units must cost the same.
func TestUnitDashboardQueriesDoNotGrowWithTheUnit(t *testing.T) {
	h, c := queryHarness(t)
	owner := h.pool

	// The supervisors of the units with the most and the fewest open cases.
	var largest, smallest string
	q := `SELECT p.email FROM unit_supervisors s JOIN people p ON p.id = s.supervisor_id
		JOIN unit_members m ON m.unit_id = s.unit_id AND upper_inf(m.during)
		JOIN case_assignments a ON a.worker_id = m.worker_id AND upper_inf(a.during)
		WHERE upper_inf(s.during) GROUP BY p.email ORDER BY count(*) %s, p.email LIMIT 1`
	if err := owner.QueryRow(context.Background(), fmt.Sprintf(q, "DESC")).Scan(&largest); err != nil {
		t.Fatal(err)
	}
	if err := owner.QueryRow(context.Background(), fmt.Sprintf(q, "ASC")).Scan(&smallest); err != nil {
		t.Fatal(err)
	}
	big, small := h.cost(t, c, largest, "/unit"), h.cost(t, c, smallest, "/unit")
	t.Logf("queries per dashboard: largest unit %d, smallest unit %d", big, small)
	if big != small {
		t.Errorf("the largest unit's dashboard costs %d queries, the smallest %d: something queries per row", big, small)
	}
	const budget = 30
	if big > budget {
		t.Errorf("the dashboard costs %d queries, over the budget of %d", big, budget)
	}
}

// The area dashboard and the worker's agenda cost a fixed number of queries
// too: an area of three units as much as an area of two, a worker with the
// most cases as much as one with the fewest.
func TestAreaAndAgendaQueriesDoNotGrow(t *testing.T) {
	h, c := queryHarness(t)
	ctx := context.Background()
	var bigArea, smallArea, bigLoad, smallLoad string
	q := `SELECT p.email FROM supervisor_reports r JOIN people p ON p.id = r.casework_supervisor_id
		WHERE upper_inf(r.during) GROUP BY p.email ORDER BY count(*) %s, p.email LIMIT 1`
	if err := h.pool.QueryRow(ctx, fmt.Sprintf(q, "DESC")).Scan(&bigArea); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.QueryRow(ctx, fmt.Sprintf(q, "ASC")).Scan(&smallArea); err != nil {
		t.Fatal(err)
	}
	q = `SELECT p.email FROM case_assignments a JOIN people p ON p.id = a.worker_id
		WHERE upper_inf(a.during) GROUP BY p.email ORDER BY count(*) %s, p.email LIMIT 1`
	if err := h.pool.QueryRow(ctx, fmt.Sprintf(q, "DESC")).Scan(&bigLoad); err != nil {
		t.Fatal(err)
	}
	if err := h.pool.QueryRow(ctx, fmt.Sprintf(q, "ASC")).Scan(&smallLoad); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, big, small string }{{"/area", bigArea, smallArea}, {"/agenda", bigLoad, smallLoad}} {
		b, s := h.cost(t, c, tc.big, tc.path), h.cost(t, c, tc.small, tc.path)
		t.Logf("%s: %d and %d queries", tc.path, b, s)
		if b != s || b > 30 {
			t.Errorf("%s costs %d queries for the larger and %d for the smaller (budget 30)", tc.path, b, s)
		}
	}
}

// With nothing kept, the area page evaluates each of its units with the unit
// dashboard's fixed set of queries (it is composed of its units): its cost
// grows with the number of units and with nothing else. Two areas of three
// units of different sizes cost the same; an area of two units costs less.
func TestAreaQueriesGrowOnlyWithItsUnitsWhenNothingIsKept(t *testing.T) {
	h, c := queryHarnessKeeping(t, -1)
	rows, err := h.pool.Query(context.Background(), `
		SELECT p.email, count(*) FROM supervisor_reports r JOIN people p ON p.id = r.casework_supervisor_id
		WHERE upper_inf(r.during) GROUP BY p.email ORDER BY count(*) DESC, p.email`)
	if err != nil {
		t.Fatal(err)
	}
	byUnits := map[int64][]string{}
	for rows.Next() {
		var email string
		var units int64
		if err := rows.Scan(&email, &units); err != nil {
			t.Fatal(err)
		}
		byUnits[units] = append(byUnits[units], email)
	}
	if len(byUnits[3]) < 2 || len(byUnits[2]) < 1 {
		t.Fatalf("the demo's areas by units: %v", byUnits)
	}
	a, b, small := h.cost(t, c, byUnits[3][0], "/area"), h.cost(t, c, byUnits[3][1], "/area"), h.cost(t, c, byUnits[2][0], "/area")
	t.Logf("/area with nothing kept: %d and %d queries for three units, %d for two", a, b, small)
	if a != b {
		t.Errorf("two areas of three units cost %d and %d queries: something queries per worker or per case", a, b)
	}
	if small >= a {
		t.Errorf("an area of two units costs %d queries, one of three %d", small, a)
	}
}
