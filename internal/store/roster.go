package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// UnitRoster is a supervisor's unit on a date: its workers and their load.
type UnitRoster struct {
	UnitID     int64
	UnitName   string
	OfficeName string
	Workers    []RosterWorker
}

// RosterWorker is one worker of a unit.
type RosterWorker struct {
	PersonID        int64      `db:"id"`
	Name            string     `db:"full_name"`
	Email           string     `db:"email"`
	ExperienceStart *time.Time `db:"experience_start"`
	Since           time.Time  `db:"since"`
	Caseload        int        `db:"caseload"`
	HighRisk        int        `db:"high_risk"`
	LastConference  *time.Time `db:"last_conference"`
	PendingContacts int        `db:"pending_contacts"`
}

// FirstYear reports whether the worker has under one year of experience on
// the date (experience_start + 12 months, clamped, is after it).
func (w RosterWorker) FirstYear(on time.Time) bool {
	start := w.Since
	if w.ExperienceStart != nil {
		start = *w.ExperienceStart
	}
	return on.Before(addMonthsClamped(start, 12))
}

// addMonthsClamped adds months, keeping the day or clamping to the month's end.
func addMonthsClamped(d time.Time, months int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// The workers of one unit on a date, with their open caseload, high and very
// high risk cases and last supervision conference: one set-based query.
var unitWorkersSQL = `
SELECT p.id, p.full_name, p.email, p.experience_start, lower(m.during) AS since,
       coalesce(load.caseload, 0) AS caseload, coalesce(load.high_risk, 0) AS high_risk,
       last.held_on AS last_conference, coalesce(pending.n, 0) AS pending_contacts
FROM unit_members m
JOIN people p ON p.id = m.worker_id
LEFT JOIN LATERAL (
    SELECT count(*) AS caseload,
           count(*) FILTER (WHERE r.level IN ('high', 'very_high')) AS high_risk
    FROM case_assignments a
    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
    LEFT JOIN LATERAL (
        SELECT level FROM risk_assessments ra
        WHERE ra.case_id = c.id AND ra.assessed_on <= $2
        ORDER BY ra.assessed_on DESC LIMIT 1
    ) r ON true
    WHERE a.worker_id = p.id AND a.during @> $2::date
) load ON true
LEFT JOIN LATERAL (
    SELECT max(k.held_on) AS held_on FROM conferences k
    WHERE k.kind = 'supervision' AND k.worker_id = p.id AND k.held_on <= $2
) last ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n
    FROM case_assignments a
    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
    JOIN events e ON e.case_id = c.id AND ` + contactAwaitingSQL("e", "$2::date") + `
    WHERE a.worker_id = p.id AND a.during @> $2::date
) pending ON true
WHERE m.unit_id = $1 AND m.during @> $2::date
ORDER BY p.full_name, p.id`

// SupervisorUnitID returns the unit the viewer supervises on the date, or
// ErrNotFound.
func (s *Store) SupervisorUnitID(ctx context.Context, v access.Viewer, on time.Time) (int64, error) {
	if !v.Is(access.Supervisor) {
		return 0, ErrNotFound
	}
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT unit_id FROM unit_supervisors WHERE supervisor_id = $1 AND during @> $2::date`, v.PersonID, on).Scan(&id)
	return id, notFound(err)
}

// SupervisorUnit returns the roster of the unit the viewer supervises.
func (s *Store) SupervisorUnit(ctx context.Context, v access.Viewer, on time.Time) (UnitRoster, error) {
	id, err := s.SupervisorUnitID(ctx, v, on)
	if err != nil {
		return UnitRoster{}, err
	}
	return s.UnitRoster(ctx, v, id, on)
}

// UnitRoster returns a unit's workers on the date, for its supervisor or the
// casework supervisor over it, and records the view.
func (s *Store) UnitRoster(ctx context.Context, v access.Viewer, unitID int64, on time.Time) (UnitRoster, error) {
	var r UnitRoster
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		var err error
		if r, err = readRoster(ctx, tx, v, unitID, on); err != nil {
			return AuditEntry{}, err
		}
		return AuditEntry{Action: "viewed", Entity: "unit", EntityID: fmt.Sprint(r.UnitID)}, nil
	})
	return r, err
}

func readRoster(ctx context.Context, tx pgx.Tx, v access.Viewer, unitID int64, on time.Time) (UnitRoster, error) {
	var r UnitRoster
	if err := unitInReach(ctx, tx, v, unitID, on); err != nil {
		return r, err
	}
	err := tx.QueryRow(ctx, `
		SELECT u.id, u.name, o.name FROM units u JOIN offices o ON o.id = u.office_id WHERE u.id = $1`,
		unitID).Scan(&r.UnitID, &r.UnitName, &r.OfficeName)
	if err != nil {
		return r, notFound(err)
	}
	rows, err := tx.Query(ctx, unitWorkersSQL, r.UnitID, on)
	if err != nil {
		return r, fmt.Errorf("UnitRoster: %w", err)
	}
	if r.Workers, err = pgx.CollectRows(rows, pgx.RowToStructByName[RosterWorker]); err != nil {
		return r, fmt.Errorf("UnitRoster: %w", err)
	}
	return r, nil
}

// AreaUnit is one unit of a casework supervisor's area.
type AreaUnit struct {
	UnitID         int64  `db:"unit_id"`
	UnitName       string `db:"unit_name"`
	OfficeName     string `db:"office_name"`
	SupervisorID   int64  `db:"supervisor_id"`
	SupervisorName string `db:"supervisor_name"`
	Workers        int    `db:"workers"`
	OpenCases      int    `db:"open_cases"`
	HighRisk       int    `db:"high_risk"`
}

// AreaUnits returns the units whose supervisors report to the viewer on the
// date, and records the view.
func (s *Store) AreaUnits(ctx context.Context, v access.Viewer, on time.Time) ([]AreaUnit, error) {
	if !v.Is(access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	var units []AreaUnit
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		var err error
		if units, err = readAreaUnits(ctx, tx, v, on); err != nil {
			return AuditEntry{}, err
		}
		ids := make([]int64, len(units))
		for i, u := range units {
			ids[i] = u.UnitID
		}
		return AuditEntry{Action: "viewed", Entity: "area", EntityID: fmt.Sprint(v.PersonID), Detail: map[string]any{"units": ids}}, nil
	})
	return units, err
}

// AreaUnitsRead is AreaUnits without recording a view: for a page whose view
// AreaView records.
func (s *Store) AreaUnitsRead(ctx context.Context, v access.Viewer, on time.Time) ([]AreaUnit, error) {
	if !v.Is(access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	var units []AreaUnit
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		units, err = readAreaUnits(ctx, tx, v, on)
		return err
	})
	return units, err
}

func readAreaUnits(ctx context.Context, tx pgx.Tx, v access.Viewer, on time.Time) ([]AreaUnit, error) {
	rows, err := tx.Query(ctx, `
		SELECT u.id AS unit_id, u.name AS unit_name, o.name AS office_name, p.id AS supervisor_id, p.full_name AS supervisor_name,
		       (SELECT count(*) FROM unit_members m WHERE m.unit_id = u.id AND m.during @> $2::date) AS workers,
		       coalesce(load.open_cases, 0) AS open_cases, coalesce(load.high_risk, 0) AS high_risk
		FROM supervisor_reports rep
		JOIN unit_supervisors us ON us.supervisor_id = rep.supervisor_id AND us.during @> $2::date
		JOIN units u ON u.id = us.unit_id
		JOIN offices o ON o.id = u.office_id
		JOIN people p ON p.id = us.supervisor_id
		LEFT JOIN LATERAL (
		    SELECT count(*) AS open_cases,
		           count(*) FILTER (WHERE r.level IN ('high', 'very_high')) AS high_risk
		    FROM unit_members m
		    JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $2::date
		    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
		    LEFT JOIN LATERAL (
		        SELECT level FROM risk_assessments ra
		        WHERE ra.case_id = c.id AND ra.assessed_on <= $2
		        ORDER BY ra.assessed_on DESC LIMIT 1
		    ) r ON true
		    WHERE m.unit_id = u.id AND m.during @> $2::date
		) load ON true
		WHERE rep.casework_supervisor_id = $1 AND rep.during @> $2::date
		ORDER BY o.name, u.name`, v.PersonID, on)
	if err != nil {
		return nil, fmt.Errorf("AreaUnits: %w", err)
	}
	units, err := pgx.CollectRows(rows, pgx.RowToStructByName[AreaUnit])
	if err != nil {
		return nil, fmt.Errorf("AreaUnits: %w", err)
	}
	return units, nil
}

// CaseSummary is domain.CaseSummary: what the store returns and the views take.
type CaseSummary = domain.CaseSummary

// WorkerCaseload returns the viewer's own open cases on the date.
func (s *Store) WorkerCaseload(ctx context.Context, v access.Viewer, on time.Time) ([]CaseSummary, error) {
	if !v.Is(access.Worker) {
		return nil, ErrNotFound
	}
	var cases []CaseSummary
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		rows, err := tx.Query(ctx, `
		SELECT c.id, c.case_number, c.family_name, c.setting, coalesce(c.goal, '') AS goal, lower(a.during) AS assigned,
		       r.level AS risk, c.court_next
		FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
		LEFT JOIN LATERAL (
		    SELECT level FROM risk_assessments ra
		    WHERE ra.case_id = c.id AND ra.assessed_on <= $2
		    ORDER BY ra.assessed_on DESC LIMIT 1
		) r ON true
		WHERE a.worker_id = $1 AND a.during @> $2::date
		ORDER BY c.family_name, c.case_number`, v.PersonID, on)
		if err != nil {
			return AuditEntry{}, fmt.Errorf("WorkerCaseload: %w", err)
		}
		if cases, err = pgx.CollectRows(rows, pgx.RowToStructByName[CaseSummary]); err != nil {
			return AuditEntry{}, fmt.Errorf("WorkerCaseload: %w", err)
		}
		return AuditEntry{Action: "viewed", Entity: "caseload", EntityID: fmt.Sprint(v.PersonID), Detail: map[string]any{"cases": caseIDs(cases)}}, nil
	})
	return cases, err
}

func caseIDs(cs []CaseSummary) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.CaseID
	}
	return ids
}

// AgencyOverview is domain.AgencyOverview: what the store returns and the views take.
type AgencyOverview = domain.AgencyOverview

// OfficeSummary is domain.OfficeSummary: what the store returns and the views take.
type OfficeSummary = domain.OfficeSummary

// Overview returns the agency's structure for an administrator.
func (s *Store) Overview(ctx context.Context, v access.Viewer) (AgencyOverview, error) {
	if !v.Is(access.Administrator) {
		return AgencyOverview{}, ErrNotFound
	}
	var o AgencyOverview
	if err := s.pool.QueryRow(ctx, `SELECT name FROM agency`).Scan(&o.AgencyName); err != nil {
		return o, notFound(err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT o.name, o.county,
		       (SELECT count(*) FROM units u WHERE u.office_id = o.id AND u.active) AS units,
		       (SELECT count(*) FROM cases c WHERE c.office_id = o.id AND c.closed IS NULL) AS open_cases
		FROM offices o WHERE o.active ORDER BY o.name`)
	if err != nil {
		return o, fmt.Errorf("Overview: %w", err)
	}
	if o.Offices, err = pgx.CollectRows(rows, pgx.RowToStructByName[OfficeSummary]); err != nil {
		return o, fmt.Errorf("Overview: %w", err)
	}
	o.People = map[string]int{}
	rows, err = s.pool.Query(ctx, `SELECT role, count(*) FROM people WHERE active GROUP BY role`)
	if err != nil {
		return o, fmt.Errorf("Overview: %w", err)
	}
	var role string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&role, &n}, func() error { o.People[role] = n; return nil })
	return o, err
}
