package pgcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// StopDir stops the server running from a persistent cluster directory, if
// any, keeping the data. It is the counterpart of Ensure for callers that
// have no *Cluster (e.g. `pgdev stop` after `pgdev url` left it running).
func StopDir(ctx context.Context, dir string, opts Options) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if !exists(filepath.Join(dir, dataSubdir, "postmaster.pid")) {
		return nil // never started, or cleanly stopped
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	c, err := newCluster(ctx, dir, opts)
	if err != nil {
		return err
	}
	running, err := c.isRunning(ctx)
	if err != nil || !running {
		return err
	}
	if _, c.SocketDir, err = runningState(c.dataDir()); err == nil {
		c.tempSocket = c.SocketDir != dir
	}
	c.logf("stopping PostgreSQL running from %s", dir)
	return c.Stop()
}

// Reset stops the cluster in dir if it runs and deletes dir entirely, so the
// next Ensure starts from an empty database. To avoid deleting something
// precious after a typo in --dir, it refuses directories that neither are
// empty nor look like a cluster directory.
func Reset(ctx context.Context, dir string, opts Options) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	looksOurs := exists(filepath.Join(dir, dataSubdir, "PG_VERSION")) || exists(filepath.Join(dir, portFile)) || exists(filepath.Join(dir, ".lock"))
	if len(entries) > 0 && !looksOurs {
		return fmt.Errorf("refusing to delete %s: it does not look like a pgdev cluster directory (no data/PG_VERSION)", dir)
	}
	if err := StopDir(ctx, dir, opts); err != nil {
		return fmt.Errorf("stopping the cluster before deleting it: %w", err)
	}
	if opts.Logf != nil {
		opts.Logf("deleting %s", dir)
	}
	return os.RemoveAll(dir)
}
