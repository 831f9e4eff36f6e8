package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// Migration 124 keeps what older data says of contacts, and no more: a
// contact without an approval of its own is approved only by an imported
// contact-sheet approval dated on or after it; a pending contact stays
// pending whatever sheet approval came after it; an approval made in
// Casework gets its day from the audit log.
func TestMigration124ReadsOlderContacts(t *testing.T) {
	url := testdb.URL(t)
	m, err := store.NewMigration(url)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.To(124); err != nil {
		t.Fatal(err)
	}
	if err := m.Steps(-1); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := store.New(pool)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	if err := st.LoadDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	c := cleanContactCase(t, st, pool)
	ids := map[string]int64{}
	for _, e := range []struct {
		name, kind, on, approval, source string
		bySupervisor                     bool
	}{
		{"imported sheet", "contact_sheet_approved", "2026-10-31", "not_required", "M-1", false},
		{"before the imported sheet", "child_visit", "2026-10-20", "not_required", "", false},
		{"before a sheet of Casework's", "parent_visit", "2026-11-05", "not_required", "", false},
		{"approved in Casework", "child_visit", "2026-11-08", "approved", "", false},
		{"pending before a sheet", "child_visit", "2026-11-09", "pending", "", false},
		{"sheet of Casework's", "contact_sheet_approved", "2026-11-10", "not_required", "", true},
		{"after every sheet", "collateral_contact", "2026-11-12", "not_required", "", false},
	} {
		var source, by any
		if e.source != "" {
			source = e.source
		}
		if e.bySupervisor {
			by = c.sup.PersonID
		}
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at, approval, source_id, recorded_by)
			VALUES ($1, $2, $3::date, now(), $4, $5, $6) RETURNING id`, c.caseID, e.kind, e.on, e.approval, source, by).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[e.name] = id
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail)
		VALUES (TIMESTAMPTZ '2026-11-10 23:30:00-05', $1, 'approved', 'contacts', '1', jsonb_build_object('events', jsonb_build_array($2::bigint), 'cases', jsonb_build_array($3::bigint)))`,
		c.sup.PersonID, ids["approved in Casework"], c.caseID); err != nil {
		t.Fatal(err)
	}
	if err := m.Steps(1); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"before the imported sheet":    "approved",
		"before a sheet of Casework's": "pending",
		"approved in Casework":         "approved 2026-11-10",
		"pending before a sheet":       "pending",
		"after every sheet":            "pending",
	}
	for name, w := range want {
		var got string
		if err := pool.QueryRow(ctx, `SELECT approval || coalesce(' ' || approved_on::text, '') FROM events WHERE id = $1`, ids[name]).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("%s: %q after the migration, want %q", name, got, w)
		}
	}
	// The sheet approval of 2026-11-10 was not true: contacts of before it
	// await approval, and contacts.approval counts the one of 2026-10-31.
	if listed, _ := c.awaiting(t, st); len(listed) != 3 {
		t.Errorf("%d contacts awaiting approval after the migration, want 3", len(listed))
	}
	if o := c.approval(t, st); o.Last.String() != "2026-10-31" {
		t.Errorf("contacts.approval last %s after the migration, want 2026-10-31", o.Last)
	}
}
