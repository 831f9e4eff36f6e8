package web

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// unitState is a unit's dashboard with what its lists need: the rules
// evaluated once for the whole unit.
type unitState struct {
	roster  store.UnitRoster
	facts   rules.Facts
	ids     store.FactIDs
	unit    dashboard.Unit
	byFact  map[string]store.RosterWorker // worker fact id -> roster row
	factOf  map[int64]string              // person id -> fact id
	caseRef map[string]store.CaseRef
	// reviews: the casework.supervisor obligations of the evaluation, by
	// supervisor fact id (copies), for the area's line of the unit.
	reviews map[string]*rules.Obligation
}

// loadUnit records the view and returns the unit's evaluated dashboard: the
// one kept from an earlier view if the unit's data is unchanged since
// (evalcache.go), else the unit's fixed set of queries and one evaluation.
func (app *App) loadUnit(r *http.Request, unitID int64) (*unitState, error) {
	v, _ := viewerFrom(r.Context())
	today := app.today()
	stamp, err := app.store.UnitView(r.Context(), v, unitID, today)
	if err != nil {
		return nil, err
	}
	return app.keptUnit(r, unitID, today, stamp)
}

// keptUnit returns the unit's evaluated state kept under stamp, or evaluates
// and keeps it. An empty stamp (the unit was not stamped) evaluates afresh
// and keeps nothing.
func (app *App) keptUnit(r *http.Request, unitID int64, today time.Time, stamp store.Stamp) (*unitState, error) {
	key := cacheKey{kind: 'u', id: unitID, day: today}
	if stamp != "" {
		if st, ok := app.cache.get(key, stamp); ok {
			return st.(*unitState), nil
		}
	}
	st, err := app.evaluateUnit(r, unitID, today)
	if err != nil {
		return nil, err
	}
	if stamp != "" {
		app.cache.put(key, stamp, st.size(), st)
	}
	return st, nil
}

// evaluateUnit runs the unit's fixed set of queries and one evaluation.
func (app *App) evaluateUnit(r *http.Request, unitID int64, today time.Time) (*unitState, error) {
	v, _ := viewerFrom(r.Context())
	roster, err := app.store.UnitRosterRead(r.Context(), v, unitID, today)
	if err != nil {
		return nil, err
	}
	f, ids, err := app.store.UnitFacts(r.Context(), v, unitID, today)
	if err != nil {
		return nil, err
	}
	refs, err := app.store.UnitCases(r.Context(), v, unitID, today)
	if err != nil {
		return nil, err
	}
	records, err := app.store.UnitRecords(r.Context(), v, unitID, today, today.AddDate(0, 0, 1-today.Day()))
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		return nil, err
	}
	byWorker := map[int64][]dashboard.Record{}
	for _, rec := range records {
		e := rec.EnteredAt.In(app.loc)
		byWorker[rec.WorkerID] = append(byWorker[rec.WorkerID], dashboard.Record{
			Held: dateOf(rec.HeldOn), Entered: rules.DateOf(e.Year(), int(e.Month()), e.Day()), Signed: rec.Signed})
	}
	st := &unitState{roster: roster, facts: f, ids: ids, caseRef: refs, byFact: map[string]store.RosterWorker{}, factOf: map[int64]string{},
		reviews: map[string]*rules.Obligation{}}
	for sup, o := range dashboard.SupervisorReviews(res) {
		c := *o
		st.reviews[sup] = &c
	}
	for fid, pid := range ids.People {
		st.factOf[pid] = fid
	}
	workers := make([]dashboard.Worker, 0, len(roster.Workers))
	for _, w := range roster.Workers {
		fid := st.factOf[w.PersonID]
		st.byFact[fid] = w
		workers = append(workers, dashboard.Worker{PersonID: w.PersonID, FactID: fid, Name: w.Name, PendingContacts: w.PendingContacts, Records: byWorker[w.PersonID]})
	}
	st.unit = dashboard.Build(f, res, workers)
	// Kept between views: only the cases are read again (casesOf).
	st.facts.Events, st.facts.Conferences = nil, nil
	return st, nil
}

// size estimates the memory a kept unit takes.
func (st *unitState) size() int64 {
	n := 8192 + 512*len(st.facts.Cases) + 256*len(st.caseRef) + 1024*len(st.roster.Workers)
	for _, os := range st.unit.ByCase {
		n += 384 * len(os) // the obligation, its sentence, the slice's spare room
	}
	return int64(n)
}

func urlID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	return id, err == nil && id > 0
}

// myUnit is the supervisor's own dashboard.
func (app *App) myUnit(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, err := app.store.SupervisorUnitID(r.Context(), v, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	app.renderUnit(w, r, id, "/unit")
}

// unitByID is a unit's dashboard for its supervisor or the casework
// supervisor over it (read-only for them).
func (app *App) unitByID(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "unitID")
	if !ok {
		app.notFound(w, r)
		return
	}
	active := ""
	if v, _ := viewerFrom(r.Context()); v.Role == access.CaseworkSupervisor {
		active = "/area"
	}
	app.renderUnit(w, r, id, active)
}

func (app *App) renderUnit(w http.ResponseWriter, r *http.Request, unitID int64, active string) {
	st, err := app.loadUnit(r, unitID)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	v, _ := viewerFrom(r.Context())
	d := views.UnitDashboard{
		UnitID: unitID, UnitName: st.roster.UnitName, OfficeName: st.roster.OfficeName,
		Supervisor: v.Role == access.Supervisor, Unit: st.unit,
	}
	if d.Supervisor {
		// The supervisor sees what became of the requests they made.
		if d.MyRequests, err = app.myEmergentRequests(r); err != nil {
			app.storeError(w, r, err)
			return
		}
		d.Reasons = emergentReasons()
	}
	app.render(w, r, http.StatusOK, views.UnitPage(app.chrome(r, st.roster.UnitName, active), d))
}

// The lists behind the dashboard's numbers.
var listTitles = map[string]string{
	"conferences": "Conferences due and overdue",
	"undiscussed": "Cases not yet discussed this month",
	"risk":        "High and very high risk cases awaiting the one-day report or the weekly review",
	"contacts":    "Cases with contacts awaiting approval",
	"milestones":  "Overdue placement and visit milestones",
	"all":         "Every open case",
}

// unitCases lists the cases behind one of the unit's totals.
func (app *App) unitCases(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "unitID")
	show := r.URL.Query().Get("show")
	if _, known := listTitles[show]; !ok || !known {
		app.notFound(w, r)
		return
	}
	st, err := app.loadUnit(r, id)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	l := views.CaseList{Title: listTitles[show] + " — " + st.roster.UnitName, Back: "/units/" + strconv.FormatInt(id, 10), BackTo: st.roster.UnitName}
	for _, row := range st.unit.Rows {
		l.Entries = append(l.Entries, st.entries(row, show)...)
	}
	app.render(w, r, http.StatusOK, views.CaseListPage(app.chrome(r, listTitles[show], ""), l))
}

// entries are one worker's cases for a list, with the obligations that put
// each case there.
func (st *unitState) entries(row dashboard.Row, show string) []views.CaseListEntry {
	var out []views.CaseListEntry
	labels := st.unit.Rules.Labels()
	add := func(caseID string, os []rules.Obligation, note string) {
		ref, ok := st.caseRef[caseID]
		if !ok {
			return
		}
		out = append(out, views.CaseListEntry{Case: ref, WorkerName: row.Name, WorkerID: row.PersonID, Obligations: os, Note: note, Labels: labels})
	}
	pick := func(caseID string, keep func(rules.Obligation) bool) []rules.Obligation {
		var os []rules.Obligation
		for _, o := range st.unit.ByCase[caseID] {
			if keep(o) {
				os = append(os, o)
			}
		}
		return os
	}
	switch show {
	case "conferences":
		if row.NextConference != nil {
			out = append(out, views.CaseListEntry{WorkerName: row.Name, WorkerID: row.PersonID, Obligations: []rules.Obligation{*row.NextConference}, Labels: labels})
		}
	case "undiscussed":
		for _, id := range row.Undiscussed {
			add(id, pick(id, func(o rules.Obligation) bool { return st.unit.Is(o, rules.TagCaseDiscussion) }), "")
		}
	case "risk":
		for _, id := range row.RiskAwaiting {
			add(id, pick(id, func(o rules.Obligation) bool {
				return st.unit.Is(o, rules.TagRiskReport) || st.unit.Is(o, rules.TagRiskReview)
			}), "")
		}
	case "milestones":
		seen := map[string]bool{}
		for _, o := range row.OverdueMilestones {
			if !seen[o.Subject] {
				seen[o.Subject] = true
				id := o.Subject
				add(id, pick(id, func(x rules.Obligation) bool {
					return x.State == rules.StateOverdue && !st.unit.Is(x, rules.TagCaseDiscussion)
				}), "")
			}
		}
	case "contacts", "all":
		for _, id := range st.casesOf(row.FactID) {
			if show == "contacts" {
				if n := st.caseRef[id].PendingContacts; n > 0 {
					add(id, pick(id, func(o rules.Obligation) bool { return st.unit.Is(o, rules.TagContactApproval) }), strconv.Itoa(n)+" contacts awaiting approval")
				}
			} else {
				add(id, pick(id, func(o rules.Obligation) bool { return o.State == rules.StateOpen || o.State == rules.StateOverdue }), "")
			}
		}
	}
	return out
}

// casesOf lists a worker's cases in case-number order.
func (st *unitState) casesOf(workerFact string) []string {
	var ids []string
	for _, c := range st.facts.Cases {
		if c.Worker == workerFact {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// dateOf turns a date read from the database (UTC midnight) into a rules.Date.
func dateOf(t time.Time) rules.Date { return rules.DateOf(t.Year(), int(t.Month()), t.Day()) }
