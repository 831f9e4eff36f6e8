package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// fallbackUser is created when we run as root on a machine without the
// "postgres" account that distribution packages normally create.
const fallbackUser = "casework-pg"

// account is the OS user that runs initdb, pg_ctl and postgres.
//
// PostgreSQL refuses to run as root (a compromised server must not own the
// machine), and containers and CI jobs often run as root. So when we are
// root we drop to an unprivileged account for the server processes only;
// clients such as psql keep running as whoever we are.
type account struct {
	name     string
	uid, gid uint32
	// drop is true when we are root and must switch to uid/gid for server
	// commands and hand file ownership to them.
	drop bool
}

// resolveAccount picks who runs the server for the cluster in dataDir.
func resolveAccount(ctx context.Context, dataDir string, logf func(string, ...any)) (account, error) {
	if os.Geteuid() != 0 {
		u, _ := user.Current()
		name := strconv.Itoa(os.Geteuid())
		if u != nil {
			name = u.Username
		}
		return account{name: name, uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}, nil
	}
	// An existing cluster created by a non-root user keeps its owner, so
	// running once with sudo doesn't steal the data from that user.
	if fi, err := os.Stat(dataDir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			name := strconv.Itoa(int(st.Uid))
			if u, err := user.LookupId(name); err == nil {
				name = u.Username
			}
			return account{name: name, uid: st.Uid, gid: st.Gid, drop: true}, nil
		}
	}
	for _, name := range []string{"postgres", fallbackUser} {
		if acct, err := lookupAccount(name); err == nil {
			return acct, nil
		}
	}
	args := []string{"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", fallbackUser}
	logf("PostgreSQL cannot run as root; creating system user %s: %s", fallbackUser, strings.Join(args, " "))
	if out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput(); err != nil {
		return account{}, fmt.Errorf("creating system user %s: %v: %s", fallbackUser, err, strings.TrimSpace(string(out)))
	}
	return lookupAccount(fallbackUser)
}

func lookupAccount(name string) (account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return account{}, err
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return account{}, fmt.Errorf("user %s: %w", name, err)
	}
	return account{name: name, uid: uint32(uid), gid: uint32(gid), drop: true}, nil
}

// command builds a server-side command (initdb, pg_ctl) running as the
// account, from workDir. The working directory matters: the server user
// may not be allowed into our current directory (e.g. /root), which makes
// initdb and postgres print confusing "could not change directory" errors.
func (a account) command(ctx context.Context, workDir, path string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = workDir
	cmd.Env = cleanEnv()
	if a.drop {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: []uint32{}},
		}
	}
	return cmd
}

// cleanEnv drops libpq/server variables (PGDATA, PGPORT, PGOPTIONS, ...)
// so a developer's shell settings can't redirect or reconfigure our
// private cluster.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// chownTree hands dir and everything in it to the account. Only needed
// when we are root: files we (root) created, such as the directory itself,
// must be writable by the server user.
func (a account) chownTree(dir string) error {
	if !a.drop {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == a.uid && st.Gid == a.gid {
			return nil
		}
		return os.Lchown(path, int(a.uid), int(a.gid))
	})
}

// checkTraversable makes sure the server user can reach dir: every parent
// directory needs the execute ("search") bit for that user. Without this
// check initdb fails with a puzzling "Permission denied" deep inside its
// output, so we report the exact directory to fix instead.
func (a account) checkTraversable(dir string) error {
	if !a.drop {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			perm := uint32(fi.Mode().Perm())
			var ok bool
			switch {
			case st.Uid == a.uid:
				ok = perm&0o100 != 0
			case st.Gid == a.gid:
				ok = perm&0o010 != 0
			default:
				ok = perm&0o001 != 0
			}
			if !ok {
				return fmt.Errorf("PostgreSQL runs as user %q, which cannot enter %s (mode %04o); run `chmod o+x %s` or choose another directory", a.name, p, perm, p)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
