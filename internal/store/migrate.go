package store

import (
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/casework/casework/migrations"
)

// Migration runs the embedded migrations against one database.
type Migration struct {
	m *migrate.Migrate
}

// NewMigration prepares the embedded migrations for the database at url.
func NewMigration(url string) (*Migration, error) {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("migrate: parse database URL: %w", err)
	}
	db := stdlib.OpenDB(*cc)
	driver, err := migratepgx.WithInstance(db, &migratepgx.Config{})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	m, err := migrate.NewWithInstance("embedded", src, "pgx5", driver)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return &Migration{m: m}, nil
}

// Up applies every migration not yet applied. Already current is not an error.
func (g *Migration) Up() error {
	if err := g.m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// Down reverts every migration.
func (g *Migration) Down() error {
	if err := g.m.Down(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// To migrates up or down to the given version (a test of one migration's
// reading of older data starts just before it).
func (g *Migration) To(version uint) error {
	if err := g.m.Migrate(version); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}

// Steps applies n migrations (n > 0) or reverts -n (n < 0).
func (g *Migration) Steps(n int) error {
	if err := g.m.Steps(n); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate %d steps: %w", n, err)
	}
	return nil
}

// Version reports the applied version, and whether a failed migration left
// the schema dirty. Version 0 means none applied.
func (g *Migration) Version() (version uint, dirty bool, err error) {
	v, d, err := g.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, d, err
}

// Close releases the migration's connection.
func (g *Migration) Close() error {
	srcErr, dbErr := g.m.Close()
	return errors.Join(srcErr, dbErr)
}

// MigrateUp is the common case: bring the database at url to the latest schema.
func MigrateUp(url string) error {
	g, err := NewMigration(url)
	if err != nil {
		return err
	}
	defer g.Close()
	return g.Up()
}
