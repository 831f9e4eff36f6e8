// Package rulescli is the `casework rules` command: evaluate facts from a
// file or stdin, and list the profiles' rules.
//
//	casework rules eval [--profile ID] [--as-of YYYY-MM-DD] [FILE]   # FILE or stdin
//	casework rules list [--profile ID]                               # rules, cadences, sources
//	casework rules profile show ID                                   # a built-in profile's file
//	casework rules check FILE                                        # check a profile file
//	casework rules eval --profile-file FILE [--as-of YYYY-MM-DD] [FACTS]
package rulescli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/casework/casework/internal/rules"
)

const usage = `usage:
  casework rules eval [--profile ID] [--as-of YYYY-MM-DD] [FILE]   # FILE or stdin ("-")
  casework rules eval --profile-file PROFILE [--as-of YYYY-MM-DD] [FILE]
  casework rules list [--profile ID]                               # rules, cadences, sources
  casework rules profile show ID                                   # a built-in profile's file
  casework rules check PROFILE                                     # every problem of a profile file
`

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // could not write the output
	exitBad   = 2 // bad usage or bad input: nothing on stdout
)

// Main runs `casework rules` with the arguments that follow "rules". It
// prints JSON on stdout and returns 0, or prints one line per problem on
// stderr, nothing on stdout, and returns 2.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
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
		return list(args[1:], stdout, stderr)
	case "profile":
		return profileCmd(args[1:], stdout, stderr)
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
		case "profile", "as-of", "profile-file":
		case "h", "help":
			fmt.Fprint(stderr, usage)
			return fl, false
		default:
			fmt.Fprintf(stderr, "casework rules %s: unknown flag %s\n%s", cmd, a, usage)
			return fl, false
		}
		if (name == "as-of" || name == "profile-file") && !allowFile {
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

func list(args []string, stdout, stderr io.Writer) int {
	fl, ok := parseFlags("list", args, false, stderr)
	if !ok {
		return exitBad
	}
	ps := rules.Profiles()
	if fl.profile != "" {
		p, ok := rules.LookupProfile(fl.profile)
		if !ok {
			fmt.Fprintf(stderr, "--profile: unknown profile %q (known: %s)\n", fl.profile, strings.Join(rules.ProfileIDs(), ", "))
			return exitBad
		}
		ps = []*rules.Profile{p}
	}
	var out listOutput
	for _, p := range ps {
		lp := listProfile{ID: p.ID, Name: p.Name, Default: p.ID == rules.DefaultProfile, Calendar: p.CalendarName}
		for _, v := range p.Versions {
			lv := listVersion{Effective: v.Effective, Changes: v.Changes, Rules: []listRule{}}
			for i := range v.Rules {
				r := &v.Rules[i]
				lr := listRule{
					Rule: r.ID, Subject: string(r.Subject), Applies: r.Applies(), Owed: r.Owed,
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

// profileCmd is `casework rules profile show ID`: the file a built-in
// profile ships as, to copy and change.
func profileCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 || args[0] != "show" {
		fmt.Fprintf(stderr, "casework rules profile: want \"show ID\"\n%s", usage)
		return exitBad
	}
	data, ok := rules.BuiltinFile(args[1])
	if !ok {
		fmt.Fprintf(stderr, "unknown profile %q (known: %s)\n", args[1], strings.Join(rules.ProfileIDs(), ", "))
		return exitBad
	}
	if _, err := stdout.Write(data); err != nil {
		fmt.Fprintf(stderr, "casework rules: %v\n", err)
		return exitError
	}
	return exitOK
}
