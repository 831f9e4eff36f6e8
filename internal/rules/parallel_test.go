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
		if i%3 == 0 { // visit plans, whose earliest per worker the workers' reviews start from
			f.Cases[i].MVR = []MVREntry{{From: f.AsOf.AddDays(-40 - i%50), Child: 2, Parents: 1, Provider: 1}}
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
			reviews := 0
			for _, o := range serial.Obligations {
				if o.Rule == "mvr.review_monthly" {
					reviews++
				}
			}
			if profile == "nj-cpp" && asOf.After(d("2026-12-01")) && reviews == 0 {
				t.Fatalf("%s as of %s: no visit plan review owed, so the plans' merge is not tested", profile, asOf)
			}
			if !reflect.DeepEqual(serial.Obligations, parallel.Obligations) {
				t.Fatalf("%s as of %s: the obligations differ (%d serial, %d parallel)", profile, asOf, len(serial.Obligations), len(parallel.Obligations))
			}
		}
	}
}
