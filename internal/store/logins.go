package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// LoginFailures counts failed sign-ins since a moment, for one email typed
// (whether or not it has an account) and for one client address.
func (s *Store) LoginFailures(ctx context.Context, email, addr string, since time.Time) (byEmail, byAddr int, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE email = $1), count(*) FILTER (WHERE address = $2)
		FROM login_failures WHERE at >= $3 AND (email = $1 OR address = $2)`,
		strings.ToLower(strings.TrimSpace(email)), addr, since).Scan(&byEmail, &byAddr)
	if err != nil {
		return 0, 0, fmt.Errorf("LoginFailures: %w", err)
	}
	return byEmail, byAddr, nil
}

// RecordLoginFailure notes a failed sign-in and forgets failures older than a
// day, which no lockout window reaches.
func (s *Store) RecordLoginFailure(ctx context.Context, email, addr string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `
		WITH pruned AS (DELETE FROM login_failures WHERE at < $3::timestamptz - interval '1 day')
		INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)`,
		strings.ToLower(strings.TrimSpace(email)), addr, at)
	if err != nil {
		return fmt.Errorf("RecordLoginFailure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets an account's failures after it signs in.
func (s *Store) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, strings.ToLower(strings.TrimSpace(email)))
	return err
}
