package rules

import (
	"reflect"
	"runtime"
	"testing"
)

// The case rules evaluated on several goroutines give exactly the
// obligations of one goroutine: same obligations, same order, same why.
func TestParallelCasesGiveTheSerialResult(t *testing.T) {
	f := stateFacts(0.02) // 1,600 cases, 60,000 events
	for i := range f.Cases {
		if i%10 == 0 {
			f.Cases[i].SafetyPlanStart = f.AsOf.AddDays(-20)
		}
		if i%4 == 0 {
			f.Cases[i].Goal = GoalReunification
		}
	}
	defer func(n int) { parallelCases = n }(parallelCases)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // four parts even on a machine with fewer CPUs
	for _, profile := range ProfileIDs() {
		for _, asOf := range []Date{f.AsOf, d("2026-12-10")} {
			opts := Options{Profile: profile, AsOf: asOf}
			parallelCases = 1 << 30
			serial, err := Evaluate(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			parallelCases = 100
			parallel, err := Evaluate(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(serial.Obligations) < 1000 {
				t.Fatalf("%s as of %s: only %d obligations", profile, asOf, len(serial.Obligations))
			}
			if !reflect.DeepEqual(serial.Obligations, parallel.Obligations) {
				t.Fatalf("%s as of %s: the obligations differ (%d serial, %d parallel)", profile, asOf, len(serial.Obligations), len(parallel.Obligations))
			}
		}
	}
}
