package domain

import "time"

// A case as its page shows it: its detail, history, visit plans and risk,
// who accessed it, and the reasons to ask for an emergent conference.

// CaseDetail is everything the case page shows beside the obligations.
type CaseDetail struct {
	ID            int64      `db:"id"`
	Number        string     `db:"case_number"`
	FamilyName    string     `db:"family_name"`
	Setting       string     `db:"setting"`
	Goal          string     `db:"goal"`
	CourtInvolved bool       `db:"court_involved"`
	CourtNext     *time.Time `db:"court_next"`
	PlacementDate *time.Time `db:"placement_date"`
	SCRAssigned   *time.Time `db:"scr_assigned"`
	Received      *time.Time `db:"received"`
	Closing       *time.Time `db:"closing"`
	Closed        *time.Time `db:"closed"`
	// SafetyPlanStart and SafetyPlanEnd: the case's Safety Protection Plan.
	SafetyPlanStart *time.Time `db:"safety_plan_start"`
	SafetyPlanEnd   *time.Time `db:"safety_plan_end"`
	WorkerID        int64      `db:"worker_id"`
	WorkerName      string     `db:"worker_name"`
	Assigned        time.Time  `db:"assigned"`
	UnitID          int64      `db:"unit_id"`
	// Supervised: the viewer supervises the case today (may record on it).
	Supervised bool `db:"supervised"`
	// WorkerStamp is the stamp of the worker's data (every unit they were
	// ever in), read with the case: the worker's kept evaluation may be used
	// under it.
	WorkerStamp Stamp `db:"worker_stamp"`

	Risks    []RiskRow
	Timeline []TimelineItem
	// MVR: the visit plans set, latest first.
	MVR []MVRRow
}

// MVRRow is one visit plan (minimum visitation requirement) of a case.
type MVRRow struct {
	From     time.Time `db:"from_on"`
	Child    int       `db:"child"`
	Parents  int       `db:"parents"`
	Provider int       `db:"provider"`
	SetBy    string    `db:"set_by"`
}

// RiskRow is one risk assessment.
type RiskRow struct {
	Level      string    `db:"level"`
	AssessedOn time.Time `db:"assessed_on"`
	RecordedBy string    `db:"recorded_by"`
}

// TimelineItem is one dated line of a case's history.
type TimelineItem struct {
	On           time.Time `db:"on_date"`
	Kind         string    `db:"kind"` // assignment, event, conference, risk
	What         string    `db:"what"`
	Detail       string    `db:"detail"`
	ConferenceID *int64    `db:"conference_id"`
}

// AccessEntry is one line of "who accessed this": a view or a change.
type AccessEntry struct {
	Seq       int64     `db:"seq"` // the entry's id: its place in the log, newest highest
	At        time.Time `db:"at"`
	Person    string    `db:"person"`
	Role      string    `db:"role"`
	Action    string    `db:"action"`
	Entity    string    `db:"entity"`
	EntityID  string    `db:"entity_id"`
	Addr      string    `db:"remote_addr"`
	RequestID string    `db:"request_id"`
}

// EmergentReason is one reason for an emergent conference.
type EmergentReason struct{ Code, Words string }

// SiblingsApart is the time a case's child has siblings placed apart
// (case_siblings_apart): from Start until End, the day they are together
// again (nil: still apart). While the child is placed out of home apart
// from siblings, a sibling visit is owed weekly (docs/rules.md).
type SiblingsApart struct {
	Start time.Time  `db:"start_on"`
	End   *time.Time `db:"end_on"`
	SetBy string     `db:"set_by"`
}
