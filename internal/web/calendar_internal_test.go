package web

import (
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/rules"
)

// No text can end an iCalendar line: CRLF, LF and a lone CR all become \n
// (a lone CR used to pass through, and a calendar program may take it as a
// line end), other control characters are dropped.
func TestICSTextEscapesEveryLineBreak(t *testing.T) {
	for in, want := range map[string]string{
		"a\rSUMMARY:x": `a\nSUMMARY:x`,
		"a\r\nb\nc":    `a\nb\nc`,
		"a;b,c\\d":     `a\;b\,c\\d`,
		"bell\a\x1b":   "bell",
	} {
		if got := icsText(in); got != want {
			t.Errorf("icsText(%q) = %q, want %q", in, got, want)
		}
	}
	cal := icsCalendar([]icsEvent{{uid: "x", summary: "one\rEND:VEVENT\rBEGIN:VEVENT", day: rules.DateOf(2026, 11, 23)}}, time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC))
	if n := strings.Count(cal, "BEGIN:VEVENT"); n != 2 || strings.Contains(cal, "\rEND") || strings.Count(cal, "\r\nBEGIN:VEVENT") != 1 {
		t.Fatalf("a lone CR in a title made lines of its own:\n%q", cal)
	}
}

// Titles are words: each rule's label in the profile in force, never its id.
func TestRuleTitleIsNeverTheRulesID(t *testing.T) {
	res := rules.Result{Profile: "nj-cpp", AsOf: rules.DateOf(2026, 11, 23)}
	p, ok := rules.LookupProfile(res.Profile)
	if !ok {
		t.Fatal("no nj-cpp profile")
	}
	ver, _ := p.VersionAt(res.AsOf)
	for _, r := range ver.Rules {
		if got := ruleTitle(res, rules.Obligation{Rule: r.ID, Subject: "c-1"}); got == "" || strings.Contains(got, r.ID) {
			t.Errorf("ruleTitle(%s) = %q", r.ID, got)
		}
	}
	if got := ruleTitle(res, rules.Obligation{Rule: "some.unknown_rule", Subject: "c-1"}); strings.Contains(got, "some.unknown_rule") {
		t.Errorf("an unknown rule's title is its id: %q", got)
	}
}
