package rules

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026-11-22", "2024-02-29", "0001-01-01", "9999-12-31", "2000-02-29", "1970-01-01", "1969-12-31"} {
		got, err := ParseDate(s)
		if err != nil || got.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "2026-13-01", "2025-02-29", "1900-02-29", "2026-11-31", "2026-1-01", "26-11-22", "2026/11/22",
		"2026-11-22T00:00:00Z", "0000-01-01", "+026-11-22", "2026-00-10", "2026-11-00", "２０２６-11-22"} {
		if got, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, got)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  Date
		want string
	}{
		{"N days crosses a month", d("2026-11-25").AddDays(7), "2026-12-02"},
		{"N days crosses a leap day", d("2024-02-28").AddDays(2), "2024-03-01"},
		{"months: same day number", d("2026-10-01").AddMonths(3), "2027-01-01"},
		{"months: clamped to a shorter month", d("2026-11-30").AddMonths(3), "2027-02-28"},
		{"months: 2024-02-29 + 12 months", d("2024-02-29").AddMonths(12), "2025-02-28"},
		{"months: 2024-01-31 + 1 month in a leap year", d("2024-01-31").AddMonths(1), "2024-02-29"},
		{"months: backwards over a year", d("2026-03-31").AddMonths(-13), "2025-02-28"},
		{"end of month", d("2026-02-10").EndOfMonth(), "2026-02-28"},
		{"end of month, leap", d("2028-02-01").EndOfMonth(), "2028-02-29"},
		{"start of month", d("2026-12-31").StartOfMonth(), "2026-12-01"},
		{"DateOf normalises", DateOf(2026, 13, 1), "2027-01-01"},
		{"DateOf day 0", DateOf(2026, 3, 0), "2026-02-28"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	if w := d("2026-11-22").Weekday(); w != 0 {
		t.Errorf("2026-11-22 is a Sunday, got weekday %d", w)
	}
	if w := d("1969-12-31").Weekday(); w != 3 {
		t.Errorf("1969-12-31 is a Wednesday, got weekday %d", w)
	}
	if d("2026-11-23").Sub(d("2026-11-16")) != 7 {
		t.Error("Sub")
	}
	// Every day of 1999-2031 round-trips through its parts.
	for x := d("1999-01-01"); x.Before(d("2032-01-01")); x = x.AddDays(1) {
		y, m, dd := x.civil()
		if DateOf(y, m, dd) != x {
			t.Fatalf("round trip of %s", x)
		}
		if x.AddDays(1).Weekday() != (x.Weekday()+1)%7 {
			t.Fatalf("weekday after %s", x)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type T struct {
		A Date `json:"a"`
		B Date `json:"b"`
	}
	b, err := json.Marshal(T{A: d("2026-11-22")})
	if err != nil || string(b) != `{"a":"2026-11-22","b":null}` {
		t.Errorf("Marshal: %s, %v", b, err)
	}
	var v T
	if err := json.Unmarshal([]byte(`{"a":"2024-02-29","b":null}`), &v); err != nil || v.A != d("2024-02-29") || !v.B.IsZero() {
		t.Errorf("Unmarshal: %+v, %v", v, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"2024-02-30"}`), &v); err == nil {
		t.Error("Unmarshal of 2024-02-30: want an error")
	}
}

func TestBusinessDays(t *testing.T) {
	none := NewCalendar(nil)
	nj, _ := LookupProfile("nj-cpp")
	tests := []struct {
		name string
		cal  Calendar
		from string
		n    int
		want string
	}{
		{"contract: received Fri, two business days, due Tue", none, "2026-11-20", 2, "2026-11-24"},
		{"from a Saturday, one business day is Monday", none, "2026-11-21", 1, "2026-11-23"},
		{"from a Sunday, one business day is Monday", none, "2026-11-22", 1, "2026-11-23"},
		{"Thanksgiving with the NJ calendar", nj.Calendar, "2026-11-25", 1, "2026-11-27"},
		{"Christmas and New Year (observed Fri 2027-12-31) with NJ", nj.Calendar, "2027-12-23", 2, "2027-12-28"},
		{"ten business days over Veterans Day with NJ", nj.Calendar, "2026-11-03", 10, "2026-11-18"},
		{"zero business days is the same day", none, "2026-11-21", 0, "2026-11-21"},
	}
	for _, tt := range tests {
		if got := tt.cal.AddBusinessDays(d(tt.from), tt.n); got.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestHolidayCalendars(t *testing.T) {
	dates := func(ss ...string) []Date {
		var out []Date
		for _, s := range ss {
			out = append(out, d(s))
		}
		return out
	}
	federal2026 := []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
		"2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"}
	tests := []struct {
		profile string
		from    string
		to      string
		want    []string
	}{
		{"policy-46100", "2026-01-01", "2026-12-31", federal2026},
		{"nj-cpp", "2026-01-01", "2026-12-31", []string{"2026-01-01", "2026-01-19", "2026-02-12", "2026-02-16", "2026-04-03",
			"2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12", "2026-11-03", "2026-11-11", "2026-11-26", "2026-12-25"}},
		{"tx-dfps", "2026-01-01", "2026-12-31", []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19",
			"2026-07-03", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-11-27", "2026-12-24", "2026-12-25", "2026-12-26"}},
		// New Year's Day 2022 fell on a Saturday: observed Friday 2021-12-31.
		// Juneteenth 2022 fell on a Sunday: observed Monday 2022-06-20.
		{"policy-46100", "2021-12-01", "2022-06-30", []string{"2021-12-24", "2021-12-31", "2022-01-17", "2022-02-21", "2022-05-30", "2022-06-20"}},
		// No Juneteenth before 2021.
		{"policy-46100", "2020-06-01", "2020-07-31", []string{"2020-07-03"}},
	}
	for _, tt := range tests {
		p, _ := LookupProfile(tt.profile)
		got := p.Calendar.Holidays(d(tt.from), d(tt.to))
		if diff := cmp.Diff(dates(tt.want...), got); diff != "" {
			t.Errorf("%s holidays %s..%s (-want +got):\n%s", tt.profile, tt.from, tt.to, diff)
		}
	}
	// Good Friday follows Easter.
	for y, want := range map[int]string{2024: "2024-03-29", 2025: "2025-04-18", 2026: "2026-04-03", 2035: "2035-03-23"} {
		if got := easter(y).AddDays(-2).String(); got != want {
			t.Errorf("Good Friday %d: got %s, want %s", y, got, want)
		}
	}
}
