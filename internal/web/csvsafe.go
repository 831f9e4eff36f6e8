package web

import (
	"encoding/csv"
	"io"
	"strings"
)

// safeCSV writes CSV whose cells a spreadsheet never runs as a formula:
// OWASP's CSV injection rule, a cell beginning with =, +, -, @, a tab or a
// carriage return is prefixed with a single quote, which spreadsheets show
// as text. Every export writes through it, names typed by people included
// (a worker renamed "=HYPERLINK(...)").
type safeCSV struct{ w *csv.Writer }

func newSafeCSV(w io.Writer) *safeCSV { return &safeCSV{w: csv.NewWriter(w)} }

func (s *safeCSV) Write(cells []string) error {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = neutralizeCell(c)
	}
	return s.w.Write(out)
}

func (s *safeCSV) Flush() { s.w.Flush() }

func neutralizeCell(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}
