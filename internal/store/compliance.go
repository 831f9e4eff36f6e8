package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// WorkerMonth is one worker's compliance in one calendar month, in one unit.
type WorkerMonth struct {
	Month       time.Time `db:"month"` // first day
	UnitID      int64     `db:"unit_id"`
	UnitName    string    `db:"unit_name"`
	WorkerID    int64     `db:"worker_id"`
	WorkerName  string    `db:"worker_name"`
	Conferenced bool      `db:"conferenced"` // at least one signed supervision conference held in the month
	Cases       int       `db:"cases"`       // cases held by the worker at some time in the month
	Discussed   int       `db:"discussed"`   // of those, discussed in a signed supervision conference in the month
}

// Escalation is a case's risk becoming high or very high, and the first
// signed casework review that listed the case on or after that day.
type Escalation struct {
	Month    time.Time  `db:"month"`
	UnitID   int64      `db:"unit_id"`
	CaseID   int64      `db:"case_id"`
	On       time.Time  `db:"assessed_on"`
	Reported *time.Time `db:"reported"`
}

// complianceUnitsSQL: the units within the viewer's reach on the date ($1
// viewer, $2 date, $5 the viewer's role): a supervisor's own units, those
// they supervise on the date and no other; a casework supervisor's area,
// the units of the supervisors reporting to them on the date. Each branch
// is taken for its role only, so a person whose role changed while a
// position of the other role was still open reaches nothing through it.
const complianceUnitsSQL = `
    SELECT us.unit_id FROM unit_supervisors us
    WHERE us.during @> $2::date AND (
        ($5::text = 'supervisor' AND us.supervisor_id = $1)
        OR ($5::text = 'casework_supervisor' AND EXISTS (
            SELECT 1 FROM supervisor_reports r WHERE r.supervisor_id = us.supervisor_id
              AND r.casework_supervisor_id = $1 AND r.during @> $2::date)))`

// Compliance returns, for the units within the viewer's reach today, each
// worker's monthly compliance and every risk escalation, for the months
// from..to (first days, both included), in two set-based queries.
func (s *Store) Compliance(ctx context.Context, v access.Viewer, today, from, to time.Time) ([]WorkerMonth, []Escalation, error) {
	if !v.Is(access.Supervisor, access.CaseworkSupervisor) {
		return nil, nil, ErrNotFound
	}
	var months []WorkerMonth
	var escalations []Escalation
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			WITH units AS (`+complianceUnitsSQL+`),
			units_all AS (SELECT id, name FROM public.units),
			months AS (
			    SELECT m::date AS month, (m + interval '1 month')::date AS next
			    FROM generate_series($3::date, $4::date, interval '1 month') AS m
			),
			members AS (
			    SELECT mo.month, mo.next, um.unit_id, um.worker_id
			    FROM months mo JOIN unit_members um ON um.during && daterange(mo.month, mo.next)
			    WHERE um.unit_id IN (SELECT unit_id FROM units)
			),
			held AS (
			    SELECT DISTINCT mb.month, mb.worker_id, a.case_id
			    FROM members mb JOIN case_assignments a ON a.worker_id = mb.worker_id AND a.during && daterange(mb.month, LEAST(mb.next, $2::date + 1))
			),
			discussed AS (
			    SELECT DISTINCT h.month, h.worker_id, h.case_id
			    FROM held h
			    JOIN discussed_cases cc ON cc.case_id = h.case_id
			    JOIN conferences k ON k.id = cc.conference_id AND k.kind = 'supervision' AND k.status <> `+draftSQL+`
			        AND k.worker_id = h.worker_id AND k.held_on >= h.month AND k.held_on < (h.month + interval '1 month')::date
			)
			SELECT mb.month, mb.unit_id, u.name AS unit_name, mb.worker_id, p.full_name AS worker_name,
			       EXISTS (SELECT 1 FROM conferences k WHERE k.kind = 'supervision' AND k.status <> `+draftSQL+` AND k.worker_id = mb.worker_id
			               AND k.held_on >= mb.month AND k.held_on < mb.next) AS conferenced,
			       (SELECT count(*) FROM held h WHERE h.month = mb.month AND h.worker_id = mb.worker_id)::int AS cases,
			       (SELECT count(*) FROM discussed d WHERE d.month = mb.month AND d.worker_id = mb.worker_id)::int AS discussed
			FROM members mb JOIN units_all u ON u.id = mb.unit_id JOIN people p ON p.id = mb.worker_id
			ORDER BY mb.month, u.name, p.full_name`, v.PersonID, today, from, to, string(v.Role))
		if err != nil {
			return err
		}
		if months, err = pgx.CollectRows(rows, pgx.RowToStructByName[WorkerMonth]); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			WITH units AS (`+complianceUnitsSQL+`)
			SELECT date_trunc('month', r.assessed_on)::date AS month, um.unit_id, r.case_id, r.assessed_on,
			       (SELECT min(k.held_on) FROM discussed_cases cc
			        JOIN conferences k ON k.id = cc.conference_id AND k.kind = 'casework_review' AND k.status <> `+draftSQL+`
			        WHERE cc.case_id = r.case_id AND k.held_on >= r.assessed_on AND k.held_on <= $2) AS reported
			FROM risk_assessments r
			LEFT JOIN LATERAL (SELECT p.level FROM risk_assessments p WHERE p.case_id = r.case_id AND p.assessed_on < r.assessed_on
			                   ORDER BY p.assessed_on DESC LIMIT 1) prev ON true
			JOIN case_assignments a ON a.case_id = r.case_id AND a.during @> r.assessed_on
			JOIN unit_members um ON um.worker_id = a.worker_id AND um.during @> r.assessed_on
			WHERE r.level IN ('high', 'very_high') AND (prev.level IS NULL OR prev.level NOT IN ('high', 'very_high'))
			  AND um.unit_id IN (SELECT unit_id FROM units)
			  AND r.assessed_on >= $3 AND r.assessed_on < ($4::date + interval '1 month')::date AND r.assessed_on <= $2
			ORDER BY r.assessed_on, r.case_id`, v.PersonID, today, from, to, string(v.Role))
		if err != nil {
			return err
		}
		escalations, err = pgx.CollectRows(rows, pgx.RowToStructByName[Escalation])
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("Compliance: %w", err)
	}
	return months, escalations, nil
}
