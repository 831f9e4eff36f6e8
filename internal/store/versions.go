package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// Stamp names the state of the data an evaluation was computed from: the
// agency-wide epoch and the version of each unit it depends on (migration
// 000021). Every change to those units' data gives a different stamp, in the
// transaction of the change, so an evaluation kept under a stamp is shown
// only while the data is still what it was computed from.
type Stamp string

// stampOf is the stamp of a set of units, as a SQL expression over an array
// of unit ids.
func stampOf(units string) string {
	return `(SELECT epoch FROM data_epoch)::text || ';' || coalesce((
	    SELECT string_agg(u::text || ':' || coalesce(v.version, 0)::text, ',' ORDER BY u)
	    FROM (SELECT DISTINCT unnest(` + units + `) AS u) x LEFT JOIN unit_versions v ON v.unit_id = x.u), '')`
}

// UnitView checks that the viewer may see the unit's dashboard on the date,
// records the view, and returns the stamp of the unit's data read in that
// same transaction: a dashboard kept under that stamp is what the data says.
func (s *Store) UnitView(ctx context.Context, v access.Viewer, unitID int64, on time.Time) (Stamp, error) {
	var st Stamp
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		if err := unitInReach(ctx, tx, v, unitID, on); err != nil {
			return AuditEntry{}, err
		}
		if err := tx.QueryRow(ctx, `SELECT `+stampOf("ARRAY[$1::bigint]"), unitID).Scan(&st); err != nil {
			return AuditEntry{}, err
		}
		return AuditEntry{Action: "viewed", Entity: "unit", EntityID: fmt.Sprint(unitID)}, nil
	})
	return st, err
}

// WorkerStamp is the stamp of a worker's data (every unit they were ever in)
// on the date, or ErrNotFound when the worker is outside the viewer's reach.
func (s *Store) WorkerStamp(ctx context.Context, v access.Viewer, workerID int64, on time.Time) (Stamp, error) {
	var ok bool
	var st Stamp
	err := s.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM people WHERE id = $1 AND role = 'worker') AND `+reach("$1", "$2", "$3")+`,
		       `+stampOf("ARRAY(SELECT unit_id FROM unit_members WHERE worker_id = $1)"),
		workerID, v.PersonID, on).Scan(&ok, &st)
	if err != nil {
		return "", fmt.Errorf("WorkerStamp(%d): %w", workerID, err)
	}
	if !ok {
		return "", ErrNotFound
	}
	return st, nil
}

// AreaView records a casework supervisor's view of their area and returns
// the stamp of its units' data, read in the same transaction.
func (s *Store) AreaView(ctx context.Context, v access.Viewer, on time.Time) (Stamp, error) {
	if !v.Is(access.CaseworkSupervisor) {
		return "", ErrNotFound
	}
	var st Stamp
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		var units []int64
		err := tx.QueryRow(ctx, `
			SELECT coalesce(array_agg(us.unit_id ORDER BY us.unit_id), '{}')
			FROM supervisor_reports r JOIN unit_supervisors us ON us.supervisor_id = r.supervisor_id AND us.during @> $2::date
			WHERE r.casework_supervisor_id = $1 AND r.during @> $2::date`, v.PersonID, on).Scan(&units)
		if err != nil {
			return AuditEntry{}, err
		}
		if err := tx.QueryRow(ctx, `SELECT `+stampOf("$1::bigint[]"), units).Scan(&st); err != nil {
			return AuditEntry{}, err
		}
		st = Stamp(fmt.Sprintf("%d|%s", v.PersonID, st))
		return AuditEntry{Action: "viewed", Entity: "area", EntityID: fmt.Sprint(v.PersonID), Detail: map[string]any{"units": units}}, nil
	})
	return st, err
}
