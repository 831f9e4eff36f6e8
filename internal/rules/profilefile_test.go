package rules

import (
	"bytes"
	"strings"
	"testing"
)

// The holiday functions of the profiles as they were written in Go before
// the profiles became files: the files' calendars must be the same days.
// newJerseyHolidays returns New Jersey's state holidays besides the federal
// ones (N.J.S.A. 36:1-1): Lincoln's Birthday, Good Friday and General
// Election Day, with weekend dates moved like the federal ones.
func newJerseyHolidays(y int) []Date {
	return []Date{
		observed(DateOf(y, 2, 12)),         // Lincoln's Birthday
		easter(y).AddDays(-2),              // Good Friday
		nthWeekday(y, 11, 1, 1).AddDays(1), // Election Day: Tuesday after the first Monday
	}
}

// texasHolidays returns the days Texas state offices close besides the
// federal holidays (Tex. Gov't Code 662.003): the day after Thanksgiving,
// 24 and 26 December. Texas does not move a state holiday that falls on a
// weekend. The "optional" and skeleton-crew holidays, when offices stay
// open, are not included.
func texasHolidays(y int) []Date {
	return []Date{
		nthWeekday(y, 11, 4, 4).AddDays(1),
		DateOf(y, 12, 24),
		DateOf(y, 12, 26),
	}
}

func oldBuildCalendar(extra ...func(int) []Date) Calendar {
	var all []Date
	for y := calendarFirstYear; y <= calendarLastYear; y++ {
		all = append(all, federalHolidays(y)...)
		for _, f := range extra {
			all = append(all, f(y)...)
		}
	}
	return NewCalendar(all)
}

func TestBuiltinCalendarsAreTheOldOnes(t *testing.T) {
	want := map[string]Calendar{
		"nj-cpp":       oldBuildCalendar(newJerseyHolidays),
		"tx-dfps":      oldBuildCalendar(texasHolidays),
		"policy-46100": oldBuildCalendar(),
	}
	for id, cal := range want {
		p, ok := LookupProfile(id)
		if !ok {
			t.Fatalf("no profile %s", id)
		}
		for _, v := range p.Versions {
			got := v.Calendar.Holidays(DateOf(1999, 1, 1), DateOf(2100, 12, 31))
			exp := cal.Holidays(DateOf(1999, 1, 1), DateOf(2100, 12, 31))
			if len(got) != len(exp) {
				t.Fatalf("%s %s: %d holidays, want %d", id, v.Effective, len(got), len(exp))
			}
			for i := range got {
				if got[i] != exp[i] {
					t.Fatalf("%s: holiday %d is %s, want %s", id, i, got[i], exp[i])
				}
			}
		}
	}
}

func TestBuiltinFilesReadBack(t *testing.T) {
	for _, id := range ProfileIDs() {
		data, ok := BuiltinFile(id)
		if !ok || len(data) == 0 {
			t.Fatalf("%s: no file", id)
		}
		p, problems := ParseProfile(data)
		if len(problems) > 0 {
			t.Fatalf("%s: %v", id, problems)
		}
		if p.ID != id {
			t.Errorf("file of %s says id %s", id, p.ID)
		}
		v := p.Latest()
		wantYear, wantStart := YearCalendar, 1
		if id == "tx-dfps" {
			wantYear, wantStart = YearFiscal, 9 // DFPS's fiscal year, from 1 September
		}
		if v.DocumentationDays != 2 || v.Year != wantYear || v.YearStart != wantStart || len(v.Checklist) < 5 {
			t.Errorf("%s: documentation %d, year %q, %d checklist items", id, v.DocumentationDays, v.Year, len(v.Checklist))
		}
		for _, r := range v.Rules {
			if r.Label == "" || r.Tags == 0 {
				t.Errorf("%s %s: label %q, tags %v", id, r.ID, r.Label, r.Tags.Names())
			}
			if strings.Contains(r.Label, r.ID) {
				t.Errorf("%s: label %q names the rule id", id, r.Label)
			}
		}
	}
	nj, _ := LookupProfile(DefaultProfile)
	if len(nj.Versions) != 3 || nj.Versions[0].Effective != MustDate("2012-05-21") || len(nj.Versions[0].Rules) != 17 ||
		nj.Versions[2].Effective != MustDate("2026-12-01") {
		t.Fatalf("nj-cpp versions: %d", len(nj.Versions))
	}
	// Contract version 2: the closure visit needs a child and a parent
	// visit from 2026-12-01; the earlier versions keep their own rule.
	for i, want := range []bool{false, false, true} {
		r, ok := nj.Versions[i].Rule("closure.family_seen")
		n := []int{17, 18, 26}[i] // the 16 core rules and the emergent conference (at every date); 2016: the Safety Protection Plan conference; 2026: seven visit rules and the MVR review

		if !ok || r.Counts.Each != want || len(nj.Versions[i].Rules) != n {
			t.Errorf("nj-cpp version %s: closure.family_seen each = %v, want %v", nj.Versions[i].Effective, r.Counts.Each, want)
		}
	}
	if len(ReviewTopics()) != 10 || len(ReviewChecklist()) != 2 {
		t.Errorf("review topics %d, checklist %d", len(ReviewTopics()), len(ReviewChecklist()))
	}
}

// withChange returns the nj-cpp file with old replaced by new once, in the
// block of the rule id.
func withChange(t *testing.T, id, old, new string) []byte {
	t.Helper()
	data, _ := BuiltinFile(DefaultProfile)
	at := bytes.Index(data, []byte(`id = "`+id+`"`))
	if at < 0 {
		t.Fatalf("no rule %s", id)
	}
	i := bytes.Index(data[at:], []byte(old))
	if i < 0 {
		t.Fatalf("rule %s has no %q", id, old)
	}
	i += at
	return append(append(append([]byte(nil), data[:i]...), new...), data[i+len(old):]...)
}

// An agency changes case assignment from two business days to three: the
// due dates move by one business day, and nothing else changes.
func TestProfileFileChangesDueDates(t *testing.T) {
	f := Facts{
		AsOf:        MustDate("2026-11-30"),
		HolidaysSet: true,
		Staff:       []Staff{{ID: "w-1", Role: RoleWorker, Since: MustDate("2024-01-02")}},
		Cases: []Case{
			{ID: "c-fri", Received: MustDate("2026-11-20")}, // Fri: +2 Tue 24, +3 Wed 25
			{ID: "c-wed", Received: MustDate("2026-11-25")}, // Wed: +2 Fri 27, +3 Mon 30
		},
	}
	due := func(p *Profile) map[string]string {
		res, err := Evaluate(f, Options{Use: p})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, o := range res.Obligations {
			if o.Rule == "case.assignment" {
				out[o.Subject] = o.Due.String()
			}
		}
		return out
	}
	before, _ := LookupProfile(DefaultProfile)
	changed, problems := ParseProfile(withChange(t, "case.assignment", "business_days = 2", "business_days = 3"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if got := due(before); got["c-fri"] != "2026-11-24" || got["c-wed"] != "2026-11-27" {
		t.Errorf("built-in: %v", got)
	}
	if got := due(changed); got["c-fri"] != "2026-11-25" || got["c-wed"] != "2026-11-30" {
		t.Errorf("three business days: %v", got)
	}
	r, _ := changed.Latest().Rule("case.assignment")
	if r.Due.BusinessDays != 3 {
		t.Errorf("rule: %+v", r.Due)
	}
}

// Every problem of a file is reported, each with its line and field.
func TestProfileFileProblems(t *testing.T) {
	file := `id = "my-agency"
name = "My agency"
changes = ["First issue."]
documentation_business_days = "two"
year = "lunar"
colour = "blue"

[calendar]
name = "Ours"
holidays = ["us_federal", "13-01", "boxing_day"]

[[checklist]]
key = "safety"
label = "Safety"
source = "Manual 1"

[[checklist]]
key = "safety"
label = "Again"
source = "Manual 1"

[[rule]]
id = "visits.monthly"
label = "Child visited"
tags = ["visits", "visitz"]
subject = "case"
applies_to = ["assigned", "with_cases"]
owed = "child visited monthly"
done = "visited"
satisfied_by = { events = ["child_visit", "home_visit"] }
cadence = "monthly"
anchor = "assigned"
source = "Manual 2"

[[rule]]
id = "visits.monthly"
label = "Twice"
tags = ["visits"]
subject = "case"
owed = "x"
done = "x"
satisfied_by = { met_on = "assigned" }
cadence = "interval"
anchor = "since"
business_days = 3
source = "Manual 3"
`
	_, problems := ParseProfile([]byte(file))
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	want := []string{
		`line 4: documentation_business_days: want a whole number, not text`,
		`line 5: year: "lunar" is not one of calendar, fiscal`,
		`line 6: colour: unknown field`,
		`line 10: calendar.holidays: "13-01" is not a holiday`,
		`line 10: calendar.holidays: "boxing_day" is not a holiday`,
		`line 18: checklist[1].key: "safety" given twice`,
		`line 25: rule "visits.monthly".tags: "visitz" is not one of`,
		`line 27: rule "visits.monthly".applies_to: "with_cases" does not apply to a case rule`,
		`line 30: rule "visits.monthly".satisfied_by.events: "home_visit" is not an event kind`,
		`line 31: rule "visits.monthly".cadence: "monthly" is not one of once, interval, calendar_month, yearly_count`,
		`line 35: rule "visits.monthly".id: rule id given twice (first on line 22)`,
		`line 44: rule "visits.monthly".anchor: "since" is not one of assigned, received`,
		`line 43: rule "visits.monthly".days: required`,
		`line 45: rule "visits.monthly".business_days: not used by cadence interval`,
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
	for _, p := range problems {
		if p.Line <= 0 || p.Field == "" || p.Msg == "" {
			t.Errorf("problem without line or field: %+v", p)
		}
	}
}

func TestProfileFileSyntaxError(t *testing.T) {
	_, problems := ParseProfile([]byte("id = \"a\"\nname = \"b\"\n[[rule]\nid = 1\n"))
	if len(problems) != 1 || problems[0].Line != 3 || !strings.Contains(problems[0].Msg, "not valid TOML") {
		t.Fatalf("problems: %v", problems)
	}
	_, problems = ParseProfile([]byte("id = \"a\"\nid = \"b\"\n"))
	if len(problems) == 0 || problems[0].Line != 2 || problems[0].Field != "id" {
		t.Fatalf("duplicate key: %v", problems)
	}
}

// FuzzParseProfile: whatever the bytes, ParseProfile does not panic; it
// returns a profile or problems that each say where and what, and a
// profile it accepts evaluates without an error other than its dates.
func FuzzParseProfile(f *testing.F) {
	for _, id := range ProfileIDs() {
		data, _ := BuiltinFile(id)
		f.Add(data)
	}
	f.Add([]byte("[[rule]]\n[[rule]]\nid = 1\n[rule.first_year]\n[rule]\n"))
	f.Add([]byte("a.b = 1\n[a]\nb.c = 2\n[a.b]\n"))
	f.Add([]byte("x = { y = [1, { z = 2 }] }\n[x.y]\n"))
	f.Add([]byte("[calendar]\nholidays = [\"02-29 observed\", \"2026-02-30\", 7]\n"))
	f.Add([]byte{0xff, '=', '"'})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, problems := ParseProfile(data)
		if (p == nil) == (len(problems) == 0) {
			t.Fatalf("profile %v with problems %v", p != nil, problems)
		}
		for _, pr := range problems {
			if pr.Msg == "" || (pr.Line == 0 && pr.Field == "") && !strings.Contains(pr.Msg, "larger") {
				t.Fatalf("problem without place: %+v", pr)
			}
		}
		if p != nil {
			_, err := Evaluate(workedExample(), Options{Use: p})
			if err != nil {
				if fe, ok := err.(FieldError); !ok || fe.Path != "as_of" {
					t.Fatalf("accepted profile does not evaluate: %v", err)
				}
			}
		}
	})
}

// A key the cadence does not use is reported once, as such.
func TestProfileFileKeyNotUsedByCadence(t *testing.T) {
	file := withChange(t, "casework.supervisor", "days = 14", "days = 14\nor = { anchor = \"since\", days = 3 }")
	_, problems := ParseProfile(file)
	if len(problems) != 1 || problems[0].Field != `rule "casework.supervisor".or` || !strings.Contains(problems[0].Msg, "not used by cadence interval") {
		t.Fatalf("problems: %v", problems)
	}
}

// from_days_before_due (the 90-day staffing's window) bounds when a one-time
// case rule's facts count; elsewhere it is a problem that says why.
func TestProfileFileFromDaysBeforeDue(t *testing.T) {
	for _, tt := range []struct {
		id, old, new, field, msg string
	}{
		{"visits.collateral_monthly", `from = "assigned" }`, `from = "assigned", from_days_before_due = 10 }`,
			`rule "visits.collateral_monthly".satisfied_by.from_days_before_due`, "needs a one-time rule"},
		{"closure.reassessment", `window_days = 30 }`, `window_days = 30, from_days_before_due = 10 }`,
			`rule "closure.reassessment".satisfied_by.from_days_before_due`, "not both"},
		{"supervision.worker", `conference = "supervision" }`, `conference = "supervision", from_days_before_due = 10 }`,
			`rule "supervision.worker".satisfied_by.from_days_before_due`, "case rules only"},
		{"placement.staffing_90", `from_days_before_due = 30 }`, `from_days_before_due = 400 }`,
			`rule "placement.staffing_90".satisfied_by.from_days_before_due`, ""},
	} {
		_, problems := ParseProfile(withChange(t, tt.id, tt.old, tt.new))
		found := false
		for _, p := range problems {
			found = found || (p.Field == tt.field && strings.Contains(p.Msg, tt.msg) && p.Line > 0)
		}
		if !found {
			t.Errorf("%s with %s: problems %v, want one on %s saying %q", tt.id, tt.new, problems, tt.field, tt.msg)
		}
	}
}
