package rules

import (
	"fmt"
	"slices"
	"strings"
)

// Conference checks and agenda proposals: what the engine offers the app
// around a supervision conference (CP&P-III-C-5-500, Conferences with New
// Workers on a Weekly Basis and with Experienced Workers on a Monthly
// Basis: the entire caseload is conferenced every month; a worker in the
// first year is conferenced weekly, at least a quarter of the caseload each
// time).

// MonthCoverage says how much of a worker's caseload has been discussed in
// the calendar month of AsOf, and how many more conferences the month needs.
type MonthCoverage struct {
	Worker    string `json:"worker"`
	AsOf      Date   `json:"as_of"`
	Month     string `json:"month"` // YYYY-MM
	FirstYear bool   `json:"first_year"`
	// Caseload: cases assigned to the worker on or before AsOf and open.
	Caseload int `json:"caseload"`
	// PerConference: cases each conference should discuss: a quarter of
	// the caseload rounded up for a worker in the first year, the whole
	// caseload for an experienced worker.
	PerConference int `json:"per_conference"`
	// Conferences: supervision conferences with the worker this month, up
	// to AsOf.
	Conferences int      `json:"conferences"`
	Covered     []string `json:"covered"`   // caseload cases discussed this month (sorted)
	Uncovered   []string `json:"uncovered"` // caseload cases not yet discussed this month (sorted)
	// MoreConferences: conferences still needed this month to cover the
	// uncovered cases at PerConference cases each.
	MoreConferences int `json:"more_conferences"`
	// Complete: every caseload case covered this month. Never for a
	// worker with no caseload: nothing to discuss is not a caseload
	// discussed (the pages say "no cases" instead).
	Complete bool `json:"complete"`
}

// ConferenceCheck says whether a supervision conference discussed enough of
// the worker's caseload.
type ConferenceCheck struct {
	Conference string `json:"conference"`
	Worker     string `json:"worker"`
	Date       Date   `json:"date"`
	FirstYear  bool   `json:"first_year"`
	Caseload   int    `json:"caseload"`
	// Minimum: cases the conference should discuss: a quarter of the
	// caseload rounded up (first year), or every caseload case not yet
	// discussed earlier in the month (experienced: the monthly conference
	// completes the month).
	Minimum   int `json:"minimum"`
	Discussed int `json:"discussed"` // caseload cases listed
	// Short: how many more caseload cases it should have discussed.
	Short int `json:"short"`
	// NotOnCaseload: listed cases that are not on the worker's caseload on
	// the date (unknown, unassigned, closed, or another worker's).
	NotOnCaseload []string `json:"not_on_caseload"`
	OK            bool     `json:"ok"`
	// Month: the month's coverage as of the conference date, this
	// conference included.
	Month MonthCoverage `json:"month"`
}

// firstYear reports whether the worker is under one year of experience on d.
func firstYear(s *Staff, d Date) bool {
	exp := s.ExperienceStart
	if exp.IsZero() {
		exp = s.Since
	}
	return !exp.IsZero() && d.Before(exp.AddMonths(12))
}

func findStaff(f *Facts, id string) *Staff {
	for i := range f.Staff {
		if f.Staff[i].ID == id {
			return &f.Staff[i]
		}
	}
	return nil
}

// caseload returns the worker's open assigned cases on d, by id.
func caseload(f *Facts, worker string, d Date) map[string]*Case {
	out := map[string]*Case{}
	for i := range f.Cases {
		c := &f.Cases[i]
		if c.Worker == worker && !c.Assigned.IsZero() && !c.Assigned.After(d) && (c.Closed.IsZero() || c.Closed.After(d)) {
			if _, dup := out[c.ID]; !dup {
				out[c.ID] = c
			}
		}
	}
	return out
}

func quarter(n int) int { return (n + 3) / 4 }

// Coverage returns the coverage of the worker's caseload in the calendar
// month of asOf: a case is covered when a supervision conference dated in
// the month, on or before asOf and on or after the case's assigned date,
// listed it.
func Coverage(f Facts, workerID string, asOf Date) MonthCoverage {
	return coverage(&f, f.Conferences, workerID, asOf)
}

func coverage(f *Facts, confs []Conference, workerID string, asOf Date) MonthCoverage {
	m := MonthCoverage{Worker: workerID, AsOf: asOf, Covered: []string{}, Uncovered: []string{}}
	if asOf.IsZero() {
		return m
	}
	m.Month = asOf.String()[:7]
	s := findStaff(f, workerID)
	if s != nil {
		m.FirstYear = firstYear(s, asOf)
	}
	load := caseload(f, workerID, asOf)
	m.Caseload = len(load)
	start := asOf.StartOfMonth()
	covered := map[string]bool{}
	for i := range confs {
		k := &confs[i]
		if k.Kind != KindSupervision || k.Date.Before(start) || k.Date.After(asOf) {
			continue
		}
		if k.Worker == workerID {
			m.Conferences++
		}
		for _, id := range k.Cases {
			if c, ok := load[id]; ok && !k.Date.Before(c.Assigned) {
				covered[id] = true
			}
		}
	}
	for id := range load {
		if covered[id] {
			m.Covered = append(m.Covered, id)
		} else {
			m.Uncovered = append(m.Uncovered, id)
		}
	}
	slices.Sort(m.Covered)
	slices.Sort(m.Uncovered)
	m.PerConference = m.Caseload
	if m.FirstYear {
		m.PerConference = quarter(m.Caseload)
	}
	if n := len(m.Uncovered); n > 0 && m.PerConference > 0 {
		m.MoreConferences = (n + m.PerConference - 1) / m.PerConference
	}
	m.Complete = m.Caseload > 0 && len(m.Uncovered) == 0
	return m
}

// CheckConference checks a supervision conference, held or proposed, as of
// its date: whether it discusses enough of the worker's caseload, and the
// month's coverage with it. A conference whose id is not in the facts is
// counted as an addition to them. Other kinds of conference are returned
// with OK set and nothing checked.
func CheckConference(f Facts, c Conference) ConferenceCheck {
	ch := ConferenceCheck{Conference: c.ID, Worker: c.Worker, Date: c.Date, NotOnCaseload: []string{}, OK: true}
	if c.Kind != KindSupervision || c.Date.IsZero() {
		return ch
	}
	confs := f.Conferences
	if !slices.ContainsFunc(confs, func(k Conference) bool { return k.ID == c.ID }) {
		confs = append(slices.Clone(confs), c)
	}
	if s := findStaff(&f, c.Worker); s != nil {
		ch.FirstYear = firstYear(s, c.Date)
	}
	load := caseload(&f, c.Worker, c.Date)
	ch.Caseload = len(load)
	listed := map[string]bool{}
	for _, id := range c.Cases {
		if listed[id] {
			continue
		}
		listed[id] = true
		if _, ok := load[id]; ok {
			ch.Discussed++
		} else {
			ch.NotOnCaseload = append(ch.NotOnCaseload, id)
		}
	}
	if ch.FirstYear {
		ch.Minimum = quarter(ch.Caseload)
	} else {
		// Cases not discussed earlier in the month, without this conference.
		var others []Conference
		for _, k := range confs {
			if k.ID != c.ID {
				others = append(others, k)
			}
		}
		before := coverage(&f, others, c.Worker, c.Date)
		ch.Minimum = len(before.Uncovered)
	}
	ch.Short = max(0, ch.Minimum-ch.Discussed)
	ch.OK = ch.Short == 0
	ch.Month = coverage(&f, confs, c.Worker, c.Date)
	return ch
}

// Agenda priorities, most urgent first.
const (
	PriorityOverdueDiscussion = 1 // the monthly discussion is overdue
	PriorityHighRisk          = 2 // current risk high or very high
	PriorityDeadline          = 3 // court date or placement milestone within 14 days (or a milestone overdue)
	PriorityClosing           = 4 // planned closure
	PriorityContacts          = 5 // new contacts awaiting approval
	PriorityMonthly           = 6 // not yet discussed this month
)

// AgendaItem is a case proposed for the next conference, with the reasons.
type AgendaItem struct {
	Case     string   `json:"case"`
	Priority int      `json:"priority"`
	Reasons  []string `json:"reasons"`
	when     Date     // the most pressing date, to order items of one priority
}

// Agenda is the proposal for a worker's next conference.
type Agenda struct {
	Worker    string `json:"worker"`
	AsOf      Date   `json:"as_of"`
	Profile   string `json:"profile"`
	FirstYear bool   `json:"first_year"`
	Caseload  int    `json:"caseload"`
	// Target: how many cases the conference should discuss: a quarter of
	// the caseload rounded up for a worker in the first year, every case
	// not yet discussed this month for an experienced worker. Items holds
	// every urgent case (priorities 1-5), then fills up to Target with cases
	// not yet discussed this month, least recently discussed first.
	Target int          `json:"target"`
	Items  []AgendaItem `json:"items"`
}

// agendaWindow is how far ahead court dates and placement milestones put a
// case on the agenda.
const agendaWindow = 14

var contactKinds = map[string]bool{
	EventChildVisit: true, EventParentVisit: true, EventSiblingVisit: true,
	EventProviderVisit: true, EventCollateralContact: true,
}

// ProposeAgenda proposes, for a worker and a date (opts.AsOf or the facts'
// as_of), which cases to discuss next and why, in priority order: the
// monthly discussion overdue; high and very high risk; court dates and
// placement milestones within 14 days; planned closures; new contacts
// awaiting approval; then cases not yet discussed this month.
func ProposeAgenda(f Facts, opts Options, workerID string) (Agenda, error) {
	res, err := Evaluate(f, opts)
	if err != nil {
		return Agenda{}, err
	}
	asOf := res.AsOf
	a := Agenda{Worker: workerID, AsOf: asOf, Profile: res.Profile, Items: []AgendaItem{}}
	if s := findStaff(&f, workerID); s != nil {
		a.FirstYear = firstYear(s, asOf)
	}
	load := caseload(&f, workerID, asOf)
	a.Caseload = len(load)
	cov := coverage(&f, f.Conferences, workerID, asOf)
	discussedThisMonth := map[string]bool{}
	for _, id := range cov.Covered {
		discussedThisMonth[id] = true
	}

	items := map[string]*AgendaItem{}
	add := func(id string, prio int, when Date, reason string) {
		it := items[id]
		if it == nil {
			it = &AgendaItem{Case: id, Priority: prio, when: when}
			items[id] = it
		}
		if prio < it.Priority || (prio == it.Priority && when.Before(it.when)) {
			it.Priority, it.when = prio, when
		}
		it.Reasons = append(it.Reasons, reason)
	}
	lastDiscussed := map[string]Date{}
	for _, o := range res.Obligations {
		c, ok := load[o.Subject]
		if !ok {
			continue
		}
		switch {
		case res.Is(o, TagCaseDiscussion):
			if o.State == StateOverdue {
				add(c.ID, PriorityOverdueDiscussion, o.Due, "Monthly discussion overdue since "+o.Due.String()+lastWords(o.Last)+".")
			}
		case res.Is(o, TagSafetyPlan):
			if o.State == StateOverdue {
				add(c.ID, PriorityDeadline, o.Due, fmt.Sprintf("%s: overdue since %s.", res.Label(o), o.Due))
			} else if o.State == StateOpen && o.Due.Sub(asOf) <= agendaWindow {
				add(c.ID, PriorityDeadline, o.Due, fmt.Sprintf("%s: due %s.", res.Label(o), o.Due))
			}
		case res.Is(o, TagVisits) && !res.Is(o, TagMilestone):
			// A month (or week) that ended without the visits owed.
			if o.State == StateOverdue {
				add(c.ID, PriorityDeadline, o.Due, fmt.Sprintf("%s: overdue since %s.", res.Label(o), o.Due))
			}
		case res.Is(o, TagPlacement):
			if o.State == StateOverdue {
				add(c.ID, PriorityDeadline, o.Due, fmt.Sprintf("%s: overdue since %s.", res.Label(o), o.Due))
			} else if o.State == StateOpen && o.Due.Sub(asOf) <= agendaWindow {
				add(c.ID, PriorityDeadline, o.Due, fmt.Sprintf("%s: due %s.", res.Label(o), o.Due))
			}
		}
	}
	for i := range f.Conferences {
		k := &f.Conferences[i]
		if k.Kind != KindSupervision || k.Date.IsZero() || k.Date.After(asOf) {
			continue
		}
		for _, id := range k.Cases {
			if c, ok := load[id]; ok && !k.Date.Before(c.Assigned) && k.Date.After(lastDiscussed[id]) {
				lastDiscussed[id] = k.Date
			}
		}
	}
	ids := make([]string, 0, len(load))
	for id := range load {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	approvals := map[string]Date{}
	for _, e := range f.Events {
		if e.Kind == EventContactSheetApproved && !e.Date.After(asOf) && e.Date.After(approvals[e.Case]) {
			approvals[e.Case] = e.Date
		}
	}
	newContacts := opts.ContactsAwaiting
	if newContacts == nil {
		newContacts = map[string]int{}
		for _, e := range f.Events {
			if _, ok := load[e.Case]; ok && contactKinds[e.Kind] && !e.Date.After(asOf) && e.Date.After(approvals[e.Case]) {
				newContacts[e.Case]++
			}
		}
	}
	for _, id := range ids {
		c := load[id]
		level, run := currentRisk(c, asOf)
		if isHigh(level) {
			add(id, PriorityHighRisk, run, "Risk "+levelWords(level)+" since "+run.String()+".")
		}
		if !c.CourtNext.IsZero() && !c.CourtNext.Before(asOf) && c.CourtNext.Sub(asOf) <= agendaWindow {
			add(id, PriorityDeadline, c.CourtNext, fmt.Sprintf("Court date %s, in %d days.", c.CourtNext, c.CourtNext.Sub(asOf)))
		}
		if !c.Closing.IsZero() {
			add(id, PriorityClosing, c.Closing, "Planned closing "+c.Closing.String()+".")
		}
		if n := newContacts[id]; n > 0 {
			since := "none approved yet"
			if a := approvals[id]; !a.IsZero() {
				since = "since the last approval on " + a.String()
			}
			add(id, PriorityContacts, asOf, fmt.Sprintf("%d new contact%s awaiting approval (%s).", n, plural1(n), since))
		}
	}
	var urgent, monthly []*AgendaItem
	for _, id := range ids {
		if it := items[id]; it != nil {
			urgent = append(urgent, it)
		}
	}
	for _, id := range ids {
		if items[id] == nil && !discussedThisMonth[id] {
			monthly = append(monthly, &AgendaItem{Case: id, Priority: PriorityMonthly, when: lastDiscussed[id],
				Reasons: []string{"Not yet discussed in " + cov.Month + lastWords(lastDiscussed[id]) + "."}})
		}
	}
	byPriority := func(x, y *AgendaItem) int {
		if x.Priority != y.Priority {
			return x.Priority - y.Priority
		}
		if c := x.when.Compare(y.when); c != 0 {
			return c
		}
		return strings.Compare(x.Case, y.Case)
	}
	slices.SortFunc(urgent, byPriority)
	slices.SortFunc(monthly, byPriority) // least recently discussed first (never first)
	undiscussed := a.Caseload - len(cov.Covered)
	if a.FirstYear {
		a.Target = quarter(a.Caseload)
	} else {
		a.Target = undiscussed
	}
	for _, it := range urgent {
		a.Items = append(a.Items, *it)
	}
	for _, it := range monthly {
		if len(a.Items) >= a.Target {
			break
		}
		a.Items = append(a.Items, *it)
	}
	return a, nil
}

func lastWords(last Date) string {
	if last.IsZero() {
		return " (not yet discussed)"
	}
	return " (last discussed " + last.String() + ")"
}

func plural1(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// currentRisk returns the current level and, when it is high or very high,
// the start of the run of high/very_high entries it belongs to.
func currentRisk(c *Case, asOf Date) (string, Date) {
	cur := -1
	for j := range c.Risk {
		if !c.Risk[j].From.IsZero() && !c.Risk[j].From.After(asOf) {
			cur = j
		}
	}
	if cur < 0 {
		return "", Date{}
	}
	level := c.Risk[cur].Level
	if !isHigh(level) {
		return level, Date{}
	}
	run := c.Risk[cur].From
	for j := cur - 1; j >= 0 && isHigh(c.Risk[j].Level) && !c.Risk[j].From.IsZero(); j-- {
		run = c.Risk[j].From
	}
	return level, run
}
