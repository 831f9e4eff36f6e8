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
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/fault"
)

// The administration of people and their positions over time. Every change
// is recorded in the audit log with what it was before and after, in the
// same transaction. Nobody is ever deleted: a person who leaves is
// deactivated, and their records stay.

// FieldErrors are problems with a form, by field, for people to read.
type FieldErrors = fault.Fields

// AdminPerson is domain.AdminPerson: what the store returns and the views take.
type AdminPerson = domain.AdminPerson

// Post is domain.Post: what the store returns and the views take.
type Post = domain.Post

// PeopleFilter is domain.PeopleFilter: what the store returns and the views take.
type PeopleFilter = domain.PeopleFilter

const adminPersonSQL = `
	SELECT p.id, p.source_id, p.full_name, p.email, p.role, p.office_id, o.name AS office, p.experience_start, p.active,
	       p.password_hash IS NOT NULL AS has_password, p.must_change_password,
	       coalesce(CASE p.role
	         WHEN 'worker' THEN (SELECT 'member of ' || u.name || ' since ' || lower(m.during) FROM unit_members m JOIN units u ON u.id = m.unit_id
	                             WHERE m.worker_id = p.id AND m.during @> $1::date)
	         WHEN 'supervisor' THEN (SELECT 'supervisor of ' || u.name || ' since ' || lower(s.during) FROM unit_supervisors s JOIN units u ON u.id = s.unit_id
	                                 WHERE s.supervisor_id = p.id AND s.during @> $1::date)
	         WHEN 'casework_supervisor' THEN (SELECT count(*) || ' supervisors report to them' FROM supervisor_reports r
	                                          WHERE r.casework_supervisor_id = p.id AND r.during @> $1::date)
	       END, '') AS post
	FROM people p LEFT JOIN offices o ON o.id = p.office_id`

// AdminPeople lists people (administrators only), by name.
func (s *Store) AdminPeople(ctx context.Context, v access.Viewer, f PeopleFilter, on time.Time) ([]AdminPerson, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, adminPersonSQL+`
		WHERE ($2::text = '' OR p.role = $2) AND ($3::bigint = 0 OR p.office_id = $3) AND (p.active OR $4)
		  AND ($5::text = '' OR p.full_name ILIKE '%' || $5 || '%' OR p.email ILIKE '%' || $5 || '%' OR p.source_id = $5)
		ORDER BY p.full_name, p.id LIMIT 1000`, on, f.Role, f.OfficeID, f.Inactive, strings.TrimSpace(f.Search))
	if err != nil {
		return nil, fmt.Errorf("AdminPeople: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AdminPerson])
}

// AdminPersonByID returns one person and their positions over time.
func (s *Store) AdminPersonByID(ctx context.Context, v access.Viewer, id int64, on time.Time) (AdminPerson, []Post, error) {
	var p AdminPerson
	if !v.Is(access.Administrator) {
		return p, nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, adminPersonSQL+` WHERE p.id = $2`, on, id)
	if err != nil {
		return p, nil, fmt.Errorf("AdminPersonByID: %w", err)
	}
	p, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[AdminPerson])
	if err != nil {
		return p, nil, notFound(err)
	}
	rows, err = s.pool.Query(ctx, `
		SELECT 'member of' AS what, u.name || ' (' || o.name || ')' AS target, lower(m.during) AS since, upper(m.during) AS until
		FROM unit_members m JOIN units u ON u.id = m.unit_id JOIN offices o ON o.id = u.office_id WHERE m.worker_id = $1
		UNION ALL
		SELECT 'supervisor of', u.name || ' (' || o.name || ')', lower(s.during), upper(s.during)
		FROM unit_supervisors s JOIN units u ON u.id = s.unit_id JOIN offices o ON o.id = u.office_id WHERE s.supervisor_id = $1
		UNION ALL
		SELECT 'reports to', c.full_name, lower(r.during), upper(r.during)
		FROM supervisor_reports r JOIN people c ON c.id = r.casework_supervisor_id WHERE r.supervisor_id = $1
		UNION ALL
		SELECT 'supervised by them', s.full_name, lower(r.during), upper(r.during)
		FROM supervisor_reports r JOIN people s ON s.id = r.supervisor_id WHERE r.casework_supervisor_id = $1
		ORDER BY since DESC, what`, id)
	if err != nil {
		return p, nil, fmt.Errorf("AdminPersonByID: %w", err)
	}
	posts, err := pgx.CollectRows(rows, pgx.RowToStructByName[Post])
	return p, posts, err
}

// PersonForm is domain.PersonForm: what the store returns and the views take.
type PersonForm = domain.PersonForm

// checkPerson says what is wrong with a person's form, by field.
func checkPerson(f PersonForm) FieldErrors {
	fe := FieldErrors{}
	if strings.TrimSpace(f.FullName) == "" {
		fe["full_name"] = "Enter the person's name."
	}
	e := strings.ToLower(strings.TrimSpace(f.Email))
	if at := strings.LastIndex(e, "@"); at < 1 || at == len(e)-1 || strings.ContainsAny(e, " ,;<>") {
		fe["email"] = "Enter an email address."
	}
	if _, err := access.ParseRole(f.Role); err != nil {
		fe["role"] = "Choose a role."
	}
	if !f.ExperienceStart.IsZero() && f.Role != string(access.Worker) {
		fe["experience_start"] = "Only a worker has an experience start."
	}
	return fe
}

// uniqueProblem maps a unique violation on people to the field concerned.
func uniqueProblem(err error) FieldErrors {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		switch {
		case strings.Contains(pg.ConstraintName, "email"):
			return FieldErrors{"email": "Another person already has this address."}
		case strings.Contains(pg.ConstraintName, "source_id"):
			return FieldErrors{"source_id": "Another person already has this id."}
		}
	}
	return nil
}

func personSnapshot(f PersonForm) map[string]any {
	m := map[string]any{"source_id": f.SourceID, "full_name": f.FullName, "email": f.Email, "role": f.Role, "office_id": f.OfficeID}
	if !f.ExperienceStart.IsZero() {
		m["experience_start"] = f.ExperienceStart.Format(time.DateOnly)
	}
	return m
}

// CreatePerson adds a person without a password (an administrator issues a
// temporary one). Problems with the form come back as FieldErrors.
func (s *Store) CreatePerson(ctx context.Context, v access.Viewer, f PersonForm) (int64, error) {
	if !v.Is(access.Administrator) {
		return 0, ErrNotFound
	}
	f.Email = strings.ToLower(strings.TrimSpace(f.Email))
	f.FullName, f.SourceID = strings.TrimSpace(f.FullName), strings.TrimSpace(f.SourceID)
	if fe := checkPerson(f); len(fe) > 0 {
		return 0, fe
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO people (source_id, email, full_name, role, office_id, experience_start, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp()) RETURNING id`,
			nullString(f.SourceID), f.Email, f.FullName, f.Role, nullID(f.OfficeID), nullDate(f.ExperienceStart)).Scan(&id)
		if err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "person", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"after": personSnapshot(f)}})
	})
	if fe := uniqueProblem(err); fe != nil {
		return 0, fe
	}
	if err != nil {
		return 0, fmt.Errorf("CreatePerson: %w", err)
	}
	return id, nil
}

// UpdatePerson changes a person's details (not their role: a person's role
// changes with a new account, since their records belong to the old one).
func (s *Store) UpdatePerson(ctx context.Context, v access.Viewer, id int64, f PersonForm) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	f.Email = strings.ToLower(strings.TrimSpace(f.Email))
	f.FullName, f.SourceID = strings.TrimSpace(f.FullName), strings.TrimSpace(f.SourceID)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var before PersonForm
		var source *string
		var office *int64
		var exp *time.Time
		err := tx.QueryRow(ctx, `SELECT source_id, full_name, email, role, office_id, experience_start FROM people WHERE id = $1 FOR UPDATE`, id).
			Scan(&source, &before.FullName, &before.Email, &before.Role, &office, &exp)
		if err != nil {
			return notFound(err)
		}
		if source != nil {
			before.SourceID = *source
		}
		if office != nil {
			before.OfficeID = *office
		}
		if exp != nil {
			before.ExperienceStart = *exp
		}
		f.Role = before.Role
		if fe := checkPerson(f); len(fe) > 0 {
			return fe
		}
		if _, err := tx.Exec(ctx, `
			UPDATE people SET source_id = $2, full_name = $3, email = $4, office_id = $5, experience_start = $6 WHERE id = $1`,
			id, nullString(f.SourceID), f.FullName, f.Email, nullID(f.OfficeID), nullDate(f.ExperienceStart)); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "person", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"before": personSnapshot(before), "after": personSnapshot(f)}})
	})
	if fe := uniqueProblem(err); fe != nil {
		return fe
	}
	var fe FieldErrors
	if errors.As(err, &fe) || errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("UpdatePerson(%d): %w", id, err)
	}
	return nil
}

// SetActive deactivates a person (their sessions end at their next request;
// their records stay) or reactivates them. An administrator cannot
// deactivate themselves.
func (s *Store) SetActive(ctx context.Context, v access.Viewer, id int64, active bool) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	if id == v.PersonID && !active {
		return FieldErrors{"active": "You cannot deactivate your own account."}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var was bool
		if err := tx.QueryRow(ctx, `SELECT active FROM people WHERE id = $1 FOR UPDATE`, id).Scan(&was); err != nil {
			return notFound(err)
		}
		if was == active {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET active = $2, sessions_valid_after = now() WHERE id = $1`, id, active); err != nil {
			return err
		}
		action := "deactivated"
		if active {
			action = "reactivated"
		}
		return audit(ctx, tx, v, AuditEntry{Action: action, Entity: "person", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"before": map[string]any{"active": was}, "after": map[string]any{"active": active}}})
	})
}

// SetTemporaryPassword stores the hash of a temporary password an
// administrator issued: the person must choose their own at next sign-in.
// The log records the reset, never the password or its hash.
func (s *Store) SetTemporaryPassword(ctx context.Context, v access.Viewer, id int64, hash string) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var had bool
		err := tx.QueryRow(ctx, `
			UPDATE people p SET password_hash = $2, must_change_password = true, sessions_valid_after = now()
			FROM (SELECT id, password_hash IS NOT NULL AS had FROM people WHERE id = $1 FOR UPDATE) o
			WHERE p.id = o.id AND p.active RETURNING o.had`, id, hash).Scan(&had)
		if err != nil {
			return notFound(err)
		}
		action := "password_issued"
		if had {
			action = "password_reset"
			if err := enqueuePasswordReset(ctx, tx, id, v.PersonID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, v, AuditEntry{Action: action, Entity: "person", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"after": map[string]any{"must_change_password": true}}})
	})
}

// NewPost gives a person a new post from a date, keeping history: a worker
// joins a unit, a supervisor takes a unit over (its supervisor until then
// hands it over that day), a supervisor reports to a casework supervisor.
// target is the unit, or the casework supervisor. A date before the post
// already recorded is refused (FieldErrors).
func (s *Store) NewPost(ctx context.Context, v access.Viewer, id, target int64, since time.Time) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var role string
		if err := tx.QueryRow(ctx, `SELECT role FROM people WHERE id = $1 FOR UPDATE`, id).Scan(&role); err != nil {
			return notFound(err)
		}
		var pt posTable
		var what string
		switch role {
		case "worker":
			pt, what = unitMembersPos, "unit"
		case "supervisor":
			pt, what = unitSupervisorsPos, "unit"
			var isCWS bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1 AND role = 'casework_supervisor')`, target).Scan(&isCWS); err != nil {
				return err
			}
			if isCWS {
				pt, what = supervisorReportsPos, "reports_to"
			}
		default:
			return FieldErrors{"target": "Only workers and supervisors hold posts here."}
		}
		if what == "unit" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE id = $1 AND active)`, target).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return FieldErrors{"target": "Choose an active unit."}
			}
		}
		if err := tempTable(ctx, tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pos_stage VALUES (1, $1, $2, $3)`, id, target, since); err != nil {
			return err
		}
		if pt == unitSupervisorsPos {
			if problems, err := handOverUnits(ctx, tx); err != nil {
				return err
			} else if len(problems) > 0 {
				return FieldErrors{"since": problems[0].msg}
			}
		}
		var c exchange.Count
		ps, err := upsertPositions(ctx, tx, pt, &c)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			return FieldErrors{"since": "That date is before the post already recorded from " + ps[0].since + "; history is not rewritten."}
		}
		return audit(ctx, tx, v, AuditEntry{Action: "new_post", Entity: "person", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"after": map[string]any{"table": pt.table, "target": target, "since": since.Format(time.DateOnly)}}})
	})
	var fe FieldErrors
	if errors.As(err, &fe) || errors.Is(err, ErrNotFound) {
		return err
	}
	if p, ok := dbProblem(err); ok {
		return FieldErrors{"since": p.Msg}
	}
	if err != nil {
		return fmt.Errorf("NewPost(%d): %w", id, err)
	}
	return nil
}

// handOverUnits: for each supervisor post staged in pos_stage, the
// supervisor already over that unit hands it over on the new post's date;
// one whose own post there begins on or after that date is a problem.
func handOverUnits(ctx context.Context, tx pgx.Tx) ([]rowMsg, error) {
	rows, err := tx.Query(ctx, `
		SELECT s.row_no, format('%s already supervises this unit from %s, on or after %s', p.full_name, lower(o.during), s.since)
		FROM pos_stage s JOIN unit_supervisors o ON o.unit_id = s.target AND o.supervisor_id <> s.person AND lower(o.during) >= s.since
		JOIN people p ON p.id = o.supervisor_id ORDER BY s.row_no`)
	if err != nil {
		return nil, err
	}
	var out []rowMsg
	var m rowMsg
	if _, err := pgx.ForEachRow(rows, []any{&m.row, &m.msg}, func() error { out = append(out, m); return nil }); err != nil {
		return nil, err
	}
	if len(out) > 0 {
		return out, nil
	}
	_, err = tx.Exec(ctx, `
		UPDATE unit_supervisors o SET during = daterange(lower(o.during), s.since)
		FROM pos_stage s
		WHERE o.unit_id = s.target AND o.supervisor_id <> s.person
		  AND lower(o.during) < s.since AND (upper(o.during) IS NULL OR upper(o.during) > s.since)`)
	return nil, err
}

type rowMsg struct {
	row int
	msg string
}

// PasswordReset is an administrator's reset of a person's password as the
// person is told of it at sign-in: who, when, and the sign-ins to the account
// since then (before the one being made), the latest with its address.
type PasswordReset struct {
	By            string
	At            time.Time
	SignInsSince  int
	LastSignIn    *time.Time
	LastSignInFor string // its address
}

// ResetNoticeDays is how long after a reset each sign-in shows its notice.
const ResetNoticeDays = 14

// RecentPasswordReset finds the latest reset (or first issue) of the
// person's password by an administrator within ResetNoticeDays, from the
// audit log, which the app cannot rewrite; ok is false when there is none.
func (s *Store) RecentPasswordReset(ctx context.Context, personID int64) (PasswordReset, bool, error) {
	var r PasswordReset
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce(p.full_name, 'an administrator'), a.at,
		       (SELECT count(*) FROM audit_log s WHERE s.actor_id = $1 AND s.action = 'signed_in' AND s.at > a.at),
		       l.at, coalesce(l.remote_addr, '')
		FROM audit_log a
		LEFT JOIN people p ON p.id = a.actor_id
		LEFT JOIN LATERAL (SELECT s.at, s.remote_addr FROM audit_log s
		                   WHERE s.actor_id = $1 AND s.action = 'signed_in' AND s.at > a.at
		                   ORDER BY s.at DESC LIMIT 1) l ON true
		WHERE a.entity = 'person' AND a.entity_id = $1::text AND a.action IN ('password_reset', 'password_issued')
		  AND a.at > now() - make_interval(days => $2)
		ORDER BY a.at DESC LIMIT 1`, personID, ResetNoticeDays).Scan(&r.By, &r.At, &r.SignInsSince, &r.LastSignIn, &r.LastSignInFor)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("RecentPasswordReset: %w", err)
	}
	return r, true, nil
}
