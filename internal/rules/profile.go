package rules

import "slices"

// Subject is what an obligation is about.
type Subject string

const (
	SubjectWorker     Subject = "worker"     // a staff member with role worker
	SubjectSupervisor Subject = "supervisor" // a staff member with role supervisor
	SubjectCase       Subject = "case"
	SubjectConference Subject = "conference" // a supervision conference
)

// Scope says which subjects owe a rule; every condition set must hold.
// A case must always be open (not closed on or before as_of).
type Scope uint16

const (
	ScopeAssigned  Scope = 1 << iota // case assigned to a worker on or before as_of
	ScopeInHome                      // case setting in_home
	ScopeOutOfHome                   // case setting out_of_home
	ScopePlaced                      // out_of_home with placement_date on or before as_of
	ScopeHighRisk                    // current risk high or very_high
	ScopeReceived                    // case received on or before as_of
	ScopeClosing                     // case has a planned closing date
	ScopeMVR                         // scr_assigned, or placement_date of an out_of_home case, on or before as_of
	ScopeWithCases                   // worker with an assigned open case
	ScopeInPost                      // staff member whose since is on or before as_of
)

// Anchor names the date a cadence counts from.
type Anchor string

const (
	AnchorNone        Anchor = ""
	AnchorSince       Anchor = "since"          // staff since
	AnchorAssigned    Anchor = "assigned"       // case assigned
	AnchorReceived    Anchor = "received"       // case received
	AnchorPlacement   Anchor = "placement_date" // case placement_date
	AnchorSCR         Anchor = "scr_assigned"   // case scr_assigned
	AnchorRiskEpisode Anchor = "risk_episode"   // E: start of the current high/very_high episode
	AnchorClosing     Anchor = "closing"        // case closing (planned)
	AnchorConference  Anchor = "conference"     // conference date
)

// CadenceKind is how a due date is computed.
type CadenceKind string

const (
	// Once: a one-time obligation, due Anchor + Days, + BusinessDays or
	// + Months (the earlier of this and Or when Or is set); met by the
	// earliest counting fact.
	Once CadenceKind = "once"
	// Interval: recurring, due the latest counting fact + Days, or
	// Anchor + Days with none.
	Interval CadenceKind = "interval"
	// CalendarMonth: recurring; after a counting fact in month M, due the
	// last day of M+1; with none, the last day of the anchor's month.
	CalendarMonth CadenceKind = "calendar_month"
	// YearlyCount: at least Count counting facts per calendar year, paced
	// one per calendar month (see docs/rules.md, "Pacing").
	YearlyCount CadenceKind = "yearly_count"
)

// Cadence says when a rule is due.
type Cadence struct {
	Kind         CadenceKind
	Anchor       Anchor
	Days         int
	BusinessDays int
	Months       int
	Count        int      // YearlyCount: conferences a year
	Or           *Cadence // Once: due the earlier of the two (either anchor may be absent)
	// BeforeCourt: when court_next is later than the last counting fact (or
	// there is none), due no later than the day before court_next.
	BeforeCourt bool
}

// Counts says which facts satisfy a rule. Only facts dated on or before
// as_of ever count.
type Counts struct {
	// Conference: a conference of this kind counts: with the subject worker
	// (supervision), with the subject supervisor (casework_review), or
	// listing the subject case.
	Conference string
	// Events: events of these kinds on the subject case count.
	Events []string
	// From: only facts on or after this anchor count (AnchorNone: any).
	From Anchor
	// Window: only facts from the due anchor - Window days through the due
	// anchor count (closure rules).
	Window int
	// Assigned: met on the case's assigned date (case.assignment).
	Assigned bool
	// Shared: met on the conference's shared date (notes.shared).
	Shared bool
}

// Variant replaces a rule's cadence for workers in their first year of
// experience (as_of before experience_start + 12 months).
type Variant struct {
	Owed   string
	Due    Cadence
	Source string
}

// Rule is one row of a profile's table.
type Rule struct {
	ID        string
	Subject   Subject
	Scope     Scope
	Owed      string // what is owed, in the policy's words
	Done      string // past participle for the why sentence: "held", "seen"
	Counts    Counts
	Due       Cadence
	FirstYear *Variant
	Source    string // policy section
}

// Version is a profile's table of rules in force from Effective (zero: in
// force for any date), with what changed from the previous version.
type Version struct {
	Effective Date
	Changes   []string
	Rules     []Rule
}

// Profile is a policy as data: versions of a table of rules, and a holiday
// calendar. Profiles returned by this package are shared: do not modify.
type Profile struct {
	ID           string
	Name         string
	CalendarName string
	Calendar     Calendar
	Versions     []Version // by Effective, oldest first
}

// VersionAt returns the version in force on d: the latest whose Effective
// is on or before d.
func (p *Profile) VersionAt(d Date) (*Version, bool) {
	for i := len(p.Versions) - 1; i >= 0; i-- {
		if !p.Versions[i].Effective.After(d) {
			return &p.Versions[i], true
		}
	}
	return nil, false
}

// DefaultProfile is the profile used when the facts name none.
const DefaultProfile = "nj-cpp"

var profiles = []*Profile{njCPP, txDFPS, policy46100}

// Profiles returns every profile, by id.
func Profiles() []*Profile {
	out := slices.Clone(profiles)
	slices.SortFunc(out, func(a, b *Profile) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}

// LookupProfile returns the profile with the given id.
func LookupProfile(id string) (*Profile, bool) {
	for _, p := range profiles {
		if p.ID == id {
			return p, true
		}
	}
	return nil, false
}

// ProfileIDs returns the ids of every profile, sorted.
func ProfileIDs() []string {
	var ids []string
	for _, p := range Profiles() {
		ids = append(ids, p.ID)
	}
	return ids
}
