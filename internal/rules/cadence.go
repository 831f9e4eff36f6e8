package rules

import (
	"slices"
	"strings"
)

// The closed set of cadence kinds the engine implements, and what a profile
// file may give each of them. Adding a rule to a profile needs no code;
// adding a cadence kind needs: its constant (profile.go), its entry in
// cadenceKinds below, its due-date computation in eval.go (caseRule,
// workerRule, supervisorRule or conferenceRule, by subject) and its words
// in describe.go.

// cadenceSpec says which subjects a kind serves and which numbers it takes.
type cadenceSpec struct {
	kind     CadenceKind
	subjects []Subject
	offsets  bool // days, business_days, months (any of them, added in that order)
	days     bool // days only, required (interval)
	count    bool // count, required (yearly_count)
	or       bool // or = { anchor, days/business_days/months }: due the earlier
	court    bool // before_court
	countOf  bool // count_of, required (monthly_count)
}

var cadenceKinds = []cadenceSpec{
	{kind: Once, subjects: []Subject{SubjectCase, SubjectConference}, offsets: true, or: true},
	{kind: Interval, subjects: []Subject{SubjectCase, SubjectWorker, SubjectSupervisor}, days: true},
	{kind: CalendarMonth, subjects: []Subject{SubjectCase, SubjectWorker, SubjectSupervisor}, court: true},
	{kind: YearlyCount, subjects: []Subject{SubjectWorker}, count: true},
	{kind: MonthlyCount, subjects: []Subject{SubjectCase}, countOf: true},
	{kind: SameBusinessDay, subjects: []Subject{SubjectCaseworkSupervisor}},
}

// mvrKinds are the visit kinds of a minimum visitation requirement.
var mvrKinds = []string{"child", "parents", "provider"}

// CadenceKinds returns the names of the cadence kinds.
func CadenceKinds() []string {
	var out []string
	for _, k := range cadenceKinds {
		out = append(out, string(k.kind))
	}
	return out
}

// anchorsOf returns the anchors a subject's rules may count from.
func anchorsOf(subj Subject) []string {
	switch subj {
	case SubjectWorker:
		return []string{string(AnchorSince), string(AnchorMVRSet)}
	case SubjectSupervisor:
		return []string{string(AnchorSince)}
	case SubjectCaseworkSupervisor:
		return []string{string(AnchorRequest)}
	case SubjectConference:
		return []string{string(AnchorConference)}
	}
	return []string{string(AnchorAssigned), string(AnchorReceived), string(AnchorPlacement),
		string(AnchorSCR), string(AnchorRiskEpisode), string(AnchorClosing), string(AnchorSafetyPlan), string(AnchorMVRSet),
		string(AnchorSiblingsApart)}
}

// readCadence reads the due date's keys of a rule (or of its first-year
// variant): cadence, anchor, days, business_days, months, count, or,
// before_court.
func readCadence(f *fields, subj Subject, variant bool) Cadence {
	var c Cadence
	kind := f.oneOf("cadence", true, CadenceKinds())
	var spec *cadenceSpec
	for i := range cadenceKinds {
		if string(cadenceKinds[i].kind) == kind {
			spec = &cadenceKinds[i]
		}
	}
	if spec == nil {
		// Read the rest so that its own problems are reported too.
		f.get("anchor", false)
		for _, k := range []string{"days", "business_days", "months", "count", "or", "before_court", "count_of"} {
			f.get(k, false)
		}
		return c
	}
	c.Kind = spec.kind
	if subj != "" && !slices.Contains(spec.subjects, subj) {
		var names []string
		for _, s := range spec.subjects {
			names = append(names, string(s))
		}
		f.fail(f.line("cadence"), "cadence", kind+" serves "+strings.Join(names, " and ")+" rules, not a "+string(subj)+" rule")
	}
	c.Anchor = Anchor(f.oneOf("anchor", true, anchorsOf(subj)))
	c.Days = f.num("days", 1, 3660)
	c.BusinessDays = f.num("business_days", 1, 260)
	c.Months = f.num("months", 1, 120)
	c.Count = f.num("count", 1, 12)
	c.BeforeCourt = f.flag("before_court")
	not := func(key, why string) {
		f.used[key] = true // reported here, not again as unknown
		if f.has(key) {
			f.fail(f.line(key), key, "not used by cadence "+kind+": "+why)
		}
	}
	switch {
	case spec.days:
		if c.Days == 0 && !f.has("days") {
			f.fail(f.line("cadence"), "days", "required: "+kind+" is due a number of days after the last counting fact")
		}
		not("business_days", "it counts calendar days")
		not("months", "it counts calendar days")
	case spec.offsets:
	default:
		not("days", "its due date is computed from the calendar")
		not("business_days", "its due date is computed from the calendar")
		not("months", "its due date is computed from the calendar")
	}
	if spec.count {
		if !f.has("count") {
			f.fail(f.line("cadence"), "count", "required: how many a year")
		}
	} else {
		not("count", "only yearly_count counts")
	}
	if !spec.court {
		not("before_court", "only calendar_month has a court limit")
	}
	if spec.countOf {
		c.CountOf = f.oneOf("count_of", true, mvrKinds)
	} else {
		not("count_of", "only monthly_count counts the visits of the minimum visitation requirement")
	}
	if spec.or && !variant {
		if of := f.table("or", f.path+".or"); of != nil {
			o := &Cadence{Kind: Once}
			o.Anchor = Anchor(of.oneOf("anchor", true, anchorsOf(subj)))
			o.Days = of.num("days", 1, 3660)
			o.BusinessDays = of.num("business_days", 1, 260)
			o.Months = of.num("months", 1, 120)
			of.done()
			c.Or = o
		}
	} else {
		not("or", "only once has an alternative anchor")
	}
	return c
}

// Tag is a set of the words pages select rules by. The set is closed: a
// page asks for a tag, so a misspelt tag in a profile file is a problem.
type Tag uint32

const (
	// TagWorkerConference: the worker's own conference cadence (the
	// "next conference" of the unit dashboard and the agenda).
	TagWorkerConference Tag = 1 << iota
	// TagCaseDiscussion: the monthly discussion of each case.
	TagCaseDiscussion
	// TagSupervisorReview: the supervisor's casework review.
	TagSupervisorReview
	// TagRiskReport: the report of a case newly at high risk.
	TagRiskReport
	// TagRiskReview: the recurring review of a case while its risk is high.
	TagRiskReview
	// TagMilestone: the case steps of the "overdue milestones" column.
	TagMilestone
	// TagPlacement: a placement step (the agenda's placement milestones).
	TagPlacement
	// TagContactApproval: contact sheets approved.
	TagContactApproval
	// TagVisits: met by visits to the child or family.
	TagVisits
	// TagAssignment: the case's assignment to a worker.
	TagAssignment
	// TagClosure: a step before closing.
	TagClosure
	// TagDocumentation: conference notes documented and shared.
	TagDocumentation
	// TagSafetyPlan: conferences owed while a Safety Protection Plan is
	// in force (the agenda's deadlines).
	TagSafetyPlan
	// TagEmergent: emergent conference requests owed by a casework
	// supervisor (the area dashboard's queue).
	TagEmergent
	// TagVisitReview: the supervisor's monthly review of each worker's
	// visit plans (the unit dashboard and the worker page).
	TagVisitReview
)

var tagNames = []struct {
	name string
	tag  Tag
}{
	{"worker_conference", TagWorkerConference},
	{"case_discussion", TagCaseDiscussion},
	{"supervisor_review", TagSupervisorReview},
	{"risk_report", TagRiskReport},
	{"risk_review", TagRiskReview},
	{"milestone", TagMilestone},
	{"placement", TagPlacement},
	{"contact_approval", TagContactApproval},
	{"visits", TagVisits},
	{"assignment", TagAssignment},
	{"closure", TagClosure},
	{"documentation", TagDocumentation},
	{"safety_plan", TagSafetyPlan},
	{"emergent", TagEmergent},
	{"visit_review", TagVisitReview},
}

// TagNames returns the tags' names.
func TagNames() []string {
	var out []string
	for _, t := range tagNames {
		out = append(out, t.name)
	}
	return out
}

func tagByName(s string) (Tag, bool) {
	for _, t := range tagNames {
		if t.name == s {
			return t.tag, true
		}
	}
	return 0, false
}

// Names returns the tags' names, in the order of TagNames.
func (t Tag) Names() []string {
	var out []string
	for _, n := range tagNames {
		if t&n.tag != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// Has reports whether every tag of want is in t.
func (t Tag) Has(want Tag) bool { return want != 0 && t&want == want }

// Any reports whether any tag of want is in t.
func (t Tag) Any(want Tag) bool { return t&want != 0 }
