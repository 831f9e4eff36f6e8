// Package store holds all of the application's SQL: plain, parameterised
// queries over a pgx pool. Queries that return agency data take the viewer
// (access.Viewer) and return only the rows within that viewer's reach, so
// "not found" and "not yours" are the same answer: ErrNotFound.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/fault"
)

// ErrNotFound means the thing asked for does not exist or is outside the
// viewer's reach; callers must not tell the two apart.
var ErrNotFound = fault.ErrNotFound

// Store is the application's database.
type Store struct {
	pool  *pgxpool.Pool
	views *viewLog // page views' audit entries, group-committed (viewlog.go)
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store.Open: parse DATABASE_URL: %w", err)
	}
	// Bounded waits: a page should fail fast with a clear message rather than
	// hang while the database is away.
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.HealthCheckPeriod = 15 * time.Second
	// Pages run many small indexed queries. PostgreSQL's JIT compiler pays
	// tens of milliseconds whenever a plan's estimated cost crosses its
	// threshold, which an estimate on a large table can do for a query that
	// reads a few hundred rows: off, for every connection of the app.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store.Open: database not reachable: %w", err)
	}
	return New(pool), nil
}

// New wraps an existing pool (tests).
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool, views: &viewLog{pool: pool}} }

// Pool is the connection pool, for the session store.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close releases every connection.
func (s *Store) Close() {
	s.views.wait()
	s.pool.Close()
}

// DeleteExpiredSessions removes the sessions whose expiry has passed (the
// sessions table is scs's, internal/web). Safe to run from several
// instances at once: each DELETE takes what is expired when it runs.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < current_timestamp`)
	if err != nil {
		return 0, fmt.Errorf("DeleteExpiredSessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Ready runs one trivial query: the floor that every database page pays.
func (s *Store) Ready(ctx context.Context) error {
	var one int
	return s.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// notFound turns pgx's no-rows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
