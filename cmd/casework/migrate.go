package main

import (
	"fmt"
	"os"

	"github.com/casework/casework/internal/store"
)

func cmdMigrate(args []string) int {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "version") {
		fmt.Fprintln(os.Stderr, "usage: casework migrate up|down|version")
		return 2
	}
	url := migrationURL()
	if url == "" {
		return fail("MIGRATION_DATABASE_URL (or DATABASE_URL): not set")
	}
	m, err := store.NewMigration(url)
	if err != nil {
		return fail("%v", err)
	}
	defer m.Close()
	switch args[0] {
	case "up":
		err = m.Up()
	case "down":
		err = m.Down()
	}
	if err != nil {
		return fail("%v", err)
	}
	v, dirty, err := m.Version()
	if err != nil {
		return fail("%v", err)
	}
	fmt.Printf("schema version %d", v)
	if dirty {
		fmt.Print(" (dirty: a migration failed half-way; fix it, then force the version)")
	}
	fmt.Println()
	return 0
}

// migrationURL is the schema owner's connection: MIGRATION_DATABASE_URL, or
// DATABASE_URL where one role does both (development).
func migrationURL() string {
	if u := os.Getenv("MIGRATION_DATABASE_URL"); u != "" {
		return u
	}
	return os.Getenv("DATABASE_URL")
}
