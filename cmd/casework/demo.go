package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/store"
)

// cmdDemo is what `make run` starts: bring the schema up, load the demo
// agency if the database has none, print the demo logins, and serve.
// DATABASE_URL here is the schema owner's (the private cluster's superuser);
// the server itself connects as the least-privileged login casework_web.
func cmdDemo(args []string) int {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return fail("%v", err)
	}
	if err := store.MigrateUp(cfg.MigrationURL); err != nil {
		return fail("%v", err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.MigrationURL)
	if err != nil {
		return fail("%v", err)
	}
	empty, err := st.Empty(ctx)
	if err != nil {
		st.Close()
		return fail("%v", err)
	}
	if empty {
		fmt.Fprintln(os.Stderr, "casework: loading the demo agency (once; `make db-reset` starts over)")
		asOf, _ := seedFlags{}.asOfDate()
		if err := seedDemo(ctx, st, 1, asOf); err != nil {
			st.Close()
			return fail("%v", err)
		}
	}
	var b strings.Builder
	if code := printLogins(ctx, st, &b); code != 0 {
		st.Close()
		return code
	}
	st.Close()
	appURL, err := store.EnsureAppLogin(ctx, cfg.MigrationURL, "casework_web")
	if err != nil {
		return fail("%v (the demo needs a DATABASE_URL whose role may create roles)", err)
	}
	cfg.DatabaseURL = appURL
	if os.Getenv("DIGEST_HOUR") == "" {
		cfg.DigestHour = 0 // the demo's digests are composed at start, to be read at /admin/outbox
	}
	fmt.Printf("\nDemo logins (ROLE EMAIL PASSWORD):\n%s\nOpen http://localhost%s and sign in with one of them.\n\n", b.String(), displayAddr(cfg.ListenAddr))
	return serve(cfg)
}

func displayAddr(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return addr
	}
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return addr
}
