package domain

import (
	"time"

	"github.com/casework/casework/internal/rules"
)

// Conferences as their pages and lists show them, their next steps, and what
// a worker's next conference carries from before it.

// ConferenceRecord is one conference as its page shows it.
type ConferenceRecord struct {
	ID                   int64
	Kind                 string
	HeldOn               time.Time
	Status               string
	Version              int
	SupervisorID         int64
	SupervisorName       string
	WorkerID             int64 // supervision
	WorkerName           string
	CaseworkSupervisorID int64 // casework review
	CaseworkSupervisor   string
	EnteredAt, UpdatedAt time.Time
	SignedAt, SharedAt   *time.Time
	AcknowledgedAt       *time.Time
	Profile              string // in force on the day held: its checklist applies
	// Rules is that profile's version in force on the day held, uploaded or
	// built-in: its discussion checklist and documentation deadline are
	// the record's.
	Rules *rules.Version
	// For the printed record: where it was held and who moved it on.
	AgencyName, OfficeName, UnitName   string
	SignedBy, SharedBy, AcknowledgedBy string
	// Floor is the first-year check made at signing (nil: not a first-year
	// worker's conference, or signed before it was kept).
	Floor   *Floor
	Topics  map[string]string // a casework review's unit-level agenda, by topic
	Cases   []DiscussedCase
	Steps   []NextStepRow
	Addenda []Addendum
}

// DiscussedCase is one case of a conference with its structured discussion.
type DiscussedCase struct {
	CaseID      int64
	Number      string
	FamilyName  string
	Items       map[string]string // checklist item id -> what was discussed
	NotApplies  map[string]bool   // checklist item id -> marked "does not apply"
	Discussed   bool              // every item written or marked: counts as discussed
	Progress    string
	Notes       string
	RiskLevel   string // a new level recorded in this discussion, applied at signing
	CurrentRisk string
}

// NextStepRow is one next step of a conference.
type NextStepRow struct {
	ID          int64
	CaseID      int64 // 0: about the worker's caseload as a whole
	Description string
	OwnerID     int64
	OwnerName   string
	DueOn       time.Time
	DoneOn      *time.Time
}

// Addendum is a dated correction to a signed record.
type Addendum struct {
	WrittenBy string
	WrittenAt time.Time
	Body      string
}

// ReviewCandidate is a case a casework review may discuss.
type ReviewCandidate struct {
	CaseID     int64  `db:"id"`
	Number     string `db:"case_number"`
	FamilyName string `db:"family_name"`
	WorkerName string `db:"worker_name"`
	Risk       string `db:"risk"`
	Flagged    bool   `db:"flagged"`
}

// Floor is a first-year worker's conference floor as checked at signing: the
// caseload on the day held and the least number of cases to discuss (a
// quarter of it, rounded up).
type Floor struct {
	Caseload, Minimum int
}

// ConferenceSummary is one conference in a list.
type ConferenceSummary struct {
	ID        int64      `db:"id"`
	Kind      string     `db:"kind"`
	HeldOn    time.Time  `db:"held_on"`
	Status    string     `db:"status"`
	Cases     int        `db:"cases"`
	EnteredAt time.Time  `db:"entered_at"`
	SignedAt  *time.Time `db:"signed_at"`
	SharedAt  *time.Time `db:"shared_at"`
	WithName  string     `db:"with_name"` // the other party: the worker, or the casework supervisor
}

// MyStep is a next step assigned to the viewer by a signed conference.
type MyStep struct {
	ID          int64      `db:"id"`
	Description string     `db:"description"`
	DueOn       time.Time  `db:"due_on"`
	DoneOn      *time.Time `db:"done_on"`
	CaseID      *int64     `db:"case_id"`
	FamilyName  *string    `db:"family_name"`
	HeldOn      time.Time  `db:"held_on"`
}

// TalkingPoint is something a worker wants to raise at their next conference.
type TalkingPoint struct {
	ID         int64     `db:"id"`
	CaseID     *int64    `db:"case_id"`
	CaseNumber *string   `db:"case_number"`
	FamilyName *string   `db:"family_name"`
	Body       string    `db:"body"`
	WrittenAt  time.Time `db:"written_at"`
}

// OpenStep is a next step of an earlier conference with the worker, not yet
// done: carried into each next conference until it is.
type OpenStep struct {
	ID          int64     `db:"id"`
	Description string    `db:"description"`
	OwnerName   string    `db:"owner_name"`
	DueOn       time.Time `db:"due_on"`
	HeldOn      time.Time `db:"held_on"` // of the conference that set it
	CaseNumber  *string   `db:"case_number"`
	FamilyName  *string   `db:"family_name"`
}
