package main

import (
	"os"

	"github.com/casework/casework/internal/rules/rulescli"
)

func cmdRules(args []string) int {
	return rulescli.Main(args, os.Stdin, os.Stdout, os.Stderr)
}
