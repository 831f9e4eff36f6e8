package web

import (
	"net/http"

	"github.com/casework/casework/internal/dashboard"
)

// visitShortfalls adds to the trends the visit plan months that ended short
// in the viewer's units (the reach is in the store's query).
func (app *App) visitShortfalls(r *http.Request, units []dashboard.UnitTrend) error {
	if len(units) == 0 || len(units[0].Months) == 0 {
		return nil
	}
	v, _ := viewerFrom(r.Context())
	months := units[0].Months
	rows, err := app.store.VisitShortfalls(r.Context(), v, app.today(), timeOf(months[0].Month), timeOf(months[len(months)-1].Month))
	if err != nil {
		return err
	}
	out := make([]dashboard.VisitMonth, len(rows))
	for i, x := range rows {
		out[i] = dashboard.VisitMonth{Month: dateOf(x.Month), UnitID: x.UnitID, Planned: x.Planned, Short: x.Short,
			ShortChild: x.ShortChild, ShortParents: x.ShortParents, ShortProvider: x.ShortProvider}
	}
	dashboard.AddVisitShortfalls(units, out, dateOf(app.today()))
	return nil
}
