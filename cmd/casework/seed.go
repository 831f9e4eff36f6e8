package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
)

type seedFlags struct {
	demo bool
	seed uint64
	asOf string
}

func parseSeedFlags(args []string, out io.Writer) (seedFlags, error) {
	var f seedFlags
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&f.demo, "demo", false, "load the demo agency")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed and as-of date give the same agency")
	fs.StringVar(&f.asOf, "as-of", "", "the demo's today, YYYY-MM-DD (default: today); its history ends the day before")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if !f.demo {
		return f, fmt.Errorf("seed: say what to load: --demo")
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("seed: unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

func (f seedFlags) asOfDate() (time.Time, error) {
	if f.asOf == "" {
		y, m, d := time.Now().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.DateOnly, f.asOf)
	if err != nil {
		return t, fmt.Errorf("--as-of: %q is not a date (want YYYY-MM-DD)", f.asOf)
	}
	return t, nil
}

func cmdSeed(args []string) int {
	f, err := parseSeedFlags(args, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	asOf, err := f.asOfDate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	url := migrationURL() // seeding writes ids and sequences: the owner's work
	if url == "" {
		return fail("MIGRATION_DATABASE_URL (or DATABASE_URL): not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	if err := seedDemo(ctx, st, f.seed, asOf); err != nil {
		return fail("%v", err)
	}
	return printLogins(ctx, st, os.Stdout)
}

func seedDemo(ctx context.Context, st *store.Store, seed uint64, asOf time.Time) error {
	d, _ := demo.Generate(demo.Options{Seed: seed, AsOf: asOf})
	return st.LoadDataset(ctx, d)
}

// printLogins lists the demo accounts from the database, one per line as
// `ROLE EMAIL PASSWORD`, so the list is right on a second `make run` too.
func printLogins(ctx context.Context, st *store.Store, w io.Writer) int {
	people, err := st.PeopleByEmailDomain(ctx, demo.EmailDomain)
	if err != nil {
		return fail("%v", err)
	}
	for _, p := range people {
		fmt.Fprintf(w, "%s %s %s\n", p.Role, p.Email, demo.Password)
	}
	return 0
}
