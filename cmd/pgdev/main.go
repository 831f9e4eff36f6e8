// Command pgdev provides a private PostgreSQL server for development and
// tests, so `make run` and `make test` work on a machine that has only Go:
//
//	pgdev run   [--dir DIR] [--env NAME] [--set NAME=VALUE]... -- COMMAND ARGS...
//	pgdev test  [--env NAME] -- COMMAND ARGS...
//	pgdev url   [--dir DIR] [--db NAME]
//	pgdev stop  [--dir DIR]
//	pgdev reset [--dir DIR]
//
// "run" starts (or reuses) the persistent cluster in DIR (default .data/pg)
// and runs COMMAND with DATABASE_URL set; "test" does the same with a
// throwaway cluster and TEST_DATABASE_URL, deleting it afterwards. If
// PostgreSQL is missing and we are root on a Debian-like system, pgdev
// installs it with apt-get. See internal/pgcluster for the details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/casework/casework/internal/pgcluster"
)

const defaultDir = ".data/pg"

const usage = `usage:
  pgdev run   [--dir DIR] [--env NAME] [--set NAME=VALUE]... -- COMMAND ARGS...  start/reuse the cluster in DIR (default .data/pg) with those postgresql.conf settings, run COMMAND with NAME (default DATABASE_URL) set, stop the cluster afterwards
  pgdev test  [--env NAME] -- COMMAND ARGS...              run COMMAND against a throwaway cluster, NAME (default TEST_DATABASE_URL) points at its "postgres" database
  pgdev url   [--dir DIR] [--db NAME]                      start the cluster in DIR if needed and print its URL (it keeps running)
  pgdev stop  [--dir DIR]                                  stop the cluster in DIR, keeping its data
  pgdev reset [--dir DIR]                                  stop the cluster in DIR and delete DIR`

// logf prints a progress line. Everything goes to stderr so that stdout
// belongs to the child command (and to `pgdev url`'s URL).
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pgdev: "+format+"\n", args...)
}

// fail prints one error line and exits 1.
func fail(err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintln(os.Stderr, "pgdev: error: "+msg)
	os.Exit(1)
}

// errUsage marks command-line mistakes, which exit 2 with the usage text.
var errUsage = errors.New("usage")

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	cmds := map[string]func(args []string) (int, error){
		"run":   cmdRun,
		"test":  cmdTest,
		"url":   cmdURL,
		"stop":  cmdStop,
		"reset": cmdReset,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "pgdev: unknown command %q\n%s\n", os.Args[1], usage)
		os.Exit(2)
	}
	code, err := cmd(os.Args[2:])
	if errors.Is(err, errUsage) {
		fmt.Fprintf(os.Stderr, "pgdev: %v\n%s\n", err, usage)
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
	os.Exit(code)
}

// parseFlags parses a subcommand's flags; for commands that run a child,
// everything after "--" (or the first non-flag) is the child's argv.
func parseFlags(fs *flag.FlagSet, args []string, wantCommand bool) ([]string, error) {
	fs.SetOutput(os.Stderr)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%w: pgdev %s: %v", errUsage, fs.Name(), err)
	}
	rest := fs.Args()
	if wantCommand && len(rest) == 0 {
		return nil, fmt.Errorf("%w: pgdev %s needs a command after --", errUsage, fs.Name())
	}
	if !wantCommand && len(rest) > 0 {
		return nil, fmt.Errorf("%w: pgdev %s takes no arguments, got %q", errUsage, fs.Name(), rest)
	}
	return rest, nil
}

// options returns cluster options with progress logging and binaries that
// are found or, where possible, installed.
func options(ctx context.Context) (pgcluster.Options, error) {
	bin, err := findOrInstall(ctx)
	if err != nil {
		return pgcluster.Options{}, err
	}
	return pgcluster.Options{Logf: logf, Binaries: &bin}, nil
}
