package main

import (
	"os"
	"strings"
	"testing"
)

// make test's result must not depend on the machine's load: no fuzzing
// with a time budget in its recipes (it failed on a loaded machine with
// "context deadline exceeded" after 13 runs). The seed corpora run as
// ordinary tests; `make fuzz` fuzzes.
func TestMakeTestRunsNoTimeBudgetedFuzzing(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	recipes := map[string][]string{}
	target := ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "\t") && target != "":
			recipes[target] = append(recipes[target], line)
		case strings.Contains(line, ":") && !strings.HasPrefix(line, "#") && !strings.Contains(line, "=") && !strings.HasPrefix(line, "."):
			target = strings.TrimSpace(line[:strings.Index(line, ":")])
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		default:
			target = ""
		}
	}
	if len(recipes["test-go"]) == 0 || len(recipes["fuzz"]) == 0 {
		t.Fatalf("Makefile: no test-go or fuzz recipe found (%d targets read)", len(recipes))
	}
	for _, tgt := range []string{"test", "test-go"} {
		for _, l := range recipes[tgt] {
			if strings.Contains(l, "-fuzz ") || strings.Contains(l, "-fuzztime") {
				t.Errorf("make %s fuzzes with a time budget: %s", tgt, strings.TrimSpace(l))
			}
		}
	}
	if !strings.Contains(strings.Join(recipes["fuzz"], "\n"), "FuzzCheckInput") {
		t.Error("make fuzz does not fuzz the web tier's input check")
	}
}
