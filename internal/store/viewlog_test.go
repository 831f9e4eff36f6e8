package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// auditInserts counts the statements that append to the audit log.
type auditInserts struct{ n atomic.Int64 }

func (c *auditInserts) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "INSERT INTO audit_log") {
		c.n.Add(1)
	}
	return ctx
}
func (c *auditInserts) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Page views that arrive together are recorded by one insert, each view once,
// in a chain that still verifies; a view whose browser went away while its
// entry waited is still recorded; no page returns before its entry is
// committed.
func TestPageViewsAreRecordedTogether(t *testing.T) {
	var inserts auditInserts
	owner, st := testdb.AppTraced(t, &inserts)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var supID int64
	var cases []int64
	if err := owner.QueryRow(ctx, `
		SELECT s.supervisor_id, array_agg(a.case_id ORDER BY a.case_id) FROM unit_supervisors s
		JOIN unit_members m ON m.unit_id = s.unit_id AND m.during @> $1::date
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		WHERE s.during @> $1::date GROUP BY s.supervisor_id ORDER BY s.supervisor_id LIMIT 1`, asOf).Scan(&supID, &cases); err != nil {
		t.Fatal(err)
	}
	sup, err := st.ViewerByID(ctx, supID)
	if err != nil {
		t.Fatal(err)
	}
	const views = 12
	if len(cases) < views+1 {
		t.Fatalf("unit has %d cases", len(cases))
	}
	before := inserts.n.Load()
	pending, release := st.HoldViewFlushes()
	var wg sync.WaitGroup
	var returned atomic.Int64
	errs := make(chan error, views)
	for _, id := range cases[:views] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Case(ctx, sup, id, asOf)
			returned.Add(1)
			errs <- err
		}()
	}
	gone, cancel := context.WithCancel(ctx)
	goneErr := make(chan error, 1)
	go func() {
		_, err := st.Case(gone, sup, cases[views], asOf)
		goneErr <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for pending() < views+1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d views queued, want %d", pending(), views+1)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-goneErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("view whose browser left: %v", err)
	}
	if n := returned.Load(); n != 0 {
		t.Fatalf("%d pages returned before their entries were written", n)
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := inserts.n.Load() - before; n != 1 {
		t.Errorf("%d inserts for %d views queued together, want 1", n, views+1)
	}
	var recorded int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'viewed' AND entity = 'case'
		AND actor_id = $1 AND entity_id = ANY($2)`, supID, func() []string {
		s := make([]string, 0, views+1)
		for _, id := range cases[:views+1] {
			s = append(s, fmt.Sprint(id))
		}
		return s
	}()).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != views+1 {
		t.Fatalf("%d views recorded, want %d (one each, the abandoned one too)", recorded, views+1)
	}
	if c := verify(t, st); c.FirstBad != 0 || c.Entries < int64(views+1) {
		t.Fatalf("chain after a batch: %+v", c)
	}
}
