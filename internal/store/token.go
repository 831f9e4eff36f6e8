package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
	"github.com/casework/casework/internal/fault"
)

// Tokens of the integration API (docs/api.md). A token is shown once, when it
// is issued; the database keeps only its SHA-256, so a copy of the table
// yields no usable token. Each token reads one scope: an office, an area (the
// units whose supervisors report to one casework supervisor) or a unit.

// TokenPrefix starts every token, so that one found in a log or a repository
// is recognisable (and secret scanners can look for it).
const TokenPrefix = "cwk_"

// Scope kinds of a token.
const (
	ScopeKindOffice = "office"
	ScopeKindArea   = "area"
	ScopeKindUnit   = "unit"
)

// APIToken is domain.APIToken: what the store returns and the views take.
type APIToken = domain.APIToken

// ScopeChoice is domain.ScopeChoice: what the store returns and the views take.
type ScopeChoice = domain.ScopeChoice

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

const scopeNameSQL = `CASE t.scope_kind
	WHEN 'office' THEN (SELECT name FROM offices WHERE id = t.scope_id)
	WHEN 'unit' THEN (SELECT u.name || ' (' || o.name || ')' FROM units u JOIN offices o ON o.id = u.office_id WHERE u.id = t.scope_id)
	WHEN 'area' THEN (SELECT 'Area of ' || full_name FROM people WHERE id = t.scope_id)
END`

// ScopeChoices lists the scopes a token may be given: active offices, the
// areas of active casework supervisors, active units.
func (s *Store) ScopeChoices(ctx context.Context, v access.Viewer) ([]ScopeChoice, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT 'office' AS kind, id, name FROM offices WHERE active
		UNION ALL
		SELECT 'area', id, 'Area of ' || full_name FROM people WHERE role = 'casework_supervisor' AND active
		UNION ALL
		SELECT 'unit', u.id, u.name || ' (' || o.name || ')' FROM units u JOIN offices o ON o.id = u.office_id WHERE u.active
		ORDER BY 1, 3`)
	if err != nil {
		return nil, fmt.Errorf("ScopeChoices: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ScopeChoice])
}

// Tokens lists every token issued, newest first (administrators only).
func (s *Store) Tokens(ctx context.Context, v access.Viewer) ([]APIToken, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT t.id, t.name, t.scope_kind, t.scope_id, coalesce(`+scopeNameSQL+`, '(gone)') AS scope_name,
		       p.full_name AS created_by, t.created_at, t.revoked_at, t.last_used_at
		FROM api_tokens t JOIN people p ON p.id = t.created_by
		ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("Tokens: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[APIToken])
}

// ErrBadScope is a scope that does not exist (or is not of its kind).
var ErrBadScope = fault.ErrBadScope

// IssueToken makes a new token for a scope and returns it: the only time it
// is ever shown. The issue is recorded in the audit log (never the token).
func (s *Store) IssueToken(ctx context.Context, v access.Viewer, name, kind string, scopeID int64) (string, APIToken, error) {
	var t APIToken
	if !v.Is(access.Administrator) || v.PersonID == 0 {
		return "", t, ErrNotFound
	}
	name = strings.TrimSpace(name)
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", t, fmt.Errorf("IssueToken: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `
			SELECT CASE $1::text
			    WHEN 'office' THEN EXISTS (SELECT 1 FROM offices WHERE id = $2 AND active)
			    WHEN 'unit' THEN EXISTS (SELECT 1 FROM units WHERE id = $2 AND active)
			    WHEN 'area' THEN EXISTS (SELECT 1 FROM people WHERE id = $2 AND role = 'casework_supervisor' AND active)
			    ELSE false END`, kind, scopeID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrBadScope
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO api_tokens (name, token_hash, scope_kind, scope_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, clock_timestamp()) RETURNING id, created_at`,
			name, hashToken(token), kind, scopeID, v.PersonID).Scan(&t.ID, &t.CreatedAt)
		if err != nil {
			return err
		}
		t.Name, t.ScopeKind, t.ScopeID, t.CreatedBy = name, kind, scopeID, v.Name
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "api_token", EntityID: fmt.Sprint(t.ID),
			Detail: map[string]any{"after": map[string]any{"name": name, "scope_kind": kind, "scope_id": scopeID}}})
	})
	if err != nil {
		if errors.Is(err, ErrBadScope) {
			return "", t, err
		}
		return "", t, fmt.Errorf("IssueToken: %w", err)
	}
	return token, t, nil
}

// RevokeToken ends a token at once: the next request with it is refused.
func (s *Store) RevokeToken(ctx context.Context, v access.Viewer, id int64) error {
	if !v.Is(access.Administrator) || v.PersonID == 0 {
		return ErrNotFound
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `
			UPDATE api_tokens SET revoked_at = clock_timestamp(), revoked_by = $2
			WHERE id = $1 AND revoked_at IS NULL RETURNING name`, id, v.PersonID).Scan(&name)
		if err != nil {
			return notFound(err)
		}
		return audit(ctx, tx, v, AuditEntry{Action: "revoked", Entity: "api_token", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"before": map[string]any{"name": name, "revoked": false}, "after": map[string]any{"revoked": true}}})
	})
}

// TokenByValue finds the live token a request presents. A revoked or unknown
// token is ErrNotFound. Its last use is noted, at most once a minute (so that
// a busy integration does not write on every request).
func (s *Store) TokenByValue(ctx context.Context, token string) (APIToken, error) {
	var t APIToken
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 200 {
		return t, ErrNotFound
	}
	var stale bool
	err := s.pool.QueryRow(ctx, `
		SELECT t.id, t.name, t.scope_kind, t.scope_id, coalesce(`+scopeNameSQL+`, '(gone)'),
		       t.last_used_at IS NULL OR t.last_used_at < clock_timestamp() - interval '1 minute'
		FROM api_tokens t WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hashToken(token)).
		Scan(&t.ID, &t.Name, &t.ScopeKind, &t.ScopeID, &t.ScopeName, &stale)
	if err != nil {
		return t, notFound(err)
	}
	if stale {
		if _, err := s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = clock_timestamp() WHERE id = $1`, t.ID); err != nil {
			return t, fmt.Errorf("TokenByValue: %w", err)
		}
	}
	return t, nil
}
