package pgcluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// throwawayPrefix names throwaway cluster directories in the temp dir.
const throwawayPrefix = "pgdev-test-"

// Throwaway starts a fresh cluster in a new temporary directory, tuned for
// speed (no fsync). Stop deletes the directory. opts.Throwaway is implied.
//
// If the process is killed before it can call Stop (SIGKILL, power loss),
// the next Throwaway call finds the orphan via its owner.pid file and
// removes it, so temp clusters do not pile up.
func Throwaway(ctx context.Context, opts Options) (*Cluster, error) {
	opts.Throwaway = true
	sweepOrphans()
	dir, err := os.MkdirTemp(shortTempBase(), throwawayPrefix)
	if err != nil {
		return nil, err
	}
	// Written first thing so a sweep never mistakes a cluster being set up
	// for an orphan (no owner file = leave alone).
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c, err := Ensure(ctx, dir, opts)
	if err != nil {
		return nil, errors.Join(err, destroyDir(dir))
	}
	return c, nil
}

// sweepOrphans removes throwaway clusters whose owning process is gone.
// Errors are ignored: this is best-effort tidying, e.g. another user's
// leftovers are simply not ours to remove.
func sweepOrphans() {
	matches, _ := filepath.Glob(filepath.Join(shortTempBase(), throwawayPrefix+"*", ownerFile))
	for _, f := range matches {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || processAlive(pid) {
			continue
		}
		destroyDir(filepath.Dir(f))
	}
}

// processAlive uses signal 0, which checks existence without signalling.
// EPERM means it exists but belongs to someone else.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// destroyDir stops any server still running from dir and deletes dir.
func destroyDir(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dataDir := filepath.Join(dir, dataSubdir)
	if exists(filepath.Join(dataDir, "postmaster.pid")) {
		if bin, err := FindBinaries(ctx); err == nil {
			if acct, err := resolveAccount(ctx, dataDir, func(string, ...any) {}); err == nil {
				c := &Cluster{Dir: dir, bin: bin, acct: acct, throwaway: true, logf: func(string, ...any) {}}
				c.stop(ctx, "immediate")
			}
		}
	}
	return os.RemoveAll(dir)
}
