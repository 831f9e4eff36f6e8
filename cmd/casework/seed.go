package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
)

type seedFlags struct {
	demo  bool
	scale float64 // 0: not a state; 1: the full state
	seed  uint64
	asOf  string
}

func parseSeedFlags(args []string, out io.Writer) (seedFlags, error) {
	var f seedFlags
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&f.demo, "demo", false, "load the demo agency")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed and as-of date give the same agency")
	fs.StringVar(&f.asOf, "as-of", "", "the demo's today, YYYY-MM-DD (default: today); its history ends the day before")
	scale := fs.String("scale", "", "load a state-sized agency: `state` (30 offices, 600 units, 4,000 workers, 80,000 open cases, three years) or a fraction of it (0.25, 0.5)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch *scale {
	case "":
	case "state":
		f.scale = 1
	default:
		v, err := strconv.ParseFloat(*scale, 64)
		if err != nil || !(v > 0 && v <= 1) {
			return f, fmt.Errorf("--scale: %q is neither `state` nor a fraction in (0, 1]", *scale)
		}
		f.scale = v
	}
	if f.demo == (f.scale != 0) {
		return f, fmt.Errorf("seed: say what to load: --demo or --scale state|FRACTION")
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
	if f.scale != 0 {
		if err := seedState(ctx, st, f.seed, asOf, f.scale, os.Stderr); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	if err := seedDemo(ctx, st, f.seed, asOf); err != nil {
		return fail("%v", err)
	}
	return printLogins(ctx, st, os.Stdout)
}

func seedDemo(ctx context.Context, st *store.Store, seed uint64, asOf time.Time) error {
	d, _ := demo.Generate(demo.Options{Seed: seed, AsOf: asOf})
	return st.LoadDataset(ctx, d)
}

// seedState streams a state-sized agency into the database through COPY, one
// unit at a time, reporting each table's rows and time, then refreshes the
// planner's statistics.
func seedState(ctx context.Context, st *store.Store, seed uint64, asOf time.Time, scale float64, log io.Writer) error {
	s, err := demo.NewState(demo.StateOptions{Seed: seed, AsOf: asOf, Scale: scale})
	if err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(log, "casework: loading a state agency at scale %g (%d units), as of %s\n", scale, s.Units(), asOf.Format(time.DateOnly))
	err = st.LoadChunks(ctx, s.Head(), s.Chunks(), func(table string, rows int64, took time.Duration) {
		fmt.Fprintf(log, "  %-22s %10d rows  %6.1fs\n", table, rows, took.Seconds())
	})
	if err != nil {
		return err
	}
	t := time.Now()
	if err := st.Analyze(ctx); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	fmt.Fprintf(log, "  %-22s %10s       %6.1fs\n", "vacuum analyze", "", time.Since(t).Seconds())
	fmt.Fprintf(log, "casework: loaded in %.0fs; every account's password is %s (emails @%s)\n", time.Since(start).Seconds(), demo.Password, demo.StateEmailDomain)
	return nil
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
