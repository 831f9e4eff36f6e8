// Command casework is the whole application in one binary:
//
//	casework serve                       run the web server
//	casework migrate up|down|version     manage the database schema
//	casework seed --demo [--seed N] [--as-of YYYY-MM-DD]
//	casework seed --scale state|FRACTION [--seed N] [--as-of YYYY-MM-DD]
//	casework demo                        migrate, seed once, print logins, serve (make run)
//	casework audit verify                check the audit log's hash chain (and the latest checkpoint)
//	casework audit checkpoint|keygen     write a signed checkpoint; make a signing key
//	casework rules eval|list|check|profile ...  the rules engine on a facts file; profile files
//
// Settings come from environment variables (see the README). main only
// parses arguments and wires the parts together.
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // the agency's zone resolves on any host, with or without zoneinfo files
)

const usage = `usage: casework COMMAND [ARGS]

commands:
  serve                                  run the web server (DATABASE_URL, LISTEN_ADDR, ...)
  migrate up|down|version                apply, revert or show the database schema
  seed --demo [--seed N] [--as-of DATE]  load the demo agency into an empty database
  seed --scale state|0.25 [--seed N] [--as-of DATE]   load a state-sized agency (or a fraction)
  demo                                   migrate, seed the demo agency once, print logins, serve
  audit verify                           check the audit log's hash chains against the latest checkpoint
  audit checkpoint                       write a signed checkpoint of the audit log (AUDIT_CHECKPOINT_DIR)
  audit keygen                           print a new checkpoint signing key and its public key
  rules eval|list|check|profile [ARGS]   evaluate a facts file, list a profile's rules, check or show a profile file
  import facts|KIND FILE                 load a facts file or a CSV file from the system of record
  export facts [--as-of DATE] [--profile ID]   write the agency's facts (rules contract JSON)
  notify run [--once]                    compose the day's digests, send the mail due (docs/notifications.md)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var code int
	switch os.Args[1] {
	case "serve":
		code = cmdServe(os.Args[2:])
	case "migrate":
		code = cmdMigrate(os.Args[2:])
	case "seed":
		code = cmdSeed(os.Args[2:])
	case "demo":
		code = cmdDemo(os.Args[2:])
	case "rules":
		code = cmdRules(os.Args[2:])
	case "audit":
		code = cmdAudit(os.Args[2:])
	case "import":
		code = cmdImport(os.Args[2:])
	case "export":
		code = cmdExport(os.Args[2:])
	case "notify":
		code = cmdNotify(os.Args[2:])
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "casework: unknown command %q\n\n%s", os.Args[1], usage)
		code = 2
	}
	os.Exit(code)
}

// fail prints one line on stderr and returns the exit code for errors.
func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "casework: "+format+"\n", args...)
	return 1
}
