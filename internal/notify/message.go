package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casework/casework/internal/rules"
)

// Message is what a digest or an escalation says, stored as the outbox
// row's params and rendered as plain text and HTML when sent. Links are
// paths in the app; the renderer makes them absolute.
type Message struct {
	Role     string    `json:"role,omitempty"`
	Date     string    `json:"date"`
	Heading  string    `json:"heading"`
	Sections []Section `json:"sections"`
}

// Section is one part of a message: overdue, due within a week, ...
type Section struct {
	Title  string  `json:"title"`
	Groups []Group `json:"groups"`
}

// Group is a section's items for one worker, unit or case.
type Group struct {
	Heading string `json:"heading,omitempty"`
	Link    string `json:"link,omitempty"`
	Items   []Item `json:"items"`
}

// Item is one thing owed.
type Item struct {
	Text string `json:"text"`
	Link string `json:"link,omitempty"`
}

// Empty reports whether the message has nothing to say.
func (m Message) Empty() bool {
	for _, s := range m.Sections {
		for _, g := range s.Groups {
			if len(g.Items) > 0 {
				return false
			}
		}
	}
	return true
}

// Day writes a calendar date for people: "Tue 1 Dec 2026".
func Day(d rules.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.Year(), d.Month(), d.Day()
	b := make([]byte, 0, 16)
	b = append(b, weekdays[d.Weekday()]...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(day), 10)
	b = append(b, ' ')
	b = append(b, months[m-1]...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(y), 10)
	return string(b)
}

var (
	weekdays = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	months   = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// dayOf is Day for a date read from the database.
func dayOf(t time.Time) string {
	return Day(rules.DateOf(t.Year(), int(t.Month()), t.Day()))
}

// ObligationLine is the line a message gives an obligation: what is owed,
// on which case, by when, in the words the pages use (never a rule id).
func ObligationLine(caseNumber, words string, o rules.Obligation) string {
	// Written piece by piece, not through fmt: a state's digests write
	// hundreds of thousands of these lines.
	day := Day(o.Due)
	var b strings.Builder
	b.Grow(len("Case : ") + len(caseNumber) + len(words) + len(" — overdue since ") + len(day))
	if caseNumber != "" {
		b.WriteString("Case ")
		b.WriteString(caseNumber)
		b.WriteString(": ")
	}
	b.WriteString(words)
	switch o.State {
	case rules.StateOverdue:
		b.WriteString(" — overdue since ")
	default:
		b.WriteString(" — due ")
	}
	b.WriteString(day)
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
