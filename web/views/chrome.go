// Package views holds the templ components of every page. Components take
// plain values prepared by the handlers; they query nothing.
package views

import (
	"time"

	"github.com/casework/casework/internal/access"
)

// Chrome is what every page's layout needs.
type Chrome struct {
	Title    string
	Viewer   access.Viewer // zero when signed out
	Today    time.Time     // the agency's date
	Active   string        // path of the current section, for the navigation
	CSSURL   string
	JSURL    string
	HtmxURL  string
	SignedIn bool
	// ResetNotice tells the person an administrator reset their password
	// (who, when, the sign-ins since): on every page of the session.
	ResetNotice string
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Path  string
	Label string
}

// Nav is the navigation for a role: each person sees only their own places.
func Nav(r access.Role) []NavItem {
	switch r {
	case access.Worker:
		return []NavItem{{"/agenda", "My next conference"}, {"/caseload", "My caseload"}}
	case access.Supervisor:
		return []NavItem{{"/unit", "My unit"}}
	case access.CaseworkSupervisor:
		return []NavItem{{"/area", "My area"}}
	case access.Administrator:
		return []NavItem{{"/admin", "Administration"}}
	}
	return nil
}

// Date formats a calendar date the way the policies write it.
func Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("Mon 2 Jan 2006")
}

// DatePtr formats an optional date.
func DatePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return Date(*t)
}

// Words turns a stored code (out_of_home) into words (out of home).
func Words(code string) string {
	b := []byte(code)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

// Plural is "s" unless n is 1: "3 contacts", "1 contact".
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// GoalWords is a case's goal in words; "not yet set" when it has none (the
// case plan sets it within 60 days of the report).
func GoalWords(goal string) string {
	if goal == "" {
		return "not yet set"
	}
	return Words(goal)
}

// roleTitle is a role's plural as a heading: "Casework supervisors".
func roleTitle(role string) string {
	switch role {
	case "worker":
		return "Workers"
	case "supervisor":
		return "Supervisors"
	case "casework_supervisor":
		return "Casework supervisors"
	case "administrator":
		return "Administrators"
	}
	return role
}

// Stamp formats a moment (already in the agency's zone) for a record.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("Mon 2 Jan 2006, 15:04 MST")
}
