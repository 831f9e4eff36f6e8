package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// requireBinaries skips when PostgreSQL is not installed. Tests never
// install it: that is the pgdev command's job (it may need root and network).
func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinaries(context.Background()); err != nil {
		t.Skipf("skipping: %v; install PostgreSQL (e.g. `apt-get install postgresql`) or run via `go run ./cmd/pgdev test -- go test ./...` which installs it", err)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestThrowawayStartsAndCleansUp(t *testing.T) {
	requireBinaries(t)
	ctx := testContext(t)

	start := time.Now()
	c, err := Throwaway(ctx, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("throwaway cluster ready in %v at %s", time.Since(start), c.URL("postgres"))
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			c.Stop()
		}
	})

	for _, db := range []string{"postgres", DefaultDatabase} {
		out, err := c.Exec(ctx, db, "SELECT 1")
		if err != nil {
			t.Fatalf("querying %s: %v", db, err)
		}
		if out != "1" {
			t.Fatalf("SELECT 1 on %s returned %q", db, out)
		}
	}
	// Tests create per-test databases from the postgres database.
	if _, err := c.Exec(ctx, "postgres", "CREATE DATABASE per_test"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Exec(ctx, "postgres", "SHOW fsync"); err != nil || got != "off" {
		t.Errorf("throwaway cluster fsync = %q, %v; want off", got, err)
	}

	stopped = true
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Fatalf("cluster dir %s still exists after Stop (stat: %v)", c.Dir, err)
	}
}

func TestEnsureReusesData(t *testing.T) {
	requireBinaries(t)
	ctx := testContext(t)

	// Not t.TempDir(): that is mode 0700, and when tests run as root the
	// server runs as another user who must be able to enter the directory.
	base, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, "pg")

	c1, err := Ensure(ctx, dir, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c1.Stop() }) // in case a later step fails
	if c1.WasRunning {
		t.Error("first Ensure reported WasRunning")
	}
	if _, err := c1.Exec(ctx, DefaultDatabase, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')"); err != nil {
		t.Fatal(err)
	}

	// Ensure while running: reuses the live server.
	c2, err := Ensure(ctx, dir, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if !c2.WasRunning || c2.Port != c1.Port {
		t.Errorf("second Ensure: WasRunning=%v port=%d, want true and %d", c2.WasRunning, c2.Port, c1.Port)
	}

	if err := c1.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Fatalf("persistent data removed by Stop: %v", err)
	}

	// Ensure after stop: restarts on the same port with the data intact.
	c3, err := Ensure(ctx, dir, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c3.Stop() })
	if c3.WasRunning {
		t.Error("Ensure after Stop reported WasRunning")
	}
	if c3.Port != c1.Port {
		t.Errorf("port changed across restarts: %d then %d (URL should be stable)", c1.Port, c3.Port)
	}
	got, err := c3.Exec(ctx, DefaultDatabase, "SELECT v FROM kept")
	if err != nil {
		t.Fatal(err)
	}
	if got != "hello" {
		t.Fatalf("table contents after restart = %q, want hello", got)
	}
}

func TestURL(t *testing.T) {
	c := &Cluster{Port: 5433}
	want := "postgres://casework@127.0.0.1:5433/casework?sslmode=disable"
	if got := c.URL("casework"); got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}
