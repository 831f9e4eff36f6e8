package exchange

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casework/casework/internal/rules"
)

// CSVReader reads a CSV file of one kind as a stream, one row at a time,
// checking every value: rows with a problem are reported (row, column,
// reason) and skipped, the others handed on. Memory does not grow with the
// file. The file is UTF-8 (a byte-order mark is allowed), comma-separated,
// with a header row naming the columns in any order.
type CSVReader struct {
	kind     *Kind
	problems *Problems
	r        *csv.Reader
	idx      []int // for each column of the kind, its index in the file's records; -1 when absent
	width    int   // fields in the header
	row      int
	values   []any
	bad      bool
	err      error
	// Rows counts the data rows read, good or bad.
	Rows int
}

// NewCSVReader reads r as a file of the kind, adding problems to ps.
func NewCSVReader(kind *Kind, r io.Reader, ps *Problems) *CSVReader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &CSVReader{kind: kind, problems: ps, r: cr, values: make([]any, len(kind.Columns))}
}

// ReadHeader reads and checks the header row. False means the file cannot be
// read as this kind (the problems say why).
func (c *CSVReader) ReadHeader() bool {
	rec, err := c.r.Read()
	switch {
	case errors.Is(err, io.EOF):
		c.problems.Add(Problem{Row: 1, Msg: "the file is empty: the first row must name the columns (" + strings.Join(c.kind.ColumnNames(), ",") + ")"})
		return false
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.problems.Add(Problem{Row: 1, Msg: "the header is not valid CSV: " + pe.Err.Error()})
			return false
		}
		c.err = err
		return false
	}
	c.width = len(rec)
	c.idx = make([]int, len(c.kind.Columns))
	for i := range c.idx {
		c.idx[i] = -1
	}
	ok := true
	for i, name := range rec {
		if !utf8.ValidString(name) {
			c.problems.Add(Problem{Row: 1, Msg: fmt.Sprintf("column %d: the header is not valid UTF-8", i+1)})
			ok = false
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		j := slices.IndexFunc(c.kind.Columns, func(col Column) bool { return col.Name == name })
		switch {
		case name == "" && i == len(rec)-1 && i > 0:
			c.width-- // a trailing comma
		case j < 0:
			c.problems.Add(Problem{Row: 1, Column: name, Msg: fmt.Sprintf("unknown column (the columns of %s are: %s)", c.kind.Name, strings.Join(c.kind.ColumnNames(), ", "))})
			ok = false
		case c.idx[j] >= 0:
			c.problems.Add(Problem{Row: 1, Column: name, Msg: "the column appears twice"})
			ok = false
		default:
			c.idx[j] = i
		}
	}
	for j, col := range c.kind.Columns {
		if col.Required && c.idx[j] < 0 {
			c.problems.Add(Problem{Row: 1, Column: col.Name, Msg: "missing column (required)"})
			ok = false
		}
	}
	return ok
}

// Next reads the next row and reports whether there is one; its problems are
// reported as it goes. A row whose values are all there but some of them bad
// is returned too, with Bad true and the bad values nil, so that the checks
// across rows and against the database see its good values (the import is
// refused anyway). A row that cannot be read as the header's columns (bad
// CSV, a wrong number of values) is reported and skipped. False at the end of
// the file or on a read error (see Err).
func (c *CSVReader) Next() bool {
	for c.err == nil {
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			return false
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.Rows++
			c.problems.Add(Problem{Row: pe.StartLine, Msg: "not valid CSV: " + pe.Err.Error()})
			continue
		}
		if err != nil {
			c.err = err
			return false
		}
		c.Rows++
		c.row, _ = c.r.FieldPos(0)
		if ok, usable := c.parse(rec); usable {
			c.bad = !ok
			return true
		}
	}
	return false
}

// Bad reports whether the current row has a problem.
func (c *CSVReader) Bad() bool { return c.bad }

// Row is the line of the file where the current row starts.
func (c *CSVReader) Row() int { return c.row }

// Values are the current row's values, in the kind's column order: a string,
// a time.Time (dates, at UTC midnight), a bool, or nil for an empty value.
// The slice is reused by the next call to Next.
func (c *CSVReader) Values() []any { return c.values }

// Err is the read error that stopped the reading, if any (not a problem of
// the file's content, which are reported as problems).
func (c *CSVReader) Err() error { return c.err }

// Column returns the current row's value of a column by name.
func (c *CSVReader) Column(name string) any {
	for j, col := range c.kind.Columns {
		if col.Name == name {
			return c.values[j]
		}
	}
	return nil
}

// parse reads a record into values: ok when it has no problem, usable when
// its values map to the columns (a row with the wrong number of values does not).
func (c *CSVReader) parse(rec []string) (ok, usable bool) {
	before := c.problems.Len()
	add := func(column, format string, args ...any) {
		c.problems.Add(Problem{Row: c.row, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
	n := len(rec)
	if n > c.width && strings.TrimSpace(strings.Join(rec[c.width:], "")) == "" {
		n = c.width // trailing empty fields
	}
	if n != c.width {
		add("", "has %d values, the header has %d columns", n, c.width)
		return false, false
	}
	for j, col := range c.kind.Columns {
		c.values[j] = nil
		if c.idx[j] < 0 {
			continue
		}
		raw := rec[c.idx[j]]
		if !utf8.ValidString(raw) {
			add(col.Name, "not valid UTF-8 (the file must be UTF-8)")
			continue
		}
		s := strings.TrimSpace(raw)
		if s == "" {
			if col.Required {
				add(col.Name, "required")
			}
			continue
		}
		switch col.Type {
		case Text:
			c.values[j] = s
		case Date:
			d, err := rules.ParseDate(s)
			if err != nil {
				add(col.Name, "%q is not a date (want YYYY-MM-DD)", s)
				continue
			}
			c.values[j] = time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC)
		case Enum:
			if !slices.Contains(col.Values, s) {
				add(col.Name, "%q is not one of %s", s, strings.Join(col.Values, ", "))
				continue
			}
			c.values[j] = s
		case Bool:
			switch strings.ToLower(s) {
			case "true", "yes", "1", "t", "y":
				c.values[j] = true
			case "false", "no", "0", "f", "n":
				c.values[j] = false
			default:
				add(col.Name, "%q is not true or false", s)
			}
		case Email:
			a, err := mail.ParseAddress(s)
			if err != nil || a.Address != s || !strings.Contains(s, "@") {
				add(col.Name, "%q is not an email address", s)
				continue
			}
			c.values[j] = strings.ToLower(s)
		}
	}
	if c.problems.Len() == before && c.kind.check != nil {
		c.kind.check(c, add)
	}
	return c.problems.Len() == before, true
}

// rowChecks are the checks across the columns of one row, by kind.
func init() {
	LookupKind("staff").check = func(c *CSVReader, add func(string, string, ...any)) {
		role, _ := c.Column("role").(string)
		unit, since := c.Column("unit"), c.Column("since")
		switch role {
		case rules.RoleWorker, rules.RoleSupervisor:
			if unit == nil {
				add("unit", "required for a %s (the unit they %s)", role, map[string]string{"worker": "belong to", "supervisor": "supervise"}[role])
			}
			if since == nil {
				add("since", "required for a %s (the date they took the post)", role)
			}
		case rules.RoleCaseworkSupervisor:
			if unit != nil {
				add("unit", "a casework supervisor has no unit (their area is the units whose supervisors report to them)")
			}
		}
		if c.Column("reports_to") != nil && role != rules.RoleSupervisor {
			add("reports_to", "only a supervisor reports to someone here (a worker's supervisor is their unit's)")
		}
		if c.Column("experience_start") != nil && role != rules.RoleWorker {
			add("experience_start", "only a worker has an experience start")
		}
		if r, ok := c.Column("reports_to").(string); ok && r == c.Column("staff_id") {
			add("reports_to", "a staff member cannot report to themselves")
		}
	}
	LookupKind("cases").check = func(c *CSVReader, add func(string, string, ...any)) {
		if c.Column("setting") == rules.SettingOutOfHome && c.Column("placement_date") == nil {
			add("placement_date", "required for an out_of_home case")
		}
		if c.Column("court_involved") == false && c.Column("court_next") != nil {
			add("court_involved", "false, but a court date is given")
		}
		received, _ := c.Column("received").(time.Time)
		closed, _ := c.Column("closed").(time.Time)
		if !received.IsZero() && !closed.IsZero() && closed.Before(received) {
			add("closed", "%s is before received %s", closed.Format(time.DateOnly), received.Format(time.DateOnly))
		}
	}
	LookupKind("events").check = func(c *CSVReader, add func(string, string, ...any)) {
		day, _ := c.Column("date").(time.Time)
		doc, _ := c.Column("documented_on").(time.Time)
		if !doc.IsZero() && doc.Before(day) {
			add("documented_on", "%s is before the event's date %s", doc.Format(time.DateOnly), day.Format(time.DateOnly))
		}
	}
}
