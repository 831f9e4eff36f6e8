package demo

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/store"
)

// StateEmailDomain is the state agency's reserved test domain (RFC 2606).
const StateEmailDomain = "state.casework.test"

// StateOptions chooses a state-sized agency.
type StateOptions struct {
	Seed uint64
	AsOf time.Time // the history ends the day before
	// Scale is the fraction of the full state: 1 is 30 offices, 600 units,
	// about 4,000 workers and 80,000 open cases with three years of history;
	// 0.25 and 0.5 are the steps the benchmark grows through. At most 1.
	Scale float64
}

// State is a state-sized agency (issue #9): the demo's believable mix, unit
// after unit, with three years of history and staff turnover (about one
// worker in three joined their unit within the three years, most in the
// place of a former worker whose cases and conferences stay in the history).
//
// It is never held in memory: Chunks yields the agency one unit at a time,
// regenerating each unit from its own seed, so the same seed and as-of date
// always give the same rows and a bulk load (store.LoadChunks) can walk it
// once per table with the memory of one unit.
//
// Ids are laid out so that every unit can be made on its own: people
// 1-99 administrators, 100+ casework supervisors, 2000+ supervisors (one per
// unit), 10000 + 32×unit + k workers; cases 1000×unit + k (880000+ the
// unassigned intake); conferences 10000×unit + k.
type State struct {
	opt     StateOptions
	asOf    time.Time
	offices int
	units   int
	cws     int
	hash    string
}

// StateVersion changes whenever the state generator makes different data
// from the same seed and date, so that a database seeded by an earlier
// version is not mistaken for this one's (cmd/benchweb reuses seeded
// databases). 2: weekly supervision for every worker. 3: cases closed
// within the history. 4: every case of a conference written topic by topic,
// so that it counts as discussed (docs/workspace.md, "What counts as
// discussed"); a version 3 database reads as never discussed after
// migration 000040. 5: the newer rules' records (docs/rules.md): visit
// plans (MVR) with visits that follow them in the last three months,
// monthly collateral contacts, weekly parent/child visits for a goal of
// reunification, siblings placed apart with their weekly visits, the
// supervisors' monthly reviews of the visit plans and emergent requests; a
// version 4 database has none of them. 6: one case-month in eight a visit
// short (not one in eleven), and the weekly parent/child visits from the
// plans' start (version 5 lived for a few commits of the same day).
const StateVersion = 6

const (
	stateYears        = 3
	stateCWSBase      = 100
	stateSupBase      = 2000
	stateWorkerBase   = 10000
	stateWorkerBlock  = 32
	stateCaseBlock    = 1000
	stateConfBlock    = 10000
	stateIntakeBase   = 880000
	stateUnitsPerCWS  = 5
	stateIntakePerOff = 3
	// stateVisitMonths: the visits follow the visit plans (and the newer
	// rules' weekly and monthly visits, visits.go) in the last three months
	// before the as-of date's month; the three years before are the older,
	// about monthly, visits. What the rules read as of the date (the month
	// before and this one, the last weekly visit) is in them, the trends
	// show three ended months of visit plans, and the state's events grow
	// by a sixth rather than double.
	stateVisitMonths = 3
)

// NewState lays out the state at the given scale.
func NewState(opt StateOptions) (*State, error) {
	if opt.Scale <= 0 || opt.Scale > 1 || math.IsNaN(opt.Scale) {
		return nil, fmt.Errorf("--scale: %v is not a fraction in (0, 1]", opt.Scale)
	}
	s := &State{opt: opt, asOf: dateOnly(opt.AsOf)}
	s.units = max(1, int(math.Round(600*opt.Scale)))
	s.offices = max(1, int(math.Round(30*opt.Scale)))
	s.cws = (s.units + stateUnitsPerCWS - 1) / stateUnitsPerCWS
	salt := []byte(fmt.Sprintf("state-%016x", opt.Seed))[:16]
	s.hash = auth.HashPasswordWithSalt(Password, salt)
	return s, nil
}

// Units is how many units the state has.
func (s *State) Units() int { return s.units }

// Head is the agency itself: name, zone, profile and the stamp of the load.
func (s *State) Head() *store.Dataset {
	return &store.Dataset{
		AgencyName:       "State Department of Children and Families (synthetic)",
		TimeZone:         "America/New_York",
		Profile:          "nj-cpp",
		ProfileEffective: s.asOf.AddDate(-stateYears-2, 0, 0),
		CreatedAt:        s.asOf.AddDate(0, 0, -1).Add(12 * time.Hour),
	}
}

// Chunks yields the agency: first its offices, administrators, casework
// supervisors and the intake not yet assigned, then one dataset per unit.
func (s *State) Chunks() iter.Seq[*store.Dataset] {
	return func(yield func(*store.Dataset) bool) {
		if !yield(s.top()) {
			return
		}
		for u := range s.units {
			if !yield(s.Unit(u)) {
				return
			}
		}
	}
}

func (s *State) officeOf(u int) int { return u * s.offices / s.units }
func (s *State) cwsOf(u int) int64  { return int64(stateCWSBase + u/stateUnitsPerCWS) }

func (s *State) newGenerator(stream uint64, caseBase, confBase int64) *generator {
	return &generator{
		rng:      rand.New(rand.NewPCG(s.opt.Seed^0x7374617465, uint64(s.asOf.Unix())^(stream*0x9e3779b97f4a7c15))),
		nameRng:  rand.New(rand.NewPCG(s.opt.Seed^0x7374617465, 0x6e616d6573^(stream*0x9e3779b97f4a7c15))),
		asOf:     s.asOf,
		start:    s.asOf.AddDate(-stateYears, 0, 0),
		d:        &store.Dataset{},
		names:    map[string]int{},
		supOf:    map[int64]int64{},
		planFrom: monthStart(s.asOf).AddDate(0, -stateVisitMonths, 0),
		caseBase: caseBase,
		confBase: confBase,
		// A state's supervisors meet every worker weekly, as many agencies
		// require, taking a quarter of the caseload each time so the whole
		// is discussed each month; the policy's floor for an experienced
		// worker is one monthly conference on the whole caseload, which the
		// demo keeps so its dashboards show that rule at work. This is what
		// gives the product brief's 600,000 conferences over three years.
		weeklySupervision: true,
	}
}

// person makes one member of staff with a state login.
func (s *State) person(g *generator, id int64, role string, office int, exp time.Time) store.Person {
	first, last := g.name()
	base := strings.NewReplacer(" ", "", "'", "").Replace(strings.ToLower(first + "." + last))
	p := store.Person{
		ID:              id,
		SourceID:        fmt.Sprintf("%s-%05d", roleCode(role), id),
		Email:           fmt.Sprintf("%s%d@%s", base, id, StateEmailDomain),
		FullName:        first + " " + last,
		Role:            role,
		OfficeID:        int64(office + 1),
		ExperienceStart: exp,
		PasswordHash:    s.hash,
	}
	g.d.People = append(g.d.People, p)
	return p
}

func (s *State) top() *store.Dataset {
	g := s.newGenerator(0, stateIntakeBase, 0)
	for i := range s.offices {
		county := lastNames[i%len(lastNames)]
		name := county + " Local Office"
		if i >= len(lastNames) {
			name = fmt.Sprintf("%s Local Office %d", county, i/len(lastNames)+1)
		}
		g.d.Offices = append(g.d.Offices, store.Office{ID: int64(i + 1), Name: name, County: county + " County"})
	}
	s.person(g, 1, "administrator", 0, time.Time{})
	s.person(g, 2, "administrator", s.offices-1, time.Time{})
	for c := range s.cws {
		s.person(g, int64(stateCWSBase+c), "casework_supervisor", s.officeOf(c*stateUnitsPerCWS), time.Time{})
	}
	for o := range s.offices {
		for range stateIntakePerOff {
			g.addUnassignedCase(int64(o + 1))
		}
	}
	return g.d
}

// Unit generates unit u (0-based) with its supervisor, workers (and the
// former workers they replaced), their cases, events, risk history and
// conferences.
func (s *State) Unit(u int) *store.Dataset {
	g := s.newGenerator(uint64(u+1), int64(u)*stateCaseBlock, int64(u)*stateConfBlock)
	office := s.officeOf(u)
	unitID := int64(u + 1)
	g.d.Units = append(g.d.Units, store.Unit{ID: unitID, OfficeID: int64(office + 1), Name: fmt.Sprintf("Permanency Unit %03d", u+1)})
	cws := store.Person{ID: s.cwsOf(u), Role: "casework_supervisor"}
	sup := s.person(g, int64(stateSupBase+u), "supervisor", office, time.Time{})
	// Supervisors have held their unit since before the history begins.
	supSince := s.asOf.AddDate(-stateYears-g.rng.IntN(4), -g.rng.IntN(12), 0)
	g.d.UnitSupervisors = append(g.d.UnitSupervisors, store.Position{A: unitID, B: sup.ID, Since: supSince})
	g.d.SupervisorReports = append(g.d.SupervisorReports, store.Position{A: cws.ID, B: sup.ID, Since: supSince})

	type slot struct {
		w, former     store.Person
		since, fsince time.Time
	}
	n := 5 + g.rng.IntN(4)
	if g.pick(0.17) {
		n++
	}
	var slots []slot
	k := int64(0)
	nextID := func() int64 {
		k++
		return int64(stateWorkerBase+u*stateWorkerBlock) + k
	}
	for range n {
		var exp, since time.Time
		if g.pick(0.3) { // in their first year (turnover is high in child welfare)
			exp = s.asOf.AddDate(0, -1-g.rng.IntN(11), -g.rng.IntN(20))
			since = exp
		} else {
			exp = s.asOf.AddDate(-2-g.rng.IntN(8), -g.rng.IntN(12), 0)
			since = s.asOf.AddDate(-1-g.rng.IntN(4), -g.rng.IntN(12), 0)
			if since.Before(exp) {
				since = exp
			}
		}
		sl := slot{w: s.person(g, nextID(), "worker", office, exp), since: since}
		g.supOf[sl.w.ID] = sup.ID
		// Turnover: most who joined within the history took the place of a
		// worker who has since left the agency.
		if since.After(g.start) && g.pick(0.75) {
			sl.fsince = since.AddDate(-1-g.rng.IntN(3), -g.rng.IntN(12), 0)
			sl.former = s.person(g, nextID(), "worker", office, sl.fsince.AddDate(-g.rng.IntN(5), -g.rng.IntN(12), 0))
			g.d.People[len(g.d.People)-1].Inactive = true
			g.supOf[sl.former.ID] = sup.ID
			g.d.UnitMembers = append(g.d.UnitMembers, store.Position{A: unitID, B: sl.former.ID, Since: sl.fsince, Until: since})
		}
		g.d.UnitMembers = append(g.d.UnitMembers, store.Position{A: unitID, B: sl.w.ID, Since: since})
		slots = append(slots, sl)
	}
	if k >= stateWorkerBlock {
		panic(fmt.Sprintf("demo: unit %d has %d workers, over its id block", u, k))
	}

	// Cases: about twenty per worker, fewer for the newest.
	for i, sl := range slots {
		cases := 18 + g.rng.IntN(7)
		firstYear := s.asOf.Before(sl.w.ExperienceStart.AddDate(1, 0, 0))
		if firstYear && s.asOf.Sub(sl.w.ExperienceStart) < 120*24*time.Hour {
			cases = 8 + g.rng.IntN(4)
		}
		prior := slots[(i+1)%len(slots)].w
		if sl.former.ID != 0 {
			prior = sl.former
		}
		for range cases {
			g.addCase(sl.w, sl.since, office, prior)
		}
	}
	// Cases received and closed within the history, by whoever held each
	// post then: a caseload's turnover, without which a caseload would be
	// thin early in the history and its weeks without a case to discuss.
	for _, sl := range slots {
		g.closedCases(sl.w, sl.since, s.asOf, office)
		if sl.former.ID != 0 {
			g.closedCases(sl.former, sl.fsince, sl.since, office)
		}
	}
	if len(g.d.Cases) >= stateCaseBlock {
		panic(fmt.Sprintf("demo: unit %d has %d cases, over its id block", u, len(g.d.Cases)))
	}

	for _, sl := range slots {
		if sl.former.ID != 0 {
			g.supervisionConferences(sl.former, sup, sl.fsince, sl.since)
		}
		g.supervisionConferences(sl.w, sup, sl.since, time.Time{})
	}
	g.caseworkReviews(cws, sup, supSince)
	g.escalationReviews(func(int64) (store.Person, store.Person) { return cws, sup })
	for _, sl := range slots {
		if sl.former.ID != 0 {
			g.visitReviews(sl.former, sup, sl.fsince, sl.since)
		}
		g.visitReviews(sl.w, sup, sl.since, time.Time{})
	}
	// A few emergent requests a year.
	g.emergentHistory(unitID, sup, cws, stateYears*2+g.rng.IntN(stateYears*2+1))
	if len(g.d.Conferences) >= stateConfBlock {
		panic(fmt.Sprintf("demo: unit %d has %d conferences, over its id block", u, len(g.d.Conferences)))
	}
	slices.SortStableFunc(g.d.Events, func(a, b store.Event) int {
		if c := a.CaseID - b.CaseID; c != 0 {
			return int(c)
		}
		return a.OccurredOn.Compare(b.OccurredOn)
	})
	return g.d
}

// stateClosedPerYear is how many cases a worker receives and closes within
// a year besides those still open: in-home cases of three to nine months.
const stateClosedPerYear = 4

// closedCases adds the cases w received and closed while in the post from
// since to until, within the history.
func (g *generator) closedCases(w store.Person, since, until time.Time, office int) {
	from := maxDate(since, g.start)
	years := until.Sub(from).Hours() / 24 / 365
	for range int(years*stateClosedPerYear + 0.5) {
		g.addClosedCase(w, from, until, office)
	}
}

// StateCounts is the size of a generated state, row by row.
type StateCounts struct {
	Offices, Units, People, Workers, ActiveWorkers, Cases, OpenCases, Assignments, Risks, Events, Conferences, ConferenceCases, NextSteps int
	VisitPlans, SiblingsApart, Emergent, MVRReviews                                                                                       int
}

// Count walks the state once and counts its rows.
func (s *State) Count() StateCounts {
	var c StateCounts
	for d := range s.Chunks() {
		c.Offices += len(d.Offices)
		c.Units += len(d.Units)
		c.People += len(d.People)
		for _, p := range d.People {
			if p.Role == "worker" {
				c.Workers++
				if !p.Inactive {
					c.ActiveWorkers++
				}
			}
		}
		c.Cases += len(d.Cases)
		for _, k := range d.Cases {
			if k.Closed.IsZero() {
				c.OpenCases++
			}
		}
		c.Assignments += len(d.Assignments)
		c.Risks += len(d.Risks)
		c.Events += len(d.Events)
		c.Conferences += len(d.Conferences)
		c.ConferenceCases += len(d.ConferenceCases)
		c.NextSteps += len(d.NextSteps)
		c.VisitPlans += len(d.VisitPlans)
		c.SiblingsApart += len(d.SiblingsApart)
		c.Emergent += len(d.Emergent)
		c.MVRReviews += len(d.MVRReviews)
	}
	return c
}
