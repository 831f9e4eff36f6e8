package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// ProfileError is one problem of a profile file: the line it is on (0 when
// the file as a whole is wrong), the field, and what is wrong with it.
type ProfileError struct {
	Line  int
	Field string
	Msg   string
}

func (e ProfileError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// fields reads the keys of one table of a profile file, reporting every
// problem with its line and field, and the keys nobody read.
type fields struct {
	t    *ttable
	path string // "rule \"case.assignment\"", "calendar", "" for the top
	used map[string]bool
	errs *[]ProfileError
}

func newFields(t *ttable, path string, errs *[]ProfileError) *fields {
	return &fields{t: t, path: path, used: map[string]bool{}, errs: errs}
}

func (f *fields) name(key string) string {
	if f.path == "" {
		return key
	}
	return f.path + "." + key
}

func (f *fields) fail(line int, key, msg string) {
	*f.errs = append(*f.errs, ProfileError{Line: line, Field: f.name(key), Msg: msg})
}

// get returns the key's value, nil when absent (and reports it when
// required).
func (f *fields) get(key string, required bool) *tval {
	f.used[key] = true
	v, ok := f.t.vals[key]
	if !ok {
		if required {
			f.fail(f.t.line, key, "required")
		}
		return nil
	}
	return v
}

func kindWords(v *tval) string {
	switch v.kind {
	case unstable.String:
		return "text"
	case unstable.Integer:
		return "a number"
	case unstable.Bool:
		return "true or false"
	case unstable.Array:
		return "a list"
	case unstable.Table:
		return "a table"
	case unstable.LocalDate:
		return "a date"
	}
	return strings.ToLower(v.kind.String())
}

func (f *fields) str(key string, required bool) string {
	v := f.get(key, required)
	if v == nil {
		return ""
	}
	if v.kind != unstable.String {
		f.fail(v.line, key, "want text in quotes, not "+kindWords(v))
		return ""
	}
	s := strings.TrimSpace(v.s)
	if required && s == "" {
		f.fail(v.line, key, "must not be empty")
	}
	return s
}

// oneOf reads a text that must be one of the known words.
func (f *fields) oneOf(key string, required bool, known []string) string {
	s := f.str(key, required)
	if s != "" && !slices.Contains(known, s) {
		f.fail(f.line(key), key, strconv.Quote(s)+" is not one of "+strings.Join(known, ", "))
		return ""
	}
	return s
}

func (f *fields) line(key string) int {
	if v, ok := f.t.vals[key]; ok {
		return v.line
	}
	return f.t.line
}

func (f *fields) has(key string) bool {
	_, ok := f.t.vals[key]
	return ok
}

// num reads a whole number lo..hi; 0 when absent.
func (f *fields) num(key string, lo, hi int) int {
	v := f.get(key, false)
	if v == nil {
		return 0
	}
	if v.kind != unstable.Integer || !v.nOK {
		f.fail(v.line, key, "want a whole number, not "+kindWords(v))
		return 0
	}
	if v.n < int64(lo) || v.n > int64(hi) {
		f.fail(v.line, key, "must be from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+", not "+strconv.FormatInt(v.n, 10))
		return 0
	}
	return int(v.n)
}

func (f *fields) flag(key string) bool {
	v := f.get(key, false)
	if v == nil {
		return false
	}
	if v.kind != unstable.Bool {
		f.fail(v.line, key, "want true or false, not "+kindWords(v))
		return false
	}
	return v.s == "true"
}

// date reads a date, written 2026-11-22 or "2026-11-22".
func (f *fields) date(key string) Date {
	v := f.get(key, false)
	if v == nil {
		return Date{}
	}
	if v.kind != unstable.LocalDate && v.kind != unstable.String {
		f.fail(v.line, key, "want a date (YYYY-MM-DD), not "+kindWords(v))
		return Date{}
	}
	d, err := ParseDate(v.s)
	if err != nil {
		f.fail(v.line, key, strconv.Quote(v.s)+" is not a date (want YYYY-MM-DD)")
	}
	return d
}

// strs reads a list of texts.
func (f *fields) strs(key string, required bool) []string {
	v := f.get(key, required)
	if v == nil {
		return nil
	}
	if v.kind != unstable.Array || v.arrTables {
		f.fail(v.line, key, "want a list of texts in quotes, like [\"a\", \"b\"], not "+kindWords(v))
		return nil
	}
	var out []string
	for i, e := range v.arr {
		if e.kind != unstable.String {
			f.fail(e.line, key+"["+strconv.Itoa(i)+"]", "want text in quotes, not "+kindWords(e))
			continue
		}
		out = append(out, strings.TrimSpace(e.s))
	}
	if required && len(v.arr) == 0 {
		f.fail(v.line, key, "must not be empty")
	}
	return out
}

// table reads a table ([x] header, or an inline { ... }); nil when absent.
func (f *fields) table(key, path string) *fields {
	v := f.get(key, false)
	if v == nil {
		return nil
	}
	if v.kind != unstable.Table {
		f.fail(v.line, key, "want a table, not "+kindWords(v))
		return nil
	}
	return newFields(v.tbl, path, f.errs)
}

// tables reads an array of tables ([[x]] headers); each with its line.
func (f *fields) tables(key string) []*ttable {
	v := f.get(key, false)
	if v == nil {
		return nil
	}
	if !v.arrTables {
		f.fail(v.line, key, "want [["+key+"]] blocks, not "+kindWords(v))
		return nil
	}
	var out []*ttable
	for _, e := range v.arr {
		out = append(out, e.tbl)
	}
	return out
}

// done reports the keys of the table nobody read: a misspelt field is a
// problem, not silently ignored.
func (f *fields) done(known ...string) {
	for _, k := range f.t.keys {
		if f.used[k] {
			continue
		}
		var names []string
		for n := range f.used {
			names = append(names, n)
		}
		names = append(names, known...)
		slices.Sort(names)
		f.fail(f.t.vals[k].line, k, "unknown field (known: "+strings.Join(slices.Compact(names), ", ")+")")
	}
}
