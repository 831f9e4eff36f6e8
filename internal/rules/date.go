package rules

import (
	"errors"
	"strconv"
)

// Date is a civil calendar date: no time, no zone. The zero Date means
// "absent" (a missing or null field); every valid date from 0001-01-01 to
// 9999-12-31 is non-zero.
//
// A Date is a small value: compare with ==, Before, After or Compare; the
// difference between two dates in days is d.Sub(e).
type Date struct {
	n int32 // days since 1970-01-01, plus dateBias; 0 = absent
}

const dateBias = 1 << 20 // keeps 0001-01-01 (-719162) positive

// days returns the number of days since 1970-01-01 (negative before).
func (d Date) days() int32 { return d.n - dateBias }

func fromDays(z int32) Date { return Date{n: z + dateBias} }

// DateOf returns the date y-m-d, normalising out-of-range days and months
// the way time.Date does (2026-13-01 is 2027-01-01). It panics on nothing.
func DateOf(y, m, d int) Date {
	// normalise month
	m--
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	m++
	return fromDays(int32(daysFromCivil(y, m, 1) + int64(d-1)))
}

// daysFromCivil (Howard Hinnant's algorithm): days since 1970-01-01.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	var era int
	if y >= 0 {
		era = y / 400
	} else {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civil returns year, month (1-12) and day of the date.
func (d Date) civil() (y, m, day int) {
	z := int64(d.days()) + 719468
	var era int64
	if z >= 0 {
		era = z / 146097
	} else {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		yy++
	}
	return int(yy), m, day
}

// Year, Month and Day return the parts of the date.
func (d Date) Year() int  { y, _, _ := d.civil(); return y }
func (d Date) Month() int { _, m, _ := d.civil(); return m }
func (d Date) Day() int   { _, _, x := d.civil(); return x }

// Weekday returns 0 for Sunday through 6 for Saturday.
func (d Date) Weekday() int {
	z := int64(d.days())
	w := (z + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return int(w)
}

// IsWeekend reports whether the date is a Saturday or a Sunday.
func (d Date) IsWeekend() bool { w := d.Weekday(); return w == 0 || w == 6 }

// IsZero reports whether the date is absent.
func (d Date) IsZero() bool { return d.n == 0 }

// Before, After and Compare order dates; the zero Date sorts first.
func (d Date) Before(e Date) bool { return d.n < e.n }
func (d Date) After(e Date) bool  { return d.n > e.n }
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// Equal reports whether d and e are the same date (go-cmp uses it).
func (d Date) Equal(e Date) bool { return d.n == e.n }

// Sub returns d - e in days.
func (d Date) Sub(e Date) int { return int(d.n - e.n) }

// AddDays returns the date n calendar days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return Date{n: d.n + int32(n)} }

// AddMonths returns the same day number n months later, clamped to the last
// day of a shorter month: 2026-11-30 + 3 months = 2027-02-28,
// 2024-02-29 + 12 months = 2025-02-28.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.civil()
	t := y*12 + (m - 1) + n
	ny := t / 12
	if t < 0 && t%12 != 0 {
		ny--
	}
	nm := t - ny*12 + 1
	if last := daysIn(ny, nm); day > last {
		day = last
	}
	return fromDays(int32(daysFromCivil(ny, nm, day)))
}

// EndOfMonth returns the last day of the date's month.
func (d Date) EndOfMonth() Date {
	y, m, _ := d.civil()
	return fromDays(int32(daysFromCivil(y, m, daysIn(y, m))))
}

// StartOfMonth returns the first day of the date's month.
func (d Date) StartOfMonth() Date { return d.AddDays(1 - d.Day()) }

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

var errNotDate = errors.New("not a date (want YYYY-MM-DD)")

// ParseDate parses a YYYY-MM-DD calendar date (years 0001-9999).
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, errNotDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return Date{}, errNotDate
	}
	return fromDays(int32(daysFromCivil(y, m, d))), nil
}

// MustDate is ParseDate for constants in tables and tests; it panics on a
// malformed date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic("rules.MustDate(" + strconv.Quote(s) + "): " + err.Error())
	}
	return d
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// appendDate appends YYYY-MM-DD to b.
func (d Date) appendTo(b []byte) []byte {
	y, m, day := d.civil()
	if y < 0 || y > 9999 { // outside ParseDate's range: still readable
		b = strconv.AppendInt(b, int64(y), 10)
		return append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10))
	}
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+day/10), byte('0'+day%10))
}

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var buf [10]byte
	return string(d.appendTo(buf[:0]))
}

// MarshalJSON encodes the date as "YYYY-MM-DD", or null when zero.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts "YYYY-MM-DD" or null (the zero Date).
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errNotDate
	}
	p, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalText and UnmarshalText let a Date be a map key or a flag value.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func minDate(a, b Date) Date {
	if a.n < b.n {
		return a
	}
	return b
}

func maxDate(a, b Date) Date {
	if a.n > b.n {
		return a
	}
	return b
}
