package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// compliance loads and sums the history of the viewer's units for the months.
func (app *App) compliance(r *http.Request, months []rules.Date) ([]dashboard.UnitTrend, []dashboard.WorkerMonth, error) {
	v, _ := viewerFrom(r.Context())
	from, to := months[0], months[len(months)-1]
	wm, esc, err := app.store.Compliance(r.Context(), v, app.today(), timeOf(from), timeOf(to))
	if err != nil {
		return nil, nil, err
	}
	dwm := make([]dashboard.WorkerMonth, len(wm))
	for i, w := range wm {
		dwm[i] = dashboard.WorkerMonth{Month: dateOf(w.Month), UnitID: w.UnitID, UnitName: w.UnitName, WorkerID: w.WorkerID,
			WorkerName: w.WorkerName, Conferenced: w.Conferenced, Cases: w.Cases, Discussed: w.Discussed}
	}
	desc := make([]dashboard.Escalation, len(esc))
	for i, e := range esc {
		desc[i] = dashboard.Escalation{Month: dateOf(e.Month), UnitID: e.UnitID, On: dateOf(e.On)}
		if e.Reported != nil {
			desc[i].Reported = dateOf(*e.Reported)
		}
	}
	return dashboard.Trends(months, dwm, desc, app.calendar(r)), dwm, nil
}

// calendar is the business-day calendar of the agency's profile today: of
// its version in force, uploaded or built-in, or the agency's own profile.
func (app *App) calendar(r *http.Request) rules.Calendar {
	if p, err := app.store.PolicyProfile(r.Context(), app.profile(r)); err == nil {
		if v, ok := p.VersionAt(dateOfTime(app.today())); ok {
			return v.Calendar
		}
	}
	return rules.NewCalendar(nil)
}

// profile is the agency's policy profile in force today.
func (app *App) profile(r *http.Request) string {
	p, err := app.store.ProfileOn(r.Context(), app.today())
	if err != nil {
		return rules.DefaultProfile
	}
	return p
}

func timeOf(d rules.Date) time.Time {
	return time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC)
}

// trendsPage: twelve months of compliance per unit, as an SVG chart rendered
// on the server with its figures in a table beside it. A casework
// supervisor's (/area/trends) holds the units of their area, a supervisor's
// (/unit/trends) their own unit only: the store's queries take the reach,
// and the page sums nothing across units.
func (app *App) trendsPage(w http.ResponseWriter, r *http.Request) {
	months := dashboard.LastMonths(dateOf(app.today()), 12)
	units, _, err := app.compliance(r, months)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.RecordView(r.Context(), v, store.AuditEntry{Action: "viewed", Entity: "trends", EntityID: fmt.Sprint(v.PersonID)}); err != nil {
		app.storeError(w, r, err)
		return
	}
	if err := app.visitShortfalls(r, units); err != nil {
		app.storeError(w, r, err)
		return
	}
	if err := app.contactShortfalls(r, units); err != nil {
		app.storeError(w, r, err)
		return
	}
	home, homeName := "/area", "My area"
	if v.Role == access.Supervisor {
		home, homeName = "/unit", "My unit"
	}
	exports := make([]rules.Date, len(months))
	for i, m := range months {
		exports[len(months)-1-i] = m // newest first
	}
	app.render(w, r, http.StatusOK, views.TrendsPage(app.chrome(r, "Compliance trends", home),
		views.TrendsView{Units: units, Home: home, HomeName: homeName, ExportMonths: exports}))
}

// complianceCSV exports one month's compliance of the viewer's units: a row
// per worker and a row per unit. Counts only: no names of families, no notes.
// The unit rows carry the month's visit plan figures, as the trends page
// counts them (the store's reach), then a pair of columns (cases owing,
// cases short) per monthly contact rule the month is read by, headed by
// the rule's label; a month not ended says so in each of those cells,
// never a zero that would read as met. A percentage with nothing owed
// reads "nothing owed", never 100.
func (app *App) complianceCSV(w http.ResponseWriter, r *http.Request) {
	month, err := time.Parse("2006-01", r.URL.Query().Get("month"))
	if err != nil || month.After(app.today()) {
		app.errorPage(w, r, http.StatusUnprocessableEntity, "Export", "Give the month as YYYY-MM, this month or an earlier one (month=2026-11).")
		return
	}
	m := dateOf(month)
	units, workers, err := app.compliance(r, []rules.Date{m})
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	if err := app.visitShortfalls(r, units); err != nil {
		app.storeError(w, r, err)
		return
	}
	if err := app.contactShortfalls(r, units); err != nil {
		app.storeError(w, r, err)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.Audit(r.Context(), v, store.AuditEntry{Action: "exported", Entity: "compliance", EntityID: month.Format("2006-01")}); err != nil {
		app.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="compliance-%s.csv"`, month.Format("2006-01")))
	w.Header().Set("Cache-Control", "no-store")
	var contacts []dashboard.ContactRule
	if len(units) > 0 {
		contacts = units[0].Contacts
	}
	cw := newSafeCSV(w)
	header := []string{"month", "level", "unit", "worker", "workers", "workers_conferenced", "cases", "cases_discussed",
		"discussed_pct", "high_risk_escalations", "reported_within_one_business_day",
		"cases_with_visit_plan", "cases_short_of_visits", "cases_short_of_child_visits", "cases_short_of_parent_visits", "cases_short_of_placement_provider_visits"}
	for _, c := range contacts {
		header = append(header, c.Label+": cases owing", c.Label+": cases short")
	}
	_ = cw.Write(header)
	i := strconv.Itoa
	for _, wk := range workers {
		conf := "0"
		if wk.Conferenced {
			conf = "1"
		}
		row := []string{month.Format("2006-01"), "worker", wk.UnitName, wk.WorkerName, "1", conf, i(wk.Cases), i(wk.Discussed),
			pctCell(dashboard.Rate{N: wk.Discussed, D: wk.Cases}), "", "", "", "", "", "", ""}
		_ = cw.Write(append(row, make([]string, 2*len(contacts))...))
	}
	for _, u := range units {
		f := u.Months[0]
		row := append([]string{month.Format("2006-01"), "unit", u.Name, "", i(f.Workers), i(f.Conferenced), i(f.Cases), i(f.Discussed),
			pctCell(f.DiscussedRate()), i(f.Escalations), i(f.ReportedOnTime)}, visitCells(f.Visits)...)
		_ = cw.Write(append(row, contactCells(f.Contacts)...))
	}
	cw.Flush()
}

// nothingOwed fills a percentage cell of a month with nothing to count (no
// case held): no percentage, never the 100 that would read as compliance.
const nothingOwed = "nothing owed"

// notARule fills a monthly contact cell of a month the rule was not in
// force for (the page: "not a rule then").
const notARule = "not a rule then"

// pctCell is a rate's percentage cell of the export.
func pctCell(r dashboard.Rate) string {
	if p, ok := r.Pct(); ok {
		return strconv.Itoa(p)
	}
	return nothingOwed
}

// contactCells are a unit month's monthly contact columns of the export:
// two per rule, the cases owing and the cases short. A month not ended
// says so in each cell (as the visit plan columns).
func contactCells(fs []dashboard.ContactFigures) []string {
	out := make([]string, 0, 2*len(fs))
	for _, f := range fs {
		switch {
		case !f.Ended:
			out = append(out, notEnded, notEnded)
		case !f.Read:
			out = append(out, notARule, notARule)
		default:
			out = append(out, strconv.Itoa(f.Owing), strconv.Itoa(f.Short))
		}
	}
	return out
}

// notEnded fills a visit plan cell of a month not yet over: its visits can
// still be made, so nothing is counted (the page says the same).
const notEnded = "not ended yet"

// visitCells are a unit month's visit plan columns of the export.
func visitCells(f dashboard.VisitFigures) []string {
	if !f.Ended {
		return []string{notEnded, notEnded, notEnded, notEnded, notEnded}
	}
	i := strconv.Itoa
	return []string{i(f.Planned), i(f.Short), i(f.ShortChild), i(f.ShortParents), i(f.ShortProvider)}
}
