package rules

import (
	"slices"
	"strconv"
	"strings"
)

// Calendar says which days are business days: Monday to Friday, except the
// holidays it holds. It is immutable once built.
type Calendar struct {
	lo   int32    // Date.n of bit 0
	bits []uint64 // holiday bitmap from lo
}

// NewCalendar returns a calendar whose non-business days are Saturdays,
// Sundays and the given holidays.
func NewCalendar(holidays []Date) Calendar {
	var lo, hi int32
	first := true
	for _, h := range holidays {
		if h.IsZero() {
			continue
		}
		if first || h.n < lo {
			lo = h.n
		}
		if first || h.n > hi {
			hi = h.n
		}
		first = false
	}
	if first {
		return Calendar{}
	}
	c := Calendar{lo: lo, bits: make([]uint64, (hi-lo)/64+1)}
	for _, h := range holidays {
		if !h.IsZero() {
			i := h.n - lo
			c.bits[i/64] |= 1 << (uint(i) % 64)
		}
	}
	return c
}

// IsHoliday reports whether d is one of the calendar's holidays.
func (c Calendar) IsHoliday(d Date) bool {
	i := d.n - c.lo
	if i < 0 || int(i/64) >= len(c.bits) {
		return false
	}
	return c.bits[i/64]&(1<<(uint(i)%64)) != 0
}

// IsBusinessDay reports whether d is neither a weekend day nor a holiday.
func (c Calendar) IsBusinessDay(d Date) bool { return !d.IsWeekend() && !c.IsHoliday(d) }

// AddBusinessDays counts forward from the day after d, skipping weekends and
// holidays; the nth business day is the result. Received Fri 2026-11-20, two
// business days: Mon 23 is the first, the result is Tue 2026-11-24.
func (c Calendar) AddBusinessDays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// Holidays returns the calendar's holidays from..to, both included.
func (c Calendar) Holidays(from, to Date) []Date {
	var out []Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if c.IsHoliday(d) {
			out = append(out, d)
		}
	}
	return out
}

// Holiday calendars of the profiles, computed by code for calendarFirstYear
// through calendarLastYear (outside that range only weekends are skipped).
const (
	calendarFirstYear = 2000
	calendarLastYear  = 2099
)

// nthWeekday returns the nth (1-based) weekday wd (0 = Sunday) of month m.
func nthWeekday(y, m, wd, n int) Date {
	first := DateOf(y, m, 1)
	off := (wd - first.Weekday() + 7) % 7
	return first.AddDays(off + 7*(n-1))
}

// lastWeekday returns the last weekday wd of month m.
func lastWeekday(y, m, wd int) Date {
	last := DateOf(y, m, daysIn(y, m))
	off := (last.Weekday() - wd + 7) % 7
	return last.AddDays(-off)
}

// observed moves a holiday falling on Saturday to the Friday before and one
// falling on Sunday to the Monday after (5 U.S.C. 6103; Executive Order 11582).
func observed(d Date) Date {
	switch d.Weekday() {
	case 6:
		return d.AddDays(-1)
	case 0:
		return d.AddDays(1)
	}
	return d
}

// easter returns Easter Sunday (anonymous Gregorian algorithm).
func easter(y int) Date {
	a := y % 19
	b := y / 100
	c := y % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return DateOf(y, month, day)
}

// federalHolidays returns the US federal holidays of year y as observed
// (5 U.S.C. 6103). New Year's Day of y+1 falling on a Saturday is observed on
// Friday 31 December of y and is returned with y.
func federalHolidays(y int) []Date {
	h := []Date{
		observed(DateOf(y, 1, 1)),
		nthWeekday(y, 1, 1, 3), // Birthday of Martin Luther King, Jr.
		nthWeekday(y, 2, 1, 3), // Washington's Birthday
		lastWeekday(y, 5, 1),   // Memorial Day
		observed(DateOf(y, 7, 4)),
		nthWeekday(y, 9, 1, 1),  // Labor Day
		nthWeekday(y, 10, 1, 2), // Columbus Day
		observed(DateOf(y, 11, 11)),
		nthWeekday(y, 11, 4, 4), // Thanksgiving Day
		observed(DateOf(y, 12, 25)),
	}
	if y >= 2021 { // Juneteenth National Independence Day, from 2021
		h = append(h, observed(DateOf(y, 6, 19)))
	}
	if next := DateOf(y+1, 1, 1); next.Weekday() == 6 {
		h = append(h, next.AddDays(-1))
	}
	return h
}

// Named holidays a profile's calendar may list besides "us_federal" and
// dates ("MM-DD" every year, "MM-DD observed" moved off weekends like the
// federal ones, "YYYY-MM-DD" once).
var namedHolidays = map[string]func(y int) Date{
	// Good Friday: two days before Easter Sunday.
	"good_friday": func(y int) Date { return easter(y).AddDays(-2) },
	// General Election Day: the Tuesday after the first Monday of November.
	"election_day": func(y int) Date { return nthWeekday(y, 11, 1, 1).AddDays(1) },
	// The day after Thanksgiving (the fourth Thursday of November).
	"day_after_thanksgiving": func(y int) Date { return nthWeekday(y, 11, 4, 4).AddDays(1) },
}

// HolidayWords returns the words a profile's calendar may list.
func HolidayWords() []string {
	out := []string{"us_federal"}
	for k := range namedHolidays {
		out = append(out, k)
	}
	slices.Sort(out[1:])
	return append(out, "MM-DD", "MM-DD observed", "YYYY-MM-DD")
}

// calendarFrom builds a calendar from a profile file's holiday list, for
// calendarFirstYear through calendarLastYear; it returns a problem for
// each entry it does not know.
func calendarFrom(spec []string) (Calendar, []string) {
	var yearly []func(y int) Date
	var all []Date
	var problems []string
	federal := false
	for _, s := range spec {
		if s == "us_federal" {
			federal = true
			continue
		}
		if f, ok := namedHolidays[s]; ok {
			yearly = append(yearly, f)
			continue
		}
		if d, err := ParseDate(s); err == nil {
			all = append(all, d)
			continue
		}
		md, obs, _ := strings.Cut(s, " ")
		m, d, ok := monthDay(md)
		if ok && (obs == "" || obs == "observed") && (s == md || obs == "observed") {
			if obs == "observed" {
				yearly = append(yearly, func(y int) Date { return observed(DateOf(y, m, min(d, daysIn(y, m)))) })
			} else {
				yearly = append(yearly, func(y int) Date { return DateOf(y, m, min(d, daysIn(y, m))) })
			}
			continue
		}
		problems = append(problems, strconv.Quote(s)+" is not a holiday this engine knows (one of "+strings.Join(HolidayWords(), ", ")+")")
	}
	for y := calendarFirstYear; y <= calendarLastYear; y++ {
		if federal {
			all = append(all, federalHolidays(y)...)
		}
		for _, f := range yearly {
			all = append(all, f(y))
		}
	}
	return NewCalendar(all), problems
}

// monthDay reads "MM-DD".
func monthDay(s string) (int, int, bool) {
	if len(s) != 5 || s[2] != '-' {
		return 0, 0, false
	}
	m, err1 := strconv.Atoi(s[:2])
	d, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > daysIn(2024, m) {
		return 0, 0, false
	}
	return m, d, true
}
