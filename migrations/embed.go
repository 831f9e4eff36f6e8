// Package migrations holds the database schema as numbered SQL files, embedded
// in the binary so that `casework migrate up` needs nothing beside it.
package migrations

import "embed"

// FS holds every NNNNNN_name.{up,down}.sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
