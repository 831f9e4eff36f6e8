package main

import (
	"fmt"
	"os"
)

// cmdImport loads data from the agency's system of record.
func cmdImport(args []string) int {
	fmt.Fprintln(os.Stderr, "casework import: not yet available")
	return 2
}

// cmdExport writes the agency's facts in the rules contract's format.
func cmdExport(args []string) int {
	fmt.Fprintln(os.Stderr, "casework export: not yet available")
	return 2
}
