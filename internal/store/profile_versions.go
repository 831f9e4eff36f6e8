package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// ProfileVersion is a profile version an administrator uploaded (migration
// 000050): kept for ever, never changed.
type ProfileVersion struct {
	ID          int64     `db:"id"`
	Profile     string    `db:"profile"`
	EffectiveOn time.Time `db:"effective_on"`
	File        string    `db:"file"`
	UploadedAt  time.Time `db:"uploaded_at"`
	UploadedBy  string    `db:"uploaded_by"`
}

// ProfileVersions lists every uploaded version of a profile, latest
// effective first (of the same day, latest upload first). Administrators
// only.
func (s *Store) ProfileVersions(ctx context.Context, v access.Viewer, profile string) ([]ProfileVersion, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, profile, effective_on, file, uploaded_at, uploaded_by
		FROM profile_versions WHERE profile = $1 ORDER BY effective_on DESC, id DESC`, profile)
	if err != nil {
		return nil, fmt.Errorf("ProfileVersions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ProfileVersion])
}

// PolicyProfile returns the built-in profile with the versions uploaded for
// it, or the agency's own profile made of its uploaded versions: what
// evaluation uses (facts carry it, see profileInForce). An id neither
// built in nor uploaded is not found.
func (s *Store) PolicyProfile(ctx context.Context, id string) (*rules.Profile, error) {
	var p *rules.Profile
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		p, err = policyProfile(ctx, tx, id)
		return err
	})
	return p, err
}

// policyProfile reads the uploaded versions of a profile, in upload order,
// onto the built-in one, or, for an agency's own profile, on their own. A
// stored version that no longer reads (the engine changed) is an error, not
// skipped: evaluating with the wrong rules would be worse than no answer.
func policyProfile(ctx context.Context, tx pgx.Tx, id string) (*rules.Profile, error) {
	base, builtin := rules.LookupProfile(id)
	rows, err := tx.Query(ctx, `SELECT id, effective_on, file FROM profile_versions WHERE profile = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("profile versions of %s: %w", id, err)
	}
	var uploaded []rules.Version
	var rowID int64
	var on time.Time
	var file, latest string
	_, err = pgx.ForEachRow(rows, []any{&rowID, &on, &file}, func() error {
		ver, problems := rules.ReadVersion(id, dateOf(on), []byte(file))
		if len(problems) > 0 {
			return fmt.Errorf("profile version %d of %s no longer reads: %v", rowID, id, problems[0])
		}
		uploaded = append(uploaded, ver)
		latest = file
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case builtin && len(uploaded) == 0:
		return base, nil
	case builtin:
		return base.WithVersions(uploaded), nil
	case len(uploaded) == 0:
		return nil, ErrNotFound
	}
	name := id
	if p, problems := rules.ParseProfile([]byte(latest)); len(problems) == 0 {
		name = p.Name
	}
	return rules.OwnProfile(id, name, uploaded), nil
}

// OwnProfile is an agency's own profile: one uploaded with an id no
// built-in profile has.
type OwnProfile struct {
	ID, Name string
}

// OwnProfiles lists the agency's own profiles, by id, named as their latest
// upload names them: what the policy page offers beside the built-in ones.
// Administrators only.
func (s *Store) OwnProfiles(ctx context.Context, v access.Viewer) ([]OwnProfile, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (profile) profile, file FROM profile_versions
		WHERE NOT (profile = ANY($1)) ORDER BY profile, id DESC`, rules.ProfileIDs())
	if err != nil {
		return nil, fmt.Errorf("OwnProfiles: %w", err)
	}
	var out []OwnProfile
	var id, file string
	_, err = pgx.ForEachRow(rows, []any{&id, &file}, func() error {
		op := OwnProfile{ID: id, Name: id}
		if p, problems := rules.ParseProfile([]byte(file)); len(problems) == 0 {
			op.Name = p.Name
		}
		out = append(out, op)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("OwnProfiles: %w", err)
	}
	return out, nil
}

// UploadProfileVersion keeps an uploaded profile file as a version of its
// profile from the date, and audits it. The file must read cleanly as that
// profile (rules.ReadVersion); its problems come back as ProfileProblems.
// A profile id no built-in profile has is the agency's own profile: its
// first upload starts it (it is in force once chosen, see ChoosePolicy).
func (s *Store) UploadProfileVersion(ctx context.Context, v access.Viewer, profile string, effective time.Time, file []byte) (int64, error) {
	if !v.Is(access.Administrator) {
		return 0, ErrNotFound
	}
	if profile == "" {
		return 0, FieldErrors{"profile": "Choose a profile."}
	}
	ver, problems := rules.ReadVersion(profile, dateOf(effective), file)
	if len(problems) > 0 {
		return 0, ProfileProblems(problems)
	}
	sum := sha256.Sum256(file)
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `
			INSERT INTO profile_versions (profile, effective_on, file, uploaded_at, uploaded_by)
			VALUES ($1, $2, $3, clock_timestamp(), $4) RETURNING id`, profile, effective, string(file), v.Name).Scan(&id); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "uploaded", Entity: "profile_version", EntityID: fmt.Sprint(id), Detail: map[string]any{
			"profile": profile, "effective_on": effective.Format(time.DateOnly), "sha256": hex.EncodeToString(sum[:]),
			"bytes": len(file), "rules": len(ver.Rules), "changes": ver.Changes, "own_profile": !rules.IsBuiltin(profile),
		}})
	})
	if err != nil {
		return 0, fmt.Errorf("UploadProfileVersion: %w", err)
	}
	return id, nil
}

// ProfileProblems are the problems of an uploaded profile file, each with
// its line and field.
type ProfileProblems []rules.ProfileError

func (p ProfileProblems) Error() string {
	if len(p) == 0 {
		return "profile file: no problems"
	}
	return fmt.Sprintf("profile file: %d problems, the first %s", len(p), p[0].Error())
}
