package workspace

import (
	"context"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// Area is a casework supervisor's units evaluated on a date. Read-only once
// made.
type Area struct {
	Units []dashboard.AreaUnit
	Refs  map[string]store.CaseRef
}

// Area records the view of the casework supervisor's area and returns its
// units' lines: kept from an earlier view if no unit's data changed since
// (cache.go), else composed from each unit's own evaluation. Those are kept
// per unit, the very ones the unit dashboards use, so after a change in one
// unit only that unit is evaluated again, and a unit a supervisor just
// viewed costs the area nothing.
func (s *Service) Area(ctx context.Context, v access.Viewer, today time.Time) (*Area, error) {
	stamp, unitStamps, err := s.store.AreaView(ctx, v, today)
	if err != nil {
		return nil, err
	}
	key := cacheKey{kind: 'a', id: v.PersonID, day: today}
	if e, ok := s.cache.get(key, stamp); ok {
		return e.(*Area), nil
	}
	units, err := s.store.AreaUnitsRead(ctx, v, today)
	if err != nil {
		return nil, err
	}
	e := &Area{Refs: map[string]store.CaseRef{}}
	asOf := DateOf(today)
	// Kept between views: what the page shows, not the evaluations behind
	// it (each unit's full dashboard stays with the unit's own kept state).
	own := func(o *rules.Obligation) *rules.Obligation {
		if o == nil {
			return nil
		}
		c := *o
		return &c
	}
	obligations := 0
	for _, au := range units {
		u, err := s.keptUnit(ctx, v, au.UnitID, today, unitStamps[au.UnitID])
		if err != nil {
			return nil, err
		}
		in := dashboard.AreaInput{UnitID: au.UnitID, Name: au.UnitName, SupervisorID: au.SupervisorID,
			SupervisorFact: u.FactOf[au.SupervisorID], SupervisorName: au.SupervisorName}
		line := dashboard.AreaUnitOf(in, u.Dashboard, u.Facts.Cases, asOf, u.Reviews[in.SupervisorFact])
		line.Unit = dashboard.Unit{Totals: line.Unit.Totals}
		line.NextReview = own(line.NextReview)
		for j := range line.HighRisk {
			line.HighRisk[j].Report, line.HighRisk[j].Weekly = own(line.HighRisk[j].Report), own(line.HighRisk[j].Weekly)
			obligations += 2
		}
		for k, ref := range u.CaseRef {
			e.Refs[k] = ref
		}
		e.Units = append(e.Units, line)
	}
	s.cache.put(key, stamp, int64(8192+512*len(e.Refs)+512*len(e.Units)+320*obligations), e)
	return e, nil
}
