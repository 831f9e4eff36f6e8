package web

import (
	"net/http"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// workerEval is one worker's facts evaluated on a date, with the agenda the
// engine proposes for their next conference: what the worker page, the case
// page and the worker's own agenda are computed from. Read-only once made.
type workerEval struct {
	f      rules.Facts
	ids    store.FactIDs
	res    rules.Result
	factID string
	agenda rules.Agenda
}

// evaluateWorkerAt returns the worker's evaluation on the date, kept from an
// earlier page if the worker's data is unchanged since (evalcache.go). The
// caller read the worker's stamp with its check of the viewer's reach
// (store.Worker, or store.Case for the case's worker).
func (app *App) evaluateWorkerAt(r *http.Request, workerID int64, today time.Time, stamp store.Stamp) (*workerEval, error) {
	v, _ := viewerFrom(r.Context())
	key := cacheKey{kind: 'w', id: workerID, day: today}
	if e, ok := app.cache.get(key, stamp); ok {
		return e.(*workerEval), nil
	}
	f, ids, err := app.store.WorkerFacts(r.Context(), v, workerID, today)
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		return nil, err
	}
	e := &workerEval{f: f, ids: ids, res: res, factID: factIDOf(ids, workerID)}
	if e.agenda, err = rules.ProposeAgenda(f, rules.Options{}, e.factID); err != nil {
		return nil, err
	}
	size := 8192 + 64*len(f.Events) + 768*len(f.Cases) + 256*len(f.Conferences) + 384*len(res.Obligations) + 384*len(e.agenda.Items)
	app.cache.put(key, stamp, int64(size), e)
	return e, nil
}
