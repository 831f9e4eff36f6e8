package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

const importUsage = `usage:
  casework import facts FILE          load a facts file (rules contract JSON) into the database
  casework import KIND FILE           load a CSV file; KIND is one of: staff, cases, assignments, risk, mvr, siblings, events
FILE may be "-" for stdin. Bad input is reported on stderr, one line per problem, exit 2; nothing is changed.
See docs/import.md.
`

const exportUsage = `usage:
  casework export facts [--as-of YYYY-MM-DD] [--profile ID]   write the agency's facts (rules contract JSON) to stdout
`

// cmdImport loads data from the agency's system of record: a facts file or
// one CSV file of one kind. It connects as the schema owner
// (MIGRATION_DATABASE_URL, else DATABASE_URL), like seeding.
func cmdImport(args []string) int {
	return runImport(context.Background(), args, os.Stdin, os.Stdout, os.Stderr, migrationURL())
}

// cmdExport writes the agency's facts in the rules contract's format.
func cmdExport(args []string) int {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		url = migrationURL()
	}
	return runExport(context.Background(), args, os.Stdout, os.Stderr, url)
}

// commandLine is the viewer of an import or export run from the command
// line: an administrator's reach, no person; the audit log records the OS
// user who ran it (the database records its own role).
func commandLine() access.Viewer {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	return access.Viewer{Role: access.Administrator, Name: "command line (OS user " + who + ")", Addr: "local"}
}

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, url string) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, importUsage)
		return 0
	}
	if len(args) != 2 {
		fmt.Fprint(stderr, importUsage)
		return 2
	}
	kind, file := args[0], args[1]
	if kind != "facts" && exchange.LookupKind(kind) == nil {
		fmt.Fprintf(stderr, "casework import: unknown kind %q\n%s", kind, importUsage)
		return 2
	}
	if url == "" {
		fmt.Fprintln(stderr, "casework: MIGRATION_DATABASE_URL (or DATABASE_URL): not set")
		return 1
	}
	var in io.Reader = stdin
	name := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintf(stderr, "casework import: %v\n", err)
			return 2
		}
		defer f.Close()
		in, name = f, file
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "casework: %v\n", err)
		return 1
	}
	defer st.Close()
	var rep exchange.Report
	if kind == "facts" {
		data, err := io.ReadAll(in)
		if err != nil {
			fmt.Fprintf(stderr, "casework import: %v\n", err)
			return 2
		}
		rep, err = st.ImportFacts(ctx, commandLine(), name, data)
		if err != nil {
			fmt.Fprintf(stderr, "casework: %v\n", err)
			return 1
		}
	} else {
		rep, err = st.ImportCSV(ctx, commandLine(), exchange.LookupKind(kind), name, in)
		if err != nil {
			fmt.Fprintf(stderr, "casework: %v\n", err)
			return 1
		}
	}
	if !rep.OK() {
		for _, p := range rep.Problems.List {
			fmt.Fprintln(stderr, oneLine(p.String()))
		}
		if rep.Problems.More > 0 {
			fmt.Fprintf(stderr, "... and %d more problems\n", rep.Problems.More)
		}
		fmt.Fprintf(stderr, "casework import: %d problems; nothing was changed\n", rep.Problems.Len())
		return 2
	}
	for _, c := range rep.Counts {
		fmt.Fprintf(stdout, "%-20s %8d created %8d updated %8d unchanged\n", c.Name, c.Created, c.Updated, c.Unchanged)
	}
	return 0
}

// oneLine keeps each problem on its own line whatever the input held.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer, url string) int {
	if len(args) == 0 || args[0] != "facts" {
		fmt.Fprint(stderr, exportUsage)
		return 2
	}
	fs := flag.NewFlagSet("export facts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asOfFlag := fs.String("as-of", "", "the facts' as_of, YYYY-MM-DD (default: today in the agency's time zone)")
	profile := fs.String("profile", "", "the profile to write (default: the agency's choice in force on the date)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "casework export facts: unexpected argument %q\n%s", fs.Arg(0), exportUsage)
		return 2
	}
	var asOf time.Time
	if *asOfFlag != "" {
		d, err := rules.ParseDate(*asOfFlag)
		if err != nil {
			fmt.Fprintf(stderr, "--as-of: %q is not a date (want YYYY-MM-DD)\n", *asOfFlag)
			return 2
		}
		asOf = time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC)
	}
	if *profile != "" && !rules.IsBuiltin(*profile) && !validProfileID(*profile) {
		// Not built in: the agency's own (uploaded) profile, which the
		// store checks.
		fmt.Fprintf(stderr, "--profile: unknown profile %q (known: %s, and the agency's uploaded ones)\n", *profile, strings.Join(rules.ProfileIDs(), ", "))
		return 2
	}
	if url == "" {
		fmt.Fprintln(stderr, "casework: DATABASE_URL: not set")
		return 1
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "casework: %v\n", err)
		return 1
	}
	defer st.Close()
	if asOf.IsZero() {
		tz, err := st.AgencyTimeZone(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "casework: reading the agency's time zone (is the database migrated and loaded?): %v\n", err)
			return 1
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			fmt.Fprintf(stderr, "casework: agency time zone %q: %v\n", tz, err)
			return 1
		}
		y, m, d := time.Now().In(loc).Date()
		asOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	n, err := st.ExportFacts(ctx, commandLine(), store.ExportOptions{On: asOf, Profile: *profile}, stdout)
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "--profile: %s\n", fe["profile"])
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "casework: %v\n", err)
		return 1
	}
	if !n.Uploaded.IsZero() {
		fmt.Fprintf(stderr, "casework: the facts name a profile whose version in force was uploaded (effective %s); the facts cannot carry its file: evaluate them with `casework rules eval --profile-file FILE`, FILE from `casework rules profile show ID --database`\n", n.Uploaded)
	}
	return 0
}

// validProfileID reports whether s could be a profile's id (lower-case
// letters, digits and dashes), so that a typo is refused before the
// database is opened.
func validProfileID(s string) bool {
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return s != ""
}
