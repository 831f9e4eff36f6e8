package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// emergentEntries gives each request its obligation (rules.EmergentDue): due
// the business day it was made, or the next after the agency's closing hour;
// its state today; and how long it has waited.
func (app *App) emergentEntries(r *http.Request, reqs []store.EmergentRequest) []views.EmergentEntry {
	cal := app.calendar(r)
	today := dateOf(app.today())
	now := app.now()
	out := make([]views.EmergentEntry, len(reqs))
	for i, q := range reqs {
		q.RequestedAt = q.RequestedAt.In(app.loc)
		if q.AnsweredAt != nil {
			t := q.AnsweredAt.In(app.loc)
			q.AnsweredAt = &t
		}
		made := dateOf(q.RequestedAt)
		e := views.EmergentEntry{EmergentRequest: q, Due: rules.EmergentDue(cal, made, q.RequestedAt.Hour(), app.closingHour)}
		held := rules.Date{}
		if q.HeldOn != nil {
			held = dateOf(*q.HeldOn)
			e.Age = "waited " + days(held.Sub(made))
		} else {
			e.Age = "open " + age(now.Sub(q.RequestedAt))
		}
		e.State = rules.EmergentState(e.Due, held, today)
		out[i] = e
	}
	return out
}

// age says how long, in hours under a day, else in days.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "under an hour"
	case d < 24*time.Hour:
		if h := int(d.Hours()); h > 1 {
			return fmt.Sprintf("%d hours", h)
		}
		return "1 hour"
	}
	return days(int(d.Hours() / 24))
}

func days(n int) string {
	switch n {
	case 0:
		return "under a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// myEmergentRequests are the viewer's own requests, with what became of them.
func (app *App) myEmergentRequests(r *http.Request) ([]views.EmergentEntry, error) {
	v, _ := viewerFrom(r.Context())
	reqs, err := app.store.MyEmergentRequests(r.Context(), v, app.loc.String())
	if err != nil {
		return nil, err
	}
	return app.emergentEntries(r, reqs), nil
}

// emergentReasons names each reason code for people.
func emergentReasons() map[string]string {
	reasons := map[string]string{}
	for _, e := range store.EmergentReasons {
		reasons[e.Code] = e.Words
	}
	return reasons
}
