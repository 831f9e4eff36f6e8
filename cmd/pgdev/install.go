package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/casework/casework/internal/pgcluster"
)

// findOrInstall finds the PostgreSQL server binaries, installing the
// distribution package first when that is possible without asking anyone
// (root with apt-get: containers, CI, fresh VMs). Everyone else gets one
// line saying what to install; we never prompt for sudo from inside make.
func findOrInstall(ctx context.Context) (pgcluster.Binaries, error) {
	bin, err := pgcluster.FindBinaries(ctx)
	if err == nil {
		return bin, nil
	}
	if !errors.Is(err, pgcluster.ErrNotFound) || !pgcluster.CanInstallWithApt() {
		return bin, errors.New(pgcluster.InstallHint)
	}
	logf("PostgreSQL is not installed; installing it with apt-get (this happens once)")
	if err := pgcluster.InstallWithApt(ctx, logf); err != nil {
		return bin, fmt.Errorf("installing PostgreSQL: %w", err)
	}
	bin, err = pgcluster.FindBinaries(ctx)
	if err != nil {
		return bin, fmt.Errorf("installed the postgresql package but still cannot find initdb/pg_ctl/postgres: %w", err)
	}
	logf("using PostgreSQL from %s", bin.Dir)
	return bin, nil
}
