package rules

import (
	"reflect"
	"testing"
)

// The table writes every day as Date.appendTo does: inside its window, at
// both its ends and beyond them, across leap days and year ends, and the
// zero date; the zero table writes every day the same way.
func TestDayTextsWriteAsAppendTo(t *testing.T) {
	around := d("2026-12-01")
	table := newDayTexts(around)
	if len(table.text) == 0 || len(table.text)%10 != 0 {
		t.Fatalf("table of %d bytes", len(table.text))
	}
	inTable := 0
	for day := around.AddDays(-4 * 366); !day.After(around.AddDays(3 * 366)); day = day.AddDays(1) {
		want := string(day.appendTo(nil))
		if i := int(day.n - table.first); i >= 0 && 10*i+10 <= len(table.text) {
			inTable++
		}
		for _, tt := range []dayTexts{table, {}} {
			if got := string(tt.appendTo([]byte("x"), day)); got != "x"+want {
				t.Fatalf("%s written %q (table of %d days)", want, got, len(tt.text)/10)
			}
		}
	}
	if inTable < 5*365 {
		t.Fatalf("only %d days from the table", inTable)
	}
	if got, want := string(table.appendTo(nil, Date{})), string(Date{}.appendTo(nil)); got != want {
		t.Fatalf("the zero date written %q, want %q", got, want)
	}
}

// An evaluation writes the same why sentences with the table as without.
func TestDayTextsGiveTheSameObligations(t *testing.T) {
	f := stateFacts(0.02)
	defer func(n int) { dayTextsFrom = n }(dayTextsFrom)
	for _, profile := range ProfileIDs() {
		opts := Options{Profile: profile}
		dayTextsFrom = 1 << 30
		without, err := Evaluate(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		dayTextsFrom = 0
		with, err := Evaluate(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(without.Obligations) < 1000 {
			t.Fatalf("%s: only %d obligations", profile, len(without.Obligations))
		}
		if !reflect.DeepEqual(without.Obligations, with.Obligations) {
			t.Fatalf("%s: the obligations differ with the dates' table", profile)
		}
	}
}
