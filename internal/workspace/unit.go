package workspace

import (
	"context"
	"sort"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// Unit is a unit's dashboard with what its lists need: the rules evaluated
// once for the whole unit. Read-only once made (it may be kept and shared).
type Unit struct {
	Roster    store.UnitRoster
	Facts     rules.Facts // kept without events and conferences: only the cases are read again
	IDs       store.FactIDs
	Dashboard dashboard.Unit
	ByFact    map[string]store.RosterWorker // worker fact id -> roster row
	FactOf    map[int64]string              // person id -> fact id
	CaseRef   map[string]store.CaseRef
	// Reviews: the casework supervisor's review obligations of the
	// evaluation, by supervisor fact id (copies), for the area's line of
	// the unit.
	Reviews map[string]*rules.Obligation
}

// Unit records the viewer's view of the unit and returns its evaluated
// dashboard on the date: the one kept from an earlier view if the unit's
// data is unchanged since (cache.go), else the unit's data read in one
// transaction and evaluated once.
func (s *Service) Unit(ctx context.Context, v access.Viewer, unitID int64, today time.Time) (*Unit, error) {
	stamp, err := s.store.UnitView(ctx, v, unitID, today)
	if err != nil {
		return nil, err
	}
	return s.keptUnit(ctx, v, unitID, today, stamp)
}

// keptUnit returns the unit's evaluated state kept under stamp, or evaluates
// and keeps it. An empty stamp (the unit was not stamped) evaluates afresh
// and keeps nothing.
func (s *Service) keptUnit(ctx context.Context, v access.Viewer, unitID int64, today time.Time, stamp store.Stamp) (*Unit, error) {
	key := cacheKey{kind: 'u', id: unitID, day: today}
	if stamp != "" {
		if u, ok := s.cache.get(key, stamp); ok {
			return u.(*Unit), nil
		}
	}
	u, err := s.evaluateUnit(ctx, v, unitID, today)
	if err != nil {
		return nil, err
	}
	if stamp != "" {
		s.cache.put(key, stamp, u.size(), u)
	}
	return u, nil
}

// evaluateUnit reads the unit's data (one transaction, a fixed set of
// queries) and evaluates it once.
func (s *Service) evaluateUnit(ctx context.Context, v access.Viewer, unitID int64, today time.Time) (*Unit, error) {
	d, err := s.store.UnitRead(ctx, v, unitID, today, today.AddDate(0, 0, 1-today.Day()))
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(d.Facts, rules.Options{})
	if err != nil {
		return nil, err
	}
	byWorker := map[int64][]dashboard.Record{}
	for _, rec := range d.Records {
		e := rec.EnteredAt.In(s.loc)
		byWorker[rec.WorkerID] = append(byWorker[rec.WorkerID], dashboard.Record{
			Held: DateOf(rec.HeldOn), Entered: rules.DateOf(e.Year(), int(e.Month()), e.Day()), Signed: rec.Signed})
	}
	u := &Unit{Roster: d.Roster, Facts: d.Facts, IDs: d.IDs, CaseRef: d.Cases, ByFact: map[string]store.RosterWorker{}, FactOf: map[int64]string{},
		Reviews: map[string]*rules.Obligation{}}
	for sup, o := range dashboard.SupervisorReviews(res) {
		c := *o
		u.Reviews[sup] = &c
	}
	for fid, pid := range d.IDs.People {
		u.FactOf[pid] = fid
	}
	workers := make([]dashboard.Worker, 0, len(d.Roster.Workers))
	for _, w := range d.Roster.Workers {
		fid := u.FactOf[w.PersonID]
		u.ByFact[fid] = w
		workers = append(workers, dashboard.Worker{PersonID: w.PersonID, FactID: fid, Name: w.Name, PendingContacts: w.PendingContacts, Records: byWorker[w.PersonID]})
	}
	u.Dashboard = dashboard.Build(d.Facts, res, workers)
	// Kept between views: only the cases are read again (CasesOf).
	u.Facts.Events, u.Facts.Conferences = nil, nil
	return u, nil
}

// size estimates the memory a kept unit takes.
func (u *Unit) size() int64 {
	n := 8192 + 512*len(u.Facts.Cases) + 256*len(u.CaseRef) + 1024*len(u.Roster.Workers)
	for _, os := range u.Dashboard.ByCase {
		n += 384 * len(os) // the obligation, its sentence, the slice's spare room
	}
	return int64(n)
}

// CasesOf lists a worker's cases in case-number order.
func (u *Unit) CasesOf(workerFact string) []string {
	var ids []string
	for _, c := range u.Facts.Cases {
		if c.Worker == workerFact {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// DateOf turns a date read from the database (UTC midnight) into a rules.Date.
func DateOf(t time.Time) rules.Date { return rules.DateOf(t.Year(), int(t.Month()), t.Day()) }
