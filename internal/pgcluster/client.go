package pgcluster

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Exec runs SQL in database dbname with psql (as the current OS user, over
// TCP) and returns its unaligned, tuples-only output. Shelling out to psql
// keeps this package free of a driver dependency; psql ships with the server.
func (c *Cluster) Exec(ctx context.Context, dbname, sql string) (string, error) {
	cmd := exec.CommandContext(ctx, c.bin.Path("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", c.URL(dbname), "-c", sql)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("psql (%s): %w: %s", dbname, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// createDatabase creates db unless it exists. Checking first (rather than
// parsing "already exists" errors) keeps this idempotent if a previous run
// died between CREATE DATABASE and writing the marker file.
func (c *Cluster) createDatabase(ctx context.Context, db string) error {
	out, err := c.Exec(ctx, "postgres", "SELECT 1 FROM pg_database WHERE datname = "+quoteLiteral(db))
	if err != nil || out == "1" {
		return err
	}
	c.logf("creating database %s", db)
	_, err = c.Exec(ctx, "postgres", "CREATE DATABASE "+quoteIdent(db))
	return err
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
