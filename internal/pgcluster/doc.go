// Package pgcluster creates, starts, reuses and stops private PostgreSQL
// clusters for development ("make run") and tests ("make test").
//
// Why it exists: the project promises that a fresh machine with only Go
// installed can run the app and its full test suite. Rather than requiring a
// system-wide PostgreSQL service (with its own users, passwords and ports),
// we drive the server binaries (initdb, pg_ctl, postgres) directly and keep
// everything—data, log, socket, chosen port—inside one directory we own.
//
// Two flavours:
//
//   - Ensure(ctx, dir, opts): a persistent cluster in dir (e.g. .data/pg).
//     It is created on first use, reused afterwards, and its TCP port is
//     remembered in dir so the connection URL is stable across runs.
//   - Throwaway(ctx): a cluster in a fresh temporary directory with
//     durability switched off for speed; Stop deletes the directory.
//
// Clusters listen only on 127.0.0.1 and use trust authentication with the
// superuser "casework": fine for a local, loopback-only development server,
// never for anything exposed to a network.
//
// The package is Unix-only (it relies on process credentials and flock).
package pgcluster
