// Package domain holds the types of casework's domain that the store returns
// and the views take, so that a view depends on what it shows and not on the
// store that reads it. It imports nothing of the app but the rules engine
// (itself pure: a conference record carries the policy version it is kept
// under) and holds no SQL: a method that needs the database stays in the
// store.
//
// The files are by subject: this one the lists, the emergent queue and the
// administrator's first pages; admin.go the agency's structure, people and
// imports as administrators manage them; cases.go a case's page; people.go
// a worker; conference.go conferences, their next steps and what is carried
// into them; stamp.go the stamp of the data an evaluation was computed from.
// The store keeps its old names as aliases of these (store.CaseRef =
// domain.CaseRef), so its callers are unchanged. The views import no store
// (web/views/imports_test.go keeps it so).
package domain

import "time"

// CaseRef names a case for lists and links.
type CaseRef struct {
	ID              int64
	Number          string
	FamilyName      string
	PendingContacts int // contacts awaiting the supervisor's approval
}

// CaseSummary is one open case in a caseload list.
type CaseSummary struct {
	CaseID     int64      `db:"id"`
	CaseNumber string     `db:"case_number"`
	FamilyName string     `db:"family_name"`
	Setting    string     `db:"setting"`
	Goal       string     `db:"goal"`
	Assigned   time.Time  `db:"assigned"`
	Risk       *string    `db:"risk"`
	CourtNext  *time.Time `db:"court_next"`
}

// EmergentRequest is one emergent conference request: in the casework
// supervisor's queue, or on the page of the person who asked.
type EmergentRequest struct {
	ID          int64      `db:"id"`
	CaseID      *int64     `db:"case_id"`
	CaseNumber  *string    `db:"case_number"`
	FamilyName  *string    `db:"family_name"`
	RequestedBy string     `db:"requested_by"`
	Role        string     `db:"role"`
	AskedOf     string     `db:"asked_of"` // the casework supervisor
	Reason      string     `db:"reason"`
	Details     string     `db:"details"`
	RequestedAt time.Time  `db:"requested_at"`
	AnsweredAt  *time.Time `db:"answered_at"`
	Answer      *string    `db:"answer"`
	// HeldOn is the day the conference asked for was held: the day the
	// answer records, or the first signed casework review since the request
	// that discusses its case, whichever is earlier. Nil: not held yet.
	HeldOn   *time.Time `db:"held_on"`
	ReviewID *int64     `db:"review_id"` // the review that held it, if one did
}

// AgencyOverview is the administrator's first page: the structure, no content.
type AgencyOverview struct {
	AgencyName string
	Offices    []OfficeSummary
	People     map[string]int // active people by role
}

// OfficeSummary counts one office's units and open cases.
type OfficeSummary struct {
	Name      string `db:"name"`
	County    string `db:"county"`
	Units     int    `db:"units"`
	OpenCases int    `db:"open_cases"`
}

// RefusedSignIn is a sign-in through the provider refused because nobody
// matched, with the e-mail of a person: the subject an administrator may
// link to them.
type RefusedSignIn struct {
	Subject       string    `db:"subject"`
	EmailVerified bool      `db:"email_verified"`
	At            time.Time `db:"at"`
}

// PolicyChoice is one of the agency's profile choices.
type PolicyChoice struct {
	Profile     string      `db:"profile"`
	EffectiveOn time.Time   `db:"effective_on"`
	ChosenAt    time.Time   `db:"chosen_at"`
	ChosenBy    string      `db:"chosen_by"`
	Holidays    []time.Time `db:"holidays"` // nil: the profile's own calendar
	OwnCalendar bool        `db:"own_calendar"`
}

// APIToken is an issued token as administrators see it (never the token).
type APIToken struct {
	ID         int64      `db:"id"`
	Name       string     `db:"name"`
	ScopeKind  string     `db:"scope_kind"`
	ScopeID    int64      `db:"scope_id"`
	ScopeName  string     `db:"scope_name"`
	CreatedBy  string     `db:"created_by"`
	CreatedAt  time.Time  `db:"created_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

// ScopeChoice is one scope a token may be given.
type ScopeChoice struct {
	Kind string `db:"kind"`
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// OutboxRow is one message on the administrator's outbox page.
type OutboxRow struct {
	ID          int64      `db:"id"`
	Kind        string     `db:"kind"`
	Status      string     `db:"status"`
	Attempts    int        `db:"attempts"`
	Reason      string     `db:"reason"`
	CreatedAt   time.Time  `db:"created_at"`
	SentAt      *time.Time `db:"sent_at"`
	NextAttempt time.Time  `db:"next_attempt_at"`
	Recipient   string     `db:"recipient"`
	Email       string     `db:"email"`
}
