package rules

import (
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Obligation states.
const (
	StateOpen    = "open"     // not met, due on or after as_of
	StateOverdue = "overdue"  // not met, due before as_of
	StateMet     = "met"      // met on or before due
	StateMetLate = "met_late" // met after due
)

// Obligation is one thing owed: by whom or for what (Subject), by when
// (Due), why, and under which policy (Source). Last is the latest fact that
// satisfied a recurring obligation; Met the date a one-time obligation was
// met; zero when absent (null in JSON).
type Obligation struct {
	Rule    string `json:"rule"`
	Subject string `json:"subject"`
	Due     Date   `json:"due"`
	State   string `json:"state"`
	Last    Date   `json:"last"`
	Met     Date   `json:"met"`
	Why     string `json:"why"`
	Source  string `json:"source"`
	// Request names the emergent request an obligation of a
	// casework_supervisor rule is owed for (this app's addition; absent
	// for every other rule).
	Request string `json:"request,omitempty"`
}

// Options override the facts' own profile and as_of when set.
type Options struct {
	Profile string
	AsOf    Date
	// Use, when set, is the profile to evaluate with, whatever the facts
	// and Profile name (a profile read from a file, or a built-in one with
	// versions uploaded since).
	Use *Profile
	// ContactsAwaiting, when set, is how many contacts of each case (by
	// fact id) await approval, as the caller knows it from each contact's
	// own approval: the agenda's contact reason counts these. The facts
	// carry no approval per contact, so without it the agenda counts the
	// contacts dated after the case's last contact_sheet_approved. It
	// changes no obligation.
	ContactsAwaiting map[string]int
}

// Result is the output of Evaluate; its JSON is the contract's output.
type Result struct {
	AsOf        Date         `json:"as_of"`
	Profile     string       `json:"profile"`
	Obligations []Obligation `json:"obligations"`

	version *Version // the profile version evaluated with
}

// Version returns the profile version the result was evaluated with: the
// one in force on AsOf (for a Result not made by Evaluate, the built-in
// profile's version of that date, or its latest).
func (r Result) Version() *Version {
	if r.version != nil {
		return r.version
	}
	id := r.Profile
	if id == "" {
		id = DefaultProfile
	}
	p, ok := LookupProfile(id)
	if !ok {
		p, _ = LookupProfile(DefaultProfile)
	}
	if v, ok := p.VersionAt(r.AsOf); ok {
		return v
	}
	return p.Latest()
}

// Rule returns the rule an obligation of the result is owed under.
func (r Result) Rule(o Obligation) (*Rule, bool) { return r.Version().Rule(o.Rule) }

// Is reports whether an obligation's rule has the tag: pages select
// obligations by tag, never by rule id.
func (r Result) Is(o Obligation, t Tag) bool {
	rule, ok := r.Rule(o)
	return ok && rule.Tags.Has(t)
}

// Label returns what a page calls an obligation: its rule's label.
func (r Result) Label(o Obligation) string {
	if rule, ok := r.Rule(o); ok {
		return rule.Label
	}
	return "Obligation" // never the rule id: it is an internal name
}

// resolve returns the as_of, the profile and the version in force.
func resolve(f *Facts, opts Options) (Date, *Profile, *Version, error) {
	asOf := f.AsOf
	if !opts.AsOf.IsZero() {
		asOf = opts.AsOf
	}
	if asOf.IsZero() {
		return asOf, nil, nil, FieldError{Path: "as_of", Msg: "required (in the facts or with --as-of)"}
	}
	id := f.Profile
	if opts.Profile != "" {
		id = opts.Profile
	}
	if id == "" {
		id = DefaultProfile
	}
	p, ok := opts.Use, opts.Use != nil
	if !ok && f.Policy != nil && f.Policy.ID == id {
		p, ok = f.Policy, true
	}
	if !ok {
		p, ok = LookupProfile(id)
	}
	if !ok {
		return asOf, nil, nil, FieldError{Path: "profile", Msg: "unknown profile " + quote(id) +
			" (known: " + strings.Join(ProfileIDs(), ", ") + ")"}
	}
	v, ok := p.VersionAt(asOf)
	if !ok {
		return asOf, p, nil, FieldError{Path: "as_of", Msg: asOf.String() + " is before profile " + p.ID +
			" took effect (" + p.Versions[0].Effective.String() + ")"}
	}
	return asOf, p, v, nil
}

// Evaluate returns what is owed as of the date, under the profile version
// in force on that date, sorted by due date, then rule, then subject. The
// facts should be valid (see Validate); invalid references are ignored,
// never a panic. The error is a FieldError: as_of missing, unknown profile,
// or as_of before the profile took effect.
func Evaluate(f Facts, opts Options) (Result, error) {
	asOf, p, v, err := resolve(&f, opts)
	if err != nil {
		return Result{}, err
	}
	e := newEvaluator(&f, asOf, p, v)
	obs := e.run(v.Rules)
	return Result{AsOf: asOf, Profile: p.ID, Obligations: obs, version: v}, nil
}

// calendarFor returns the facts' holidays when given (HolidaysSet, or any
// holiday listed), else the profile version's.
func calendarFor(f *Facts, v *Version) Calendar {
	if f.HolidaysSet || len(f.Holidays) > 0 {
		return NewCalendar(f.Holidays)
	}
	return v.Calendar
}

// ref is a dated fact about a case or a staff member, in compact form.
type ref struct {
	n int32 // Date.n
	k uint8 // event kind index, or refSupervision / refReview
}

const (
	refSupervision = uint8(len(eventKinds))     // case listed in / worker of a supervision conference
	refReview      = uint8(len(eventKinds) + 1) // case listed in / supervisor of a casework_review
	refMVRReview   = uint8(len(eventKinds) + 2) // worker's visit plans reviewed (facts mvr_reviews)
)

func eventKindIndex(k string) int {
	switch k {
	case EventChildVisit:
		return 0
	case EventParentVisit:
		return 1
	case EventSiblingVisit:
		return 2
	case EventProviderVisit:
		return 3
	case EventCollateralContact:
		return 4
	case EventFamilyTeamMeeting:
		return 5
	case EventRelativeNotification:
		return 6
	case EventCPRBNotification:
		return 7
	case EventNinetyDayStaffing:
		return 8
	case EventRiskReassessment:
		return 9
	case EventMVREstablished:
		return 10
	case EventContactSheetApproved:
		return 11
	case EventDiligentSearch:
		return 12
	}
	return -1
}

func conferenceRef(kind string) (uint8, bool) {
	switch kind {
	case KindSupervision:
		return refSupervision, true
	case KindCaseworkReview:
		return refReview, true
	}
	return 0, false
}

func (c Counts) mask() uint16 {
	var m uint16
	for _, k := range c.Events {
		if i := eventKindIndex(k); i >= 0 {
			m |= 1 << i
		}
	}
	if k, ok := conferenceRef(c.Conference); ok {
		m |= 1 << k
	}
	if c.MVRReview {
		m |= 1 << refMVRReview
	}
	return m
}

// factIndex holds the facts grouped once: each case's and each staff member's
// dated facts (on or before as_of) in one flat slice, by offsets.
type factIndex struct {
	f         *Facts
	asOf      Date
	cal       Calendar
	caseByID  map[string]int32
	staffByID map[string]int32
	caseOff   []int32
	caseRefs  []ref
	staffOff  []int32
	staffRefs []ref
	// days holds the why sentences' dates written out, for large facts
	// (dayTexts).
	days dayTexts
	// monthStarts[i] is the first day (a Date's n) of the month i months
	// before as_of's, for the monthly counts; monthOf[d] is the i of the day
	// monthStarts[24] + d, up to as_of.
	monthStarts [25]int32
	monthOf     []uint8
}

func buildIndex(f *Facts, asOf Date, cal Calendar) *factIndex {
	x := &factIndex{f: f, asOf: asOf, cal: cal}
	for i := range x.monthStarts {
		x.monthStarts[i] = asOf.StartOfMonth().AddMonths(-i).n
	}
	x.monthOf = make([]uint8, max(0, asOf.n-x.monthStarts[24]+1))
	for d := range x.monthOf {
		i := 0
		for x.monthStarts[24]+int32(d) < x.monthStarts[i] {
			i++
		}
		x.monthOf[d] = uint8(i)
	}
	if len(f.Cases) >= dayTextsFrom {
		x.days = newDayTexts(asOf)
	}
	x.caseByID = make(map[string]int32, len(f.Cases))
	for i := range f.Cases {
		if _, dup := x.caseByID[f.Cases[i].ID]; !dup {
			x.caseByID[f.Cases[i].ID] = int32(i)
		}
	}
	x.staffByID = make(map[string]int32, len(f.Staff))
	for i := range f.Staff {
		if _, dup := x.staffByID[f.Staff[i].ID]; !dup {
			x.staffByID[f.Staff[i].ID] = int32(i)
		}
	}
	nc, ns := len(f.Cases), len(f.Staff)
	x.caseOff = make([]int32, nc+1)
	x.staffOff = make([]int32, ns+1)

	// First pass: resolve references, then count. evCase packs each
	// counted event's case index and kind: ci<<4 | kind (-1: not counted).
	// A state's 3 million are resolved in two halves beside the
	// conferences' resolution below (the maps are only read; each half
	// writes its own range), and counted once all are in.
	// evDate: each counted event's date, taken while the event is read, so
	// that the serial fill below reads two compact slices, not the events
	// again (120 MB at state scale).
	evCase := make([]int32, len(f.Events))
	evDate := make([]int32, len(f.Events))
	resolveEvents := func(lo, hi int) {
		lastID, lastCI := "", int32(-1)
		for i := lo; i < hi; i++ {
			ev := &f.Events[i]
			evCase[i] = -1
			if ev.Date.IsZero() || ev.Date.After(asOf) {
				continue
			}
			k := eventKindIndex(ev.Kind)
			if k < 0 {
				continue
			}
			ci := lastCI
			if ev.Case != lastID || ci < 0 { // events often come grouped by case
				var ok bool
				if ci, ok = x.caseByID[ev.Case]; !ok {
					ci = -1
				}
				lastID, lastCI = ev.Case, ci
			}
			if ci >= 0 {
				evCase[i] = ci<<4 | int32(k)
				evDate[i] = ev.Date.n
			}
		}
	}
	var events sync.WaitGroup
	if n := len(f.Events); runtime.GOMAXPROCS(0) > 1 && n >= 2*max(parallelCases, 1) {
		events.Go(func() { resolveEvents(0, n/2) })
		events.Go(func() { resolveEvents(n/2, n) })
	} else {
		resolveEvents(0, n)
	}
	// The counted conferences' cases resolved to case indexes (-1 unknown)
	// in one slice, each conference's from start[i] (-1: not counted). A
	// state's 1.6 million lookups by id are made in contiguous parts on up
	// to GOMAXPROCS goroutines (the maps are only read; each part writes its
	// own conferences' places), then counted in order.
	start := make([]int32, len(f.Conferences))
	listed := 0
	for i := range f.Conferences {
		k := &f.Conferences[i]
		start[i] = -1
		if k.Date.IsZero() || k.Date.After(asOf) {
			continue
		}
		if _, ok := conferenceRef(k.Kind); !ok {
			continue
		}
		start[i] = int32(listed)
		listed += len(k.Cases)
	}
	confCases := make([]int32, listed)
	confStaff := make([]int32, len(f.Conferences))
	resolve := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			k := &f.Conferences[i]
			confStaff[i] = -1
			if start[i] < 0 {
				continue
			}
			for j, id := range k.Cases {
				ci, ok := x.caseByID[id]
				if !ok {
					ci = -1
				}
				confCases[int(start[i])+j] = ci
			}
			who := k.Worker
			if k.Kind == KindCaseworkReview {
				who = k.Supervisor
			}
			if si, ok := x.staffByID[who]; ok {
				confStaff[i] = si
			}
		}
	}
	if parts := min(runtime.GOMAXPROCS(0), 4, listed/max(parallelCases, 1)); parts < 2 {
		resolve(0, len(f.Conferences))
	} else {
		var wg sync.WaitGroup
		for p := range parts {
			wg.Go(func() { resolve(p*len(f.Conferences)/parts, (p+1)*len(f.Conferences)/parts) })
		}
		wg.Wait()
	}
	events.Wait()
	for _, p := range evCase {
		if p >= 0 {
			x.caseOff[p>>4+1]++
		}
	}
	for _, ci := range confCases {
		if ci >= 0 {
			x.caseOff[ci+1]++
		}
	}
	for _, si := range confStaff {
		if si >= 0 {
			x.staffOff[si+1]++
		}
	}
	// The supervisor's reviews of a worker's visit plans, on the worker.
	reviewStaff := make([]int32, len(f.MVRReviews))
	for i := range f.MVRReviews {
		rv := &f.MVRReviews[i]
		reviewStaff[i] = -1
		if rv.Date.IsZero() || rv.Date.After(asOf) {
			continue
		}
		if si, ok := x.staffByID[rv.Worker]; ok {
			reviewStaff[i] = si
			x.staffOff[si+1]++
		}
	}
	for i := 0; i < nc; i++ {
		x.caseOff[i+1] += x.caseOff[i]
	}
	for i := 0; i < ns; i++ {
		x.staffOff[i+1] += x.staffOff[i]
	}
	x.caseRefs = make([]ref, x.caseOff[nc])
	x.staffRefs = make([]ref, x.staffOff[ns])
	cfill := slices.Clone(x.caseOff[:nc])
	sfill := slices.Clone(x.staffOff[:ns])
	for i, p := range evCase {
		if p >= 0 {
			ci := p >> 4
			x.caseRefs[cfill[ci]] = ref{n: evDate[i], k: uint8(p & 15)}
			cfill[ci]++
		}
	}
	j := 0
	for i := range f.Conferences {
		k := &f.Conferences[i]
		if k.Date.IsZero() || k.Date.After(asOf) {
			continue
		}
		kind, ok := conferenceRef(k.Kind)
		if !ok {
			continue
		}
		r := ref{n: k.Date.n, k: kind}
		for range k.Cases {
			if ci := confCases[j]; ci >= 0 {
				x.caseRefs[cfill[ci]] = r
				cfill[ci]++
			}
			j++
		}
		if si := confStaff[i]; si >= 0 {
			x.staffRefs[sfill[si]] = r
			sfill[si]++
		}
	}
	for i, si := range reviewStaff {
		if si >= 0 {
			x.staffRefs[sfill[si]] = ref{n: f.MVRReviews[i].Date.n, k: refMVRReview}
			sfill[si]++
		}
	}
	return x
}

func (x *factIndex) caseRefsOf(i int) []ref  { return x.caseRefs[x.caseOff[i]:x.caseOff[i+1]] }
func (x *factIndex) staffRefsOf(i int) []ref { return x.staffRefs[x.staffOff[i]:x.staffOff[i+1]] }

// earliest returns the earliest fact in mask dated lo..hi (zero lo or hi:
// unbounded).
func earliest(refs []ref, mask uint16, lo, hi Date) Date {
	var best int32
	for _, r := range refs {
		if mask&(1<<r.k) == 0 || (lo.n != 0 && r.n < lo.n) || (hi.n != 0 && r.n > hi.n) {
			continue
		}
		if best == 0 || r.n < best {
			best = r.n
		}
	}
	return Date{n: best}
}

// earliestOf returns the date a once rule is met by the facts of mask dated
// lo..hi: the earliest of them, or, when the rule needs each kind
// (Counts.Each), the later of the earliest of each kind; and the kinds not
// seen at all (Each only).
func (e *evaluator) earliestOf(r *Rule, refs []ref, mask uint16, lo, hi Date) (Date, uint16) {
	if !r.Counts.Each {
		return earliest(refs, mask, lo, hi), 0
	}
	var met Date
	var missing uint16
	for k := uint16(0); k < 16; k++ {
		if mask&(1<<k) == 0 {
			continue
		}
		d := earliest(refs, 1<<k, lo, hi)
		if d.IsZero() {
			missing |= 1 << k
			continue
		}
		met = maxDate(met, d)
	}
	if missing != 0 {
		return Date{}, missing
	}
	return met, 0
}

// missingWords writes the facts of mask in words: "parent visit",
// "casework review".
func (e *evaluator) missingWords(mask uint16) {
	first := true
	for k := 0; k <= int(refReview); k++ {
		if mask&(1<<k) == 0 {
			continue
		}
		if !first {
			e.w(" or ")
		}
		first = false
		switch uint8(k) {
		case refSupervision:
			e.w("supervision conference listing the case")
		case refReview:
			e.w("casework review listing the case")
		default:
			e.w(EventWords(eventKinds[k]))
		}
	}
}

// EventWords returns an event kind in words: "parent visit".
func EventWords(kind string) string { return strings.ReplaceAll(kind, "_", " ") }

// latest returns the latest fact in mask dated on or after lo.
func latest(refs []ref, mask uint16, lo Date) Date {
	var best int32
	for _, r := range refs {
		if mask&(1<<r.k) != 0 && r.n >= lo.n && r.n > best {
			best = r.n
		}
	}
	return Date{n: best}
}

// count returns the number of facts in mask dated lo..hi.
func count(refs []ref, mask uint16, lo, hi Date) int {
	n := 0
	for _, r := range refs {
		if mask&(1<<r.k) != 0 && r.n >= lo.n && r.n <= hi.n {
			n++
		}
	}
	return n
}

// caseInfo is what the rules need to know about one case as of the date.
type caseInfo struct {
	c       *Case
	asOf    Date
	refs    []ref
	scope   Scope
	open    bool
	level   string // current risk level
	run     Date   // start of the current high/very_high run
	episode Date   // E: the later of run and assigned
	// last is the latest fact of each kind of refs (a Date's n, 0 for
	// none): one pass over a case's facts, where each rule's latest was a
	// pass of its own (a dozen rules a case).
	last [16]int32
}

// findLatest sets ci.last from ci.refs.
func (ci *caseInfo) findLatest() {
	for _, r := range ci.refs {
		if k := r.k & 15; r.n > ci.last[k] {
			ci.last[k] = r.n
		}
	}
}

// latest returns the latest fact in mask dated on or after lo: latest(ci.refs,
// mask, lo), from the case's latest of each kind.
func (ci *caseInfo) latest(mask uint16, lo Date) Date {
	var best int32
	for m := mask; m != 0; m &= m - 1 {
		if n := ci.last[bits.TrailingZeros16(m)]; n > best {
			best = n
		}
	}
	if best < lo.n {
		return Date{}
	}
	return Date{n: best}
}

func isHigh(level string) bool { return level == RiskHigh || level == RiskVeryHigh }

func (x *factIndex) caseInfo(i int) caseInfo {
	c := &x.f.Cases[i]
	ci := caseInfo{c: c, asOf: x.asOf, refs: x.caseRefsOf(i)}
	asOf := x.asOf
	ci.open = c.Closed.IsZero() || c.Closed.After(asOf)
	if !ci.open {
		return ci
	}
	ci.findLatest()
	ci.level, ci.run = currentRisk(c, asOf)
	var s Scope
	assigned := c.Worker != "" && !c.Assigned.IsZero() && !c.Assigned.After(asOf)
	if assigned {
		s |= ScopeAssigned
		if !ci.run.IsZero() {
			s |= ScopeHighRisk
			ci.episode = maxDate(ci.run, c.Assigned)
		}
	}
	switch c.Setting {
	case SettingInHome:
		s |= ScopeInHome
	case SettingOutOfHome:
		s |= ScopeOutOfHome
		if !c.PlacementDate.IsZero() && !c.PlacementDate.After(asOf) {
			s |= ScopePlaced
		}
	}
	if !c.Received.IsZero() && !c.Received.After(asOf) {
		s |= ScopeReceived
	}
	if !c.Closing.IsZero() {
		s |= ScopeClosing
	}
	if len(c.MVR) > 0 && !c.MVR[0].From.IsZero() && !c.MVR[0].From.After(asOf) {
		s |= ScopeMVRSet
	}
	if c.Goal == GoalReunification {
		s |= ScopeGoalReunification
	} else {
		s |= ScopeGoalOther
	}
	if !c.SafetyPlanStart.IsZero() && !c.SafetyPlanStart.After(asOf) && (c.SafetyPlanEnd.IsZero() || c.SafetyPlanEnd.After(asOf)) {
		s |= ScopeSafetyPlan
	}
	if !c.SiblingsApartStart.IsZero() && !c.SiblingsApartStart.After(asOf) && (c.SiblingsApartEnd.IsZero() || c.SiblingsApartEnd.After(asOf)) {
		s |= ScopeSiblingsApart
	}
	if (!c.SCRAssigned.IsZero() && !c.SCRAssigned.After(asOf)) || s&ScopePlaced != 0 {
		s |= ScopeMVR
	}
	if s&ScopePlaced == 0 || s&ScopeGoalReunification == 0 {
		s |= ScopeNotPlacedForReunification
	}
	ci.scope = s
	return ci
}

// anchor returns the case's date for a, zero when absent or not yet.
func (ci *caseInfo) anchor(a Anchor) Date {
	c := ci.c
	switch a {
	case AnchorAssigned:
		if ci.scope&ScopeAssigned != 0 {
			return c.Assigned
		}
	case AnchorReceived:
		if ci.scope&ScopeReceived != 0 {
			return c.Received
		}
	case AnchorPlacement:
		if ci.scope&ScopePlaced != 0 {
			return c.PlacementDate
		}
	case AnchorSCR:
		if !c.SCRAssigned.IsZero() && !c.SCRAssigned.After(ci.asOf) {
			return c.SCRAssigned
		}
	case AnchorRiskEpisode:
		return ci.episode
	case AnchorClosing:
		return c.Closing
	case AnchorSafetyPlan:
		if ci.scope&ScopeSafetyPlan != 0 {
			return c.SafetyPlanStart
		}
	case AnchorMVRSet:
		if ci.scope&ScopeMVRSet != 0 {
			return c.MVR[0].From
		}
	case AnchorSiblingsApart:
		if ci.scope&ScopeSiblingsApart != 0 {
			if ci.scope&ScopePlaced != 0 {
				return maxDate(c.SiblingsApartStart, c.PlacementDate)
			}
			return c.SiblingsApartStart
		}
	}
	return Date{}
}

type evaluator struct {
	x      *factIndex
	p      *Profile
	v      *Version
	asOf   Date
	buf    []byte             // the why sentence being built
	chunk  *strings.Builder   // current chunk of why sentences
	chunks []*strings.Builder // every chunk, the current one last
	recs   []rec
	// the rule and subject being evaluated
	ri   uint16
	kind uint8
	subj int32
}

func newEvaluator(f *Facts, asOf Date, p *Profile, v *Version) *evaluator {
	return &evaluator{x: buildIndex(f, asOf, calendarFor(f, v)), p: p, v: v, asOf: asOf}
}

const (
	stOpen uint8 = iota
	stOverdue
	stMet
	stMetLate
)

var stateNames = [...]string{StateOpen, StateOverdue, StateMet, StateMetLate}

func state(due, met, asOf Date, once bool) uint8 {
	if once && !met.IsZero() {
		if met.After(due) {
			return stMetLate
		}
		return stMet
	}
	if due.Before(asOf) {
		return stOverdue
	}
	return stOpen
}

// afterDays applies a once cadence's offset to its anchor.
func (e *evaluator) offset(c *Cadence, a Date) Date {
	d := a
	if c.Days != 0 {
		d = d.AddDays(c.Days)
	}
	if c.BusinessDays != 0 {
		d = e.x.cal.AddBusinessDays(d, c.BusinessDays)
	}
	if c.Months != 0 {
		d = d.AddMonths(c.Months)
	}
	return d
}

// nextMonthEnd is the calendar-month cadence: after a fact in month M, the
// last day of M+1; with none, one month after the anchor (contract version
// 2: assigned 2026-10-31, first due 2026-11-30; assigned 2026-10-05, first
// due 2026-11-05).
func nextMonthEnd(last, anchor Date) Date {
	if !last.IsZero() {
		return last.StartOfMonth().AddMonths(1).EndOfMonth()
	}
	return anchor.AddMonths(1)
}

// why sentence helpers: appending avoids fmt in the hot path.
func (e *evaluator) w(s string) { e.buf = append(e.buf, s...) }
func (e *evaluator) wd(d Date)  { e.buf = e.x.days.appendTo(e.buf, d) }

// rec is an obligation in compact form until the output is sorted.
type rec struct {
	key            uint64 // sort key, set by output
	due, last, met int32
	subj           int32 // index of the case, staff member or conference
	whyStart       uint32
	whyEnd         uint32
	whyChunk       uint16
	rule           uint16 // index in the version's rules
	kind           uint8  // subject kind: kindCase, kindStaff, kindConference
	state          uint8
	alt            bool // the rule's FirstYear source applies
}

const (
	kindCase uint8 = iota
	kindStaff
	kindConference
	kindEmergent // an emergent request (its subject: the casework supervisor)
	kindCount
)

// emit records an obligation of the current rule and subject; its why is
// the sentence built in e.buf, kept in large shared chunks so that each
// obligation does not allocate its own string.
func (e *evaluator) emit(alt bool, due Date, st uint8, last, met Date) {
	if e.chunk == nil || e.chunk.Len()+len(e.buf) > e.chunk.Cap() {
		size := 4096
		if e.chunk != nil {
			size = min(2*e.chunk.Cap(), 1<<20)
		}
		e.chunk = new(strings.Builder)
		e.chunk.Grow(max(size, len(e.buf)))
		e.chunks = append(e.chunks, e.chunk)
	}
	start := e.chunk.Len()
	e.chunk.Write(e.buf)
	e.buf = e.buf[:0]
	e.recs = append(e.recs, rec{
		due: due.n, last: last.n, met: met.n, subj: e.subj,
		whyStart: uint32(start), whyEnd: uint32(e.chunk.Len()), whyChunk: uint16(len(e.chunks) - 1),
		rule: e.ri, kind: e.kind, state: st, alt: alt,
	})
}

func (e *evaluator) run(rules []Rule) []Obligation {
	x := e.x
	f := x.f
	n := 0
	for i := range rules {
		if rules[i].Subject == SubjectCase {
			n++
		}
	}
	// Sized for a dozen obligations a case (a state's are 12-13 with the
	// rules of 2026-12): grown from eight, the records were copied twice,
	// and again when the parallel parts' were put together.
	e.recs = make([]rec, 0, len(f.Cases)*min(n, 16)+len(f.Staff)*2+16)
	hasCases := make([]bool, len(f.Staff))
	// plans: the earliest visit plan of each worker's assigned open cases
	// under one (the anchor of a worker's mvr rules).
	plans := make([]Date, len(f.Staff))
	masks := make([]uint16, len(rules))
	for i := range rules {
		masks[i] = rules[i].Counts.mask()
	}
	e.kind = kindCase
	e.casesInParallel(rules, masks, hasCases, plans)
	e.kind = kindStaff
	for i := range f.Staff {
		s := &f.Staff[i]
		var scope Scope
		if hasCases[i] {
			scope |= ScopeWithCases
		}
		if !plans[i].IsZero() {
			scope |= ScopeWithVisitPlans
		}
		if !s.Since.IsZero() && !s.Since.After(e.asOf) {
			scope |= ScopeInPost
		}
		e.subj = int32(i)
		for j := range rules {
			r := &rules[j]
			if r.Scope&^scope != 0 {
				continue
			}
			e.ri = uint16(j)
			switch {
			case r.Subject == SubjectWorker && s.Role == RoleWorker:
				e.workerRule(r, masks[j], s, x.staffRefsOf(i), plans[i])
			case r.Subject == SubjectSupervisor && s.Role == RoleSupervisor:
				e.supervisorRule(r, masks[j], s, x.staffRefsOf(i))
			}
		}
	}
	e.kind = kindConference
	for j := range rules {
		if rules[j].Subject == SubjectConference {
			e.ri = uint16(j)
			e.conferenceRule(&rules[j])
		}
	}
	e.kind = kindEmergent
	for j := range rules {
		if rules[j].Subject == SubjectCaseworkSupervisor {
			e.ri = uint16(j)
			e.emergentRule(&rules[j])
		}
	}
	return e.output(rules)
}

// caseRange evaluates the case rules for cases lo..hi-1, marking in
// hasCases the staff with an assigned case among them and in plans the
// earliest visit plan of those cases of each.
func (e *evaluator) caseRange(rules []Rule, masks []uint16, hasCases []bool, plans []Date, lo, hi int) {
	x := e.x
	for i := lo; i < hi; i++ {
		ci := x.caseInfo(i)
		if !ci.open {
			continue
		}
		if ci.scope&ScopeAssigned != 0 {
			if si, ok := x.staffByID[ci.c.Worker]; ok {
				hasCases[si] = true
				if ci.scope&ScopeMVRSet != 0 {
					if from := ci.c.MVR[0].From; plans[si].IsZero() || from.Before(plans[si]) {
						plans[si] = from
					}
				}
			}
		}
		e.subj = int32(i)
		for j := range rules {
			r := &rules[j]
			if r.Subject == SubjectCase && r.Scope&^ci.scope == 0 {
				e.ri = uint16(j)
				e.caseRule(r, masks[j], &ci)
			}
		}
	}
}

// parallelCases is the number of cases from which the case rules are
// evaluated on several goroutines (a state's tens of thousands; a unit's
// hundred is not worth a goroutine). A variable for the test that checks
// both ways give the same obligations.
var parallelCases = 20000

// casesInParallel evaluates the case rules, for many cases on up to
// GOMAXPROCS goroutines, each over a contiguous range of cases with an
// evaluator of its own; their obligations are then appended in the cases'
// order, so that the result is exactly the serial one's (the index is only
// read, and the case rules touch nothing else shared).
func (e *evaluator) casesInParallel(rules []Rule, masks []uint16, hasCases []bool, plans []Date) {
	n := len(e.x.f.Cases)
	parts := min(runtime.GOMAXPROCS(0), 4, n/max(parallelCases/2, 1))
	if parts < 2 {
		e.caseRange(rules, masks, hasCases, plans, 0, n)
		return
	}
	subs := make([]*evaluator, parts)
	marks := make([][]bool, parts)
	earliest := make([][]Date, parts)
	var wg sync.WaitGroup
	for p := range parts {
		subs[p] = &evaluator{x: e.x, p: e.p, v: e.v, asOf: e.asOf, kind: kindCase,
			recs: make([]rec, 0, cap(e.recs)/parts)}
		marks[p] = make([]bool, len(hasCases))
		earliest[p] = make([]Date, len(plans))
		lo, hi := p*n/parts, (p+1)*n/parts
		wg.Go(func() { subs[p].caseRange(rules, masks, marks[p], earliest[p], lo, hi) })
	}
	wg.Wait()
	total := len(e.recs)
	for _, sub := range subs {
		total += len(sub.recs)
	}
	e.recs = slices.Grow(e.recs, total-len(e.recs))
	for p, sub := range subs {
		base := uint16(len(e.chunks))
		e.chunks = append(e.chunks, sub.chunks...)
		for _, r := range sub.recs {
			r.whyChunk += base
			e.recs = append(e.recs, r)
		}
		for i, m := range marks[p] {
			hasCases[i] = hasCases[i] || m
		}
		for i, d := range earliest[p] {
			if !d.IsZero() && (plans[i].IsZero() || d.Before(plans[i])) {
				plans[i] = d
			}
		}
	}
	e.chunk = nil // the next obligation starts a chunk of its own, after theirs
}

// rankSubjects returns the rank of each subject of a kind in the order of
// their ids (subjectIDs').
func (e *evaluator) rankSubjects(kind uint8, ids []string) []uint32 {
	f := e.x.f
	order := make([]int32, len(ids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := strings.Compare(ids[a], ids[b]); c != 0 || kind != kindEmergent {
			return c
		}
		// Requests owed by the same casework supervisor: by request id.
		return strings.Compare(f.Emergent[a].ID, f.Emergent[b].ID)
	})
	ranks := make([]uint32, len(ids))
	for r, i := range order {
		ranks[i] = uint32(r)
	}
	return ranks
}

// subjectIDs is the id of every subject of a kind, by its index, in one
// compact slice: what subjectID gives for each. Sorting and building the
// output read them in the obligations' order; from the facts' large
// structs each read was a cache miss.
func (e *evaluator) subjectIDs(kind uint8) []string {
	f := e.x.f
	var n int
	switch kind {
	case kindCase:
		n = len(f.Cases)
	case kindStaff:
		n = len(f.Staff)
	case kindEmergent:
		n = len(f.Emergent)
	default:
		n = len(f.Conferences)
	}
	ids := make([]string, n)
	r := rec{kind: kind}
	for i := range ids {
		r.subj = int32(i)
		ids[i] = e.subjectID(&r)
	}
	return ids
}

func (e *evaluator) subjectID(r *rec) string {
	f := e.x.f
	switch r.kind {
	case kindCase:
		return f.Cases[r.subj].ID
	case kindStaff:
		return f.Staff[r.subj].ID
	case kindEmergent:
		return f.Emergent[r.subj].CaseworkSupervisor
	}
	return f.Conferences[r.subj].ID
}

// output sorts the obligations by due date, rule and subject, and builds
// them, their why sentences sharing a few large strings.
func (e *evaluator) output(rules []Rule) []Obligation {
	rank := make([]int, len(rules))
	for i := range rules {
		for j := range rules {
			if rules[j].ID < rules[i].ID {
				rank[i]++
			}
		}
	}
	// Sort on one integer key: due date, rule rank, subject rank.
	var subjRank [kindCount][]uint32
	var ids [kindCount][]string
	for i := range e.recs {
		r := &e.recs[i]
		ranks := subjRank[r.kind]
		if ranks == nil {
			ids[r.kind] = e.subjectIDs(r.kind)
			ranks = e.rankSubjects(r.kind, ids[r.kind])
			subjRank[r.kind] = ranks
		}
		r.key = uint64(uint32(r.due))<<40 | uint64(rank[r.rule])<<32 | uint64(ranks[r.subj])
	}
	order := radixSort(e.recs)
	whys := make([]string, len(e.chunks))
	for i, c := range e.chunks {
		whys[i] = c.String()
	}
	out := make([]Obligation, len(e.recs))
	build := func(lo, hi int) {
		// The records, in sorted order, are scattered over e.recs: copied
		// first into a small buffer in a loop that does nothing else (its
		// cache misses overlap), then built from it (one miss at a time,
		// between the stores of each obligation, was a third of a second
		// for a state).
		var buf [512]rec
		for base := lo; base < hi; base += len(buf) {
			batch := buf[:min(len(buf), hi-base)]
			for j := range batch {
				batch[j] = e.recs[order[base+j]]
			}
			for j := range batch {
				i, r := base+j, &batch[j]
				rule := &rules[r.rule]
				src := rule.Source
				if r.alt && rule.FirstYear != nil {
					src = rule.FirstYear.Source
				}
				out[i] = Obligation{
					Rule: rule.ID, Subject: ids[r.kind][r.subj], Due: Date{n: r.due}, State: stateNames[r.state],
					Last: Date{n: r.last}, Met: Date{n: r.met},
					Why: whys[r.whyChunk][r.whyStart:r.whyEnd], Source: src,
				}
				if r.kind == kindEmergent {
					out[i].Request = e.x.f.Emergent[r.subj].ID
				}
			}
		}
	}
	// A state's hundreds of thousands are built in contiguous parts on up
	// to GOMAXPROCS goroutines: each writes only its own range of out, and
	// reads what nothing writes any more.
	parts := min(runtime.GOMAXPROCS(0), 4, len(out)/max(parallelCases, 1))
	if parts < 2 {
		build(0, len(out))
		return out
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { build(p*len(out)/parts, (p+1)*len(out)/parts) })
	}
	wg.Wait()
	return out
}

func levelWords(l string) string {
	if l == RiskVeryHigh {
		return "very high"
	}
	return l
}

// casePrefix writes the facts that anchor a case rule.
func (e *evaluator) casePrefix(a Anchor, ci *caseInfo) {
	c := ci.c
	switch a {
	case AnchorAssigned:
		e.w("Assigned ")
		e.wd(c.Assigned)
	case AnchorReceived:
		e.w("Received ")
		e.wd(c.Received)
	case AnchorPlacement:
		e.w("Placed ")
		e.wd(c.PlacementDate)
	case AnchorSCR:
		e.w("SCR assigned ")
		e.wd(c.SCRAssigned)
	case AnchorRiskEpisode:
		e.w("Risk ")
		e.w(levelWords(ci.level))
		e.w(" since ")
		e.wd(ci.run)
		if ci.episode != ci.run {
			e.w(", case assigned ")
			e.wd(c.Assigned)
		}
	case AnchorClosing:
		e.w("Closing planned ")
		e.wd(c.Closing)
	case AnchorSafetyPlan:
		e.w("Safety Protection Plan since ")
		e.wd(c.SafetyPlanStart)
	case AnchorSiblingsApart:
		e.w("Siblings placed apart since ")
		e.wd(c.SiblingsApartStart)
		if ci.scope&ScopePlaced != 0 && c.PlacementDate.After(c.SiblingsApartStart) {
			e.w(", placed ")
			e.wd(c.PlacementDate)
		}
	}
}

func (e *evaluator) caseRule(r *Rule, mask uint16, ci *caseInfo) {
	c := ci.c
	cad := &r.Due
	switch cad.Kind {
	case Once:
		var due Date
		a := ci.anchor(cad.Anchor)
		if !a.IsZero() {
			due = e.offset(cad, a)
		}
		var b Date
		if cad.Or != nil {
			if b = ci.anchor(cad.Or.Anchor); !b.IsZero() {
				if bd := e.offset(cad.Or, b); due.IsZero() || bd.Before(due) {
					due = bd
				}
			}
		}
		if due.IsZero() {
			return
		}
		var met, lo, hi Date
		var missing uint16 // Each: the kinds not yet seen
		reassigned := false
		switch {
		case r.Counts.Assigned:
			if fa := c.FirstAssigned; !fa.IsZero() && !fa.After(e.asOf) {
				met = fa
				reassigned = fa != c.Assigned
			} else if ci.scope&ScopeAssigned != 0 {
				met = c.Assigned
			}
		case r.Counts.Window > 0:
			lo, hi = a.AddDays(-r.Counts.Window), a
			met, missing = e.earliestOf(r, ci.refs, mask, lo, hi)
		default:
			if r.Counts.From != AnchorNone {
				lo = ci.anchor(r.Counts.From)
			}
			if r.Counts.BeforeDue > 0 {
				lo = maxDate(lo, due.AddDays(-r.Counts.BeforeDue))
			}
			met, missing = e.earliestOf(r, ci.refs, mask, lo, Date{})
		}
		first := true
		if !a.IsZero() {
			e.casePrefix(cad.Anchor, ci)
			first = false
		}
		if !b.IsZero() {
			at := len(e.buf)
			if !first {
				e.w(", ")
				at += 2
			}
			e.casePrefix(cad.Or.Anchor, ci)
			if !first && e.buf[at] >= 'A' && e.buf[at] <= 'Z' && e.buf[at+1] >= 'a' {
				e.buf[at] += 'a' - 'A' // "SCR assigned ..., placed ..."
			}
		}
		e.w(": ")
		e.w(r.Owed)
		if r.Counts.Window > 0 || r.Counts.BeforeDue > 0 {
			e.w(" (from ")
			e.wd(lo)
			e.w(")")
		}
		e.w(", due ")
		e.wd(due)
		e.w("; ")
		if met.IsZero() {
			e.w("not yet ")
			e.w(r.Done)
			if missing != 0 && missing != mask {
				e.w(" (no ")
				e.missingWords(missing)
				e.w(" yet)")
			}
		} else {
			e.w(r.Done)
			e.w(" ")
			e.wd(met)
			if reassigned {
				e.w(" (first assignment; reassigned ")
				e.wd(c.Assigned)
				e.w(")")
			}
		}
		e.w(".")
		e.emit(false, due, state(due, met, e.asOf, true), Date{}, met)
	case MonthlyCount:
		e.monthlyCount(r, mask, ci)
	case Interval, CalendarMonth:
		a := ci.anchor(cad.Anchor)
		var lo Date
		if r.Counts.From != AnchorNone {
			lo = ci.anchor(r.Counts.From)
		}
		last := ci.latest(mask, lo)
		if a.IsZero() && last.IsZero() {
			return
		}
		var due Date
		if cad.Kind == Interval {
			due = a.AddDays(cad.Days)
			if !last.IsZero() {
				due = last.AddDays(cad.Days)
			}
		} else {
			due = nextMonthEnd(last, a)
		}
		court := false
		if cad.BeforeCourt && !c.CourtNext.IsZero() && (last.IsZero() || c.CourtNext.After(last)) {
			if lim := c.CourtNext.AddDays(-1); lim.Before(due) {
				due = lim
				court = true
			}
		}
		e.casePrefix(cad.Anchor, ci)
		e.w(": ")
		e.w(r.Owed)
		e.w("; ")
		if last.IsZero() {
			e.w("not yet ")
			e.w(r.Done)
		} else {
			e.w("last ")
			e.w(r.Done)
			e.w(" ")
			e.wd(last)
		}
		if court {
			e.w("; court date ")
			e.wd(c.CourtNext)
			e.w(", so due the day before")
		}
		e.w(".")
		e.emit(false, due, state(due, Date{}, e.asOf, false), last, Date{})
	}
}

// mvrRequired returns the visits a month of kind the case's minimum
// visitation requirement in force on d sets, and whether one is in force.
func mvrRequired(c *Case, kind string, d Date) (int, bool) {
	var m *MVREntry
	for i := range c.MVR {
		if c.MVR[i].From.After(d) {
			break
		}
		m = &c.MVR[i]
	}
	if m == nil {
		return 0, false
	}
	switch kind {
	case "child":
		return m.Child, true
	case "parents":
		return m.Parents, true
	}
	return m.Provider, true
}

// monthCounts counts the facts of refs in mask dated lo or later, up to
// as_of, by month: n[i] those of the month i months back (0: this one),
// found by x.monthOf; facts before the oldest month are not counted. One
// pass over a case's facts, where each month read was a pass of its own.
func (x *factIndex) monthCounts(refs []ref, mask uint16, lo Date) (n [25]int) {
	base := x.monthStarts[24]
	for _, f := range refs {
		if mask&(1<<f.k) == 0 || f.n < lo.n {
			continue
		}
		if d := int(f.n - base); d >= 0 && d < len(x.monthOf) {
			n[x.monthOf[d]]++
		}
	}
	return n
}

// monthlyCount evaluates a monthly_count rule: the month's requirement is
// the MVR in force on its first day (a requirement set mid-month is owed
// from the next month). The current month met: due the end of the next.
// Otherwise, when the month before ended short (and the months before it
// in a row), overdue since the end of the first of them; else due the end
// of this month.
func (e *evaluator) monthlyCount(r *Rule, mask uint16, ci *caseInfo) {
	c := ci.c
	kind := r.Due.CountOf
	asOf := e.asOf
	cur := asOf.StartOfMonth()
	lo := ci.anchor(r.Counts.From)
	last := ci.latest(mask, lo)
	byMonth := e.x.monthCounts(ci.refs, mask, lo)
	req, inForce := mvrRequired(c, kind, cur)
	var due Date
	st := stOpen
	var short Date // the first month of the run that ended short
	var shortHeld, shortReq int
	for m, i := cur.AddMonths(-1), 1; i <= 24; m, i = m.AddMonths(-1), i+1 {
		n, ok := mvrRequired(c, kind, m)
		if !ok || n == 0 {
			break
		}
		h := byMonth[i]
		if h >= n {
			break
		}
		short, shortHeld, shortReq = m, h, n
	}
	h := byMonth[0]
	switch {
	case !inForce:
		// Set this month: owed from the next.
		n, _ := mvrRequired(c, kind, asOf)
		if n == 0 {
			return
		}
		req, due = n, cur.AddMonths(1).EndOfMonth()
		h = 0
	case req == 0:
		return
	case h >= req:
		due = cur.AddMonths(1).EndOfMonth()
	case !short.IsZero():
		due, st = short.EndOfMonth(), stOverdue
	default:
		due = cur.EndOfMonth()
	}
	e.w("Visit plan (MVR) from ")
	e.wd(c.MVR[0].From)
	e.w(": ")
	e.w(r.Owed)
	e.w("; ")
	if inForce {
		e.w("this month ")
		e.buf = strconv.AppendInt(e.buf, int64(h), 10)
		e.w(" of ")
		e.buf = strconv.AppendInt(e.buf, int64(req), 10)
	} else {
		e.w("owed from next month, ")
		e.buf = strconv.AppendInt(e.buf, int64(req), 10)
		e.w(" a month")
	}
	if st == stOverdue {
		e.w("; the month from ")
		e.wd(short)
		e.w(" ended short (")
		e.buf = strconv.AppendInt(e.buf, int64(shortHeld), 10)
		e.w(" of ")
		e.buf = strconv.AppendInt(e.buf, int64(shortReq), 10)
		e.w("), overdue until a month is met")
	}
	if !last.IsZero() {
		e.w("; last ")
		e.w(r.Done)
		e.w(" ")
		e.wd(last)
	}
	e.w(".")
	e.emit(false, due, st, last, Date{})
}

func (e *evaluator) workerRule(r *Rule, mask uint16, s *Staff, refs []ref, plans Date) {
	last := latest(refs, mask, Date{})
	owed, cad, source := r.Owed, &r.Due, r.Source
	exp := s.ExperienceStart
	if exp.IsZero() {
		exp = s.Since
	}
	firstYear := false
	if r.FirstYear != nil && !exp.IsZero() && e.asOf.Before(exp.AddMonths(12)) {
		firstYear = true
		owed, cad, source = r.FirstYear.Owed, &r.FirstYear.Due, r.FirstYear.Source
	}
	if cad.Kind == YearlyCount {
		e.yearly(r, mask, s, refs, last)
		return
	}
	a := s.Since
	if cad.Anchor == AnchorMVRSet {
		a = plans
	}
	if a.IsZero() && last.IsZero() {
		return
	}
	var due Date
	switch cad.Kind {
	case Interval:
		due = a.AddDays(cad.Days)
		if !last.IsZero() {
			due = last.AddDays(cad.Days)
		}
	case CalendarMonth:
		due = nextMonthEnd(last, a)
	default:
		return
	}
	switch {
	case cad.Anchor == AnchorMVRSet:
		e.w("Cases under a visit plan (MVR) since ")
		e.wd(plans)
	case firstYear:
		e.w("New worker (under one year since ")
		e.wd(exp)
		e.w(")")
	case r.FirstYear != nil && !exp.IsZero():
		e.w("Experienced worker (one year or more since ")
		e.wd(exp)
		e.w(")")
	case !s.Since.IsZero():
		e.w("Worker since ")
		e.wd(s.Since)
	default:
		e.w("Worker")
	}
	e.w(": ")
	e.w(owed)
	e.w("; ")
	switch {
	case last.IsZero() && cad.Anchor == AnchorMVRSet:
		e.w("not yet ")
		e.w(r.Done)
	case last.IsZero():
		e.w("none ")
		e.w(r.Done)
		e.w(" since taking the post on ")
		e.wd(s.Since)
	default:
		e.w("last ")
		e.w(r.Done)
		e.w(" ")
		e.wd(last)
	}
	e.w(".")
	e.emit(source != r.Source, due, state(due, Date{}, e.asOf, false), last, Date{})
}

// Pace is the pacing of a yearly count (see docs/rules.md, "Pacing").
type Pace struct {
	Year       int  // the calendar year of Start
	Start, End Date // the year's first and last days
	Target     int  // conferences owed this year (prorated from since)
	Held       int  // held this year on or before as_of
	Due        Date // latest date for the next one that keeps the year achievable
	OnTrack    bool // the remaining ones still fit, one per calendar month
	MonthsIn   int  // calendar months left in the year, the as_of month included
}

// YearlyPace computes the pacing of a yearly count of count conferences as
// of asOf in the calendar year, for a staff member in post since since,
// with held conferences held so far this year.
func YearlyPace(count int, since, asOf Date, held int) Pace {
	return YearlyPaceFrom(1, count, since, asOf, held)
}

// yearOf returns the first day of the year (starting on the first of month
// start) that holds d.
func yearOf(start int, d Date) Date {
	y, m, _ := d.civil()
	if m < start {
		y--
	}
	return DateOf(y, start, 1)
}

// YearlyPaceFrom is YearlyPace for a year that starts on the first of the
// month start (1: the calendar year; 9: a fiscal year from 1 September).
func YearlyPaceFrom(start, count int, since, asOf Date, held int) Pace {
	y0 := yearOf(start, asOf)
	// idx: the month of as_of in the year, 1 to 12.
	idx := monthsBetween(y0, asOf) + 1
	p := Pace{Year: y0.Year(), Start: y0, End: y0.AddMonths(12).AddDays(-1), Held: held, MonthsIn: 13 - idx, Target: count}
	if !since.IsZero() && !since.Before(y0) && !since.After(p.End) {
		months := 12 - monthsBetween(y0, since)
		p.Target = (count*months + 11) / 12
	}
	rem := p.Target - held
	if rem <= 0 {
		// Met for the year: next year's pace, counted from its first month.
		p.OnTrack = true
		p.Due = y0.AddMonths(12 + max(12-count, 0)).EndOfMonth()
		return p
	}
	month := max(13-rem, 1) // the next must be held by the end of this month of the year
	p.Due = y0.AddMonths(month - 1).EndOfMonth()
	p.OnTrack = rem <= p.MonthsIn
	return p
}

// monthsBetween counts the whole calendar months from a's month to b's.
func monthsBetween(a, b Date) int {
	ay, am, _ := a.civil()
	by, bm, _ := b.civil()
	return (by-ay)*12 + bm - am
}

func (e *evaluator) yearly(r *Rule, mask uint16, s *Staff, refs []ref, last Date) {
	cad := &r.Due
	start := e.v.YearStart
	if start < 1 {
		start = 1
	}
	y0 := yearOf(start, e.asOf)
	held := count(refs, mask, y0, e.asOf)
	p := YearlyPaceFrom(start, cad.Count, s.Since, e.asOf, held)
	e.buf = strconv.AppendInt(e.buf, int64(p.Held), 10)
	e.w(" of ")
	e.buf = strconv.AppendInt(e.buf, int64(p.Target), 10)
	if start == 1 {
		e.w(" conferences in ")
		e.buf = strconv.AppendInt(e.buf, int64(p.Year), 10)
	} else {
		e.w(" conferences in the year ")
		e.wd(p.Start)
		e.w(" to ")
		e.wd(p.End)
	}
	e.w(" by ")
	e.wd(e.asOf)
	if p.Target != cad.Count {
		e.w(" (")
		e.buf = strconv.AppendInt(e.buf, int64(cad.Count), 10)
		e.w(" a year, prorated from taking the post on ")
		e.wd(s.Since)
		e.w(")")
	}
	rem := p.Target - p.Held
	switch {
	case rem <= 0:
		e.w(", this year's count is met; next year's first by ")
		e.wd(p.Due)
	case p.OnTrack:
		e.w(", on track: ")
		e.buf = strconv.AppendInt(e.buf, int64(rem), 10)
		e.w(" more at one a month, the next by ")
		e.wd(p.Due)
	default:
		// Both readings of "overdue" at once: the year's target can no
		// longer be reached at one a month, because the month's conference
		// the pace required (by the due date) was missed.
		e.w(", behind: ")
		e.buf = strconv.AppendInt(e.buf, int64(rem), 10)
		e.w(" more needed, ")
		e.buf = strconv.AppendInt(e.buf, int64(p.MonthsIn), 10)
		e.w(" calendar months left, so the year's ")
		e.buf = strconv.AppendInt(e.buf, int64(p.Target), 10)
		e.w(" can no longer be reached at one a month: the conference due by ")
		e.wd(p.Due)
		e.w(" was missed")
	}
	if !last.IsZero() {
		e.w("; last held ")
		e.wd(last)
	}
	e.w(".")
	e.emit(false, p.Due, state(p.Due, Date{}, e.asOf, false), last, Date{})
}

func (e *evaluator) supervisorRule(r *Rule, mask uint16, s *Staff, refs []ref) {
	cad := &r.Due
	if cad.Kind != Interval && cad.Kind != CalendarMonth {
		return
	}
	last := latest(refs, mask, Date{})
	if s.Since.IsZero() && last.IsZero() {
		return
	}
	var due Date
	if cad.Kind == Interval {
		due = s.Since.AddDays(cad.Days)
		if !last.IsZero() {
			due = last.AddDays(cad.Days)
		}
	} else {
		due = nextMonthEnd(last, s.Since)
	}
	e.w("Supervisor since ")
	e.wd(s.Since)
	e.w(": ")
	e.w(r.Owed)
	e.w("; ")
	if last.IsZero() {
		e.w("none ")
		e.w(r.Done)
		e.w(" yet")
	} else {
		e.w("last ")
		e.w(r.Done)
		e.w(" ")
		e.wd(last)
	}
	e.w(".")
	e.emit(false, due, state(due, Date{}, e.asOf, false), last, Date{})
}

// conferenceRule lists a once rule for every supervision conference dated
// within the 12 months up to as_of, and for every older one still unmet.
func (e *evaluator) conferenceRule(r *Rule) {
	cad := &r.Due
	if cad.Kind != Once {
		return
	}
	window := e.asOf.AddMonths(-12)
	for i := range e.x.f.Conferences {
		k := &e.x.f.Conferences[i]
		if k.Kind != KindSupervision || k.Date.IsZero() || k.Date.After(e.asOf) {
			continue
		}
		var met Date
		if r.Counts.Shared && !k.Shared.IsZero() && !k.Shared.After(e.asOf) {
			met = k.Shared
		}
		if !k.Date.After(window) && !met.IsZero() {
			continue
		}
		due := e.offset(cad, k.Date)
		e.subj = int32(i)
		e.w("Supervision conference ")
		e.wd(k.Date)
		if k.Worker != "" {
			e.w(" with ")
			e.w(k.Worker)
		}
		e.w(": ")
		e.w(r.Owed)
		e.w(", due ")
		e.wd(due)
		e.w("; ")
		if met.IsZero() {
			e.w("not yet ")
			e.w(r.Done)
		} else {
			e.w(r.Done)
			e.w(" ")
			e.wd(met)
		}
		e.w(".")
		e.emit(false, due, state(due, met, e.asOf, true), Date{}, met)
	}
}

// radixSort returns the indexes of recs in the order of their keys (LSD
// radix sort on 16-bit digits, skipping digits all keys share; keys are
// unique: due, rule rank, subject rank).
func radixSort(recs []rec) []int32 {
	type pair struct {
		key uint64
		i   int32
	}
	a := make([]pair, len(recs))
	for i := range recs {
		a[i] = pair{recs[i].key, int32(i)}
	}
	if len(a) > 4096 {
		b := make([]pair, len(a))
		var count [1 << 16]int32
		for shift := uint(0); shift < 64; shift += 16 {
			clear(count[:])
			for _, p := range a {
				count[(p.key>>shift)&0xffff]++
			}
			if int(count[(a[0].key>>shift)&0xffff]) == len(a) {
				continue // every key has this digit
			}
			var sum int32
			for i, c := range count {
				count[i] = sum
				sum += c
			}
			for _, p := range a {
				d := (p.key >> shift) & 0xffff
				b[count[d]] = p
				count[d]++
			}
			a, b = b, a
		}
	} else {
		slices.SortFunc(a, func(x, y pair) int { // keys are unique
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return 0
		})
	}
	order := make([]int32, len(a))
	for i, p := range a {
		order[i] = p.i
	}
	return order
}
