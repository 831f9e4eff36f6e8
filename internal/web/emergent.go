package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// emergentEntries gives each request its obligation as the rules engine
// evaluated it (rule tagged emergent: due the business day it was made, or
// the next after the agency's closing hour), its state today, and how long
// it has waited. A request the evaluation does not list (held more than a
// year ago) shows only the day it was held.
func (app *App) emergentEntries(reqs []store.EmergentRequest, obs map[int64]rules.Obligation) []views.EmergentEntry {
	now := app.now()
	out := make([]views.EmergentEntry, len(reqs))
	for i, q := range reqs {
		q.RequestedAt = q.RequestedAt.In(app.loc)
		if q.AnsweredAt != nil {
			t := q.AnsweredAt.In(app.loc)
			q.AnsweredAt = &t
		}
		made := dateOf(q.RequestedAt)
		e := views.EmergentEntry{EmergentRequest: q}
		if o, ok := obs[q.ID]; ok {
			e.Due, e.State = o.Due, o.State
		}
		if q.HeldOn != nil {
			e.Age = "waited " + days(dateOf(*q.HeldOn).Sub(made))
		} else {
			e.Age = "open " + age(now.Sub(q.RequestedAt))
		}
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
	obs, err := app.store.MyEmergentObligations(r.Context(), v, app.today())
	if err != nil {
		return nil, err
	}
	return app.emergentEntries(reqs, obs), nil
}

// emergentReasons names each reason code for people.
func emergentReasons() map[string]string {
	reasons := map[string]string{}
	for _, e := range store.EmergentReasons {
		reasons[e.Code] = e.Words
	}
	reasons[store.ImportedReason.Code] = store.ImportedReason.Words
	return reasons
}
