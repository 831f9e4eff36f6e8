package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// Credentials is what sign-in needs of an account.
type Credentials struct {
	PersonID     int64
	PasswordHash string // empty: no password issued yet
	Active       bool
	// At is the database's clock when they were read: a session begun on
	// this sign-in is dated by it, so it compares with sessions_valid_after
	// on one clock.
	At time.Time
}

// CredentialsByEmail finds the account for an email, case-insensitively.
func (s *Store) CredentialsByEmail(ctx context.Context, email string) (Credentials, error) {
	var c Credentials
	var hash *string
	err := s.pool.QueryRow(ctx,
		`SELECT id, password_hash, active, clock_timestamp() FROM people WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&c.PersonID, &hash, &c.Active, &c.At)
	if err != nil {
		return Credentials{}, notFound(err)
	}
	if hash != nil {
		c.PasswordHash = *hash
	}
	return c, nil
}

// ViewerByID loads the signed-in person. Deactivated accounts are not found,
// so deactivation ends every session at its next request.
func (s *Store) ViewerByID(ctx context.Context, id int64) (access.Viewer, error) {
	var v access.Viewer
	var role string
	var validAfter *time.Time
	err := s.pool.QueryRow(ctx,
		`SELECT id, role, full_name, email, must_change_password, sessions_valid_after FROM people WHERE id = $1 AND active`,
		id).Scan(&v.PersonID, &role, &v.Name, &v.Email, &v.MustChangePassword, &validAfter)
	if err != nil {
		return access.Viewer{}, notFound(err)
	}
	if validAfter != nil {
		v.SessionsValidAfter = *validAfter
	}
	if v.Role, err = access.ParseRole(role); err != nil {
		return access.Viewer{}, fmt.Errorf("ViewerByID(%d): %w", id, err)
	}
	return v, nil
}

// AgencyTimeZone is the zone in which the agency's calendar dates are counted.
func (s *Store) AgencyTimeZone(ctx context.Context) (string, error) {
	var tz string
	err := s.pool.QueryRow(ctx, `SELECT time_zone FROM agency`).Scan(&tz)
	return tz, notFound(err)
}

// Login is an account as the demo's login list shows it.
type Login struct {
	Role  string `db:"role"`
	Email string `db:"email"`
}

// PeopleByEmailDomain lists the active accounts of one email domain in the
// order of the hierarchy (the demo's logins).
func (s *Store) PeopleByEmailDomain(ctx context.Context, domain string) ([]Login, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT role, email FROM people
		WHERE active AND email LIKE '%@' || $1
		ORDER BY array_position(ARRAY['worker', 'supervisor', 'casework_supervisor', 'administrator'], role), id`, domain)
	if err != nil {
		return nil, fmt.Errorf("PeopleByEmailDomain: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Login])
}

// Empty reports whether the database holds no agency yet.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var exists bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agency)`).Scan(&exists)
	return !exists, err
}

// SetPassword stores a new password hash the person chose, clears the
// temporary-password flag, and records the change (never the hash) in the
// audit log, in one transaction. Every session begun before it ends; it
// returns the moment, on the database's clock, for the caller to date the
// session it keeps.
func (s *Store) SetPassword(ctx context.Context, v access.Viewer, hash string) (time.Time, error) {
	var at time.Time
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE people SET password_hash = $2, must_change_password = false, sessions_valid_after = now()
			WHERE id = $1 AND active RETURNING sessions_valid_after`, v.PersonID, hash).Scan(&at)
		if err != nil {
			return fmt.Errorf("SetPassword: %w", notFound(err))
		}
		return audit(ctx, tx, v, AuditEntry{Action: "password_changed", Entity: "person", EntityID: fmt.Sprint(v.PersonID)})
	})
	return at, err
}

// PasswordHash returns the viewer's current hash, to check the old password
// before a change.
func (s *Store) PasswordHash(ctx context.Context, v access.Viewer) (string, error) {
	var h *string
	if err := s.pool.QueryRow(ctx, `SELECT password_hash FROM people WHERE id = $1 AND active`, v.PersonID).Scan(&h); err != nil {
		return "", notFound(err)
	}
	if h == nil {
		return "", nil
	}
	return *h, nil
}

// ProfileOn is the policy profile the agency chose in force on the date.
func (s *Store) ProfileOn(ctx context.Context, on time.Time) (string, error) {
	var p string
	err := s.pool.QueryRow(ctx, `SELECT profile FROM profile_choices WHERE effective_on <= $1 ORDER BY effective_on DESC LIMIT 1`, on).Scan(&p)
	return p, notFound(err)
}
