package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoginAttempt is one sign-in attempt admitted for evaluation: it already
// counts as a failure (ID is its row) until SucceededLogin forgets it.
type LoginAttempt struct {
	ID int64
	// Locked: the attempt was refused without being counted, because the
	// email or the address had its fill of failures in the window; RetryAt
	// is when the oldest of those leaves the window.
	Locked  bool
	RetryAt time.Time
	// Before is the larger of the email's and the address's failures in the
	// window before this one (for the delay before answering a failure).
	Before int
}

// TakeLoginAttempt decides atomically whether a sign-in attempt may be
// evaluated, and if so counts it as a failure at once, before the password
// is checked. The email's and the address's counts are read and the attempt
// written under a transaction lock on each (email first, then address, so
// two attempts never wait on each other in a cycle), so however many
// attempts arrive at once, no more than maxEmail for one email and maxAddr
// for one address are ever admitted in a window. A failure then needs no
// further write; a success forgets the email's failures.
func (s *Store) TakeLoginAttempt(ctx context.Context, email, addr string, at time.Time, window time.Duration, maxEmail, maxAddr int) (LoginAttempt, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	since := at.Add(-window)
	var a LoginAttempt
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(1, hashtext($1)), pg_advisory_xact_lock(2, hashtext($2))`, email, addr); err != nil {
			return err
		}
		var byEmail, byAddr int
		var oldestEmail, oldestAddr *time.Time
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FILTER (WHERE email = $1), count(*) FILTER (WHERE address = $2),
			       min(at) FILTER (WHERE email = $1), min(at) FILTER (WHERE address = $2)
			FROM login_failures WHERE at >= $3 AND (email = $1 OR address = $2)`,
			email, addr, since).Scan(&byEmail, &byAddr, &oldestEmail, &oldestAddr); err != nil {
			return err
		}
		a.Before = max(byEmail, byAddr)
		if byEmail >= maxEmail || byAddr >= maxAddr {
			a.Locked = true
			// The lock lasts until the oldest counted failure leaves the
			// window (no more than the limit are ever counted).
			if byEmail >= maxEmail && oldestEmail != nil {
				a.RetryAt = oldestEmail.Add(window)
			}
			if byAddr >= maxAddr && oldestAddr != nil && oldestAddr.Add(window).After(a.RetryAt) {
				a.RetryAt = oldestAddr.Add(window)
			}
			return nil
		}
		return tx.QueryRow(ctx, `
			WITH pruned AS (DELETE FROM login_failures WHERE at < $3::timestamptz - interval '1 day')
			INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3) RETURNING id`,
			email, addr, at).Scan(&a.ID)
	})
	if err != nil {
		return LoginAttempt{}, fmt.Errorf("TakeLoginAttempt: %w", err)
	}
	return a, nil
}

// ReleaseLoginAttempt forgets an admitted attempt that was never evaluated
// (the server was too busy to check the password): it was no failure.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, a LoginAttempt) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE id = $1`, a.ID); err != nil {
		return fmt.Errorf("ReleaseLoginAttempt: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets an account's failures after it signs in (the
// attempt that succeeded among them).
func (s *Store) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, strings.ToLower(strings.TrimSpace(email)))
	return err
}
