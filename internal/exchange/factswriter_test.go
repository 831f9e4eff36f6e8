package exchange

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/rules"
)

// Facts written by the FactsWriter decode to the same facts, whatever the
// strings hold, and are valid JSON with the contract's keys.
func TestFactsWriterRoundTrips(t *testing.T) {
	data, err := os.ReadFile("../rules/rulescli/testdata/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	f, problems := rules.Decode(data)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	f.Staff[0].Name = "Dana \"D\" Cole\\\n\x01 \u2028 <&> é"
	f.Cases[0].SiblingsApartStart, f.Cases[0].SiblingsApartEnd = rules.MustDate("2026-10-01"), rules.MustDate("2026-11-15")
	for _, empty := range []bool{false, true} {
		g := f
		if empty {
			g = rules.Facts{AsOf: f.AsOf, HolidaysSet: true, Holidays: []rules.Date{}}
		}
		var buf bytes.Buffer
		w := NewFactsWriter(&buf)
		if err := w.Header(g.AsOf, g.Profile, g.Holidays, g.HolidaysSet); err != nil {
			t.Fatal(err)
		}
		for _, s := range g.Staff {
			w.Staff(s)
		}
		for _, c := range g.Cases {
			w.Case(c)
		}
		for _, k := range g.Conferences {
			w.Conference(k)
		}
		for _, e := range g.Events {
			w.Event(e)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("not JSON:\n%s", buf.String())
		}
		back, problems := rules.Decode(buf.Bytes())
		if len(problems) > 0 {
			t.Fatalf("%v\n%s", problems, buf.String())
		}
		if diff := cmp.Diff(g, back, cmp.AllowUnexported(rules.Date{}), cmp.Comparer(func(a, b []string) bool {
			return cmp.Equal(append([]string{}, a...), append([]string{}, b...))
		})); diff != "" {
			t.Errorf("facts differ after writing (-want +got):\n%s\n%s", diff, buf.String())
		}
	}
}
