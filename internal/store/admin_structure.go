package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
	"github.com/casework/casework/internal/exchange"
)

// Offices, units, case assignments and the agency's policy choice, as
// administrators manage them. Every change is audited with before and after.

// AdminOffice is domain.AdminOffice: what the store returns and the views take.
type AdminOffice = domain.AdminOffice

// AdminUnit is domain.AdminUnit: what the store returns and the views take.
type AdminUnit = domain.AdminUnit

// AdminOffices lists every office with its units (administrators only).
func (s *Store) AdminOffices(ctx context.Context, v access.Viewer, on time.Time) ([]AdminOffice, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT id, name, county, active FROM offices ORDER BY active DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("AdminOffices: %w", err)
	}
	offices, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[AdminOffice])
	if err != nil {
		return nil, fmt.Errorf("AdminOffices: %w", err)
	}
	rows, err = s.pool.Query(ctx, `
		SELECT u.id, u.office_id, u.name, u.active, us.supervisor_id, p.full_name AS supervisor,
		       (SELECT count(*) FROM unit_members m WHERE m.unit_id = u.id AND m.during @> $1::date) AS workers,
		       (SELECT count(*) FROM unit_members m JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		        JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $1)
		        WHERE m.unit_id = u.id AND m.during @> $1::date) AS open_cases
		FROM units u
		LEFT JOIN unit_supervisors us ON us.unit_id = u.id AND us.during @> $1::date
		LEFT JOIN people p ON p.id = us.supervisor_id
		ORDER BY u.active DESC, u.name`, on)
	if err != nil {
		return nil, fmt.Errorf("AdminOffices: %w", err)
	}
	units, err := pgx.CollectRows(rows, pgx.RowToStructByName[AdminUnit])
	if err != nil {
		return nil, fmt.Errorf("AdminOffices: %w", err)
	}
	for i := range offices {
		for _, u := range units {
			if u.OfficeID == offices[i].ID {
				offices[i].Units = append(offices[i].Units, u)
			}
		}
	}
	return offices, nil
}

func nameTaken(err error, field, msg string) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return FieldErrors{field: msg}
	}
	return err
}

// SaveOffice creates an office (id 0) or renames, re-counties, deactivates or
// reactivates one.
func (s *Store) SaveOffice(ctx context.Context, v access.Viewer, id int64, name, county string, active bool) (int64, error) {
	if !v.Is(access.Administrator) {
		return 0, ErrNotFound
	}
	name, county = strings.TrimSpace(name), strings.TrimSpace(county)
	if name == "" {
		return 0, FieldErrors{"name": "Enter the office's name."}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		after := map[string]any{"name": name, "county": county, "active": active}
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO offices (name, county, active) VALUES ($1, $2, true) RETURNING id`, name, county).Scan(&id); err != nil {
				return err
			}
			return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "office", EntityID: fmt.Sprint(id), Detail: map[string]any{"after": after}})
		}
		var bn, bc string
		var ba bool
		if err := tx.QueryRow(ctx, `SELECT name, county, active FROM offices WHERE id = $1 FOR UPDATE`, id).Scan(&bn, &bc, &ba); err != nil {
			return notFound(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE offices SET name = $2, county = $3, active = $4 WHERE id = $1`, id, name, county, active); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "office", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"before": map[string]any{"name": bn, "county": bc, "active": ba}, "after": after}})
	})
	if err != nil {
		return 0, nameTaken(err, "name", "Another office has this name.")
	}
	return id, nil
}

// SaveUnit creates a unit in an office (id 0), or renames, deactivates or
// reactivates one. A unit with workers or a supervisor on the date is not
// deactivated: move them first.
func (s *Store) SaveUnit(ctx context.Context, v access.Viewer, id, office int64, name string, active bool, on time.Time) (int64, error) {
	if !v.Is(access.Administrator) {
		return 0, ErrNotFound
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, FieldErrors{"name": "Enter the unit's name."}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		after := map[string]any{"name": name, "active": active}
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO units (office_id, name) SELECT id, $2 FROM offices WHERE id = $1 AND active RETURNING id`, office, name).Scan(&id); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return FieldErrors{"office": "Choose an active office."}
				}
				return err
			}
			after["office_id"] = office
			return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "unit", EntityID: fmt.Sprint(id), Detail: map[string]any{"after": after}})
		}
		var bn string
		var ba, busy bool
		if err := tx.QueryRow(ctx, `
			SELECT name, active, EXISTS (SELECT 1 FROM unit_members m WHERE m.unit_id = u.id AND (m.during @> $2::date OR lower(m.during) > $2))
			                     OR EXISTS (SELECT 1 FROM unit_supervisors s WHERE s.unit_id = u.id AND (s.during @> $2::date OR lower(s.during) > $2))
			FROM units u WHERE id = $1 FOR UPDATE`, id, on).Scan(&bn, &ba, &busy); err != nil {
			return notFound(err)
		}
		if !active && busy {
			return FieldErrors{"active": "The unit has workers or a supervisor: move them to another unit first."}
		}
		if _, err := tx.Exec(ctx, `UPDATE units SET name = $2, active = $3 WHERE id = $1`, id, name, active); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "unit", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"before": map[string]any{"name": bn, "active": ba}, "after": after}})
	})
	if err != nil {
		return 0, nameTaken(err, "name", "The office already has a unit of this name.")
	}
	return id, nil
}

// AdminCase is domain.AdminCase: what the store returns and the views take.
type AdminCase = domain.AdminCase

// CaseFilter is domain.CaseFilter: what the store returns and the views take.
type CaseFilter = domain.CaseFilter

// AdminCases lists open cases with their worker on the date (at most 500).
func (s *Store) AdminCases(ctx context.Context, v access.Viewer, f CaseFilter, on time.Time) ([]AdminCase, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.case_number, c.family_name, o.name AS office, a.worker_id, p.full_name AS worker, u.name AS unit,
		       lower(a.during) AS assigned, c.received
		FROM cases c
		JOIN offices o ON o.id = c.office_id
		LEFT JOIN case_assignments a ON a.case_id = c.id AND a.during @> $1::date
		LEFT JOIN people p ON p.id = a.worker_id
		LEFT JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $1::date
		LEFT JOIN units u ON u.id = m.unit_id
		WHERE (c.closed IS NULL OR c.closed > $1)
		  AND ($2::bigint = 0 OR m.unit_id = $2)
		  AND ($3::bigint = 0 OR a.worker_id = $3)
		  AND (NOT $4 OR a.id IS NULL)
		  AND ($5::text = '' OR c.case_number = $5 OR c.family_name ILIKE $5 || '%')
		ORDER BY p.full_name NULLS FIRST, c.family_name, c.case_number
		LIMIT 500`, on, f.UnitID, f.WorkerID, f.Unassigned, strings.TrimSpace(f.Search))
	if err != nil {
		return nil, fmt.Errorf("AdminCases: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AdminCase])
}

// Reassign gives cases to a worker from a date, keeping history: each
// case's assignment until then ends that day. One case or many, in one
// transaction: a problem with any and none moves. Returns how many moved.
func (s *Store) Reassign(ctx context.Context, v access.Viewer, cases []int64, worker int64, since time.Time) (int, error) {
	if !v.Is(access.Administrator) {
		return 0, ErrNotFound
	}
	if len(cases) == 0 {
		return 0, FieldErrors{"cases": "Choose the cases to reassign."}
	}
	var moved int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1 AND role = 'worker' AND active)`, worker).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return FieldErrors{"worker": "Choose an active worker."}
		}
		if err := tempTable(ctx, tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO pos_stage SELECT row_number() OVER (ORDER BY c.id), c.id, $2, $3 FROM cases c WHERE c.id = ANY($1)`, cases, worker, since)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(slices.Compact(slices.Sorted(slices.Values(cases)))) {
			return ErrNotFound
		}
		rows, err := tx.Query(ctx, `
			SELECT c.case_number, lower(a.during)::text, a.worker_id FROM pos_stage s JOIN cases c ON c.id = s.person
			JOIN LATERAL (SELECT during, worker_id FROM case_assignments WHERE case_id = s.person ORDER BY lower(during) DESC LIMIT 1) a ON true`)
		if err != nil {
			return err
		}
		before := map[string]any{}
		var number, from string
		var holder int64
		if _, err := pgx.ForEachRow(rows, []any{&number, &from, &holder}, func() error {
			before[number] = map[string]any{"worker": holder, "since": from}
			return nil
		}); err != nil {
			return err
		}
		var ec exchange.Count
		ps, err := upsertPositions(ctx, tx, assignmentsPos, &ec)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			var n string
			_ = tx.QueryRow(ctx, `SELECT case_number FROM cases c JOIN pos_stage s ON s.person = c.id WHERE s.row_no = $1`, ps[0].row).Scan(&n)
			return FieldErrors{"since": fmt.Sprintf("Case %s is assigned from %s, after that date; history is not rewritten.", n, ps[0].since)}
		}
		moved = ec.Created + ec.Updated
		return audit(ctx, tx, v, AuditEntry{Action: "reassigned", Entity: "cases", EntityID: fmt.Sprint(worker),
			Detail: map[string]any{"cases": cases, "before": before, "after": map[string]any{"worker": worker, "since": since.Format(time.DateOnly)}}})
	})
	var fe FieldErrors
	if errors.As(err, &fe) || errors.Is(err, ErrNotFound) {
		return 0, err
	}
	if p, ok := dbProblem(err); ok {
		return 0, FieldErrors{"since": p.Msg}
	}
	if err != nil {
		return 0, fmt.Errorf("Reassign: %w", err)
	}
	return moved, nil
}

// PolicyChoice is domain.PolicyChoice: what the store returns and the views take.
type PolicyChoice = domain.PolicyChoice

// PolicyChoices lists the agency's profile choices, latest effective first.
func (s *Store) PolicyChoices(ctx context.Context, v access.Viewer) ([]PolicyChoice, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT profile, effective_on, chosen_at, chosen_by, coalesce(holidays, '{}') AS holidays, holidays IS NOT NULL AS own_calendar
		FROM profile_choices ORDER BY effective_on DESC`)
	if err != nil {
		return nil, fmt.Errorf("PolicyChoices: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[PolicyChoice])
}

// ChoosePolicy records the agency's choice of profile and holiday calendar
// from a date (holidays nil: the profile's own calendar). A choice already
// effective that day is replaced; the log keeps both.
func (s *Store) ChoosePolicy(ctx context.Context, v access.Viewer, profile string, effective time.Time, holidays []time.Time) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	// A built-in profile or one of the agency's own (uploaded), with its
	// uploaded versions: it must be in force on the date.
	p, err := s.PolicyProfile(ctx, profile)
	if errors.Is(err, ErrNotFound) {
		return FieldErrors{"profile": "Choose a profile."}
	}
	if err != nil {
		return fmt.Errorf("ChoosePolicy: %w", err)
	}
	if _, ok := p.VersionAt(dateOf(effective)); !ok {
		return FieldErrors{"effective_on": fmt.Sprintf("Profile %s takes effect on %s.", p.ID, p.Versions[0].Effective)}
	}
	var hs any
	if holidays != nil {
		slices.SortFunc(holidays, time.Time.Compare)
		hs = slices.CompactFunc(holidays, time.Time.Equal)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var before map[string]any
		var bp string
		var bh []time.Time
		var own bool
		err := tx.QueryRow(ctx, `SELECT profile, coalesce(holidays, '{}'), holidays IS NOT NULL FROM profile_choices WHERE effective_on = $1`, effective).Scan(&bp, &bh, &own)
		if err == nil {
			before = map[string]any{"profile": bp, "own_calendar": own, "holidays": len(bh)}
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by, holidays)
			VALUES ($1, $2, clock_timestamp(), $3, $4)
			ON CONFLICT (effective_on) DO UPDATE SET profile = EXCLUDED.profile, holidays = EXCLUDED.holidays,
			    chosen_at = EXCLUDED.chosen_at, chosen_by = EXCLUDED.chosen_by`, profile, effective, v.Name, hs); err != nil {
			return err
		}
		detail := map[string]any{"after": map[string]any{"profile": profile, "effective_on": effective.Format(time.DateOnly), "own_calendar": holidays != nil, "holidays": len(holidays)}}
		if before != nil {
			detail["before"] = before
		}
		return audit(ctx, tx, v, AuditEntry{Action: "chosen", Entity: "profile_choice", EntityID: effective.Format(time.DateOnly), Detail: detail})
	})
	if err != nil {
		return fmt.Errorf("ChoosePolicy: %w", err)
	}
	return nil
}
