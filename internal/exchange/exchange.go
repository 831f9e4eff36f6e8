// Package exchange is the file side of data exchange with the agency's system
// of record: the CSV column sets of each kind of import, reading and checking
// their rows, the problems and counts an import reports, and writing the
// rules contract's facts as a stream. It holds no SQL (internal/store applies
// the rows) and no HTTP. See docs/import.md.
package exchange

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/casework/casework/internal/domain"
)

// Problem is one thing wrong with an input file: a CSV row and column, or a
// facts field path, and the reason in words.
type Problem struct {
	Row    int    // CSV: the record's line in the file (the header is line 1); 0 for the whole file
	Column string // CSV: the column's name
	Path   string // facts: the field, as `rules eval` names it (cases[3].assigned)
	Msg    string
}

func (p Problem) String() string {
	switch {
	case p.Path != "":
		return p.Path + ": " + p.Msg
	case p.Row > 0 && p.Column != "":
		return "row " + strconv.Itoa(p.Row) + ", " + p.Column + ": " + p.Msg
	case p.Row > 0:
		return "row " + strconv.Itoa(p.Row) + ": " + p.Msg
	case p.Column != "":
		return p.Column + ": " + p.Msg
	}
	return p.Msg
}

// MaxProblems is how many problems a report keeps; beyond it they are only
// counted (a file with that many is not worth reading line by line).
const MaxProblems = 10000

// Problems collects problems up to MaxProblems and counts the rest.
type Problems struct {
	List []Problem
	More int // problems found beyond MaxProblems
}

// Add records one problem.
func (ps *Problems) Add(p Problem) {
	if len(ps.List) >= MaxProblems {
		ps.More++
		return
	}
	ps.List = append(ps.List, p)
}

// Addf records a problem at a CSV row and column.
func (ps *Problems) Addf(row int, column, format string, args ...any) {
	ps.Add(Problem{Row: row, Column: column, Msg: fmt.Sprintf(format, args...)})
}

// Len is the number of problems found, kept or not.
func (ps *Problems) Len() int { return len(ps.List) + ps.More }

// Sort orders the problems by row, then column order as given, then path.
func (ps *Problems) Sort(columns []string) {
	pos := map[string]int{}
	for i, c := range columns {
		pos[c] = i + 1
	}
	sort.SliceStable(ps.List, func(i, j int) bool {
		a, b := ps.List[i], ps.List[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		if pos[a.Column] != pos[b.Column] {
			return pos[a.Column] < pos[b.Column]
		}
		return a.Path < b.Path
	})
}

// Count is what an import did to one kind of record (domain.ImportCount:
// the administrators' list of imports shows it).
type Count = domain.ImportCount

// Report is the outcome of an import: either problems (and nothing changed)
// or counts.
type Report struct {
	ImportID int64 // the imports row, when the import was applied
	Kind     string
	File     string
	Counts   []*Count // in the order first counted
	Problems Problems
}

// OK reports whether the import found no problem.
func (r *Report) OK() bool { return r.Problems.Len() == 0 }

// Count returns the tally of one kind of record, adding it if new.
func (r *Report) Count(name string) *Count {
	for _, c := range r.Counts {
		if c.Name == name {
			return c
		}
	}
	c := &Count{Name: name}
	r.Counts = append(r.Counts, c)
	return c
}

// CountsMap is the counts keyed by record name, for the audit log and the
// imports table.
func (r *Report) CountsMap() map[string]Count {
	m := make(map[string]Count, len(r.Counts))
	for _, c := range r.Counts {
		m[c.Name] = *c
	}
	return m
}

// Summary is the counts in one line: "cases: 3 created, 1 updated, 580 unchanged; ...".
func (r *Report) Summary() string {
	var parts []string
	for _, c := range r.Counts {
		parts = append(parts, fmt.Sprintf("%s: %d created, %d updated, %d unchanged", c.Name, c.Created, c.Updated, c.Unchanged))
	}
	return strings.Join(parts, "; ")
}
