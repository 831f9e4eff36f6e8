package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/workspace"
	"github.com/casework/casework/web/views"
)

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
	v, _ := viewerFrom(r.Context())
	st, err := app.ws.Unit(r.Context(), v, unitID, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	d := views.UnitDashboard{
		UnitID: unitID, UnitName: st.Roster.UnitName, OfficeName: st.Roster.OfficeName,
		Supervisor: v.Role == access.Supervisor, Unit: st.Dashboard,
	}
	if d.Supervisor {
		// The supervisor sees what became of the requests they made.
		if d.MyRequests, err = app.myEmergentRequests(r); err != nil {
			app.storeError(w, r, err)
			return
		}
		d.Reasons = emergentReasons()
	}
	app.render(w, r, http.StatusOK, views.UnitPage(app.chrome(r, st.Roster.UnitName, active), d))
}

// The lists behind the dashboard's numbers.
var listTitles = map[string]string{
	"conferences": "Conferences due and overdue",
	"undiscussed": "Cases not yet discussed this month",
	"risk":        "High and very high risk cases awaiting the one-day report or the weekly review",
	"contacts":    "Cases with contacts awaiting approval",
	"milestones":  "Overdue placement and visit milestones",
	"visits":      "Overdue visits and contacts",
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
	v, _ := viewerFrom(r.Context())
	st, err := app.ws.Unit(r.Context(), v, id, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	l := views.CaseList{Title: listTitles[show] + " — " + st.Roster.UnitName, Back: "/units/" + strconv.FormatInt(id, 10), BackTo: st.Roster.UnitName}
	for _, row := range st.Dashboard.Rows {
		l.Entries = append(l.Entries, caseEntries(st, row, show)...)
	}
	app.render(w, r, http.StatusOK, views.CaseListPage(app.chrome(r, listTitles[show], ""), l))
}

// entries are one worker's cases for a list, with the obligations that put
// each case there.
func caseEntries(st *workspace.Unit, row dashboard.Row, show string) []views.CaseListEntry {
	var out []views.CaseListEntry
	labels := st.Dashboard.Rules.Labels()
	add := func(caseID string, os []rules.Obligation, note string) {
		ref, ok := st.CaseRef[caseID]
		if !ok {
			return
		}
		out = append(out, views.CaseListEntry{Case: ref, WorkerName: row.Name, WorkerID: row.PersonID, Obligations: os, Note: note, Labels: labels})
	}
	pick := func(caseID string, keep func(rules.Obligation) bool) []rules.Obligation {
		var os []rules.Obligation
		for _, o := range st.Dashboard.ByCase[caseID] {
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
			add(id, pick(id, func(o rules.Obligation) bool { return st.Dashboard.Is(o, rules.TagCaseDiscussion) }), "")
		}
	case "risk":
		for _, id := range row.RiskAwaiting {
			add(id, pick(id, func(o rules.Obligation) bool {
				return st.Dashboard.Is(o, rules.TagRiskReport) || st.Dashboard.Is(o, rules.TagRiskReview)
			}), "")
		}
	case "milestones":
		seen := map[string]bool{}
		for _, o := range row.OverdueMilestones {
			if !seen[o.Subject] {
				seen[o.Subject] = true
				id := o.Subject
				add(id, pick(id, func(x rules.Obligation) bool {
					return x.State == rules.StateOverdue && !st.Dashboard.Is(x, rules.TagCaseDiscussion)
				}), "")
			}
		}
	case "visits":
		seen := map[string]bool{}
		for _, o := range row.OverdueVisits {
			if !seen[o.Subject] {
				seen[o.Subject] = true
				id := o.Subject
				add(id, pick(id, func(x rules.Obligation) bool {
					return x.State == rules.StateOverdue && st.Dashboard.Is(x, rules.TagVisits)
				}), "")
			}
		}
	case "contacts", "all":
		for _, id := range st.CasesOf(row.FactID) {
			if show == "contacts" {
				if n := st.CaseRef[id].PendingContacts; n > 0 {
					add(id, pick(id, func(o rules.Obligation) bool { return st.Dashboard.Is(o, rules.TagContactApproval) }), strconv.Itoa(n)+" contact"+views.Plural(n)+" awaiting approval")
				}
			} else {
				add(id, pick(id, func(o rules.Obligation) bool { return o.State == rules.StateOpen || o.State == rules.StateOverdue }), "")
			}
		}
	}
	return out
}

// dateOf turns a date read from the database (UTC midnight) into a rules.Date.
func dateOf(t time.Time) rules.Date { return workspace.DateOf(t) }
