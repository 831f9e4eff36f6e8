package workspace

import (
	"context"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// WorkerEval is one worker's facts evaluated on a date, with the agenda the
// engine proposes for their next conference: what the worker page, the case
// page and the worker's own agenda are computed from. Read-only once made.
type WorkerEval struct {
	Facts  rules.Facts
	IDs    store.FactIDs
	Result rules.Result
	FactID string // the worker's own fact id
	Agenda rules.Agenda
}

// Worker returns the worker's evaluation on the date, kept from an earlier
// page if the worker's data is unchanged since (cache.go). The caller read
// the worker's stamp with its check of the viewer's reach (store.Worker, or
// store.Case for the case's worker).
func (s *Service) Worker(ctx context.Context, v access.Viewer, workerID int64, today time.Time, stamp store.Stamp) (*WorkerEval, error) {
	key := cacheKey{kind: 'w', id: workerID, day: today}
	if e, ok := s.cache.get(key, stamp); ok {
		return e.(*WorkerEval), nil
	}
	f, ids, err := s.store.WorkerFacts(ctx, v, workerID, today)
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		return nil, err
	}
	e := &WorkerEval{Facts: f, IDs: ids, Result: res, FactID: FactIDOf(ids, workerID)}
	// The agenda counts the contacts awaiting approval by their own
	// approval, as the worker page lists them (the facts cannot say).
	if e.Agenda, err = rules.ProposeAgenda(f, rules.Options{ContactsAwaiting: ids.Awaiting}, e.FactID); err != nil {
		return nil, err
	}
	size := 8192 + 64*len(f.Events) + 768*len(f.Cases) + 256*len(f.Conferences) + 384*len(res.Obligations) + 384*len(e.Agenda.Items)
	s.cache.put(key, stamp, int64(size), e)
	return e, nil
}

// WorkerUnit is the worker's evaluation as a unit of one: the dashboard's
// row of the worker, with the cases named by refs, for the worker page's
// lists. The evaluation is not changed.
func (e *WorkerEval) WorkerUnit(name string, personID int64, refs map[string]store.CaseRef) *Unit {
	row := dashboard.Worker{PersonID: personID, FactID: e.FactID, Name: name}
	return &Unit{Facts: e.Facts, IDs: e.IDs, CaseRef: refs, Dashboard: dashboard.Build(e.Facts, e.Result, []dashboard.Worker{row})}
}

// FactIDOf is the engine's fact id of a person in the facts' ids.
func FactIDOf(ids store.FactIDs, personID int64) string {
	for fid, pid := range ids.People {
		if pid == personID {
			return fid
		}
	}
	return ""
}
