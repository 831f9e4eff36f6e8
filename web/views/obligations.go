package views

import (
	"fmt"
	"strconv"
	"time"

	"github.com/casework/casework/internal/rules"
)

// StateWords is an obligation's state as a person reads it.
func StateWords(state string) string {
	switch state {
	case rules.StateOpen:
		return "due"
	case rules.StateOverdue:
		return "overdue"
	case rules.StateMet:
		return "met"
	case rules.StateMetLate:
		return "met late"
	}
	return state
}

// StateClass picks the badge colour of a state.
func StateClass(state string) string {
	switch state {
	case rules.StateOverdue:
		return "badge risk"
	case rules.StateMetLate:
		return "badge warn"
	case rules.StateMet:
		return "badge ok"
	}
	return "badge"
}

// labelOf names an obligation with the label of its rule in the version it
// was evaluated with (labels, from rules.Version.Labels of the result the
// obligation came from). A rule the version does not name is "Obligation",
// as Result.Label says it: never the rule id, and never a label looked up
// elsewhere than in the version evaluated.
func labelOf(labels map[string]string, o rules.Obligation) string {
	if l, ok := labels[o.Rule]; ok {
		return l
	}
	return "Obligation"
}

// RDate formats a rules date like Date.
func RDate(d rules.Date) string {
	if d.IsZero() {
		return "—"
	}
	return time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC).Format("Mon 2 Jan 2006")
}

// Itoa is strconv.Itoa for templates.
func Itoa(n int) string { return strconv.Itoa(n) }

// Href builds a link path with formatted parts.
func Href(format string, args ...any) string { return fmt.Sprintf(format, args...) }
