package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Dataset is a whole agency in memory, with ids chosen by whoever built it (the
// demo and state generators, imports). LoadDataset writes it with COPY, so a
// large agency loads in one pass and memory is the caller's choice.
// Zero time.Time values are written as NULL.
type Dataset struct {
	AgencyName        string
	TimeZone          string
	Profile           string
	ProfileEffective  time.Time
	CreatedAt         time.Time // stamped on every row that records when it was entered
	Offices           []Office
	People            []Person
	Units             []Unit
	UnitSupervisors   []Position // A = unit, B = supervisor
	UnitMembers       []Position // A = unit, B = worker
	SupervisorReports []Position // A = casework supervisor, B = supervisor
	Cases             []Case
	Assignments       []Position // A = case, B = worker
	Risks             []Risk
	Events            []Event
	Conferences       []Conference
	ConferenceCases   []ConferenceCase
	NextSteps         []NextStep
}

type Office struct {
	ID     int64
	Name   string
	County string
}

type Person struct {
	ID                 int64
	SourceID           string
	Email              string
	FullName           string
	Role               string
	OfficeID           int64 // 0: none
	ExperienceStart    time.Time
	PasswordHash       string
	MustChangePassword bool
}

type Unit struct {
	ID       int64
	OfficeID int64
	Name     string
}

// Position is one row of a position-over-time table: A holds B from Since
// until Until (exclusive; zero means still).
type Position struct {
	A, B         int64
	Since, Until time.Time
}

type Case struct {
	ID            int64
	CaseNumber    string
	FamilyName    string
	OfficeID      int64
	Setting       string
	PlacementDate time.Time
	Goal          string
	CourtInvolved bool
	CourtNext     time.Time
	SCRAssigned   time.Time
	Received      time.Time
	Closing       time.Time
	Closed        time.Time
}

type Risk struct {
	CaseID     int64
	Level      string
	AssessedOn time.Time
	RecordedBy int64
}

type Event struct {
	CaseID       int64
	Kind         string
	OccurredOn   time.Time
	RecordedBy   int64
	DocumentedOn time.Time
	Approval     string
}

type Conference struct {
	ID                   int64
	Kind                 string
	HeldOn               time.Time
	SupervisorID         int64
	WorkerID             int64 // supervision
	CaseworkSupervisorID int64 // casework_review
	Status               string
	EnteredAt            time.Time
	SignedAt             time.Time
	SharedAt             time.Time
	AcknowledgedAt       time.Time
}

type ConferenceCase struct {
	ConferenceID int64
	CaseID       int64
	Position     int
	Progress     string
	Notes        string
}

type NextStep struct {
	ConferenceID int64
	CaseID       int64
	Description  string
	OwnerID      int64
	DueOn        time.Time
	DoneOn       time.Time
}

// LoadDataset writes d into an empty database in one transaction. It refuses
// a database that already holds an agency: seeding is for new databases, so
// nothing real is ever overwritten (`make db-reset` starts over).
func (s *Store) LoadDataset(ctx context.Context, d *Dataset) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM agency) OR EXISTS (SELECT 1 FROM people)").Scan(&exists); err != nil {
			return fmt.Errorf("LoadDataset: %w", err)
		}
		if exists {
			return fmt.Errorf("LoadDataset: the database already holds an agency; seed a new database (make db-reset)")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO agency (name, time_zone) VALUES ($1, $2)", d.AgencyName, d.TimeZone); err != nil {
			return fmt.Errorf("LoadDataset: agency: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by)
			VALUES ($1, $2, $3, 'seed')`, d.Profile, d.ProfileEffective, d.CreatedAt); err != nil {
			return fmt.Errorf("LoadDataset: profile: %w", err)
		}
		at := d.CreatedAt
		copies := []struct {
			table string
			cols  []string
			n     int
			row   func(i int) []any
		}{
			{"offices", []string{"id", "name", "county"}, len(d.Offices), func(i int) []any {
				o := d.Offices[i]
				return []any{o.ID, o.Name, o.County}
			}},
			{"people", []string{"id", "source_id", "email", "full_name", "role", "office_id", "experience_start", "password_hash", "must_change_password", "created_at"}, len(d.People), func(i int) []any {
				p := d.People[i]
				return []any{p.ID, nullString(p.SourceID), p.Email, p.FullName, p.Role, nullID(p.OfficeID), nullDate(p.ExperienceStart), nullString(p.PasswordHash), p.MustChangePassword, at}
			}},
			{"units", []string{"id", "office_id", "name"}, len(d.Units), func(i int) []any {
				u := d.Units[i]
				return []any{u.ID, u.OfficeID, u.Name}
			}},
			{"unit_supervisors", []string{"unit_id", "supervisor_id", "during"}, len(d.UnitSupervisors), func(i int) []any {
				p := d.UnitSupervisors[i]
				return []any{p.A, p.B, dateRange(p.Since, p.Until)}
			}},
			{"unit_members", []string{"unit_id", "worker_id", "during"}, len(d.UnitMembers), func(i int) []any {
				p := d.UnitMembers[i]
				return []any{p.A, p.B, dateRange(p.Since, p.Until)}
			}},
			{"supervisor_reports", []string{"casework_supervisor_id", "supervisor_id", "during"}, len(d.SupervisorReports), func(i int) []any {
				p := d.SupervisorReports[i]
				return []any{p.A, p.B, dateRange(p.Since, p.Until)}
			}},
			{"cases", []string{"id", "case_number", "family_name", "office_id", "setting", "placement_date", "goal", "court_involved", "court_next", "scr_assigned", "received", "closing", "closed", "created_at"}, len(d.Cases), func(i int) []any {
				c := d.Cases[i]
				return []any{c.ID, c.CaseNumber, c.FamilyName, c.OfficeID, c.Setting, nullDate(c.PlacementDate), c.Goal, c.CourtInvolved, nullDate(c.CourtNext), nullDate(c.SCRAssigned), nullDate(c.Received), nullDate(c.Closing), nullDate(c.Closed), at}
			}},
			{"case_assignments", []string{"case_id", "worker_id", "during"}, len(d.Assignments), func(i int) []any {
				p := d.Assignments[i]
				return []any{p.A, p.B, dateRange(p.Since, p.Until)}
			}},
			{"risk_assessments", []string{"case_id", "level", "assessed_on", "recorded_by", "recorded_at"}, len(d.Risks), func(i int) []any {
				r := d.Risks[i]
				return []any{r.CaseID, r.Level, r.AssessedOn, nullID(r.RecordedBy), endOfDay(r.AssessedOn)}
			}},
			{"events", []string{"case_id", "kind", "occurred_on", "recorded_by", "recorded_at", "documented_on", "approval"}, len(d.Events), func(i int) []any {
				e := d.Events[i]
				approval := e.Approval
				if approval == "" {
					approval = "not_required"
				}
				return []any{e.CaseID, e.Kind, e.OccurredOn, nullID(e.RecordedBy), endOfDay(e.OccurredOn), nullDate(e.DocumentedOn), approval}
			}},
			// Conferences go in as drafts: a signed record's cases cannot be
			// added afterwards (migration 000003). Their lifecycle is applied
			// below, once their cases and next steps are in.
			{"conferences", []string{"id", "kind", "held_on", "supervisor_id", "worker_id", "casework_supervisor_id", "status", "created_by", "entered_at", "updated_at"}, len(d.Conferences), func(i int) []any {
				k := d.Conferences[i]
				return []any{k.ID, k.Kind, k.HeldOn, k.SupervisorID, nullID(k.WorkerID), nullID(k.CaseworkSupervisorID), "draft", conferenceAuthor(k), k.EnteredAt, k.EnteredAt}
			}},
			{"conference_cases", []string{"conference_id", "case_id", "position", "progress", "notes"}, len(d.ConferenceCases), func(i int) []any {
				c := d.ConferenceCases[i]
				return []any{c.ConferenceID, c.CaseID, c.Position, nullString(c.Progress), c.Notes}
			}},
			{"next_steps", []string{"conference_id", "case_id", "description", "owner_id", "due_on", "done_on"}, len(d.NextSteps), func(i int) []any {
				n := d.NextSteps[i]
				return []any{n.ConferenceID, nullID(n.CaseID), n.Description, n.OwnerID, n.DueOn, nullDate(n.DoneOn)}
			}},
		}
		for _, c := range copies {
			src := pgx.CopyFromSlice(c.n, func(i int) ([]any, error) { return c.row(i), nil })
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, src); err != nil {
				return fmt.Errorf("LoadDataset: copy %s: %w", c.table, err)
			}
		}
		if err := applyLifecycle(ctx, tx, d.Conferences); err != nil {
			return fmt.Errorf("LoadDataset: %w", err)
		}
		// COPY fires row triggers, so the role and hierarchy checks of the schema
		// held for every row above. Now move each identity past the ids the dataset chose.
		for _, t := range []string{"offices", "people", "units", "unit_supervisors", "unit_members", "supervisor_reports",
			"cases", "case_assignments", "risk_assessments", "events", "conferences", "next_steps"} {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT max(id) FROM %s), 0) + 1, false)", t, t)
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("LoadDataset: sequence %s: %w", t, err)
			}
		}
		return nil
	})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func idIf(id int64, ok bool) any {
	if !ok {
		return nil
	}
	return id
}

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return pgtype.Date{Time: t, Valid: true}
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// endOfDay stamps a record made on a date at 17:00 UTC of that day: the
// generators have no clock, and a fixed stamp keeps their output deterministic.
func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, time.UTC)
}

func dateRange(since, until time.Time) pgtype.Range[pgtype.Date] {
	r := pgtype.Range[pgtype.Date]{
		Lower:     pgtype.Date{Time: since, Valid: true},
		LowerType: pgtype.Inclusive,
		UpperType: pgtype.Unbounded,
		Valid:     true,
	}
	if !until.IsZero() {
		r.Upper = pgtype.Date{Time: until, Valid: true}
		r.UpperType = pgtype.Exclusive
	}
	return r
}

func conferenceAuthor(k Conference) int64 {
	if k.Kind == "casework_review" {
		return k.CaseworkSupervisorID
	}
	return k.SupervisorID
}

// applyLifecycle moves bulk-loaded conferences from draft to their status,
// through a staging table, in one set-based UPDATE.
func applyLifecycle(ctx context.Context, tx pgx.Tx, ks []Conference) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE lifecycle (id bigint PRIMARY KEY, status text, signed_at timestamptz,
		signed_by bigint, shared_at timestamptz, shared_by bigint, acknowledged_at timestamptz, acknowledged_by bigint) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("lifecycle: %w", err)
	}
	var rows [][]any
	for _, k := range ks {
		if k.Status == "draft" || k.Status == "" {
			continue
		}
		author := conferenceAuthor(k)
		rows = append(rows, []any{k.ID, k.Status, nullTime(k.SignedAt), idIf(author, !k.SignedAt.IsZero()),
			nullTime(k.SharedAt), idIf(author, !k.SharedAt.IsZero()), nullTime(k.AcknowledgedAt), idIf(k.WorkerID, !k.AcknowledgedAt.IsZero())})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"lifecycle"}, []string{"id", "status", "signed_at", "signed_by", "shared_at", "shared_by", "acknowledged_at", "acknowledged_by"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("lifecycle: %w", err)
	}
	_, err := tx.Exec(ctx, `UPDATE conferences k SET status = l.status, signed_at = l.signed_at, signed_by = l.signed_by,
		shared_at = l.shared_at, shared_by = l.shared_by, acknowledged_at = l.acknowledged_at, acknowledged_by = l.acknowledged_by
		FROM lifecycle l WHERE l.id = k.id`)
	if err != nil {
		return fmt.Errorf("lifecycle: %w", err)
	}
	return nil
}
