// Package testdb gives each test its own fresh, migrated PostgreSQL database,
// dropped when the test ends. The server comes from TEST_DATABASE_URL, which
// `make test` sets to a throwaway cluster (cmd/pgdev test).
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/store"
)

// EnvURL names the variable holding a superuser URL of the test server.
const EnvURL = "TEST_DATABASE_URL"

// serverURL returns the test server's URL, or skips the test when there is
// none. Under `make test` (CASEWORK_REQUIRE_DB=1) a missing server fails
// instead, so a database test can never pass by being skipped.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CASEWORK_REQUIRE_DB") != "" {
			t.Fatalf("%s is not set, but CASEWORK_REQUIRE_DB is: run the tests through `make test`", EnvURL)
		}
		t.Skipf("%s is not set: database tests run under `make test`", EnvURL)
	}
	return u
}

// URL creates an empty database (no schema) and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	base := serverURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testdb: connect to %s: %v", EnvURL, err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "casework_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// New creates a fresh database with the schema applied and returns its URL and
// a pool on it; both are closed and dropped when the test ends.
func New(t testing.TB) (string, *pgxpool.Pool) {
	t.Helper()
	u := URL(t)
	if err := store.MigrateUp(u); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(pool.Close)
	return u, pool
}

// AppLogin is the login role tests connect as: a member of casework_app with
// exactly the app's rights, as in production.
const AppLogin = "casework_test_app"

// App creates a fresh migrated database and returns a pool on it as the
// schema's owner (for fixtures) and a store connected as the app's
// least-privileged role (for the code under test).
func App(t testing.TB) (owner *pgxpool.Pool, app *store.Store) {
	t.Helper()
	return AppTraced(t, nil)
}

// AppTraced is App with a query tracer on the app's connections, for tests
// that count the queries a page makes.
func AppTraced(t testing.TB, tracer pgx.QueryTracer) (owner *pgxpool.Pool, app *store.Store) {
	t.Helper()
	u, owner := New(t)
	appURL, err := store.EnsureAppLogin(context.Background(), u, AppLogin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	cfg, err := pgxpool.ParseConfig(appURL)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(pool.Close)
	return owner, store.New(pool)
}

// Must is New for tests that want a *store.Store.
func Must(t testing.TB) (string, *store.Store) {
	u, pool := New(t)
	return u, store.New(pool)
}
