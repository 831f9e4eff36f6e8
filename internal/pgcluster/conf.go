package pgcluster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// confFile holds the settings pgdev owns. It is rewritten before every start
// (the port or socket directory may change) and pulled in by one include
// line appended to postgresql.conf, so the rest of postgresql.conf stays
// the stock file a developer may tweak by hand. Writing a file rather than
// passing `pg_ctl -o "-c ..."` avoids shell quoting of paths and means a
// manual `pg_ctl start -D .data/pg/data` gets the same settings.
const confFile = "pgdev.conf"

const includeLine = "include_if_exists = '" + confFile + "'"

// writeConf writes data/pgdev.conf and makes sure postgresql.conf includes it.
func writeConf(dataDir string, port int, socketDir string, throwaway bool, settings []string) error {
	var b strings.Builder
	b.WriteString("# Managed by pgdev (internal/pgcluster); rewritten on every start.\n")
	// Loopback only: the cluster uses trust authentication.
	b.WriteString("listen_addresses = '127.0.0.1'\n")
	fmt.Fprintf(&b, "port = %d\n", port)
	fmt.Fprintf(&b, "unix_socket_directories = %s\n", quoteConf(socketDir))
	// Parallel tests each open a pool; the default 100 runs out quickly.
	b.WriteString("max_connections = 200\n")
	b.WriteString("shared_buffers = 128MB\n")
	if throwaway {
		// Test data is deleted afterwards, so crash safety buys nothing and
		// costs a lot: these make CREATE DATABASE and commits much faster.
		b.WriteString("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
	}
	for _, kv := range settings {
		name, value, err := ParseSetting(kv)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s = %s\n", name, quoteConf(value))
	}
	if err := os.WriteFile(filepath.Join(dataDir, confFile), []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", confFile, err)
	}

	main := filepath.Join(dataDir, "postgresql.conf")
	cur, err := os.ReadFile(main)
	if err != nil {
		return err
	}
	if bytes.Contains(cur, []byte(includeLine)) {
		return nil
	}
	f, err := os.OpenFile(main, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	// At the end, so our settings override the stock defaults above.
	_, err = fmt.Fprintf(f, "\n# Added by pgdev: settings it manages (port, sockets, ...).\n%s\n", includeLine)
	return closeWithErr(err, f)
}

// ParseSetting splits a setting given as "name=value", refusing a name that
// is not a plain identifier and a value with a line break (either could
// write more into the file than the one setting).
func ParseSetting(kv string) (name, value string, err error) {
	name, value, ok := strings.Cut(kv, "=")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz_0123456789.") != "" {
		return "", "", fmt.Errorf("setting %q: want name=value, the name made of letters, digits, underscores and dots", kv)
	}
	if strings.ContainsAny(value, "\r\n") {
		return "", "", fmt.Errorf("setting %q: the value has a line break", kv)
	}
	return name, value, nil
}

// quoteConf quotes a postgresql.conf string value, doubling single quotes.
func quoteConf(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// closeWithErr closes f and returns the first error: a failed close can
// mean the appended line never reached the disk.
func closeWithErr(err error, f *os.File) error {
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
