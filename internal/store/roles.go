package store

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// AppGroupRole is the group role that migration 000002 grants the app's
// rights to. The app logs in as a member of it, never as the schema's owner.
const AppGroupRole = "casework_app"

// EnsureAppLogin makes sure a login role named login exists and belongs to
// casework_app, connecting with ownerURL (which needs CREATEROLE), and returns
// ownerURL with login as its user and no password. It is for development and
// tests, where the cluster trusts local connections; an agency creates the
// login role with a password instead (docs/security.md).
func EnsureAppLogin(ctx context.Context, ownerURL, login string) (string, error) {
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return "", fmt.Errorf("EnsureAppLogin: %w", err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{login}.Sanitize()
	// Roles are cluster-wide and tests create databases in parallel: a
	// concurrent creation is not an error.
	_, err = conn.Exec(ctx, `DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = `+quoteLiteral(login)+`) THEN
        CREATE ROLE `+ident+` LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`)
	if err != nil {
		return "", fmt.Errorf("EnsureAppLogin: create role %s: %w", login, err)
	}
	if _, err := conn.Exec(ctx, "GRANT "+AppGroupRole+" TO "+ident); err != nil {
		return "", fmt.Errorf("EnsureAppLogin: grant %s to %s: %w", AppGroupRole, login, err)
	}
	u, err := url.Parse(ownerURL)
	if err != nil {
		return "", fmt.Errorf("EnsureAppLogin: %w", err)
	}
	u.User = url.User(login)
	return u.String(), nil
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// CheckLeastPrivilege refuses to serve over a connection that could rewrite
// the schema or the audit log: a superuser, or the owner of the app's tables.
func (s *Store) CheckLeastPrivilege(ctx context.Context) error {
	var user string
	var super, owns, member bool
	err := s.pool.QueryRow(ctx, `
		SELECT current_user,
		       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
		       EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user),
		       pg_has_role(current_user, $1, 'MEMBER')`, AppGroupRole).Scan(&user, &super, &owns, &member)
	if err != nil {
		return fmt.Errorf("CheckLeastPrivilege: %w", err)
	}
	switch {
	case super:
		return fmt.Errorf("DATABASE_URL connects as %q, a superuser: connect as a member of %s (docs/security.md)", user, AppGroupRole)
	case owns:
		return fmt.Errorf("DATABASE_URL connects as %q, which owns the schema: connect as a member of %s and run migrations with MIGRATION_DATABASE_URL (docs/security.md)", user, AppGroupRole)
	case !member:
		return fmt.Errorf("DATABASE_URL connects as %q, which is not a member of %s (docs/security.md)", user, AppGroupRole)
	}
	return nil
}
