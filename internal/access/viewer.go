// Package access says who the signed-in person is and where they stand in the
// agency's hierarchy. Every store query that returns people, cases or
// conferences takes a Viewer, so the scope of what it may return is decided in
// one place, the query itself, and a handler cannot forget it.
package access

import (
	"fmt"
	"time"
)

// Role is a person's place in the hierarchy: worker -> unit -> supervisor ->
// casework supervisor. Administrators manage staff and data, not content.
type Role string

const (
	Worker             Role = "worker"
	Supervisor         Role = "supervisor"
	CaseworkSupervisor Role = "casework_supervisor"
	Administrator      Role = "administrator"
)

// Roles lists every role, in the order of the hierarchy.
var Roles = []Role{Worker, Supervisor, CaseworkSupervisor, Administrator}

// ParseRole returns the role named s, or an error naming it.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q", s)
}

// Title is the role as the policies name it, for people to read.
func (r Role) Title() string {
	switch r {
	case Worker:
		return "Worker"
	case Supervisor:
		return "Supervisor"
	case CaseworkSupervisor:
		return "Casework supervisor"
	case Administrator:
		return "Administrator"
	}
	return string(r)
}

// Viewer is the signed-in person on whose behalf a query runs.
type Viewer struct {
	PersonID int64
	Role     Role
	Name     string
	Email    string
	// MustChangePassword is set for a temporary password: the person may do
	// nothing else until they choose their own.
	MustChangePassword bool
	// SessionsValidAfter: sessions begun before it are no longer honoured
	// (a password reset, a deactivation, a password change elsewhere).
	SessionsValidAfter time.Time
	// Addr and RequestID say where a request came from, for the audit log.
	Addr      string
	RequestID string
}

// Is reports whether the viewer holds one of the roles.
func (v Viewer) Is(roles ...Role) bool {
	for _, r := range roles {
		if v.Role == r {
			return true
		}
	}
	return false
}
