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

// The unit dashboard costs a fixed number of queries, whatever the size of
// the unit: no query per worker or per case. The largest and the smallest
// demo units must cost the same.
func TestUnitDashboardQueriesDoNotGrowWithTheUnit(t *testing.T) {
	var c counter
	owner, st := testdb.AppTraced(t, &c)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	app, err := web.New(web.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return fixedNow }, Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	srv := httptest.NewServer(app.Routes())
	defer srv.Close()
	h := &harness{srv: srv, pool: owner}

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
	cost := func(email string) int64 {
		cl := h.client(t)
		h.signIn(t, cl, email)
		h.get(t, cl, "/unit") // warm: the session is read and written once per request either way
		before := c.n.Load()
		resp, body := h.get(t, cl, "/unit")
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Fatalf("dashboard as %s: %d", email, resp.StatusCode)
		}
		return c.n.Load() - before
	}
	big, small := cost(largest), cost(smallest)
	t.Logf("queries per dashboard: largest unit %d, smallest unit %d", big, small)
	if big != small {
		t.Errorf("the largest unit's dashboard costs %d queries, the smallest %d: something queries per row", big, small)
	}
	const budget = 30
	if big > budget {
		t.Errorf("the dashboard costs %d queries, over the budget of %d", big, budget)
	}
}
