// Package rulescli is the `casework rules` command: evaluate facts from a
// file or stdin, and list the profiles' rules.
//
//	casework rules eval [--profile ID] [--as-of YYYY-MM-DD] [FILE]   # FILE or stdin
//	casework rules list [--profile ID] [--database URL]              # rules: labels, tags, cadences, sources
//	casework rules profile show ID [--database URL] [--as-of DATE]   # a profile's file
//	casework rules check FILE                                        # check a profile file
//	casework rules eval --profile-file FILE [--as-of YYYY-MM-DD] [FACTS]
package rulescli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/casework/casework/internal/rules"
)

const usage = `usage:
  casework rules eval [--profile ID] [--as-of YYYY-MM-DD] [FILE]   # FILE or stdin ("-")
  casework rules eval --profile-file PROFILE [--as-of YYYY-MM-DD] [FILE]
  casework rules list [--profile ID] [--database URL]              # rules: labels, tags, cadences, sources
  casework rules profile show ID [--database URL] [--as-of DATE]   # a profile's file
  casework rules check PROFILE                                     # every problem of a profile file

Without --database (or DATABASE_URL) list and profile show read the built-in
files only; with it they read the agency's database: the versions an
administrator uploaded and the agency's own profiles. profile show prints
the latest version's file, or with --as-of the one in force on that date.
`

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // could not write the output
	exitBad   = 2 // bad usage or bad input: nothing on stdout
)

// Database is where `casework rules` reads the profiles an agency
// uploaded, besides the built-in files.
type Database struct {
	// URL is DATABASE_URL ("" when not set); --database overrides it.
	URL string
	// Open connects to the database at url and returns the reader of a
	// profile with its uploaded versions (or the agency's own profile),
	// an error wrapping ErrUnknownProfile for an id neither built in nor
	// uploaded, and what closes the connection.
	Open func(ctx context.Context, url string) (read func(ctx context.Context, id string) (*rules.Profile, error), closeDB func(), err error)
}

// ErrUnknownProfile is a profile id neither built in nor uploaded.
var ErrUnknownProfile = errors.New("unknown profile")

// Main runs `casework rules` with the arguments that follow "rules" on the
// built-in profiles only (see MainWith).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return MainWith(Database{}, args, stdin, stdout, stderr)
}

// MainWith runs `casework rules`; list and profile show also read the
// database when one is given (--database or db.URL). It prints JSON (or a
// profile's file) on stdout and returns 0, or prints one line per problem
// on stderr, nothing on stdout, and returns 2.
func MainWith(db Database, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil { // never expected: a bug, not bad input
			fmt.Fprintf(stderr, "casework rules: internal error: %v\n", r)
			code = exitError
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBad
	}
	switch args[0] {
	case "eval":
		return eval(args[1:], stdin, stdout, stderr)
	case "list":
		return list(db, args[1:], stdout, stderr)
	case "profile":
		return profileCmd(db, args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "casework rules: unknown command %q\n%s", args[0], usage)
	return exitBad
}

type flags struct {
	profile     string
	profileFile string
	asOf        string
	asOfSet     bool
	database    string
	files       []string
}

// parseFlags accepts --name value, --name=value and -name forms, before or
// after FILE; "--" ends the flags.
func parseFlags(cmd string, args []string, allowFile bool, stderr io.Writer) (flags, bool) {
	var fl flags
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			fl.files = append(fl.files, args[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			fl.files = append(fl.files, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "profile", "as-of", "profile-file", "database":
		case "h", "help":
			fmt.Fprint(stderr, usage)
			return fl, false
		default:
			fmt.Fprintf(stderr, "casework rules %s: unknown flag %s\n%s", cmd, a, usage)
			return fl, false
		}
		if (name == "as-of" || name == "profile-file") && !allowFile || name == "database" && cmd == "eval" {
			fmt.Fprintf(stderr, "casework rules %s: unknown flag %s\n%s", cmd, a, usage)
			return fl, false
		}
		if !hasValue {
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "casework rules %s: flag %s needs a value\n", cmd, a)
				return fl, false
			}
			i++
			value = args[i]
		}
		switch name {
		case "profile":
			fl.profile = value
		case "profile-file":
			fl.profileFile = value
		case "database":
			fl.database = value
		default:
			fl.asOf, fl.asOfSet = value, true
		}
	}
	if len(fl.files) > 1 || (!allowFile && len(fl.files) > 0) {
		fmt.Fprintf(stderr, "casework rules %s: too many arguments: %s\n%s", cmd, strings.Join(fl.files, " "), usage)
		return fl, false
	}
	return fl, true
}

func eval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl, ok := parseFlags("eval", args, true, stderr)
	if !ok {
		return exitBad
	}
	var data []byte
	var err error
	if len(fl.files) == 0 || fl.files[0] == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(fl.files[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "casework rules eval: %v\n", err)
		return exitBad
	}
	facts, problems := rules.Decode(data)
	var opts rules.Options
	if fl.asOfSet {
		d, err := rules.ParseDate(fl.asOf)
		if err != nil {
			problems = append(problems, rules.FieldError{Path: "--as-of", Msg: fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", fl.asOf)})
		}
		opts.AsOf = d
	}
	opts.Profile = fl.profile
	if fl.profileFile != "" {
		if fl.profile != "" {
			problems = append(problems, rules.FieldError{Path: "--profile-file", Msg: "give --profile or --profile-file, not both"})
		}
		p, bad := readProfile(fl.profileFile, stderr)
		if bad {
			return exitBad
		}
		opts.Use = p
	}
	var res rules.Result
	if len(problems) == 0 || onlyInputProblems(problems) {
		// Also report a missing as_of or an unknown profile with the
		// other problems.
		r, err := rules.Evaluate(facts, opts)
		if err != nil {
			if fe, ok := err.(rules.FieldError); ok {
				if fl.profile != "" && fe.Path == "profile" {
					fe.Path = "--profile"
				}
				problems = append(problems, fe)
			} else {
				problems = append(problems, rules.FieldError{Msg: err.Error()})
			}
		}
		res = r
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, oneLine(p.Error()))
		}
		return exitBad
	}
	return writeJSON(stdout, stderr, res)
}

// onlyInputProblems reports whether the facts decoded at all, so that the
// as_of and profile checks can be added to the report.
func onlyInputProblems(ps []rules.FieldError) bool {
	for _, p := range ps {
		if p.Path == "facts" || p.Path == "--as-of" {
			return false
		}
	}
	return true
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

func writeJSON(stdout, stderr io.Writer, v any) int {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "casework rules: %v\n", err)
		return exitError
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		fmt.Fprintf(stderr, "casework rules: %v\n", err)
		return exitError
	}
	return exitOK
}

type listOutput struct {
	Profiles []listProfile `json:"profiles"`
}

type listProfile struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Default  bool          `json:"default"`
	Calendar string        `json:"calendar"`
	Versions []listVersion `json:"versions"`
}

type listVersion struct {
	Effective rules.Date `json:"effective"` // null: in force for any date
	Changes   []string   `json:"changes"`
	Rules     []listRule `json:"rules"`
}

type listRule struct {
	Rule      string     `json:"rule"`
	Label     string     `json:"label"`
	Tags      []string   `json:"tags"`
	Subject   string     `json:"subject"`
	Applies   string     `json:"applies"`
	Owed      string     `json:"owed"`
	Counts    string     `json:"counts"`
	Due       string     `json:"due"`
	Source    string     `json:"source"`
	FirstYear *listFirst `json:"first_year,omitempty"`
}

type listFirst struct {
	Owed   string `json:"owed"`
	Due    string `json:"due"`
	Source string `json:"source"`
}

func list(db Database, args []string, stdout, stderr io.Writer) int {
	fl, ok := parseFlags("list", args, false, stderr)
	if !ok {
		return exitBad
	}
	ps := rules.Profiles()
	if fl.profile != "" {
		p, code := lookup(db, fl, fl.profile, stderr)
		if code != exitOK {
			return code
		}
		ps = []*rules.Profile{p}
	} else if fl.database != "" {
		fmt.Fprintln(stderr, "casework rules list: --database reads one profile: give --profile ID")
		return exitBad
	}
	var out listOutput
	for _, p := range ps {
		lp := listProfile{ID: p.ID, Name: p.Name, Default: p.ID == rules.DefaultProfile, Calendar: p.CalendarName}
		for _, v := range p.Versions {
			lv := listVersion{Effective: v.Effective, Changes: v.Changes, Rules: []listRule{}}
			for i := range v.Rules {
				r := &v.Rules[i]
				lr := listRule{
					Rule: r.ID, Label: r.Label, Tags: r.Tags.Names(), Subject: string(r.Subject), Applies: r.Applies(), Owed: r.Owed,
					Counts: r.Counts.Describe(r.Subject), Due: r.Due.Describe(), Source: r.Source,
				}
				if r.FirstYear != nil {
					lr.FirstYear = &listFirst{Owed: r.FirstYear.Owed, Due: r.FirstYear.Due.Describe(), Source: r.FirstYear.Source}
				}
				lv.Rules = append(lv.Rules, lr)
			}
			lp.Versions = append(lp.Versions, lv)
		}
		out.Profiles = append(out.Profiles, lp)
	}
	return writeJSON(stdout, stderr, out)
}

// readProfile reads a profile file; when it has problems it prints them,
// one a line with its line and field, and reports bad.
func readProfile(path string, stderr io.Writer) (*rules.Profile, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, oneLine(err.Error()))
		return nil, true
	}
	p, problems := rules.ParseProfile(data)
	for _, pr := range problems {
		fmt.Fprintln(stderr, path+": "+oneLine(pr.Error()))
	}
	return p, len(problems) > 0
}

// check validates a profile file: nothing printed and exit 0 when it is
// good; every problem on stderr, with its line and field, and exit 2 when
// not.
func check(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "casework rules check: want one profile file\n%s", usage)
		return exitBad
	}
	if _, bad := readProfile(args[0], stderr); bad {
		return exitBad
	}
	return exitOK
}

// lookup finds a profile: in the database when one is given (--database,
// or DATABASE_URL), with the versions the agency uploaded and its own
// profiles; otherwise among the built-in files.
func lookup(db Database, fl flags, id string, stderr io.Writer) (*rules.Profile, int) {
	url := fl.database
	if url == "" {
		url = db.URL
	}
	if url == "" || db.Open == nil {
		p, ok := rules.LookupProfile(id)
		if !ok {
			fmt.Fprintf(stderr, "unknown profile %q: the built-in files are %s; a profile the agency uploaded is read from its database (--database URL, or DATABASE_URL)\n", id, strings.Join(rules.ProfileIDs(), ", "))
			return nil, exitBad
		}
		return p, exitOK
	}
	ctx := context.Background()
	read, closeDB, err := db.Open(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "casework rules: the database: %v\n", oneLine(err.Error()))
		return nil, exitError
	}
	defer closeDB()
	p, err := read(ctx, id)
	if errors.Is(err, ErrUnknownProfile) {
		fmt.Fprintf(stderr, "unknown profile %q: neither built in (%s) nor uploaded to the database\n", id, strings.Join(rules.ProfileIDs(), ", "))
		return nil, exitBad
	}
	if err != nil {
		fmt.Fprintf(stderr, "casework rules: the database: %v\n", oneLine(err.Error()))
		return nil, exitError
	}
	return p, exitOK
}

// profileCmd is `casework rules profile show ID`: the file of a profile's
// latest version (or of the one in force on --as-of), to copy and change;
// from the built-in files, or with a database from its uploaded versions.
func profileCmd(db Database, args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[0] != "show" {
		fmt.Fprintf(stderr, "casework rules profile: want \"show ID\"\n%s", usage)
		return exitBad
	}
	fl, ok := parseFlags("profile show", args[1:], true, stderr)
	if !ok {
		return exitBad
	}
	if len(fl.files) != 1 || fl.profile != "" || fl.profileFile != "" {
		fmt.Fprintf(stderr, "casework rules profile: want \"show ID\"\n%s", usage)
		return exitBad
	}
	p, code := lookup(db, fl, fl.files[0], stderr)
	if code != exitOK {
		return code
	}
	v := p.Latest()
	if fl.asOfSet {
		d, err := rules.ParseDate(fl.asOf)
		if err != nil {
			fmt.Fprintf(stderr, "--as-of: %q is not a date (want YYYY-MM-DD)\n", fl.asOf)
			return exitBad
		}
		if v, ok = p.VersionAt(d); !ok {
			fmt.Fprintf(stderr, "--as-of: %s is before profile %s took effect (%s)\n", d, p.ID, p.Versions[0].Effective)
			return exitBad
		}
	}
	if _, err := stdout.Write(v.File); err != nil {
		fmt.Fprintf(stderr, "casework rules: %v\n", err)
		return exitError
	}
	if top, problems := rules.ParseProfile(v.File); len(problems) == 0 && top.Latest().Effective != v.Effective {
		// A built-in file's earlier version is a block of the file.
		fmt.Fprintf(stderr, "casework rules: the version in force then is the file's [[earlier]] block effective %s\n", v.Effective)
	}
	return exitOK
}
