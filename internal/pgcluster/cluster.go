package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// DefaultDatabase is the application database created in every cluster.
const DefaultDatabase = "casework"

// Options tune Ensure. The zero value suits a persistent dev cluster.
type Options struct {
	// Throwaway trades durability for speed (fsync off, initdb --no-sync).
	// Use Throwaway() rather than setting this by hand.
	Throwaway bool
	// Database is created after the first start; DefaultDatabase if empty.
	// The "postgres" database always exists too (tests CREATE DATABASE
	// from there).
	Database string
	// Logf receives progress messages; nil discards them.
	Logf func(format string, args ...any)
	// Binaries overrides the FindBinaries lookup.
	Binaries *Binaries
	// Settings are postgresql.conf settings, "name=value", written after
	// pgdev's own (and so taking precedence over them) at every start: the
	// benchmarks size shared_buffers as a deployment would (docs/deploy.md).
	Settings []string
}

// Cluster is a PostgreSQL server whose files all live under Dir.
type Cluster struct {
	// Dir holds data/ (PGDATA), postgres.log and the remembered port.
	Dir string
	// Port is the TCP port on 127.0.0.1.
	Port int
	// SocketDir holds the Unix socket (usually Dir itself).
	SocketDir string
	// WasRunning is true when Ensure found the server already running
	// (e.g. a second `make run`): whoever started it should stop it.
	WasRunning bool

	bin        Binaries
	acct       account
	throwaway  bool
	settings   []string
	tempSocket bool // SocketDir is a temp dir of ours, removed by Stop
	logf       func(string, ...any)
}

// URL returns the connection URL for a database in the cluster, e.g.
// postgres://casework@127.0.0.1:5433/casework?sslmode=disable.
// TCP (not the socket) keeps the URL short and usable from any tool.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.Port, url.PathEscape(dbname))
}

// LogPath is the server log file.
func (c *Cluster) LogPath() string { return filepath.Join(c.Dir, logFile) }

func (c *Cluster) dataDir() string { return filepath.Join(c.Dir, dataSubdir) }

// Ensure makes the cluster in dir exist and run, creating it on first use.
// A server already running from dir is reused as is (WasRunning is set);
// otherwise it is started on the port remembered from the last run, so the
// URL stays the same, falling back to a new free port if that one is taken.
func Ensure(ctx context.Context, dir string, opts Options) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	c, err := newCluster(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	if err := c.acct.checkTraversable(dir); err != nil {
		return nil, err
	}
	if err := c.acct.chownTree(dir); err != nil {
		return nil, fmt.Errorf("giving %s to user %s: %w", dir, c.acct.name, err)
	}

	if !exists(filepath.Join(c.dataDir(), "PG_VERSION")) {
		// initdb removes what it created when it fails, so a non-empty
		// data dir without PG_VERSION is not ours: never delete it.
		if entries, _ := os.ReadDir(c.dataDir()); len(entries) > 0 {
			return nil, fmt.Errorf("%s exists but is not a PostgreSQL data directory (no PG_VERSION); move it away or choose another directory", c.dataDir())
		}
		c.logf("creating PostgreSQL cluster in %s (as user %s)", c.dataDir(), c.acct.name)
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}

	running, err := c.isRunning(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		if c.Port, c.SocketDir, err = runningState(c.dataDir()); err != nil {
			return nil, err
		}
		// It may still be starting up, or be dying (killed a moment ago):
		// wait until it either accepts connections or is gone.
		if running, err = c.waitReady(ctx, 30*time.Second); err != nil {
			return nil, err
		}
		if running {
			c.tempSocket = c.SocketDir != dir
			c.WasRunning = true
			c.logf("reusing PostgreSQL already running from %s on port %d", dir, c.Port)
		} else {
			c.logf("the PostgreSQL found running from %s has exited; starting it again", dir)
		}
	}
	if !running {
		if err := c.pickAddress(); err != nil {
			return nil, err
		}
		c.logf("starting PostgreSQL on 127.0.0.1:%d (log: %s)", c.Port, c.LogPath())
		if err := c.start(ctx); err != nil {
			c.removeTempSocket()
			return nil, err
		}
	}

	if err := c.finishSetup(ctx, opts.Database); err != nil {
		if !c.WasRunning {
			c.Stop()
		}
		return nil, err
	}
	return c, nil
}

func newCluster(ctx context.Context, dir string, opts Options) (*Cluster, error) {
	c := &Cluster{Dir: dir, throwaway: opts.Throwaway, logf: opts.Logf, settings: opts.Settings}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	if opts.Binaries != nil {
		c.bin = *opts.Binaries
	} else {
		bin, err := FindBinaries(ctx)
		if err != nil {
			return nil, err
		}
		c.bin = bin
	}
	var err error
	c.acct, err = resolveAccount(ctx, c.dataDir(), c.logf)
	return c, err
}

// pickAddress chooses the port (remembered one if still free) and the
// socket directory for a server we are about to start.
func (c *Cluster) pickAddress() error {
	c.Port = readPort(c.Dir)
	if c.Port != 0 && !portFree(c.Port) {
		c.logf("remembered port %d is in use by another program; choosing a new one (the URL changes)", c.Port)
		c.Port = 0
	}
	if c.Port == 0 {
		var err error
		if c.Port, err = freePort(); err != nil {
			return err
		}
	}
	// Unix socket paths are limited to ~107 bytes (sun_path). A deep
	// checkout would make postgres fail to start, so use a short temp dir
	// for the socket then. Clients use TCP anyway; the socket is for
	// tools like `psql -h DIR`.
	c.SocketDir = c.Dir
	c.tempSocket = false
	if len(filepath.Join(c.Dir, socketName)) > 100 {
		d, err := os.MkdirTemp(shortTempBase(), "pgdev-sock-")
		if err != nil {
			return err
		}
		c.SocketDir, c.tempSocket = d, true
		if err := c.acct.chownTree(d); err != nil {
			return err
		}
	}
	return nil
}

// finishSetup creates the app database once and remembers the port.
func (c *Cluster) finishSetup(ctx context.Context, db string) error {
	if db == "" {
		db = DefaultDatabase
	}
	if !c.throwaway && !c.WasRunning {
		if err := writePort(c.Dir, c.Port); err != nil {
			return err
		}
	}
	marker := filepath.Join(c.Dir, readyFile)
	if exists(marker) {
		return nil
	}
	if err := c.createDatabase(ctx, db); err != nil {
		return err
	}
	return os.WriteFile(marker, []byte(db+"\n"), 0o644)
}

// Stop shuts the server down and, for a throwaway cluster, deletes its
// directory. It stops the server even if WasRunning is set; callers that
// merely borrowed a running server should not call it.
func (c *Cluster) Stop() error {
	// A fresh context: Stop is typically called during cleanup after the
	// caller's context was cancelled by Ctrl-C.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	mode := "fast" // disconnect clients, checkpoint, exit cleanly
	if c.throwaway {
		mode = "immediate"
	}
	var err error
	if running, _ := c.isRunning(ctx); running {
		err = c.stop(ctx, mode)
	}
	c.removeTempSocket()
	if c.throwaway {
		err = errors.Join(err, os.RemoveAll(c.Dir))
	}
	return err
}

func (c *Cluster) removeTempSocket() {
	if c.tempSocket {
		os.RemoveAll(c.SocketDir)
	}
}

// shortTempBase is where we put throwaway clusters and sockets: the
// system temp dir unless its path is so long (macOS) that a socket inside
// would not fit, in which case /tmp.
func shortTempBase() string {
	if t := os.TempDir(); len(t) <= 40 {
		return t
	}
	return "/tmp"
}

// Crash stops the server the way a crash would ("immediate": no shutdown
// checkpoint, clients cut off) and keeps its files; Ensure on the same
// directory starts it again, replaying the WAL. For fault tests.
func (c *Cluster) Crash() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.stop(ctx, "immediate")
}
