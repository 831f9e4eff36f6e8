package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// SharedWithMe lists the conference records shared with the viewer and not
// yet acknowledged, oldest first.
func (s *Store) SharedWithMe(ctx context.Context, v access.Viewer) ([]ConferenceSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT k.id, k.kind, k.held_on, k.status,
		       (SELECT count(*) FROM discussed_cases cc WHERE cc.conference_id = k.id) AS cases,
		       k.entered_at, k.signed_at, k.shared_at, sp.full_name AS with_name
		FROM conferences k JOIN people sp ON sp.id = k.supervisor_id
		WHERE k.worker_id = $1 AND k.status = `+sharedSQL+`
		ORDER BY k.shared_at, k.id LIMIT 100`, v.PersonID)
	if err != nil {
		return nil, fmt.Errorf("SharedWithMe: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ConferenceSummary])
}

// MyStep is domain.MyStep: what the store returns and the views take.
type MyStep = domain.MyStep

// MyNextSteps lists the viewer's next steps from signed records: the open
// ones by due date, then those done in the last 30 days.
func (s *Store) MyNextSteps(ctx context.Context, v access.Viewer, on time.Time) ([]MyStep, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT n.id, n.description, n.due_on, n.done_on, c.id AS case_id, c.family_name, k.held_on
		FROM next_steps n
		JOIN conferences k ON k.id = n.conference_id AND k.status <> `+draftSQL+`
		-- The case is named only while it is still the viewer's: a step about
		-- a case since transferred stays theirs, the case does not.
		LEFT JOIN cases c ON c.id = n.case_id AND EXISTS (
		    SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.worker_id = $1 AND a.during @> $2::date)
		WHERE n.owner_id = $1 AND (n.done_on IS NULL OR n.done_on >= $2::date - 30)
		ORDER BY n.done_on IS NOT NULL, n.due_on, n.id LIMIT 100`, v.PersonID, on)
	if err != nil {
		return nil, fmt.Errorf("MyNextSteps: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[MyStep])
}

// MarkStepDone marks one of the viewer's next steps done on the date.
func (s *Store) MarkStepDone(ctx context.Context, v access.Viewer, stepID int64, on time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE next_steps n SET done_on = $3 FROM conferences k
			WHERE n.id = $1 AND n.owner_id = $2 AND n.done_on IS NULL AND k.id = n.conference_id AND k.status <> `+draftSQL+``,
			stepID, v.PersonID, on)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return audit(ctx, tx, v, AuditEntry{Action: "done", Entity: "next_step", EntityID: fmt.Sprint(stepID)})
	})
}

// RequestEmergentConference is a worker's request for a conference with the
// casework supervisor when their supervisor is unavailable (seed 001). The
// case, if given, must be the worker's own.
func (s *Store) RequestEmergentConference(ctx context.Context, v access.Viewer, caseID int64, details string, on, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO emergent_requests (case_id, requested_by, casework_supervisor_id, reason, details, requested_at)
			SELECT NULLIF($2, 0), $1, r.casework_supervisor_id, 'supervisor_unavailable', $3, $5
			FROM unit_members m
			JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $4::date
			JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $4::date
			WHERE m.worker_id = $1 AND m.during @> $4::date
			  AND ($2 = 0 OR EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = $2 AND a.worker_id = $1 AND a.during @> $4::date))
			RETURNING id`, v.PersonID, caseID, details, on, at).Scan(&id)
		if err != nil {
			return notFound(mapWriteError(err))
		}
		if err := enqueueEmergent(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "requested", Entity: "emergent_request", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"case": caseID}})
	})
}

// NewCalendarToken revokes the viewer's feed, if any, and makes a new secret;
// only its hash is stored. The secret is returned once, for the URL.
func (s *Store) NewCalendarToken(ctx context.Context, v access.Viewer) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE calendar_tokens SET revoked_at = now() WHERE person_id = $1 AND revoked_at IS NULL`, v.PersonID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_tokens (person_id, token_hash, created_at) VALUES ($1, $2, now())`, v.PersonID, sum[:]); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "calendar_feed", EntityID: fmt.Sprint(v.PersonID)})
	})
	if err != nil {
		return "", fmt.Errorf("NewCalendarToken: %w", err)
	}
	return token, nil
}

// RevokeCalendarToken ends the viewer's feed.
func (s *Store) RevokeCalendarToken(ctx context.Context, v access.Viewer) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE calendar_tokens SET revoked_at = now() WHERE person_id = $1 AND revoked_at IS NULL`, v.PersonID); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "revoked", Entity: "calendar_feed", EntityID: fmt.Sprint(v.PersonID)})
	})
}

// HasCalendarFeed reports whether the viewer has a live feed.
func (s *Store) HasCalendarFeed(ctx context.Context, v access.Viewer) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM calendar_tokens WHERE person_id = $1 AND revoked_at IS NULL)`, v.PersonID).Scan(&ok)
	return ok, err
}

// ViewerByCalendarToken finds the active person whose live feed the token
// opens, and the feed's id (for the record of its reads); a revoked or
// unknown token is not found.
func (s *Store) ViewerByCalendarToken(ctx context.Context, token string) (access.Viewer, int64, error) {
	sum := sha256.Sum256([]byte(token))
	var id, feed int64
	err := s.pool.QueryRow(ctx, `SELECT person_id, id FROM calendar_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, sum[:]).Scan(&id, &feed)
	if errors.Is(err, pgx.ErrNoRows) {
		return access.Viewer{}, 0, ErrNotFound
	}
	if err != nil {
		return access.Viewer{}, 0, err
	}
	v, err := s.ViewerByID(ctx, id)
	return v, feed, err
}

// RecordCalendarRead records that a calendar feed was read, as a page view
// (group commit, viewlog.go): as the feed's person, with the feed's id and
// the cases it named, so each case's access list shows it. The feed is not
// served until this is committed.
func (s *Store) RecordCalendarRead(ctx context.Context, v access.Viewer, feed int64, cases []int64) error {
	if cases == nil {
		cases = []int64{}
	}
	return s.views.append(ctx, v, AuditEntry{Action: "viewed", Entity: "calendar_feed", EntityID: fmt.Sprint(feed),
		Detail: map[string]any{"token": feed, "cases": cases}})
}
