package pgcluster

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound reports that the PostgreSQL server binaries could not be found.
// Callers may react by installing PostgreSQL (see InstallWithApt) and
// calling FindBinaries again.
var ErrNotFound = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")

// serverTools must all live in the same directory: pg_ctl starts the
// "postgres" binary next to itself, and initdb checks that it matches.
var serverTools = []string{"initdb", "pg_ctl", "postgres"}

// Binaries locates the PostgreSQL programs we run.
type Binaries struct {
	// Dir holds initdb, pg_ctl and postgres.
	Dir string
}

// Path returns the full path of a PostgreSQL program. Server distributions
// keep client tools (psql, pg_isready) next to the server ones, so Dir is
// tried first; PATH is the fallback for installs that split them.
func (b Binaries) Path(name string) string {
	p := filepath.Join(b.Dir, name)
	if isExecutable(p) {
		return p
	}
	if lp, err := exec.LookPath(name); err == nil {
		return lp
	}
	return p // a clear "no such file" error later beats guessing now
}

// FindBinaries looks for the server programs, in order:
//  1. on PATH (symlinks resolved, so /usr/local/bin/initdb ->
//     /usr/lib/postgresql/15/bin/initdb yields the real directory, where the
//     client tools live too);
//  2. in the directory reported by `pg_config --bindir`;
//  3. in Debian/Ubuntu's versioned /usr/lib/postgresql/N/bin (highest N),
//     which is not on PATH by default, and RHEL's /usr/pgsql-N/bin.
func FindBinaries(ctx context.Context) (Binaries, error) {
	for _, dir := range candidateDirs(ctx) {
		if hasServerTools(dir) {
			return Binaries{Dir: dir}, nil
		}
	}
	return Binaries{}, ErrNotFound
}

func candidateDirs(ctx context.Context) []string {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	if p, err := exec.LookPath("pg_config"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		out, err := exec.CommandContext(ctx, p, "--bindir").Output()
		cancel()
		if err == nil {
			dirs = append(dirs, strings.TrimSpace(string(out)))
		}
	}
	dirs = append(dirs, versionedDirs("/usr/lib/postgresql/*/bin")...)
	dirs = append(dirs, versionedDirs("/usr/pgsql-*/bin")...)
	return dirs
}

// versionedDirs expands a glob whose wildcard is a major version and sorts
// the matches newest first ("15" > "9.6", which string order gets wrong).
func versionedDirs(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	version := func(dir string) float64 {
		base := filepath.Base(filepath.Dir(dir))
		base = strings.TrimPrefix(base, "pgsql-")
		v, _ := strconv.ParseFloat(base, 64)
		return v
	}
	sort.SliceStable(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	return matches
}

func hasServerTools(dir string) bool {
	for _, t := range serverTools {
		if !isExecutable(filepath.Join(dir, t)) {
			return false
		}
	}
	return true
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
