package web

import (
	"net/http"
	"time"

	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// contactShortfalls adds to the trends the monthly visits and contacts
// that ended short in the viewer's units (the reach is in the store's
// query), under the rules each month is read by.
func (app *App) contactShortfalls(r *http.Request, units []dashboard.UnitTrend) error {
	if len(units) == 0 || len(units[0].Months) == 0 {
		return nil
	}
	months := make([]rules.Date, len(units[0].Months))
	for i, m := range units[0].Months {
		months[i] = m.Month
	}
	cols, read, readings, err := app.contactReadings(r, months)
	if err != nil {
		return err
	}
	v, _ := viewerFrom(r.Context())
	rows, err := app.store.ContactShortfalls(r.Context(), v, app.today(), readings)
	if err != nil {
		return err
	}
	out := make([]dashboard.ContactMonth, len(rows))
	for i, x := range rows {
		out[i] = dashboard.ContactMonth{Month: dateOf(x.Month), UnitID: x.UnitID, Key: x.Rule, Owing: x.Owing, Short: x.Short}
	}
	dashboard.AddContactShortfalls(units, cols, read, out, dateOf(app.today()))
	return nil
}

// contactReadings reads each month by the monthly contact rules of the
// profile version in force on the day after it (the agency's profile
// chosen for that day): the day a month without a contact first reads
// overdue. The columns are the rules read in any of the months, in order
// of first reading, labelled as the latest month reading them labels them.
func (app *App) contactReadings(r *http.Request, months []rules.Date) ([]dashboard.ContactRule, []dashboard.ContactRead, []store.ContactReading, error) {
	ctx := r.Context()
	profiles := map[string]*rules.Profile{}
	var cols []dashboard.ContactRule
	col := map[string]int{}
	var read []dashboard.ContactRead
	var readings []store.ContactReading
	days := make([]time.Time, len(months))
	for i, m := range months {
		days[i] = timeOf(m.AddMonths(1))
	}
	names, err := app.store.ProfilesOn(ctx, days)
	if err != nil {
		return nil, nil, nil, err
	}
	for i, m := range months {
		next := m.AddMonths(1)
		name := names[i]
		if name == "" {
			name = rules.DefaultProfile // as app.profile: no choice yet
		}
		p, ok := profiles[name]
		if !ok {
			if p, err = app.store.PolicyProfile(ctx, name); err != nil {
				return nil, nil, nil, err
			}
			profiles[name] = p
		}
		ver, ok := p.VersionAt(next)
		if !ok {
			continue
		}
		for _, rule := range store.MonthlyContactRules(ver) {
			if i, ok := col[rule.ID]; ok {
				cols[i].Label = rule.Label
			} else {
				col[rule.ID] = len(cols)
				cols = append(cols, dashboard.ContactRule{Key: rule.ID, Label: rule.Label})
			}
			read = append(read, dashboard.ContactRead{Month: m, Key: rule.ID})
			readings = append(readings, store.ContactReading{Month: timeOf(m), Rule: rule.ID, Events: rule.Counts.Events, Scope: rule.Scope})
		}
	}
	return cols, read, readings, nil
}
