package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// Single sign-on through the agency's OpenID provider: who a verified
// identity is (migration 000070). The provider proves who signed in; which
// person that is, and their role, are Casework's own.

// SSOMatch is the person a provider's identity matched.
type SSOMatch struct {
	PersonID  int64
	Active    bool
	MatchedBy string // "subject" (linked by an administrator) or "email" (verified by the provider)
	// At is the database's clock when the match was read; the session begun
	// on it is dated by it, as for a password sign-in.
	At time.Time
}

// PersonForIdentity finds the person a provider's identity belongs to: the
// person an administrator linked to the subject at this issuer, else the
// person with the e-mail, if the provider verified it and the person has no
// other subject linked at this issuer (a link, once made, is the only way in
// through that provider). Not found: nobody Casework knows.
func (s *Store) PersonForIdentity(ctx context.Context, issuer, subject, email string, emailVerified bool) (SSOMatch, error) {
	var m SSOMatch
	err := s.pool.QueryRow(ctx, `
		WITH by_subject AS (
			SELECT p.id, p.active, 'subject' AS matched_by FROM oidc_subjects l JOIN people p ON p.id = l.person_id
			WHERE l.issuer = $1 AND l.subject = $2
		), by_email AS (
			SELECT p.id, p.active, 'email' AS matched_by FROM people p
			WHERE $4 AND $3 <> '' AND p.email = $3
			  AND NOT EXISTS (SELECT 1 FROM oidc_subjects l WHERE l.person_id = p.id AND l.issuer = $1)
		)
		SELECT id, active, matched_by, clock_timestamp() FROM (
			SELECT * FROM by_subject
			UNION ALL
			SELECT * FROM by_email WHERE NOT EXISTS (SELECT 1 FROM by_subject)
		) m`,
		issuer, subject, strings.ToLower(strings.TrimSpace(email)), emailVerified).Scan(&m.PersonID, &m.Active, &m.MatchedBy, &m.At)
	if err != nil {
		return SSOMatch{}, notFound(err)
	}
	return m, nil
}

// LinkedSubject is the subject an administrator linked to a person at an
// issuer; empty when none.
func (s *Store) LinkedSubject(ctx context.Context, v access.Viewer, personID int64, issuer string) (string, error) {
	if !v.Is(access.Administrator) {
		return "", ErrNotFound
	}
	var sub string
	err := s.pool.QueryRow(ctx, `SELECT subject FROM oidc_subjects WHERE person_id = $1 AND issuer = $2`, personID, issuer).Scan(&sub)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("LinkedSubject: %w", err)
	}
	return sub, nil
}

// LinkSubject ties a person to a subject at the issuer, replacing the
// person's earlier link there; an empty subject removes the link. The change
// is recorded in the audit log in the same transaction.
func (s *Store) LinkSubject(ctx context.Context, v access.Viewer, personID int64, issuer, subject string) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	subject = strings.TrimSpace(subject)
	if len(subject) > 255 {
		return FieldErrors{"subject": "A subject is at most 255 characters; copy it exactly as the provider shows it."}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT true FROM people WHERE id = $1 FOR UPDATE`, personID).Scan(&exists); err != nil {
			return notFound(err)
		}
		var before *string
		if err := tx.QueryRow(ctx, `DELETE FROM oidc_subjects WHERE person_id = $1 AND issuer = $2 RETURNING subject`,
			personID, issuer).Scan(&before); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("LinkSubject: %w", err)
		}
		if subject == "" && before == nil {
			return nil
		}
		if subject != "" {
			_, err := tx.Exec(ctx, `INSERT INTO oidc_subjects (issuer, subject, person_id, linked_by, linked_at) VALUES ($1, $2, $3, $4, now())`,
				issuer, subject, personID, v.PersonID)
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23505" {
				return FieldErrors{"subject": "That subject is already linked to another person. Unlink it there first."}
			}
			if err != nil {
				return fmt.Errorf("LinkSubject: %w", err)
			}
		}
		action := "sso_linked"
		if subject == "" {
			action = "sso_unlinked"
		}
		return audit(ctx, tx, v, AuditEntry{Action: action, Entity: "person", EntityID: fmt.Sprint(personID),
			Detail: map[string]any{"issuer": issuer, "before": map[string]any{"subject": before}, "after": map[string]any{"subject": subject}}})
	})
}

// RefusedSignIn is domain.RefusedSignIn: what the store returns and the views take.
type RefusedSignIn = domain.RefusedSignIn

// RefusedSignIns lists the latest (at most five) subjects at the issuer that
// were refused as unknown with the person's e-mail and are linked to nobody,
// from the audit log.
func (s *Store) RefusedSignIns(ctx context.Context, v access.Viewer, personID int64, issuer string) ([]RefusedSignIn, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT subject, email_verified, at FROM (
			SELECT DISTINCT ON (a.detail ->> 'subject') a.detail ->> 'subject' AS subject,
				coalesce((a.detail ->> 'email_verified')::boolean, false) AS email_verified, a.at
			FROM audit_log a
			WHERE a.action = 'sign_in_refused' -- audit_log_sso_refused_idx (migration 000070)
			  AND a.detail ->> 'email' = (SELECT email FROM people WHERE id = $1) AND a.detail ->> 'issuer' = $2
			  AND a.detail ->> 'reason' = 'unknown' AND a.detail ? 'subject'
			  AND NOT EXISTS (SELECT 1 FROM oidc_subjects l WHERE l.issuer = $2 AND l.subject = a.detail ->> 'subject')
			ORDER BY a.detail ->> 'subject', a.seq DESC
		) r ORDER BY at DESC LIMIT 5`, personID, issuer)
	if err != nil {
		return nil, fmt.Errorf("RefusedSignIns: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[RefusedSignIn])
}
