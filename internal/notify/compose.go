package notify

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// soonDays is the digest's window: due within a week.
const soonDays = 7

// ComposeDay composes the day's digests and escalations for the whole
// agency, area by area (one load of each area's facts and one evaluation),
// and queues them. It returns how many messages were new: a second run on
// the same day queues nothing, the outbox's keys name person and day.
func (n *Notifier) ComposeDay(ctx context.Context, today time.Time) (int, error) {
	msgs, err := n.ComposeAll(ctx, today)
	if err != nil {
		return 0, err
	}
	return n.Store.EnqueueComposed(ctx, today, n.now(), msgs)
}

// ComposeAll composes, without queueing, every person's messages on the
// date: the agency's facts loaded once and evaluated once (the state-wide
// path, store.DigestAgency), split along the hierarchy into areas (and
// units in no area), each composed as ComposeArea would, a few at a time.
func (n *Notifier) ComposeAll(ctx context.Context, today time.Time) ([]store.NewMessage, error) {
	if err := n.prepare(ctx); err != nil {
		return nil, err
	}
	if n.ByArea {
		return n.composeByArea(ctx, today)
	}
	monthStart := today.AddDate(0, 0, 1-today.Day())
	d, err := n.Store.DigestAgency(ctx, today, monthStart, today.AddDate(0, 0, soonDays))
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(d.Facts, rules.Options{})
	if err != nil {
		return nil, err
	}
	asOf := rules.DateOf(today.Year(), int(today.Month()), today.Day())
	parts := splitAgency(d, res)
	out := make([][]store.NewMessage, len(parts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				p := parts[i]
				out[i] = n.composeArea(p.data, buildArea(p.data, p.res, asOf, n.loc()), p.cws)
			}
		})
	}
	for i := range parts {
		next <- i
	}
	close(next)
	wg.Wait()
	var all []store.NewMessage
	for _, o := range out {
		all = append(all, o...)
	}
	return all, nil
}

// composeByArea is ComposeAll one area at a time, each from its own load
// and evaluation (the area dashboard's path): at most an area's facts in
// memory, at a query set per area.
func (n *Notifier) composeByArea(ctx context.Context, today time.Time) ([]store.NewMessage, error) {
	areas, err := n.Store.DigestCaseworkSupervisors(ctx, today)
	if err != nil {
		return nil, err
	}
	lone, err := n.Store.DigestLoneSupervisors(ctx, today)
	if err != nil {
		return nil, err
	}
	var all []store.NewMessage
	for _, c := range areas {
		m, err := n.ComposeArea(ctx, c, today)
		if err != nil {
			return nil, err
		}
		all = append(all, m...)
	}
	for _, s := range lone {
		m, err := n.ComposeOwnUnit(ctx, s, today)
		if err != nil {
			return nil, err
		}
		all = append(all, m...)
	}
	return all, nil
}

// ComposeArea composes the digests of one casework supervisor's area: theirs,
// their units' supervisors' and workers', and the escalations of high-risk
// reports a business day overdue.
func (n *Notifier) ComposeArea(ctx context.Context, cwsID int64, today time.Time) ([]store.NewMessage, error) {
	v := access.Viewer{PersonID: cwsID, Role: access.CaseworkSupervisor}
	monthStart := today.AddDate(0, 0, 1-today.Day())
	d, err := n.Store.DigestAreaOf(ctx, v, today, monthStart, today.AddDate(0, 0, soonDays))
	if err != nil {
		return nil, err
	}
	return n.compose(d, cwsID, today)
}

// ComposeOwnUnit composes the digests of a unit whose supervisor reports to
// no casework supervisor: the supervisor's and the workers'. (No
// escalation: there is nobody above to escalate to.)
func (n *Notifier) ComposeOwnUnit(ctx context.Context, supervisorID int64, today time.Time) ([]store.NewMessage, error) {
	v := access.Viewer{PersonID: supervisorID, Role: access.Supervisor}
	monthStart := today.AddDate(0, 0, 1-today.Day())
	d, err := n.Store.DigestOwnUnit(ctx, v, today, monthStart, today.AddDate(0, 0, soonDays))
	if err != nil {
		return nil, err
	}
	return n.compose(d, 0, today)
}

// compose builds the messages of an area's data; cwsID 0 for a unit in no
// area.
func (n *Notifier) compose(d *store.DigestArea, cwsID int64, today time.Time) ([]store.NewMessage, error) {
	asOf := rules.DateOf(today.Year(), int(today.Month()), today.Day())
	a, err := evaluateArea(d, asOf, n.loc())
	if err != nil {
		return nil, fmt.Errorf("area of %d: %w", cwsID, err)
	}
	return n.composeArea(d, a, cwsID), nil
}

// composeArea is an area's messages from its dashboards.
func (n *Notifier) composeArea(d *store.DigestArea, a *area, cwsID int64) []store.NewMessage {
	asOf := a.asOf
	var out []store.NewMessage
	date := asOf.String()
	add := func(p *store.DigestPerson, m Message) {
		if p == nil || !p.Active || Effective("digest", p.Choice["digest"], n.mandatory["digest"]) == Off {
			return
		}
		var folds []int64
		for _, h := range d.Held[p.PersonID] {
			if s, ok := heldLine(h, n.reasons); ok {
				if len(m.Sections) == 0 || m.Sections[0].Title != sinceTitle {
					m.Sections = append([]Section{{Title: sinceTitle, Groups: []Group{{}}}}, m.Sections...)
				}
				m.Sections[0].Groups[0].Items = append(m.Sections[0].Groups[0].Items, s)
				folds = append(folds, h.ID)
			}
		}
		if m.Empty() {
			return
		}
		m.Date = date
		out = append(out, store.NewMessage{Key: "digest:" + strconv.FormatInt(p.PersonID, 10) + ":" + date, Kind: "digest",
			RecipientID: p.PersonID, Params: m, Folds: folds})
	}
	for _, u := range a.units {
		add(d.People[u.in.SupervisorID], a.supervisorDigest(u))
		for _, row := range u.unit.Rows {
			add(d.People[row.PersonID], a.workerDigest(d, row))
		}
		if cwsID != 0 {
			out = append(out, a.escalations(d, cwsID, u)...)
		}
	}
	if cwsID != 0 {
		add(d.People[cwsID], a.caseworkDigest(d))
	}
	return out
}

const sinceTitle = "Since your last digest"

// area is one area's facts evaluated once, with what the digests need.
type area struct {
	f          rules.Facts
	res        rules.Result
	asOf       rules.Date
	cal        rules.Calendar
	ids        store.FactIDs
	factOf     map[int64]string // person id -> fact id
	bySubject  map[string][]rules.Obligation
	casesOf    map[string][]string // worker fact id -> case numbers, sorted
	caseWorker map[string]string   // case number -> worker fact id
	// The area's events by case, and its conferences by the worker they
	// were held with and by the cases they discussed (indexes into f).
	eventsOf      map[string][]rules.Event
	confsOfWorker map[string][]int
	confsOfCase   map[string][]int
	pending       map[string]int
	units         []areaUnit
}

type areaUnit struct {
	in   dashboard.AreaInput
	unit dashboard.Unit
	line dashboard.AreaUnit
	// review is the supervisor's own casework review obligation.
	review *rules.Obligation
}

func evaluateArea(d *store.DigestArea, asOf rules.Date, loc *time.Location) (*area, error) {
	res, err := rules.Evaluate(d.Facts, rules.Options{})
	if err != nil {
		return nil, err
	}
	return buildArea(d, res, asOf, loc), nil
}

// buildArea is an area's dashboards from its facts and their evaluation.
func buildArea(d *store.DigestArea, res rules.Result, asOf rules.Date, loc *time.Location) *area {
	a := &area{f: d.Facts, res: res, asOf: asOf, ids: d.IDs, factOf: map[int64]string{},
		bySubject: map[string][]rules.Obligation{}, casesOf: map[string][]string{}, pending: d.PendingByCase}
	a.cal = rules.NewCalendar(d.Facts.Holidays)
	if !d.Facts.HolidaysSet && len(d.Facts.Holidays) == 0 {
		a.cal = res.Version().Calendar // uploaded, built-in or the agency's own
	}
	for fid, pid := range d.IDs.People {
		a.factOf[pid] = fid
	}
	// Each subject's obligations cut from one slice, in the result's
	// order (grown per subject, a state's were copied several times over).
	perSubject := map[string]int{}
	for i := range res.Obligations {
		perSubject[res.Obligations[i].Subject]++
	}
	all, at := make([]rules.Obligation, 0, len(res.Obligations)), 0
	for subject, n := range perSubject {
		a.bySubject[subject] = all[at : at : at+n]
		at += n
	}
	for _, o := range res.Obligations {
		a.bySubject[o.Subject] = append(a.bySubject[o.Subject], o)
	}
	a.caseWorker = make(map[string]string, len(d.Facts.Cases))
	for _, c := range d.Facts.Cases {
		a.casesOf[c.Worker] = append(a.casesOf[c.Worker], c.ID)
		a.caseWorker[c.ID] = c.Worker
	}
	for _, ids := range a.casesOf {
		sort.Strings(ids)
	}
	a.eventsOf, a.confsOfWorker, a.confsOfCase = map[string][]rules.Event{}, map[string][]int{}, map[string][]int{}
	// Each case's events, in order: the facts' own runs of a case's events
	// (they come grouped by case) taken as they are, not copied.
	for i, ev := 0, d.Facts.Events; i < len(ev); {
		j := i + 1
		for j < len(ev) && ev[j].Case == ev[i].Case {
			j++
		}
		if prev, ok := a.eventsOf[ev[i].Case]; ok { // a case's events in more than one run
			a.eventsOf[ev[i].Case] = append(prev[:len(prev):len(prev)], ev[i:j]...)
		} else {
			a.eventsOf[ev[i].Case] = ev[i:j:j]
		}
		i = j
	}
	for i, k := range d.Facts.Conferences {
		if k.Worker != "" {
			a.confsOfWorker[k.Worker] = append(a.confsOfWorker[k.Worker], i)
		}
		for _, c := range k.Cases {
			a.confsOfCase[c] = append(a.confsOfCase[c], i)
		}
	}
	// The units' dashboards, as the unit and area pages build them.
	records := map[int64][]dashboard.Record{}
	for _, r := range d.Records {
		e := r.EnteredAt.In(loc) // the date it was entered, in the agency's zone, as the unit page
		records[r.WorkerID] = append(records[r.WorkerID], dashboard.Record{Held: dateOf(r.HeldOn), Entered: rules.DateOf(e.Year(), int(e.Month()), e.Day()), Signed: r.Signed})
	}
	workers := map[int64][]dashboard.Worker{}
	for _, m := range d.Members {
		p := d.People[m.WorkerID]
		if p == nil {
			continue
		}
		fid := a.factOf[m.WorkerID]
		pending := 0
		for _, c := range a.casesOf[fid] {
			pending += d.PendingByCase[c]
		}
		workers[m.UnitID] = append(workers[m.UnitID], dashboard.Worker{PersonID: m.WorkerID, FactID: fid, Name: p.Name,
			PendingContacts: pending, Records: records[m.WorkerID]})
	}
	reviews := dashboard.SupervisorReviews(res)
	// Each unit's dashboard from its own cases and their workers'
	// obligations (what Build reads of them), not the whole area's.
	unitOf := map[string]int64{} // worker fact id -> unit
	for _, m := range d.Members {
		unitOf[a.factOf[m.WorkerID]] = m.UnitID
	}
	unitCases := map[int64][]rules.Case{}
	for _, c := range d.Facts.Cases {
		if u, ok := unitOf[c.Worker]; ok {
			unitCases[u] = append(unitCases[u], c)
		}
	}
	unitRes := map[int64]*rules.Result{}
	for _, o := range res.Obligations {
		w := o.Subject
		if _, isWorker := unitOf[w]; !isWorker {
			w = a.workerOfCase(o.Subject)
		}
		if u, ok := unitOf[w]; ok {
			r := unitRes[u]
			if r == nil {
				r = new(res.Part(nil))
				unitRes[u] = r
			}
			r.Obligations = append(r.Obligations, o)
		}
	}
	for _, u := range d.Units {
		in := dashboard.AreaInput{UnitID: u.UnitID, Name: u.UnitName, SupervisorID: u.SupervisorID,
			SupervisorFact: a.factOf[u.SupervisorID], SupervisorName: u.SupervisorName, Workers: workers[u.UnitID]}
		uf := d.Facts
		uf.Cases = unitCases[u.UnitID]
		ur := res.Part(nil)
		if r := unitRes[u.UnitID]; r != nil {
			ur = *r
		}
		unit := dashboard.Build(uf, ur, in.Workers)
		au := areaUnit{in: in, unit: unit, review: reviews[in.SupervisorFact]}
		au.line = dashboard.AreaUnitOf(in, unit, uf.Cases, asOf, au.review)
		a.units = append(a.units, au)
	}
	return a
}

func dateOf(t time.Time) rules.Date { return rules.DateOf(t.Year(), int(t.Month()), t.Day()) }

func (a *area) workerOfCase(id string) string { return a.caseWorker[id] }

func (a *area) soon(o rules.Obligation) bool {
	return o.State == rules.StateOpen && !o.Due.After(a.asOf.AddDays(soonDays))
}

func (a *area) caseLink(num string) string {
	if id, ok := a.ids.Cases[num]; ok {
		return "/cases/" + strconv.FormatInt(id, 10)
	}
	return ""
}

// supervisorDigest: the unit's overdue and due-within-a-week obligations by
// worker (and the supervisor's own casework review), records not signed by
// their deadline, contacts awaiting approval, high-risk cases awaiting the
// report.
func (a *area) supervisorDigest(u areaUnit) Message {
	m := Message{Role: string(access.Supervisor), Heading: u.in.Name + ": what is owed"}
	overdue := Section{Title: "Overdue"}
	soon := Section{Title: "Due within 7 days"}
	if u.review != nil {
		g := Group{Heading: "Your casework review", Link: "/unit"}
		o := *u.review
		if o.State == rules.StateOverdue || a.soon(o) {
			g.Items = append(g.Items, Item{Text: ObligationLine("", a.res.Label(o), o)})
			if o.State == rules.StateOverdue {
				overdue.Groups = append(overdue.Groups, g)
			} else {
				soon.Groups = append(soon.Groups, g)
			}
		}
	}
	var unsigned, contacts, risk Section
	unsigned.Title = "Conference records not signed within " + a.res.Version().DocumentationWords()
	contacts.Title = "Contacts awaiting your approval"
	risk.Title = "High-risk cases awaiting the report to the casework supervisor"
	for _, row := range u.unit.Rows {
		workerLink := "/workers/" + strconv.FormatInt(row.PersonID, 10)
		og := Group{Heading: row.Name, Link: workerLink}
		sg := Group{Heading: row.Name, Link: workerLink}
		for _, o := range a.bySubject[row.FactID] {
			it := Item{Text: ObligationLine("", a.res.Label(o)+" ("+row.Name+")", o), Link: workerLink}
			if o.State == rules.StateOverdue {
				og.Items = append(og.Items, it)
			} else if a.soon(o) {
				sg.Items = append(sg.Items, it)
			}
		}
		for _, c := range a.casesOf[row.FactID] {
			for _, o := range u.unit.ByCase[c] {
				it := Item{Text: ObligationLine(c, a.res.Label(o), o), Link: a.caseLink(c)}
				if o.State == rules.StateOverdue {
					og.Items = append(og.Items, it)
				} else if a.soon(o) {
					sg.Items = append(sg.Items, it)
				}
			}
			if n := a.pending[c]; n > 0 {
				contacts.Groups = appendItem(contacts.Groups, row.Name, workerLink,
					Item{Text: "Case " + c + ": " + plural(n, "contact", "contacts") + " awaiting approval", Link: workerLink})
			}
		}
		if len(og.Items) > 0 {
			overdue.Groups = append(overdue.Groups, og)
		}
		if len(sg.Items) > 0 {
			soon.Groups = append(soon.Groups, sg)
		}
		if row.UnsignedOverdue > 0 {
			unsigned.Groups = appendItem(unsigned.Groups, row.Name, workerLink,
				Item{Text: plural(row.UnsignedOverdue, "record", "records") + " of " + row.Name + " still a draft past the deadline", Link: workerLink})
		}
		for _, c := range row.RiskAwaiting {
			for _, o := range u.unit.ByCase[c] {
				if a.res.Is(o, rules.TagRiskReport) && (o.State == rules.StateOpen || o.State == rules.StateOverdue) {
					risk.Groups = appendItem(risk.Groups, row.Name, workerLink, Item{Text: ObligationLine(c, a.res.Label(o), o), Link: a.caseLink(c)})
				}
			}
		}
	}
	m.Sections = nonEmpty(overdue, soon, unsigned, contacts, risk)
	return m
}

// caseworkDigest: the area's overdue obligations by unit, the high-risk
// reports and weekly reviews due or overdue, open emergent requests, and
// the supervisors whose casework review is due.
func (a *area) caseworkDigest(d *store.DigestArea) Message {
	m := Message{Role: string(access.CaseworkSupervisor), Heading: "Your area: what is owed"}
	overdue := Section{Title: "Overdue, by unit"}
	risk := Section{Title: "High-risk reports and weekly reviews due or overdue"}
	requests := Section{Title: "Emergent conference requests awaiting your answer"}
	reviews := Section{Title: "Supervisors whose casework review is due"}
	for _, u := range a.units {
		link := "/units/" + strconv.FormatInt(u.in.UnitID, 10)
		counts := map[string]int{}
		var words []string
		for _, row := range u.unit.Rows {
			for _, o := range a.bySubject[row.FactID] {
				if o.State == rules.StateOverdue {
					if counts[o.Rule] == 0 {
						words = append(words, o.Rule)
					}
					counts[o.Rule]++
				}
			}
			for _, c := range a.casesOf[row.FactID] {
				for _, o := range u.unit.ByCase[c] {
					if o.State == rules.StateOverdue {
						if counts[o.Rule] == 0 {
							words = append(words, o.Rule)
						}
						counts[o.Rule]++
					}
				}
			}
		}
		// Named by the labels of the version the area was evaluated with, as
		// the area page names them.
		label := func(rule string) string { return a.res.Label(rules.Obligation{Rule: rule}) }
		sort.Slice(words, func(i, j int) bool {
			if counts[words[i]] != counts[words[j]] {
				return counts[words[i]] > counts[words[j]]
			}
			return label(words[i]) < label(words[j])
		})
		g := Group{Heading: u.in.Name + " (" + u.in.SupervisorName + ")", Link: link}
		for _, r := range words {
			g.Items = append(g.Items, Item{Text: label(r) + ": " + strconv.Itoa(counts[r]) + " overdue", Link: link})
		}
		if len(g.Items) > 0 {
			overdue.Groups = append(overdue.Groups, g)
		}
		rg := Group{Heading: u.in.Name, Link: link}
		for _, h := range u.line.HighRisk {
			for _, o := range []*rules.Obligation{h.Report, h.Weekly} {
				if o != nil && (o.State == rules.StateOverdue || a.soon(*o)) {
					rg.Items = append(rg.Items, Item{Text: ObligationLine(h.Case, a.res.Label(*o), *o) + " (" + levelWords(h.Level) + ")", Link: a.caseLink(h.Case)})
				}
			}
		}
		if len(rg.Items) > 0 {
			risk.Groups = append(risk.Groups, rg)
		}
		if o := u.review; o != nil && (o.State == rules.StateOverdue || a.soon(*o)) {
			reviews.Groups = appendItem(reviews.Groups, "", "", Item{
				Text: ObligationLine("", a.res.Label(*o)+" with "+u.in.SupervisorName, *o),
				Link: "/supervisors/" + strconv.FormatInt(u.in.SupervisorID, 10) + "/reviews/new"})
		}
	}
	if n := len(d.OpenRequests); n > 0 {
		requests.Groups = []Group{{Items: []Item{{Text: plural(n, "request", "requests") + " unanswered, the oldest made " + dayOf(d.OpenRequests[0]), Link: "/area#q-h"}}}}
	}
	m.Sections = nonEmpty(overdue, risk, requests, reviews)
	return m
}

// workerDigest: the next conference's date and what to prepare, records
// shared to acknowledge, next steps due. Sent when the conference is due
// within a week (or overdue), or something else waits.
func (a *area) workerDigest(d *store.DigestArea, row dashboard.Row) Message {
	m := Message{Role: string(access.Worker), Heading: "What you owe this week"}
	conf := Section{Title: "Your next conference"}
	if o := row.NextConference; o != nil && (o.State == rules.StateOverdue || a.soon(*o)) {
		words := a.res.Label(*o)
		if a.res.Is(*o, rules.TagWorkerConference) {
			words = "Your conference with your supervisor" // the page's words are the supervisor's
		}
		conf.Groups = append(conf.Groups, Group{Items: []Item{{Text: ObligationLine("", words, *o), Link: "/agenda"}}})
		sub, res := a.workerFacts(row.FactID)
		if agenda, err := rules.ProposeAgenda(sub, rules.Options{ContactsAwaiting: d.PendingByCase}, row.FactID); err == nil {
			for i, it := range agenda.Items {
				if it.Priority > rules.PriorityDeadline && i >= agenda.Target {
					continue
				}
				g := Group{Heading: "Prepare case " + it.Case, Link: a.caseLink(it.Case)}
				for _, line := range dashboard.Preparation(sub, res, it.Case) {
					g.Items = append(g.Items, Item{Text: line})
				}
				if len(g.Items) > 0 {
					conf.Groups = append(conf.Groups, g)
				}
			}
		}
	}
	shared := Section{Title: "Conference records shared with you to acknowledge"}
	for _, s := range d.Shared[row.PersonID] {
		shared.Groups = appendItem(shared.Groups, "", "", Item{Text: "The record of your conference of " + dayOf(s.HeldOn),
			Link: "/conferences/" + strconv.FormatInt(s.ConferenceID, 10)})
	}
	steps := Section{Title: "Your next steps due"}
	for _, s := range d.Steps[row.PersonID] {
		text := "A next step due " + dayOf(s.DueOn)
		if s.CaseNumber != "" {
			text = "Case " + s.CaseNumber + ": a next step due " + dayOf(s.DueOn)
		}
		if dateOf(s.DueOn).Before(a.asOf) {
			text += " (overdue)"
		}
		steps.Groups = appendItem(steps.Groups, "", "", Item{Text: text, Link: "/agenda"})
	}
	m.Sections = nonEmpty(conf, shared, steps)
	return m
}

// workerFacts are the worker's own part of the area's facts (their cases,
// those cases' events, the conferences that discussed them or the worker),
// and the area's answer for those cases: what the agenda and preparation
// lists are computed from, as on the worker's page.
func (a *area) workerFacts(worker string) (rules.Facts, rules.Result) {
	f := rules.Facts{AsOf: a.f.AsOf, Profile: a.f.Profile, Holidays: a.f.Holidays, HolidaysSet: a.f.HolidaysSet, Staff: a.f.Staff}
	confs := map[int]bool{}
	for _, i := range a.confsOfWorker[worker] {
		confs[i] = true
	}
	for _, c := range a.f.Cases {
		if c.Worker == worker {
			f.Cases = append(f.Cases, c)
			f.Events = append(f.Events, a.eventsOf[c.ID]...)
			for _, i := range a.confsOfCase[c.ID] {
				confs[i] = true
			}
		}
	}
	order := make([]int, 0, len(confs))
	for i := range confs {
		order = append(order, i)
	}
	sort.Ints(order) // the area's order, as the facts had them
	for _, i := range order {
		f.Conferences = append(f.Conferences, a.f.Conferences[i])
	}
	res := a.res.Part(nil)
	for _, c := range f.Cases {
		res.Obligations = append(res.Obligations, a.bySubject[c.ID]...)
	}
	return f, res
}

// escalations: high-risk reports a business day past their deadline, to the
// casework supervisor (the top of the chain the agency's data holds), at
// once. One per case and deadline.
func (a *area) escalations(d *store.DigestArea, cwsID int64, u areaUnit) []store.NewMessage {
	var out []store.NewMessage
	for _, row := range u.unit.Rows {
		for _, c := range row.RiskAwaiting {
			for _, o := range u.unit.ByCase[c] {
				if !a.res.Is(o, rules.TagRiskReport) || o.State != rules.StateOverdue || a.asOf.Before(a.cal.AddBusinessDays(o.Due, 1)) {
					continue
				}
				m := Message{Heading: "A high-risk report is overdue", Date: a.asOf.String(), Sections: []Section{{
					Title: "Overdue a business day or more",
					Groups: []Group{{Heading: u.in.Name + " (" + u.in.SupervisorName + ")", Link: "/units/" + strconv.FormatInt(u.in.UnitID, 10),
						Items: []Item{{Text: ObligationLine(c, a.res.Label(o), o), Link: a.caseLink(c)}}}},
				}}}
				out = append(out, store.NewMessage{Key: "escalation:" + c + ":" + o.Due.String() + ":" + strconv.FormatInt(cwsID, 10),
					Kind: "escalation", RecipientID: cwsID, Params: m})
			}
		}
	}
	return out
}

func levelWords(l string) string {
	switch l {
	case rules.RiskVeryHigh:
		return "very high risk"
	case rules.RiskHigh:
		return "high risk"
	}
	return l + " risk"
}

// appendItem adds an item to the group with the heading, making it if new.
func appendItem(gs []Group, heading, link string, it Item) []Group {
	for i := range gs {
		if gs[i].Heading == heading {
			gs[i].Items = append(gs[i].Items, it)
			return gs
		}
	}
	return append(gs, Group{Heading: heading, Link: link, Items: []Item{it}})
}

func nonEmpty(ss ...Section) []Section {
	var out []Section
	for _, s := range ss {
		if len(s.Groups) > 0 {
			out = append(out, s)
		}
	}
	return out
}
