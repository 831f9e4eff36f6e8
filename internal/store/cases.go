package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// CaseDetail is domain.CaseDetail: what the store returns and the views take.
type CaseDetail = domain.CaseDetail

// MVRRow is domain.MVRRow: what the store returns and the views take.
type MVRRow = domain.MVRRow

// RiskRow is domain.RiskRow: what the store returns and the views take.
type RiskRow = domain.RiskRow

// TimelineItem is domain.TimelineItem: what the store returns and the views take.
type TimelineItem = domain.TimelineItem

// TimelineLimit bounds the case history shown on one page.
const TimelineLimit = 200

// Case returns a case within the viewer's reach (its worker, their
// supervisor, the casework supervisor above), with its risk history and
// latest history, and records the view in the audit log. Performance notes
// are never part of it: they have no link to a case.
func (s *Store) Case(ctx context.Context, v access.Viewer, caseID int64, on time.Time) (CaseDetail, error) {
	c, err := s.readCase(ctx, v, caseID, on)
	if err != nil {
		return CaseDetail{}, fmt.Errorf("Case(%d): %w", caseID, err)
	}
	return c, s.views.append(ctx, v, AuditEntry{Action: "viewed", Entity: "case", EntityID: fmt.Sprint(caseID)})
}

// caseInReachSQL is true when the case ($1) is assigned on the date ($3) to a
// worker within the viewer's ($2) reach. The risk and history queries carry
// it themselves: they are sent with the case's own query in one round trip,
// before its answer is known, and must return nothing outside the reach.
var caseInReachSQL = `EXISTS (SELECT 1 FROM case_assignments ra WHERE ra.case_id = $1 AND ra.during @> $3::date AND ` +
	reach("ra.worker_id", "$2", "$3") + `)`

// readCase reads the case, its risk levels and its latest history in one
// pipelined batch (one implicit transaction, one round trip).
func (s *Store) readCase(ctx context.Context, v access.Viewer, caseID int64, on time.Time) (CaseDetail, error) {
	var c CaseDetail
	b := &pgx.Batch{}
	b.Queue(`
		SELECT c.id, c.case_number, c.family_name, c.setting, coalesce(c.goal, '') AS goal, c.court_involved, c.court_next,
		       c.placement_date, c.scr_assigned, c.received, c.closing, c.closed,
		       c.safety_plan_start, c.safety_plan_end,
		       a.worker_id, w.full_name AS worker_name, lower(a.during) AS assigned, m.unit_id,
		       `+supervisesCaseSQL+` AS supervised,
		       `+stampOf("ARRAY(SELECT unit_id FROM unit_members WHERE worker_id = a.worker_id)")+` AS worker_stamp
		FROM cases c
		JOIN case_assignments a ON a.case_id = c.id AND a.during @> $3::date
		JOIN people w ON w.id = a.worker_id
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $3::date
		WHERE c.id = $1 AND `+reach("a.worker_id", "$2", "$3"), caseID, v.PersonID, on)
	b.Queue(`
		SELECT r.level, r.assessed_on, coalesce(p.full_name, 'system of record') AS recorded_by
		FROM risk_assessments r LEFT JOIN people p ON p.id = r.recorded_by
		WHERE r.case_id = $1 AND r.assessed_on <= $3 AND `+caseInReachSQL+`
		ORDER BY r.assessed_on DESC`, caseID, v.PersonID, on)
	// A worker sees the conferences shared with them, never a draft.
	workerView := v.Role == access.Worker
	b.Queue(`
		SELECT * FROM (
		    SELECT lower(a.during) AS on_date, 'assignment' AS kind, 'Assigned to ' || p.full_name AS what,
		           CASE WHEN upper(a.during) IS NULL THEN 'current' ELSE 'until ' || upper(a.during)::text END AS detail,
		           NULL::bigint AS conference_id
		    FROM case_assignments a JOIN people p ON p.id = a.worker_id WHERE a.case_id = $1
		    UNION ALL
		    SELECT e.occurred_on, 'event', replace(e.kind, '_', ' '),
		           CASE WHEN e.approval = 'pending' THEN 'awaiting approval' WHEN e.approval = 'approved' THEN 'approved'
		                WHEN NOT `+sheetApprovalHoldsSQL("e")+` THEN 'not counted: a contact of this date or before was not approved by then'
		                ELSE '' END, NULL
		    FROM events e WHERE e.case_id = $1 AND e.occurred_on <= $3
		    UNION ALL
		    SELECT k.held_on, 'conference',
		           CASE k.kind WHEN 'supervision' THEN 'Supervision conference' ELSE 'Casework review' END,
		           k.status, k.id
		    FROM discussed_cases cc JOIN conferences k ON k.id = cc.conference_id
		    WHERE cc.case_id = $1 AND (NOT $4 OR (k.status IN `+recipientReadsSQL+` AND k.kind = 'supervision'))
		    UNION ALL
		    SELECT r.assessed_on, 'risk', 'Risk ' || replace(r.level, '_', ' '), '', NULL
		    FROM risk_assessments r WHERE r.case_id = $1 AND r.assessed_on <= $3
		) t WHERE `+caseInReachSQL+`
		ORDER BY on_date DESC, kind LIMIT $5`, caseID, v.PersonID, on, workerView, TimelineLimit)
	b.Queue(`
		SELECT m.from_on, m.child, m.parents, m.provider, coalesce(p.full_name, 'system of record') AS set_by
		FROM case_mvr m LEFT JOIN people p ON p.id = m.set_by
		WHERE m.case_id = $1 AND `+caseInReachSQL+`
		ORDER BY m.from_on DESC`, caseID, v.PersonID, on)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return c, err
	}
	if c, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByNameLax[CaseDetail]); err != nil {
		return c, notFound(err)
	}
	if rows, err = br.Query(); err != nil {
		return c, err
	}
	if c.Risks, err = pgx.CollectRows(rows, pgx.RowToStructByName[RiskRow]); err != nil {
		return c, err
	}
	if rows, err = br.Query(); err != nil {
		return c, err
	}
	if c.Timeline, err = pgx.CollectRows(rows, pgx.RowToStructByName[TimelineItem]); err != nil {
		return c, err
	}
	if rows, err = br.Query(); err != nil {
		return c, err
	}
	if c.MVR, err = pgx.CollectRows(rows, pgx.RowToStructByName[MVRRow]); err != nil {
		return c, err
	}
	return c, br.Close()
}
