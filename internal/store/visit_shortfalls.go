package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// VisitMonth is one unit's visit plans (MVR) in one calendar month that has
// ended: the cases that owed visits under a plan, and those whose month
// ended short, by kind (a case short of two kinds counts once in Short and
// once under each kind).
type VisitMonth struct {
	Month         time.Time `db:"month"` // first day
	UnitID        int64     `db:"unit_id"`
	Planned       int       `db:"planned"`        // cases owing at least one visit under the plan in force on the month's first day
	Short         int       `db:"short"`          // of those, cases with fewer visits of some kind than the plan set
	ShortChild    int       `db:"short_child"`    // fewer child visits
	ShortParents  int       `db:"short_parents"`  // fewer parent visits
	ShortProvider int       `db:"short_provider"` // fewer placement provider visits
}

// VisitShortfalls returns, for the units within the viewer's reach today
// and the months from..to (first days, both included) that have ended by
// today, how many cases' visit plan months ended short: in one set-based
// query, counted as the rules read the plan (docs/rules.md, "Minimum
// visitation requirement"). A case counts in a month for each unit where a
// worker of the unit held it at some time in the month. It owes that month
// the counts of the plan in force on the month's first day (a plan set
// mid-month is owed from the next month), the placement provider's only
// when it was placed out of home by that day; a case closed before the
// month's end is not counted. Visits of the kind dated in the month count,
// by whoever made them; a month is short unless every kind's visits reach
// the plan's count.
func (s *Store) VisitShortfalls(ctx context.Context, v access.Viewer, today, from, to time.Time) ([]VisitMonth, error) {
	if !v.Is(access.Supervisor, access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		WITH units AS (`+complianceUnitsSQL+`),
		months AS (
		    SELECT m::date AS month, (m + interval '1 month')::date AS next
		    FROM generate_series($3::date, $4::date, interval '1 month') AS m
		    WHERE (m + interval '1 month')::date <= $2::date
		),
		held AS (
		    SELECT DISTINCT mo.month, mo.next, um.unit_id, a.case_id
		    FROM months mo
		    JOIN unit_members um ON um.during && daterange(mo.month, mo.next) AND um.unit_id IN (SELECT unit_id FROM units)
		    JOIN case_assignments a ON a.worker_id = um.worker_id AND (a.during * um.during) && daterange(mo.month, mo.next)
		),
		owed AS (
		    SELECT h.month, h.next, h.unit_id, h.case_id, p.child, p.parents,
		           CASE WHEN c.setting = 'out_of_home' AND c.placement_date <= h.month THEN p.provider ELSE 0 END AS provider
		    FROM held h
		    JOIN cases c ON c.id = h.case_id AND (c.closed IS NULL OR c.closed >= h.next)
		    JOIN LATERAL (SELECT m.child, m.parents, m.provider FROM case_mvr m
		                  WHERE m.case_id = h.case_id AND m.from_on <= h.month ORDER BY m.from_on DESC LIMIT 1) p ON true
		),
		made AS (
		    SELECT o.*, v.child AS child_made, v.parents AS parents_made, v.provider AS provider_made
		    FROM owed o
		    CROSS JOIN LATERAL (
		        SELECT count(*) FILTER (WHERE e.kind = 'child_visit') AS child,
		               count(*) FILTER (WHERE e.kind = 'parent_visit') AS parents,
		               count(*) FILTER (WHERE e.kind = 'provider_visit') AS provider
		        FROM events e WHERE e.case_id = o.case_id AND e.occurred_on >= o.month AND e.occurred_on < o.next
		    ) v
		    WHERE o.child + o.parents + o.provider > 0
		)
		SELECT month, unit_id, count(*)::int AS planned,
		       count(*) FILTER (WHERE child_made < child OR parents_made < parents OR provider_made < provider)::int AS short,
		       count(*) FILTER (WHERE child_made < child)::int AS short_child,
		       count(*) FILTER (WHERE parents_made < parents)::int AS short_parents,
		       count(*) FILTER (WHERE provider_made < provider)::int AS short_provider
		FROM made GROUP BY month, unit_id ORDER BY month, unit_id`, v.PersonID, today, from, to, string(v.Role))
	if err != nil {
		return nil, fmt.Errorf("VisitShortfalls: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[VisitMonth])
	if err != nil {
		return nil, fmt.Errorf("VisitShortfalls: %w", err)
	}
	return out, nil
}
