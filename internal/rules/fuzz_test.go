package rules

import (
	"encoding/json"
	"os"
	"testing"
)

func fuzzSeeds(f *testing.F) {
	data, err := os.ReadFile("testdata/contract-input.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, facts := range []Facts{workedExample(), stateFacts(0.0005)} {
		b, err := json.Marshal(facts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"as_of":"9999-12-31","holidays":["0001-01-01","9999-12-31"],"staff":[{"id":"w","role":"worker","since":"0001-01-01"}],` +
		`"cases":[{"id":"c","worker":"w","assigned":"0001-01-01","setting":"out_of_home","placement_date":"9999-12-31","closing":"0001-01-01","risk":[{"level":"high","from":"0001-01-01"}]}]}`))
	f.Add([]byte(`{"cases":[{"id":"c","risk":[{"level":"high","from":"2026-01-01"},{"level":"low","from":"2025-01-01"}]}],"events":[{"case":"c"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"staff":[null,1,"x",[]],"cases":{},"conferences":[{"cases":[null,1]}]}`))
}

// FuzzDecode: Decode never panics, and facts it accepts validate cleanly.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		facts, errs := Decode(data)
		if len(errs) == 0 {
			if v := Validate(facts); len(v) > 0 {
				t.Fatalf("Decode accepted facts that Validate rejects: %v", v)
			}
		}
		for _, e := range errs {
			if e.Path == "" || e.Msg == "" {
				t.Fatalf("problem without a path or message: %+v", e)
			}
		}
	})
}

// FuzzEval feeds arbitrary bytes through Decode and Evaluate under every
// profile, valid or not: it must never panic, and on valid facts the
// output must be sorted with valid states.
func FuzzEval(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		facts, errs := Decode(data)
		for _, p := range ProfileIDs() {
			opts := Options{Profile: p}
			if facts.AsOf.IsZero() {
				opts.AsOf = d("2026-11-22")
			}
			res, err := Evaluate(facts, opts)
			if err != nil {
				continue
			}
			for _, w := range facts.Staff {
				if w.Role == RoleWorker {
					ProposeAgenda(facts, opts, w.ID)
					Coverage(facts, w.ID, res.AsOf)
				}
			}
			for _, k := range facts.Conferences {
				CheckConference(facts, k)
			}
			if len(errs) > 0 {
				continue
			}
			for i, o := range res.Obligations {
				switch o.State {
				case StateOpen, StateOverdue, StateMet, StateMetLate:
				default:
					t.Fatalf("bad state %q", o.State)
				}
				if o.Why == "" || o.Source == "" || o.Due.IsZero() {
					t.Fatalf("incomplete obligation %+v", o)
				}
				if i > 0 {
					a := res.Obligations[i-1]
					if a.Due.After(o.Due) || (a.Due == o.Due && a.Rule > o.Rule) {
						t.Fatalf("not sorted: %+v then %+v", a, o)
					}
				}
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("Marshal: %v", err)
			}
		}
	})
}
