package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// The integration API's reads (docs/api.md): what a token's scope holds on a
// date. A token's reach is decided here, in SQL, from its scope; the viewer
// (an "API token" with the request's address and id) is for the audit log,
// records every read as a page view is recorded (viewingSnapshot): the read
// commits alone, read-only, and its entry joins the view log's group commit;
// the answer is not sent until the entry is committed.

// scopeUnitsSQL selects the ids of a scope's units on a date ($1 kind, $2
// scope id, $3 date): the unit; the office's active units; the units whose
// supervisors report to the area's casework supervisor on the date.
const scopeUnitsSQL = `
	SELECT u.id FROM units u WHERE $1::text = 'unit' AND u.id = $2
	UNION
	SELECT u.id FROM units u WHERE $1::text = 'office' AND u.office_id = $2 AND u.active
	UNION
	SELECT us.unit_id FROM unit_supervisors us
	JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $3::date
	WHERE $1::text = 'area' AND r.casework_supervisor_id = $2 AND us.during @> $3::date`

// ScopeUnit is one unit of a token's scope on a date.
type ScopeUnit struct {
	ID         int64  `db:"id" json:"id"`
	Name       string `db:"name" json:"name"`
	Office     string `db:"office" json:"office"`
	Supervisor string `db:"supervisor" json:"supervisor"` // fact id, "" when none
}

// ScopeFacts are the facts of a token's scope on a date, with where each
// subject stands: the scope's units, each worker's and supervisor's unit
// (fact ids). A case's unit is its worker's.
type ScopeFacts struct {
	Facts rules.Facts
	Units []ScopeUnit
	Unit  map[string]int64 // worker or supervisor fact id -> unit id
}

// TokenScopeUnits lists the units of a token's scope on a date.
func (s *Store) TokenScopeUnits(ctx context.Context, tok APIToken, on time.Time) ([]ScopeUnit, error) {
	var units []ScopeUnit
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		units, err = scopeUnits(ctx, tx, tok, on)
		return err
	})
	return units, err
}

func scopeUnits(ctx context.Context, tx pgx.Tx, tok APIToken, on time.Time) ([]ScopeUnit, error) {
	rows, err := tx.Query(ctx, `
		SELECT u.id, u.name, o.name AS office,
		       coalesce((SELECT `+factStaffID+` FROM unit_supervisors us JOIN people p ON p.id = us.supervisor_id
		                 WHERE us.unit_id = u.id AND us.during @> $3::date), '') AS supervisor
		FROM units u JOIN offices o ON o.id = u.office_id
		WHERE u.id IN (`+scopeUnitsSQL+`)
		ORDER BY o.name, u.name, u.id`, tok.ScopeKind, tok.ScopeID, on)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ScopeUnit])
}

// TokenFacts loads the facts of a token's scope on a date: the workers of its
// units on the date, with their cases, their supervisors and casework
// supervisors, and the conferences and events that count (as a unit's
// dashboard loads them, unit by unit in one set). The read is audited.
func (s *Store) TokenFacts(ctx context.Context, v access.Viewer, tok APIToken, on time.Time) (ScopeFacts, error) {
	var sf ScopeFacts
	err := s.viewingSnapshot(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		var err error
		if sf.Units, err = scopeUnits(ctx, tx, tok, on); err != nil {
			return AuditEntry{}, err
		}
		unitIDs := make([]int64, len(sf.Units))
		for i, u := range sf.Units {
			unitIDs[i] = u.ID
		}
		rows, err := tx.Query(ctx, `
			SELECT m.worker_id, m.unit_id, `+factStaffID+` FROM unit_members m JOIN people p ON p.id = m.worker_id
			WHERE m.unit_id = ANY($1) AND m.during @> $2::date ORDER BY m.worker_id`, unitIDs, on)
		if err != nil {
			return AuditEntry{}, err
		}
		var workers []int64
		sf.Unit = map[string]int64{}
		var worker, unit int64
		var fact string
		if _, err := pgx.ForEachRow(rows, []any{&worker, &unit, &fact}, func() error {
			workers = append(workers, worker)
			sf.Unit[fact] = unit
			return nil
		}); err != nil {
			return AuditEntry{}, err
		}
		for _, u := range sf.Units {
			if u.Supervisor != "" {
				sf.Unit[u.Supervisor] = u.ID
			}
		}
		var ids FactIDs
		if sf.Facts, ids, err = loadFacts(ctx, tx, workers, on); err != nil {
			return AuditEntry{}, err
		}
		cases := make([]int64, 0, len(ids.Cases))
		for _, c := range sf.Facts.Cases {
			cases = append(cases, ids.Cases[c.ID])
		}
		return AuditEntry{Action: "viewed", Entity: "api_obligations", EntityID: fmt.Sprint(tok.ID),
			Detail: map[string]any{"token": tok.ID, "units": unitIDs, "cases": cases}}, nil
	})
	if err != nil {
		return ScopeFacts{}, fmt.Errorf("TokenFacts: %w", err)
	}
	return sf, nil
}

// ConferenceQuery filters the conferences of a scope.
type ConferenceQuery struct {
	From, To time.Time // held on or after From and on or before To
	Unit     int64     // 0: every unit of the scope
	Worker   string    // a worker's fact id, "" any
	Kind     string    // "" any
	Limit    int
}

// ConferenceMeta is a held conference as the API gives it: who, when, which
// cases, where it stands. Never its notes, discussion, ratings, next steps or
// anything of the personnel side.
type ConferenceMeta struct {
	ID                 string     `json:"id"`
	Kind               string     `json:"kind"`
	Date               string     `json:"date"`
	Status             string     `json:"status"`
	Unit               int64      `json:"unit"`
	Supervisor         string     `json:"supervisor"`
	Worker             string     `json:"worker,omitempty"`
	CaseworkSupervisor string     `json:"casework_supervisor,omitempty"`
	Cases              []string   `json:"cases"`
	Signed             *time.Time `json:"signed_at"`
	Shared             *time.Time `json:"shared_at"`
	Acknowledged       *time.Time `json:"acknowledged_at"`
}

// TokenConferences lists the held conferences of a token's scope (those of
// a supervisor over one of its units on the day held, or with a worker in one
// of them that day), newest first, at most q.Limit (more reports whether
// there were more). The read is audited with the conferences' ids.
func (s *Store) TokenConferences(ctx context.Context, v access.Viewer, tok APIToken, on time.Time, q ConferenceQuery) (list []ConferenceMeta, more bool, err error) {
	err = s.viewingSnapshot(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		rows, err := tx.Query(ctx, `
			WITH su AS (`+scopeUnitsSQL+`)
			SELECT k.id, coalesce(k.source_id, 'k' || k.id), k.kind, k.held_on, k.status, coalesce(sup.unit_id, wm.unit_id),
			       (SELECT `+factStaffID+` FROM people p WHERE p.id = k.supervisor_id),
			       coalesce((SELECT `+factStaffID+` FROM people p WHERE p.id = coalesce(k.worker_id, k.invited_worker_id)), ''),
			       coalesce((SELECT `+factStaffID+` FROM people p WHERE p.id = k.casework_supervisor_id), ''),
			       coalesce((SELECT array_agg(c.case_number ORDER BY cc.position, c.case_number)
			                 FROM discussed_cases cc JOIN cases c ON c.id = cc.case_id WHERE cc.conference_id = k.id), '{}'),
			       k.signed_at, k.shared_at, k.acknowledged_at
			FROM conferences k
			LEFT JOIN LATERAL (SELECT us.unit_id FROM unit_supervisors us
			                   WHERE us.supervisor_id = k.supervisor_id AND us.during @> k.held_on AND us.unit_id IN (SELECT id FROM su)) sup ON true
			LEFT JOIN LATERAL (SELECT m.unit_id FROM unit_members m
			                   WHERE m.worker_id = coalesce(k.worker_id, k.invited_worker_id) AND m.during @> k.held_on AND m.unit_id IN (SELECT id FROM su)) wm ON true
			WHERE k.status <> `+draftSQL+` AND k.held_on BETWEEN $4 AND $5
			  AND coalesce(sup.unit_id, wm.unit_id) IS NOT NULL
			  AND ($6::bigint = 0 OR coalesce(sup.unit_id, wm.unit_id) = $6)
			  AND ($7::text = '' OR k.kind = $7)
			  AND ($8::text = '' OR EXISTS (SELECT 1 FROM people p WHERE p.id = coalesce(k.worker_id, k.invited_worker_id) AND `+factStaffID+` = $8))
			ORDER BY k.held_on DESC, k.id DESC
			LIMIT $9`, tok.ScopeKind, tok.ScopeID, on, q.From, q.To, q.Unit, q.Kind, q.Worker, q.Limit+1)
		if err != nil {
			return AuditEntry{}, err
		}
		var ids []int64
		for rows.Next() {
			var m ConferenceMeta
			var id int64
			var held pgtype.Date
			if err := rows.Scan(&id, &m.ID, &m.Kind, &held, &m.Status, &m.Unit, &m.Supervisor, &m.Worker, &m.CaseworkSupervisor,
				&m.Cases, &m.Signed, &m.Shared, &m.Acknowledged); err != nil {
				rows.Close()
				return AuditEntry{}, err
			}
			m.Date = held.Time.Format(time.DateOnly)
			if len(list) == q.Limit {
				more = true
				continue
			}
			list = append(list, m)
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return AuditEntry{}, err
		}
		return AuditEntry{Action: "viewed", Entity: "api_conferences", EntityID: fmt.Sprint(tok.ID),
			Detail: map[string]any{"token": tok.ID, "conferences": ids}}, nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("TokenConferences: %w", err)
	}
	return list, more, nil
}
