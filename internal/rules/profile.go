package rules

import (
	"embed"
	"io/fs"
	"slices"
)

// Subject is what an obligation is about.
type Subject string

const (
	SubjectWorker     Subject = "worker"     // a staff member with role worker
	SubjectSupervisor Subject = "supervisor" // a staff member with role supervisor
	SubjectCase       Subject = "case"
	SubjectConference Subject = "conference" // a supervision conference
	// SubjectCaseworkSupervisor: a staff member with role
	// casework_supervisor, owing the emergent requests addressed to them
	// (one obligation a request).
	SubjectCaseworkSupervisor Subject = "casework_supervisor"
)

// Scope says which subjects owe a rule; every condition set must hold.
// A case must always be open (not closed on or before as_of).
type Scope uint32

const (
	ScopeAssigned          Scope = 1 << iota // case assigned to a worker on or before as_of
	ScopeInHome                              // case setting in_home
	ScopeOutOfHome                           // case setting out_of_home
	ScopePlaced                              // out_of_home with placement_date on or before as_of
	ScopeHighRisk                            // current risk high or very_high
	ScopeReceived                            // case received on or before as_of
	ScopeClosing                             // case has a planned closing date
	ScopeMVR                                 // scr_assigned, or placement_date of an out_of_home case, on or before as_of
	ScopeWithCases                           // worker with an assigned open case
	ScopeInPost                              // staff member whose since is on or before as_of
	ScopeSafetyPlan                          // case under a Safety Protection Plan on as_of (start on or before, end after or none)
	ScopeGoalReunification                   // case whose goal is reunification
	ScopeGoalOther                           // case whose goal is not reunification, or not yet set
	ScopeMVRSet                              // case with a minimum visitation requirement (mvr) from on or before as_of
	ScopeSiblingsApart                       // case whose child has siblings placed apart on as_of (start on or before, end after or none)
	ScopeWithVisitPlans                      // worker with an assigned open case under a visit plan (ScopeMVRSet)
	// ScopeNotPlacedForReunification: case that is not placed out of home
	// with a goal of reunification (not ScopePlaced and ScopeGoalReunification
	// both): in home, not yet placed, or a goal that is not reunification or
	// not yet set. The cases that do not owe the weekly parent/child visits.
	ScopeNotPlacedForReunification
)

// Anchor names the date a cadence counts from.
type Anchor string

const (
	AnchorNone          Anchor = ""
	AnchorSince         Anchor = "since"          // staff since
	AnchorAssigned      Anchor = "assigned"       // case assigned
	AnchorReceived      Anchor = "received"       // case received
	AnchorPlacement     Anchor = "placement_date" // case placement_date
	AnchorSCR           Anchor = "scr_assigned"   // case scr_assigned
	AnchorRiskEpisode   Anchor = "risk_episode"   // E: start of the current high/very_high episode
	AnchorClosing       Anchor = "closing"        // case closing (planned)
	AnchorConference    Anchor = "conference"     // conference date
	AnchorSafetyPlan    Anchor = "safety_plan"    // start of the case's Safety Protection Plan in force
	AnchorMVRSet        Anchor = "mvr"            // from of the case's first minimum visitation requirement; of a worker: the earliest of their cases'
	AnchorSiblingsApart Anchor = "siblings_apart" // the later of siblings_apart_start and placement_date (placed): placed out of home apart from siblings
	AnchorRequest       Anchor = "request"        // the day an emergent request was made
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
	// last day of M+1; with none, one month after the anchor (contract
	// version 2).
	CalendarMonth CadenceKind = "calendar_month"
	// YearlyCount: at least Count counting facts per calendar year, paced
	// one per calendar month (see docs/rules.md, "Pacing").
	YearlyCount CadenceKind = "yearly_count"
	// MonthlyCount: every calendar month, the number of counting facts the
	// case's minimum visitation requirement sets for CountOf (see
	// docs/rules.md, "Minimum visitation requirement").
	MonthlyCount CadenceKind = "monthly_count"
	// SameBusinessDay: a one-time obligation due the anchor's day when it
	// is a business day and the request was made before closing, else the
	// next business day (emergent requests).
	SameBusinessDay CadenceKind = "same_business_day"
)

// Cadence says when a rule is due.
type Cadence struct {
	Kind         CadenceKind
	Anchor       Anchor
	Days         int
	BusinessDays int
	Months       int
	Count        int      // YearlyCount: conferences a year
	CountOf      string   // MonthlyCount: the MVR's "child", "parents" or "provider"
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
	// BeforeDue: only facts dated on or after the due date - BeforeDue days
	// count (and on or after From), later ones too, however late (a once
	// rule: placement.staffing_90, held at three months in placement, not at
	// its start).
	BeforeDue int
	// Each: every event kind of Events is needed; a once rule is met on
	// the later of the earliest of each (closure.family_seen: a child
	// visit and a parent visit).
	Each bool
	// Assigned: met on the case's first_assigned date, else its assigned
	// date (case.assignment).
	Assigned bool
	// Shared: met on the conference's shared date (notes.shared).
	Shared bool
	// Answered: an emergent request is met on the day its recorded
	// answer says the conference was held (and, with Conference, by a
	// casework review of the case).
	Answered bool
	// MVRReview: met by the supervisor's reviews of the worker's visit
	// plans (facts mvr_reviews).
	MVRReview bool
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
	Label     string // what a page calls the rule: "Child seen after placement"
	Tags      Tag    // what pages select the rule by
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
	// Checklist: the headings of each case's discussion in a supervision
	// conference; ReviewTopics and ReviewChecklist: the unit-level agenda
	// and each case's headings of a casework review (none: the default
	// profile's).
	Checklist, ReviewTopics, ReviewChecklist []ChecklistItem
	// DocumentationDays: a conference's record is due signed this many
	// business days after the conference.
	DocumentationDays int
	// Year: how a yearly count's year runs (YearCalendar, YearFiscal);
	// YearStart: the month it starts on the first of (1 for calendar).
	Year      string
	YearStart int
	// Calendar: the business days; CalendarName says which in words;
	// Holidays is the file's list it was built from.
	Calendar     Calendar
	CalendarName string
	Holidays     []string
	// File is the profile file the version was read from.
	File []byte
	// PersonnelFile: what a supervision conference files in the
	// caseworker's personnel file (nil: nothing).
	PersonnelFile *PersonnelFile

	byID map[string]int
}

// index builds the version's rule index.
func (v *Version) index() {
	v.byID = make(map[string]int, len(v.Rules))
	for i := range v.Rules {
		v.byID[v.Rules[i].ID] = i
	}
}

// Rule returns the version's rule with the given id.
func (v *Version) Rule(id string) (*Rule, bool) {
	i, ok := v.byID[id]
	if !ok {
		return nil, false
	}
	return &v.Rules[i], true
}

// Labels returns each rule's label by its id, for pages that list
// obligations (a new map each call).
func (v *Version) Labels() map[string]string {
	out := make(map[string]string, len(v.Rules))
	for i := range v.Rules {
		out[v.Rules[i].ID] = v.Rules[i].Label
	}
	return out
}

// Tagged returns the ids of the version's rules with the tag, in the
// version's order.
func (v *Version) Tagged(t Tag) []string {
	var out []string
	for i := range v.Rules {
		if v.Rules[i].Tags.Has(t) {
			out = append(out, v.Rules[i].ID)
		}
	}
	return out
}

// Profile is a policy as data: versions of a table of rules, and a holiday
// calendar. Profiles returned by this package are shared: do not modify.
type Profile struct {
	ID           string
	Name         string
	CalendarName string    // the latest version's
	Calendar     Calendar  // the latest version's
	Versions     []Version // by Effective, oldest first
}

// latest sets the profile's calendar from its latest version.
func (p *Profile) latest() {
	if n := len(p.Versions); n > 0 {
		p.CalendarName = p.Versions[n-1].CalendarName
		p.Calendar = p.Versions[n-1].Calendar
	}
}

// Latest returns the profile's latest version.
func (p *Profile) Latest() *Version { return &p.Versions[len(p.Versions)-1] }

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

// The built-in profiles, read from their files at start (profiles/*.toml).
//
//go:embed profiles/*.toml
var profileFiles embed.FS

var profiles = loadBuiltin()

func loadBuiltin() []*Profile {
	names, err := fs.Glob(profileFiles, "profiles/*.toml")
	if err != nil {
		panic(err)
	}
	var out []*Profile
	for _, n := range names {
		data, err := profileFiles.ReadFile(n)
		if err != nil {
			panic(err)
		}
		p, problems := ParseProfile(data)
		if len(problems) > 0 {
			panic(n + ": " + problems[0].Error()) // the tests read every built-in file
		}
		out = append(out, p)
	}
	return out
}

// BuiltinFile returns the file a built-in profile ships as.
func BuiltinFile(id string) ([]byte, bool) {
	p, ok := LookupProfile(id)
	if !ok {
		return nil, false
	}
	return p.Latest().File, true
}

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

// DocumentationDue is the date a conference's record held on held is due
// signed: the version's documentation deadline in business days of cal.
func (v *Version) DocumentationDue(cal Calendar, held Date) Date {
	return cal.AddBusinessDays(held, v.DocumentationDays)
}

// DocumentationWords says the deadline in words: "2 business days".
func (v *Version) DocumentationWords() string { return plural(v.DocumentationDays, "business day") }
