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

// RuleWords names a rule for people.
func RuleWords(rule string) string {
	if w, ok := ruleWords[rule]; ok {
		return w
	}
	return rule
}

var ruleWords = map[string]string{
	"supervision.worker":     "Conference with the worker",
	"supervision.case":       "Case discussed in conference",
	"casework.supervisor":    "Casework review with the supervisor",
	"risk.report":            "High risk reported to the casework supervisor",
	"risk.weekly":            "Weekly high-risk review",
	"case.assignment":        "Case assigned",
	"assignment.family_seen": "Family seen after assignment",
	"placement.child_seen":   "Child seen after placement",
	"placement.cprb_notice":  "CPRB notified of placement",
	"placement.relatives":    "Relatives notified of placement",
	"placement.ftm":          "Family team meeting after placement",
	"placement.staffing_90":  "90-day staffing",
	"mvr.established":        "Visit plan (MVR) established",
	"contacts.approval":      "Contact sheet approved",
	"closure.reassessment":   "Risk reassessed before closing",
	"closure.family_seen":    "Child seen before closing",
	"notes.shared":           "Conference notes shared",
	"supervision.yearly":     "Conferences this year",
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
