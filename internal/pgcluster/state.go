package pgcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Files kept in the cluster directory next to data/.
const (
	dataSubdir = "data"           // PGDATA, owned by the server account
	logFile    = "postgres.log"   // server log (pg_ctl -l)
	portFile   = "port"           // the port, so the URL stays stable across runs
	readyFile  = "initialized"    // written once the app database exists
	ownerFile  = "owner.pid"      // throwaway only: pid of the process using it
	socketName = ".s.PGSQL.65535" // longest possible socket file name
)

// readPort returns the port remembered in dir, or 0 if there is none.
func readPort(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, portFile))
	if err != nil {
		return 0
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || p <= 0 || p > 65535 {
		return 0
	}
	return p
}

func writePort(dir string, port int) error {
	return os.WriteFile(filepath.Join(dir, portFile), []byte(strconv.Itoa(port)+"\n"), 0o644)
}

// runningState reads the port and socket directory of a running server from
// data/postmaster.pid. Its documented line layout is: pid, data directory,
// start time, port, first socket directory, listen address, shmem key,
// status. Reading the live values (not our port file) matters when the
// server was started by someone else or with a different port.
func runningState(dataDir string) (port int, socketDir string, err error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, "", err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return 0, "", fmt.Errorf("%s/postmaster.pid is incomplete", dataDir)
	}
	port, err = strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return 0, "", fmt.Errorf("%s/postmaster.pid: bad port %q", dataDir, lines[3])
	}
	return port, strings.TrimSpace(lines[4]), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
