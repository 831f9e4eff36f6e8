// Package demo generates the demo agency: two offices, three casework
// supervisors, eight units, about 45 workers and 600 open cases with twelve
// months of believable history ending the day before the as-of date, so that
// every kind of due, overdue and met state appears on the dashboards: the
// newer rules' too (visit plans and their visits, siblings placed apart,
// the supervisors' reviews of the visit plans, emergent requests; visits.go,
// requests.go).
//
// The output depends only on the seed and the as-of date: generating twice
// gives identical data. All names are synthetic.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/store"
)

// Password is the one password every demo account shares (documented in the README).
const Password = "casework-demo-2026"

// EmailDomain is a reserved test domain (RFC 2606): no demo mail can reach anyone.
const EmailDomain = "demo.casework.test"

// Login is one demo account, as `casework seed --demo` prints it.
type Login struct {
	Role     string
	Email    string
	Name     string
	Password string
}

// Options chooses the demo agency.
type Options struct {
	Seed uint64
	AsOf time.Time // the history ends the day before
}

// unitPlan: the office and casework supervisor of each unit, and its size.
var unitPlan = []struct {
	office, cws, workers int
	name                 string
}{
	{0, 0, 6, "Permanency Unit A"},
	{0, 0, 6, "Permanency Unit B"},
	{0, 0, 5, "Permanency Unit C"},
	{0, 1, 6, "Permanency Unit D"},
	{0, 1, 5, "Permanency Unit E"},
	{1, 2, 6, "Permanency Unit F"},
	{1, 2, 5, "Permanency Unit G"},
	{1, 2, 6, "Permanency Unit H"},
}

// generator carries the state of one generation.
type generator struct {
	rng *rand.Rand
	// nameRng draws names from the seed alone, so the demo logins stay the
	// same whatever the as-of date.
	nameRng *rand.Rand
	asOf    time.Time
	start   time.Time // first day of history
	d       *store.Dataset
	names   map[string]int
	// The first ids of this generation's cases and conferences, less one:
	// 0 for the demo; the state generator gives each unit its own block.
	caseBase, confBase int64
	// weeklySupervision: experienced workers too are conferenced weekly, a
	// quarter of the caseload at a time (the state data; see State).
	weeklySupervision bool
	// planFrom is the first month the agency keeps visit plans in the app:
	// from it the visits follow the plans (visits.go).
	planFrom time.Time
	// supOf is each worker's supervisor (the one who sets the visit plans).
	supOf map[int64]int64
}

// Generate builds the demo agency and the list of its logins.
func Generate(opt Options) (*store.Dataset, []Login) {
	asOf := dateOnly(opt.AsOf)
	g := &generator{
		rng:     rand.New(rand.NewPCG(opt.Seed, uint64(asOf.Unix()))),
		nameRng: rand.New(rand.NewPCG(opt.Seed, 0x6e616d6573)),
		asOf:    asOf,
		start:   asOf.AddDate(-1, 0, 0),
		names:   map[string]int{},
		supOf:   map[int64]int64{},
		d: &store.Dataset{
			AgencyName:       "Demo County Division of Child Protection and Permanency",
			TimeZone:         "America/New_York",
			Profile:          "nj-cpp",
			ProfileEffective: asOf.AddDate(-3, 0, 0),
			CreatedAt:        asOf.AddDate(0, 0, -1).Add(12 * time.Hour),
		},
	}
	g.planFrom = monthCeil(g.start)
	// One shared hash, salted from the seed: deterministic, and one argon2
	// computation instead of fifty.
	salt := []byte(fmt.Sprintf("demo-%016x", opt.Seed))[:16]
	hash := auth.HashPasswordWithSalt(Password, salt)

	var logins []Login
	person := func(role string, office int64, expStart time.Time) store.Person {
		first, last := g.name()
		p := store.Person{
			ID:              int64(len(g.d.People) + 1),
			SourceID:        fmt.Sprintf("%s-%03d", roleCode(role), len(g.d.People)+1),
			Email:           g.email(first, last),
			FullName:        first + " " + last,
			Role:            role,
			OfficeID:        office,
			ExperienceStart: expStart,
			PasswordHash:    hash,
		}
		g.d.People = append(g.d.People, p)
		logins = append(logins, Login{Role: role, Email: p.Email, Name: p.FullName, Password: Password})
		return p
	}

	g.d.Offices = []store.Office{
		{ID: 1, Name: "Riverside Local Office", County: "Ashford County"},
		{ID: 2, Name: "Hillcrest Local Office", County: "Brookline County"},
	}
	person("administrator", 1, time.Time{})
	cwsOffice := []int64{1, 1, 2}
	var cws []store.Person
	for i := range 3 {
		cws = append(cws, person("casework_supervisor", cwsOffice[i], time.Time{}))
	}

	type workerInfo struct {
		p     store.Person
		unit  int
		since time.Time
	}
	var workers []workerInfo
	var supervisors []store.Person
	for ui, plan := range unitPlan {
		unitID := int64(ui + 1)
		officeID := int64(plan.office + 1)
		g.d.Units = append(g.d.Units, store.Unit{ID: unitID, OfficeID: officeID, Name: plan.name})
		sup := person("supervisor", officeID, time.Time{})
		supervisors = append(supervisors, sup)
		supSince := g.asOf.AddDate(-2-g.rng.IntN(5), -g.rng.IntN(12), 0)
		g.d.UnitSupervisors = append(g.d.UnitSupervisors, store.Position{A: unitID, B: sup.ID, Since: supSince})
		g.d.SupervisorReports = append(g.d.SupervisorReports, store.Position{A: cws[plan.cws].ID, B: sup.ID, Since: supSince})
		for wi := range plan.workers {
			// About one worker in five is in their first year; one of them
			// reaches the anniversary within days, to show the boundary.
			var exp, since time.Time
			switch {
			case wi == 0 && ui == 2:
				exp = g.asOf.AddDate(-1, 0, 4)
				since = exp
			case wi == plan.workers-1 || (wi == 2 && ui%3 == 0):
				exp = g.asOf.AddDate(0, -1-g.rng.IntN(10), -g.rng.IntN(20))
				since = exp
			default:
				exp = g.asOf.AddDate(-2-g.rng.IntN(8), -g.rng.IntN(12), 0)
				since = g.asOf.AddDate(-1-g.rng.IntN(3), -g.rng.IntN(12), 0)
				if since.Before(exp) {
					since = exp
				}
			}
			w := person("worker", officeID, exp)
			g.supOf[w.ID] = sup.ID
			workers = append(workers, workerInfo{p: w, unit: ui, since: since})
		}
	}
	// One experienced worker moved from Unit B to Unit D three months ago:
	// their history stays with them and counts under the new supervisor.
	const movedIndex = 7 // the second worker of Unit B
	moveDate := g.asOf.AddDate(0, -3, -5)
	for i, w := range workers {
		unitID := int64(w.unit + 1)
		if i == movedIndex {
			g.d.UnitMembers = append(g.d.UnitMembers,
				store.Position{A: unitID, B: w.p.ID, Since: w.since, Until: moveDate},
				store.Position{A: 4, B: w.p.ID, Since: moveDate})
			workers[i].unit = 3
			g.supOf[w.p.ID] = supervisors[3].ID
			continue
		}
		g.d.UnitMembers = append(g.d.UnitMembers, store.Position{A: unitID, B: w.p.ID, Since: w.since})
	}

	// Cases: about 13 per worker, fewer for the newest.
	for i, w := range workers {
		n := 12 + g.rng.IntN(4)
		firstYear := g.asOf.Before(w.p.ExperienceStart.AddDate(1, 0, 0))
		if firstYear && g.asOf.Sub(w.p.ExperienceStart) < 120*24*time.Hour {
			n = 7 + g.rng.IntN(3)
		}
		for range n {
			g.addCase(w.p, w.since, unitPlan[w.unit].office, workers[(i+1)%len(workers)].p)
		}
	}
	// A few cases received in the last days and not yet assigned.
	for i := range 4 {
		g.addUnassignedCase(int64(1 + i%2))
	}

	// Conferences, from each worker's membership history.
	supOfUnit := func(unit int) store.Person { return supervisors[unit] }
	for i, w := range workers {
		periods := []struct {
			unit        int
			from, until time.Time
		}{{w.unit, w.since, time.Time{}}}
		if i == movedIndex {
			periods = []struct {
				unit        int
				from, until time.Time
			}{{1, w.since, moveDate}, {3, moveDate, time.Time{}}}
		}
		for _, p := range periods {
			g.supervisionConferences(w.p, supOfUnit(p.unit), p.from, p.until)
			g.visitReviews(w.p, supOfUnit(p.unit), p.from, p.until)
		}
	}
	for ui := range unitPlan {
		g.caseworkReviews(cws[unitPlan[ui].cws], supervisors[ui], g.d.UnitSupervisors[ui].Since)
	}
	g.escalationReviews(func(unit int64) (store.Person, store.Person) {
		return cws[unitPlan[unit-1].cws], supervisors[unit-1]
	})
	g.demoEmergent(func(unit int64) store.Person { return cws[unitPlan[unit-1].cws] },
		func(unit int64) store.Person { return supervisors[unit-1] },
		func(unit int64) store.Person {
			for _, w := range workers {
				if int64(w.unit+1) == unit {
					return w.p
				}
			}
			return store.Person{}
		})
	slices.SortStableFunc(g.d.Events, func(a, b store.Event) int {
		if c := a.CaseID - b.CaseID; c != 0 {
			return int(c)
		}
		return a.OccurredOn.Compare(b.OccurredOn)
	})
	return g.d, logins
}

func roleCode(role string) string {
	switch role {
	case "worker":
		return "w"
	case "supervisor":
		return "sup"
	case "casework_supervisor":
		return "cws"
	}
	return "adm"
}

func (g *generator) name() (string, string) {
	first := firstNames[g.nameRng.IntN(len(firstNames))]
	last := lastNames[g.nameRng.IntN(len(lastNames))]
	return first, last
}

func (g *generator) email(first, last string) string {
	base := strings.ToLower(first + "." + last)
	base = strings.NewReplacer(" ", "", "'", "").Replace(base)
	g.names[base]++
	if n := g.names[base]; n > 1 {
		base = fmt.Sprintf("%s%d", base, n)
	}
	return base + "@" + EmailDomain
}

func (g *generator) pick(p float64) bool { return g.rng.Float64() < p }

// between returns a random date in [from, to).
func (g *generator) between(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days <= 0 {
		return from
	}
	return from.AddDate(0, 0, g.rng.IntN(days))
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func lastOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC)
}
