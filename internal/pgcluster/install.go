package pgcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// InstallHint is the one-line advice shown when PostgreSQL is missing and we
// cannot install it ourselves.
const InstallHint = "PostgreSQL server not found: install it (Debian/Ubuntu: `sudo apt-get install postgresql`, macOS: `brew install postgresql`) or set DATABASE_URL / TEST_DATABASE_URL to an existing server"

// CanInstallWithApt reports whether InstallWithApt has a chance: it needs
// root and apt-get. Non-root users get InstallHint instead, because asking
// for a sudo password from inside `make` would be surprising.
func CanInstallWithApt() bool {
	if os.Geteuid() != 0 {
		return false
	}
	_, err := exec.LookPath("apt-get")
	return err == nil
}

// InstallWithApt installs Debian's postgresql package, echoing each command
// through logf so the user sees why the first run takes a while. Only the
// pgdev command calls this; tests never install anything.
func InstallWithApt(ctx context.Context, logf func(string, ...any)) error {
	steps := [][]string{
		{"apt-get", "update"},
		{"apt-get", "install", "-y", "postgresql"},
	}
	for _, args := range steps {
		logf("running: %s", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		// apt's chatter goes to stderr so stdout stays clean for `pgdev url`.
		cmd.Stdout = os.Stderr
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s failed: %w", strings.Join(args, " "), err)
		}
	}
	return nil
}
