package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Every statement that would rewrite a record that must not change is
// refused to the app's own role (and, by trigger, to the schema's owner
// too), and the one-way moves the app needs still work: migration 000030.
func TestRecordsThatMustNotChangeRefuseTheAppsRole(t *testing.T) {
	st, owner := seededApp(t)
	app := st.Pool()
	ctx := context.Background()
	// One of each record, made by the owner, the moves already taken where
	// there is a move to take back.
	if _, err := owner.Exec(ctx, `
		WITH adm AS (SELECT id FROM people WHERE role = 'administrator' ORDER BY id LIMIT 1),
		     k AS (SELECT id, supervisor_id, worker_id FROM conferences WHERE status = 'acknowledged' ORDER BY id LIMIT 1),
		     a1 AS (INSERT INTO conference_addenda (conference_id, written_by, written_at, body)
		            SELECT id, supervisor_id, now(), 'Correction: the hearing is on the 5th.' FROM k),
		     n1 AS (INSERT INTO performance_notes (worker_id, author_id, written_on, written_at, area, body)
		            SELECT worker_id, supervisor_id, DATE '2026-11-20', now(), 'supportive', 'A note.' FROM k),
		     i1 AS (INSERT INTO imports (kind, file_name, run_by, at) VALUES ('staff', 'staff.csv', 'test', now())),
		     t1 AS (INSERT INTO api_tokens (name, token_hash, scope_kind, scope_id, created_by, created_at, revoked_at, revoked_by)
		            SELECT 'revoked', sha256('a'::bytea), 'unit', 1, id, now(), now(), id FROM adm),
		     t2 AS (INSERT INTO api_tokens (name, token_hash, scope_kind, scope_id, created_by, created_at)
		            SELECT 'live', sha256('b'::bytea), 'unit', 1, id, now() FROM adm),
		     c1 AS (INSERT INTO calendar_tokens (person_id, token_hash, created_at, revoked_at)
		            SELECT worker_id, sha256('c'::bytea), now(), now() FROM k),
		     c2 AS (INSERT INTO calendar_tokens (person_id, token_hash, created_at)
		            SELECT worker_id, sha256('d'::bytea), now() FROM k)
		INSERT INTO emergent_requests (case_id, requested_by, casework_supervisor_id, reason, requested_at, answered_at, answered_by, answer)
		SELECT NULL, r.supervisor_id, r.casework_supervisor_id, 'critical_incident', now(), now(), r.casework_supervisor_id, 'Held on the 20th.'
		FROM supervisor_reports r WHERE r.during @> DATE '2026-11-23' ORDER BY r.supervisor_id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	forbidden := []struct{ what, sql string }{
		{"an addendum deleted", `DELETE FROM conference_addenda`},
		{"an addendum rewritten", `UPDATE conference_addenda SET body = 'Nothing happened.'`},
		{"a performance note deleted", `DELETE FROM performance_notes`},
		{"a performance note rewritten", `UPDATE performance_notes SET body = 'x'`},
		{"an import's record deleted", `DELETE FROM imports`},
		{"an import's record rewritten", `UPDATE imports SET file_name = 'other.csv'`},
		{"an API token un-revoked", `UPDATE api_tokens SET revoked_at = NULL, revoked_by = NULL WHERE name = 'revoked'`},
		{"an API token's revocation moved", `UPDATE api_tokens SET revoked_at = revoked_at + interval '1 day' WHERE name = 'revoked'`},
		{"an API token's scope widened", `UPDATE api_tokens SET scope_kind = 'office' WHERE name = 'live'`},
		{"an API token swapped", `UPDATE api_tokens SET token_hash = sha256('e'::bytea) WHERE name = 'live'`},
		{"an API token deleted", `DELETE FROM api_tokens WHERE name = 'revoked'`},
		{"a calendar feed un-revoked", `UPDATE calendar_tokens SET revoked_at = NULL WHERE revoked_at IS NOT NULL`},
		{"a calendar feed's address swapped", `UPDATE calendar_tokens SET token_hash = sha256('f'::bytea) WHERE revoked_at IS NULL`},
		{"a calendar feed deleted", `DELETE FROM calendar_tokens`},
		{"an emergent request's answer undone", `UPDATE emergent_requests SET answered_at = NULL, answered_by = NULL, answer = NULL`},
		{"an emergent request's answer rewritten", `UPDATE emergent_requests SET answer = 'Never asked.'`},
		{"an emergent request's reason changed", `UPDATE emergent_requests SET reason = 'serious_or_unusual'`},
		{"an emergent request deleted", `DELETE FROM emergent_requests`},
		{"a conference's shared date moved", `UPDATE conferences SET shared_at = shared_at - interval '30 days' WHERE status = 'acknowledged'`},
		{"a conference's acknowledgement cleared", `UPDATE conferences SET acknowledged_at = NULL, acknowledged_by = NULL, status = 'acknowledged' WHERE status = 'acknowledged'`},
		{"a signed conference deleted", `DELETE FROM conferences WHERE status <> 'draft'`},
		{"the audit log edited", `UPDATE audit_log SET action = 'x'`},
		{"the audit log deleted", `DELETE FROM audit_log`},
	}
	try := func(who string, pool *pgxpool.Pool, sql string) error {
		// Each statement in its own transaction, rolled back if it passes,
		// so that one accepted statement does not hide the next.
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		tag, err := tx.Exec(ctx, sql)
		if err == nil && tag.RowsAffected() == 0 {
			t.Fatalf("as %s, %q touched no row: the fixture does not test it", who, sql)
		}
		return err
	}
	if _, err := owner.Exec(ctx, `INSERT INTO audit_log (at, action, entity) VALUES (now(), 'test', 'case')`); err != nil {
		t.Fatal(err)
	}
	for _, f := range forbidden {
		if err := try("the app's role", app, f.sql); err == nil {
			t.Errorf("as the app's role, %s: accepted, want refused", f.what)
		}
		if err := try("the owner", owner, f.sql); err == nil {
			t.Errorf("as the schema's owner, %s: accepted, want refused by trigger", f.what)
		}
	}
	for _, q := range []string{`TRUNCATE conference_addenda`, `TRUNCATE performance_notes`, `TRUNCATE imports`, `TRUNCATE api_tokens`, `TRUNCATE calendar_tokens`, `TRUNCATE emergent_requests`} {
		if _, err := app.Exec(ctx, q); err == nil {
			t.Errorf("as the app's role, %s: accepted", q)
		}
	}
	// The moves the app makes are still allowed, once.
	allowed := []string{
		`UPDATE api_tokens SET last_used_at = now() WHERE name = 'revoked'`,
		`UPDATE api_tokens SET revoked_at = now(), revoked_by = created_by WHERE name = 'live'`,
		`UPDATE calendar_tokens SET revoked_at = now() WHERE revoked_at IS NULL`,
		`INSERT INTO conference_addenda (conference_id, written_by, written_at, body)
		 SELECT id, supervisor_id, now(), 'A second correction.' FROM conferences WHERE status = 'acknowledged' ORDER BY id LIMIT 1`,
	}
	for _, q := range allowed {
		if err := pgx.BeginFunc(ctx, app, func(tx pgx.Tx) error { _, err := tx.Exec(ctx, q); return err }); err != nil {
			t.Errorf("as the app's role, %q: %v", q, err)
		}
	}
}
