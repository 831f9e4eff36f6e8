package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Superuser is the cluster's superuser (initdb -U). Naming it after the app
// lets URLs carry no password and no "postgres" role juggling.
const Superuser = "casework"

// run executes a server command as the account and folds its output into
// the error, because initdb/pg_ctl explain failures on stdout/stderr.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := c.acct.command(ctx, c.Dir, c.bin.Path(name), args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// pg_ctl start leaves the postmaster running; it redirects the
	// postmaster's stdio to the log file, but never let a stray inherited
	// pipe make us wait forever.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, lastLines(out.String(), 5))
	}
	return nil
}

// initdb creates the data directory. C.UTF-8 gives UTF-8 text handling with
// byte-order collation that is identical everywhere; some minimal systems
// lack that locale, so plain C is the fallback.
func (c *Cluster) initdb(ctx context.Context) error {
	args := []string{"-D", c.dataDir(), "-U", Superuser, "--auth=trust", "-E", "UTF8"}
	if c.throwaway {
		args = append(args, "--no-sync") // don't wait for fsync of files we delete soon
	}
	err := c.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...)
	if err == nil || ctx.Err() != nil {
		return err
	}
	c.logf("initdb with locale C.UTF-8 failed, retrying with locale C")
	os.RemoveAll(c.dataDir()) // initdb cleans up after itself; this is belt and braces
	if err2 := c.run(ctx, "initdb", append(args, "--locale=C")...); err2 != nil {
		return errors.Join(err, err2)
	}
	return nil
}

// isRunning asks pg_ctl, which also copes with a postmaster.pid left behind
// by a crashed server (exit 3: not running).
func (c *Cluster) isRunning(ctx context.Context) (bool, error) {
	cmd := c.acct.command(ctx, c.Dir, c.bin.Path("pg_ctl"), "status", "-D", c.dataDir())
	out, err := cmd.CombinedOutput()
	if err == nil {
		return true, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		return false, nil
	}
	return false, fmt.Errorf("pg_ctl status: %w: %s", err, lastLines(string(out), 3))
}

// start writes the config and runs `pg_ctl start -w`, which returns once the
// server accepts connections. If the port was taken between choosing and
// binding it (or the remembered port now belongs to another program), it
// retries on a fresh port.
func (c *Cluster) start(ctx context.Context) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = writeConf(c.dataDir(), c.Port, c.SocketDir, c.throwaway, c.settings); err != nil {
			return err
		}
		if err = c.acct.chownTree(c.Dir); err != nil {
			return err
		}
		err = c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.dataDir(), "-l", c.LogPath())
		if err == nil || ctx.Err() != nil || portFree(c.Port) {
			break
		}
		old := c.Port
		if c.Port, err = freePort(); err != nil {
			return err
		}
		c.logf("port %d is taken by another program, using %d instead", old, c.Port)
	}
	if err != nil {
		return fmt.Errorf("starting PostgreSQL failed: %w; server log %s ends with: %s", err, c.LogPath(), tailFile(c.LogPath(), 5))
	}
	return nil
}

// stop shuts the server down. "immediate" skips the shutdown checkpoint,
// which is right for throwaway clusters whose files are deleted next.
func (c *Cluster) stop(ctx context.Context, mode string) error {
	return c.run(ctx, "pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", c.dataDir())
}

// waitReady polls pg_isready until the server accepts connections (true)
// or has exited (false). Used when reusing a server someone else started,
// which may still be starting up or may have just been killed.
func (c *Cluster) waitReady(ctx context.Context, timeout time.Duration) (bool, error) {
	deadline := time.Now().Add(timeout)
	for {
		cmd := exec.CommandContext(ctx, c.bin.Path("pg_isready"), "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", Superuser, "-d", "postgres", "-t", "1")
		cmd.Env = cleanEnv()
		err := cmd.Run()
		if err == nil {
			return true, nil
		}
		if running, serr := c.isRunning(ctx); serr == nil && !running {
			return false, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false, fmt.Errorf("PostgreSQL running from %s does not accept connections on 127.0.0.1:%d (see %s); stop it with `pgdev stop` and retry", c.Dir, c.Port, c.LogPath())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lastLines keeps the end of a command's output on one line, so an error
// stays a single readable line yet still says what went wrong.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	return lastLines(string(b), n)
}
