// Package rules is the rules engine of casework: facts and a date in,
// obligations out. It is pure: no database, no HTTP, no clock, no global
// mutable state. The profiles (tables of rules, one per policy) are
// package-level data that is never modified.
//
// The interface and the meaning of every rule are fixed by the rules contract
// and documented rule by rule in docs/rules.md.
package rules

// Roles of staff members.
const (
	RoleWorker             = "worker"
	RoleSupervisor         = "supervisor"
	RoleCaseworkSupervisor = "casework_supervisor"
)

// Risk levels.
const (
	RiskLow      = "low"
	RiskModerate = "moderate"
	RiskHigh     = "high"
	RiskVeryHigh = "very_high"
)

// Case settings.
const (
	SettingInHome    = "in_home"
	SettingOutOfHome = "out_of_home"
)

// GoalReunification is the goal the visit rules tell apart.
const GoalReunification = "reunification"

// Conference kinds.
const (
	KindSupervision    = "supervision"     // a supervisor with one worker
	KindCaseworkReview = "casework_review" // a casework supervisor with one supervisor
)

// Event kinds.
const (
	EventChildVisit           = "child_visit"
	EventParentVisit          = "parent_visit"
	EventSiblingVisit         = "sibling_visit"
	EventProviderVisit        = "provider_visit"
	EventCollateralContact    = "collateral_contact"
	EventFamilyTeamMeeting    = "family_team_meeting"
	EventRelativeNotification = "relative_notification"
	EventCPRBNotification     = "cprb_notification"
	EventNinetyDayStaffing    = "ninety_day_staffing"
	EventRiskReassessment     = "risk_reassessment"
	EventMVREstablished       = "mvr_established"
	EventContactSheetApproved = "contact_sheet_approved"
	// EventDiligentSearch: the start of a diligent search for relatives
	// (CP&P-III-C-5-500: relatives are identified and advised, or searched
	// for); an addition of this app to the contract's twelve kinds.
	EventDiligentSearch = "diligent_search_started"
)

// EventKinds lists every event kind, in the contract's order.
var eventKinds = [...]string{
	EventChildVisit, EventParentVisit, EventSiblingVisit, EventProviderVisit,
	EventCollateralContact, EventFamilyTeamMeeting, EventRelativeNotification,
	EventCPRBNotification, EventNinetyDayStaffing, EventRiskReassessment,
	EventMVREstablished, EventContactSheetApproved, EventDiligentSearch,
}

// EventKinds returns every valid event kind.
func EventKinds() []string { return append([]string(nil), eventKinds[:]...) }

// Facts is what happened, as of a date: the input of Evaluate (facts,
// version 1 of the contract). Absent dates are zero Dates.
type Facts struct {
	AsOf    Date   `json:"as_of"`
	Profile string `json:"profile,omitempty"`
	// Holidays, when HolidaysSet (or when it lists any date), is the
	// complete list of non-business days besides Saturdays and Sundays
	// (empty with HolidaysSet means none); otherwise the profile's own
	// calendar applies.
	Holidays    []Date       `json:"holidays,omitempty"`
	HolidaysSet bool         `json:"-"`
	Staff       []Staff      `json:"staff"`
	Cases       []Case       `json:"cases"`
	Conferences []Conference `json:"conferences"`
	Events      []Event      `json:"events"`
	// Emergent lists the emergent conference requests (this app's
	// addition): each owed by a casework supervisor at once.
	Emergent []EmergentRequest `json:"emergent,omitempty"`
	// MVRReviews lists the supervisor's monthly reviews of each worker's
	// visit plans (MVR compliance; this app's addition).
	MVRReviews []MVRReview `json:"mvr_reviews,omitempty"`
	// Policy, when set, is the profile named by Profile with the versions
	// the agency uploaded (the store sets it; see Profile.WithVersions);
	// nil: the built-in profile. Not part of the contract's JSON.
	Policy *Profile `json:"-"`
}

// Staff is a worker, a supervisor or a casework supervisor.
type Staff struct {
	ID        string `json:"id"`
	Role      string `json:"role"`
	Name      string `json:"name,omitempty"`
	ReportsTo string `json:"reports_to,omitempty"`
	// Since is the date the person took the current post; required for
	// workers and supervisors.
	Since Date `json:"since"`
	// ExperienceStart starts the count of a worker's casework experience;
	// zero means Since.
	ExperienceStart Date `json:"experience_start"`
}

// Case is a case with its current assignment, dates and risk history.
type Case struct {
	ID string `json:"id"`
	// Worker and Assigned go together: both set (assigned to that worker on
	// that date) or both empty (not yet assigned).
	Worker   string `json:"worker,omitempty"`
	Received Date   `json:"received"`
	Assigned Date   `json:"assigned"`
	// FirstAssigned (version 2) is the date the case was first assigned
	// after it was received; zero means the same as Assigned. Only
	// case.assignment reads it: a reassignment is not a late assignment.
	FirstAssigned Date        `json:"first_assigned"`
	Setting       string      `json:"setting,omitempty"`
	PlacementDate Date        `json:"placement_date"`
	SCRAssigned   Date        `json:"scr_assigned"`
	Risk          []RiskEntry `json:"risk,omitempty"`
	Goal          string      `json:"goal,omitempty"`
	CourtNext     Date        `json:"court_next"`
	Closing       Date        `json:"closing"` // planned closing date
	Closed        Date        `json:"closed"`  // date the case was closed
	// SafetyPlanStart and SafetyPlanEnd date the case's Safety Protection
	// Plan (this app's addition to the contract): in force from its start
	// until its end, the day it is satisfied (zero: not yet).
	SafetyPlanStart Date `json:"safety_plan_start"`
	SafetyPlanEnd   Date `json:"safety_plan_end"`
	// SiblingsApartStart and SiblingsApartEnd date the time the child has
	// siblings placed apart (this app's addition to the contract): from
	// its start until its end, the day they are together again (zero:
	// still apart). While placed out of home apart from siblings, the child
	// visits them weekly (visits.sibling_weekly).
	SiblingsApartStart Date `json:"siblings_apart_start"`
	SiblingsApartEnd   Date `json:"siblings_apart_end"`
	// MVR is the case's minimum visitation requirement as the supervisor
	// set it, chronological (this app's addition to the contract): each
	// entry holds from its From date until the next.
	MVR []MVREntry `json:"mvr,omitempty"`
}

// MVREntry is a minimum visitation requirement: visits a calendar month
// with the child, the parents and the placement provider.
type MVREntry struct {
	From     Date `json:"from"`
	Child    int  `json:"child"`
	Parents  int  `json:"parents"`
	Provider int  `json:"provider"`
}

// RiskEntry holds from its From date until the next entry.
type RiskEntry struct {
	Level string `json:"level"`
	From  Date   `json:"from"`
}

// Conference is a supervision conference (Supervisor with Worker) or a
// casework review (CaseworkSupervisor with Supervisor). Cases lists the cases
// discussed. Shared is the date the notes were shared with the worker.
type Conference struct {
	ID                 string   `json:"id"`
	Kind               string   `json:"kind"`
	Date               Date     `json:"date"`
	Supervisor         string   `json:"supervisor,omitempty"`
	Worker             string   `json:"worker,omitempty"`
	CaseworkSupervisor string   `json:"casework_supervisor,omitempty"`
	Cases              []string `json:"cases,omitempty"`
	Shared             Date     `json:"shared"`
}

// Event is something that happened on a case: a visit, a contact, a
// notification, an approval.
type Event struct {
	Case string `json:"case"`
	Kind string `json:"kind"`
	Date Date   `json:"date"`
}

// EmergentRequest is a request to conference at once with a casework
// supervisor (seed 001, "Emergent Reasons to Conference with a Casework
// Supervisor"): made on a day, by a supervisor (or a worker whose
// supervisor is not available), owed by the casework supervisor named,
// about a case when it names one. AfterClosing says it was made at or
// after the agency's closing hour (then due the next business day). Held
// is the day the conference was held as recorded with an answer (zero:
// not recorded); a casework review by that casework supervisor listing the
// case, dated on or after Made, also holds it.
type EmergentRequest struct {
	ID                 string `json:"id"`
	Case               string `json:"case,omitempty"`
	RequestedBy        string `json:"requested_by,omitempty"`
	CaseworkSupervisor string `json:"casework_supervisor"`
	Made               Date   `json:"made"`
	AfterClosing       bool   `json:"after_closing,omitempty"`
	Held               Date   `json:"held"`
}

// MVRReview is a supervisor's review of a worker's visit plans (MVR
// compliance, CP&P-III-C-5-500: "The Supervisor reviews MVR compliance for
// each Worker on a monthly basis"), recorded on Date; it counts for the
// calendar month of Date.
type MVRReview struct {
	Worker     string `json:"worker"`
	Supervisor string `json:"supervisor,omitempty"`
	Date       Date   `json:"date"`
}

// FieldError is one problem with the facts, naming the field by its path
// (cases[3].assigned).
type FieldError struct {
	Path string
	Msg  string
}

func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}
