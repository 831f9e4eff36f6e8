package main

import (
	"context"
	"fmt"
	"os"

	"github.com/casework/casework/internal/store"
)

// cmdAudit: `casework audit verify` walks the audit log's hash chain and names
// the first entry that was altered, removed or inserted. Exit 0 when whole,
// 1 when broken.
func cmdAudit(args []string) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(os.Stderr, "usage: casework audit verify")
		return 2
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return fail("DATABASE_URL: not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	c, err := st.VerifyAudit(ctx)
	if err != nil {
		return fail("%v", err)
	}
	if c.FirstBad != 0 {
		fmt.Printf("audit log BROKEN: %s (%d entries read)\n", c.Problem, c.Entries)
		return 1
	}
	fmt.Printf("audit log intact: %d entries in %d lanes, every hash links\n", c.Entries, c.Lanes)
	return 0
}
