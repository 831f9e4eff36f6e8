package store

import (
	"context"
	"fmt"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// Stamp is domain.Stamp: what the store returns and the views take.
type Stamp = domain.Stamp

// stampOf is the stamp of a set of units, as a SQL expression over an array
// of unit ids.
func stampOf(units string) string {
	return `(SELECT epoch FROM data_epoch)::text || ';' || coalesce((
	    SELECT string_agg(u::text || ':' || coalesce(v.version, 0)::text, ',' ORDER BY u)
	    FROM (SELECT DISTINCT unnest(` + units + `) AS u) x LEFT JOIN unit_versions v ON v.unit_id = x.u), '')`
}

// UnitView checks that the viewer may see the unit's dashboard on the date,
// records the view, and returns the stamp of the unit's data: a dashboard
// kept under that stamp is what the data says. The check and the stamp are
// one statement, so one round trip.
func (s *Store) UnitView(ctx context.Context, v access.Viewer, unitID int64, on time.Time) (Stamp, error) {
	if !v.Is(access.Supervisor, access.CaseworkSupervisor) {
		return "", ErrNotFound
	}
	var ok bool
	var st Stamp
	err := s.pool.QueryRow(ctx, `SELECT `+unitReachSQL+`, `+stampOf("ARRAY[$1::bigint]"), unitID, v.PersonID, on).Scan(&ok, &st)
	if err != nil {
		return "", fmt.Errorf("UnitView(%d): %w", unitID, err)
	}
	if !ok {
		return "", ErrNotFound
	}
	return st, s.views.append(ctx, v, AuditEntry{Action: "viewed", Entity: "unit", EntityID: fmt.Sprint(unitID)})
}

// AreaView records a casework supervisor's view of their area and returns
// the stamp of its units' data, and each unit's own stamp (as UnitView
// gives it), found and stamped in one statement.
func (s *Store) AreaView(ctx context.Context, v access.Viewer, on time.Time) (Stamp, map[int64]Stamp, error) {
	if !v.Is(access.CaseworkSupervisor) {
		return "", nil, ErrNotFound
	}
	var units []int64
	var st Stamp
	var each []string
	err := s.pool.QueryRow(ctx, `
		WITH area AS (
		    SELECT coalesce(array_agg(us.unit_id ORDER BY us.unit_id), '{}') AS units
		    FROM supervisor_reports r JOIN unit_supervisors us ON us.supervisor_id = r.supervisor_id AND us.during @> $2::date
		    WHERE r.casework_supervisor_id = $1 AND r.during @> $2::date)
		SELECT area.units, `+stampOf("area.units")+`,
		       ARRAY(SELECT `+stampOf("ARRAY[x.u]")+` FROM unnest(area.units) WITH ORDINALITY AS x(u, n) ORDER BY x.n)
		FROM area`, v.PersonID, on).Scan(&units, &st, &each)
	if err != nil {
		return "", nil, fmt.Errorf("AreaView: %w", err)
	}
	if len(each) != len(units) {
		return "", nil, fmt.Errorf("AreaView: %d stamps for %d units", len(each), len(units))
	}
	stamps := make(map[int64]Stamp, len(units))
	for i, u := range units {
		stamps[u] = Stamp(each[i])
	}
	st = Stamp(fmt.Sprintf("%d|%s", v.PersonID, st))
	return st, stamps, s.views.append(ctx, v, AuditEntry{Action: "viewed", Entity: "area", EntityID: fmt.Sprint(v.PersonID), Detail: map[string]any{"units": units}})
}
