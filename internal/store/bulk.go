package store

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoadChunks writes an agency too large to hold in memory into an empty
// database, in one transaction, through COPY. chunks yields the agency as a
// sequence of small datasets (the state generator yields one unit at a time);
// it is walked once per table, so it must yield the same rows every time, and
// memory stays that of one chunk whatever the size of the agency. head gives
// the agency's name, zone, profile and creation stamp.
//
// The schema's triggers stay on: every row is checked by the same role,
// hierarchy and frozen-record triggers as a row written by the app.
// Conferences go in as drafts (a signed record's cases cannot be added
// afterwards, migration 000003) and their lifecycle is applied at the end in
// one set-based UPDATE. progress, when not nil, hears of each table loaded.
func (s *Store) LoadChunks(ctx context.Context, head *Dataset, chunks iter.Seq[*Dataset], progress func(table string, rows int64, took time.Duration)) error {
	if progress == nil {
		progress = func(string, int64, time.Duration) {}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM agency) OR EXISTS (SELECT 1 FROM people)").Scan(&exists); err != nil {
			return fmt.Errorf("LoadDataset: %w", err)
		}
		if exists {
			return fmt.Errorf("LoadDataset: the database already holds an agency; seed a new database (make db-reset)")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO agency (name, time_zone) VALUES ($1, $2)", head.AgencyName, head.TimeZone); err != nil {
			return fmt.Errorf("LoadDataset: agency: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by)
			VALUES ($1, $2, $3, 'seed')`, head.Profile, head.ProfileEffective, head.CreatedAt); err != nil {
			return fmt.Errorf("LoadDataset: profile: %w", err)
		}
		for _, t := range bulkTables(head.CreatedAt) {
			start := time.Now()
			src := newChunkSource(chunks, t.n, t.row, nil)
			n, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, src)
			src.close()
			if err != nil {
				return fmt.Errorf("LoadDataset: copy %s: %w", t.table, err)
			}
			progress(t.table, n, time.Since(start))
		}
		if err := loadSmallTables(ctx, tx, chunks, progress); err != nil {
			return fmt.Errorf("LoadDataset: %w", err)
		}
		start := time.Now()
		n, err := applyLifecycle(ctx, tx, chunks)
		if err != nil {
			return fmt.Errorf("LoadDataset: %w", err)
		}
		progress("conference lifecycle", n, time.Since(start))
		// Tables of a few rows may never reach autovacuum's threshold (50
		// rows changed): without statistics the planner reads a one-row
		// agency as 850 rows and a dozen emergent requests as thousands,
		// and a page's facts query is then costly enough to be compiled
		// (JIT, a second or more each time). Their statistics are taken now;
		// the large tables reach the threshold (and a state's load ends with
		// VACUUM ANALYZE, Analyze).
		start = time.Now()
		if _, err := tx.Exec(ctx, `ANALYZE agency, profile_choices, offices, units, unit_supervisors, supervisor_reports,
			case_mvr, case_siblings_apart, emergent_requests, mvr_reviews`); err != nil {
			return fmt.Errorf("LoadDataset: analyze: %w", err)
		}
		progress("analyze small tables", 0, time.Since(start))
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

// Analyze refreshes the planner's statistics and the visibility map after a
// bulk load (VACUUM cannot run inside the load's transaction).
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "VACUUM (ANALYZE)")
	return err
}

// bulkTable is one table of a bulk load: its columns, and how to count and
// write the rows a chunk holds for it.
type bulkTable struct {
	table string
	cols  []string
	n     func(d *Dataset) int
	row   func(d *Dataset, i int) []any
}

func bulkTables(at time.Time) []bulkTable {
	return []bulkTable{
		{"offices", []string{"id", "name", "county"}, func(d *Dataset) int { return len(d.Offices) }, func(d *Dataset, i int) []any {
			o := d.Offices[i]
			return []any{o.ID, o.Name, o.County}
		}},
		{"people", []string{"id", "source_id", "email", "full_name", "role", "office_id", "experience_start", "password_hash", "must_change_password", "active", "created_at"},
			func(d *Dataset) int { return len(d.People) }, func(d *Dataset, i int) []any {
				p := d.People[i]
				return []any{p.ID, nullString(p.SourceID), p.Email, p.FullName, p.Role, nullID(p.OfficeID), nullDate(p.ExperienceStart), nullString(p.PasswordHash), p.MustChangePassword, !p.Inactive, at}
			}},
		{"units", []string{"id", "office_id", "name"}, func(d *Dataset) int { return len(d.Units) }, func(d *Dataset, i int) []any {
			u := d.Units[i]
			return []any{u.ID, u.OfficeID, u.Name}
		}},
		{"unit_supervisors", []string{"unit_id", "supervisor_id", "during"}, func(d *Dataset) int { return len(d.UnitSupervisors) }, func(d *Dataset, i int) []any {
			p := d.UnitSupervisors[i]
			return []any{p.A, p.B, dateRange(p.Since, p.Until)}
		}},
		{"unit_members", []string{"unit_id", "worker_id", "during"}, func(d *Dataset) int { return len(d.UnitMembers) }, func(d *Dataset, i int) []any {
			p := d.UnitMembers[i]
			return []any{p.A, p.B, dateRange(p.Since, p.Until)}
		}},
		{"supervisor_reports", []string{"casework_supervisor_id", "supervisor_id", "during"}, func(d *Dataset) int { return len(d.SupervisorReports) }, func(d *Dataset, i int) []any {
			p := d.SupervisorReports[i]
			return []any{p.A, p.B, dateRange(p.Since, p.Until)}
		}},
		{"cases", []string{"id", "case_number", "family_name", "office_id", "setting", "placement_date", "goal", "court_involved", "court_next", "scr_assigned", "received", "closing", "closed", "created_at"},
			func(d *Dataset) int { return len(d.Cases) }, func(d *Dataset, i int) []any {
				c := d.Cases[i]
				return []any{c.ID, c.CaseNumber, c.FamilyName, c.OfficeID, c.Setting, nullDate(c.PlacementDate), nullString(c.Goal), c.CourtInvolved, nullDate(c.CourtNext), nullDate(c.SCRAssigned), nullDate(c.Received), nullDate(c.Closing), nullDate(c.Closed), at}
			}},
		{"case_assignments", []string{"case_id", "worker_id", "during"}, func(d *Dataset) int { return len(d.Assignments) }, func(d *Dataset, i int) []any {
			p := d.Assignments[i]
			return []any{p.A, p.B, dateRange(p.Since, p.Until)}
		}},
		{"risk_assessments", []string{"case_id", "level", "assessed_on", "recorded_by", "recorded_at"}, func(d *Dataset) int { return len(d.Risks) }, func(d *Dataset, i int) []any {
			r := d.Risks[i]
			return []any{r.CaseID, r.Level, r.AssessedOn, nullID(r.RecordedBy), endOfDay(r.AssessedOn)}
		}},
		{"events", []string{"case_id", "kind", "occurred_on", "recorded_by", "recorded_at", "documented_on", "approval"}, func(d *Dataset) int { return len(d.Events) }, func(d *Dataset, i int) []any {
			e := d.Events[i]
			approval := e.Approval
			if approval == "" {
				approval = "not_required"
			}
			return []any{e.CaseID, e.Kind, e.OccurredOn, nullID(e.RecordedBy), endOfDay(e.OccurredOn), nullDate(e.DocumentedOn), approval}
		}},
		// Conferences go in as drafts: a signed record's cases cannot be
		// added afterwards (migration 000003). Their lifecycle is applied
		// at the end, once their cases and next steps are in.
		{"conferences", []string{"id", "kind", "held_on", "supervisor_id", "worker_id", "casework_supervisor_id", "status", "created_by", "entered_at", "updated_at"},
			func(d *Dataset) int { return len(d.Conferences) }, func(d *Dataset, i int) []any {
				k := d.Conferences[i]
				return []any{k.ID, k.Kind, k.HeldOn, k.SupervisorID, nullID(k.WorkerID), nullID(k.CaseworkSupervisorID), "draft", conferenceAuthor(k), k.EnteredAt, k.EnteredAt}
			}},
		{"conference_cases", []string{"conference_id", "case_id", "position", "progress", "notes", "discussion", "discussed"}, func(d *Dataset) int { return len(d.ConferenceCases) }, func(d *Dataset, i int) []any {
			c := d.ConferenceCases[i]
			raw, _ := json.Marshal(discussion{Items: c.Discussion})
			return []any{c.ConferenceID, c.CaseID, c.Position, nullString(c.Progress), c.Notes, raw, c.Discussed}
		}},
		{"next_steps", []string{"conference_id", "case_id", "description", "owner_id", "due_on", "done_on"}, func(d *Dataset) int { return len(d.NextSteps) }, func(d *Dataset, i int) []any {
			n := d.NextSteps[i]
			return []any{n.ConferenceID, nullID(n.CaseID), n.Description, n.OwnerID, n.DueOn, nullDate(n.DoneOn)}
		}},
	}
}

// smallTables are the tables of the newer rules (visit plans, siblings
// placed apart, emergent requests, the visit plans' reviews): a few rows a
// unit, each table's ids the database's own. Walking a state's chunks
// regenerates the whole state, so they share one walk (loadSmallTables).
func smallTables() []bulkTable {
	return []bulkTable{
		{"case_mvr", []string{"case_id", "from_on", "child", "parents", "provider", "set_by", "set_at"}, func(d *Dataset) int { return len(d.VisitPlans) }, func(d *Dataset, i int) []any {
			m := d.VisitPlans[i]
			return []any{m.CaseID, m.From, m.Child, m.Parents, m.Provider, nullID(m.SetBy), endOfDay(m.From)}
		}},
		{"case_siblings_apart", []string{"case_id", "start_on", "end_on", "set_by", "set_at"}, func(d *Dataset) int { return len(d.SiblingsApart) }, func(d *Dataset, i int) []any {
			sa := d.SiblingsApart[i]
			set := sa.Start
			if !sa.End.IsZero() {
				set = sa.End
			}
			return []any{sa.CaseID, sa.Start, nullDate(sa.End), nullID(sa.SetBy), endOfDay(set)}
		}},
		{"emergent_requests", []string{"case_id", "requested_by", "casework_supervisor_id", "reason", "details", "requested_at", "answered_at", "answered_by", "answer", "held_on"},
			func(d *Dataset) int { return len(d.Emergent) }, func(d *Dataset, i int) []any {
				e := d.Emergent[i]
				answered := !e.AnsweredAt.IsZero()
				var answer any
				if answered {
					answer = e.Answer
				}
				return []any{nullID(e.CaseID), e.RequestedBy, e.CaseworkSupervisorID, e.Reason, e.Details, e.RequestedAt,
					nullTime(e.AnsweredAt), idIf(e.CaseworkSupervisorID, answered), answer, nullDate(e.HeldOn)}
			}},
		{"mvr_reviews", []string{"worker_id", "reviewed_by", "reviewed_on", "note", "recorded_at"}, func(d *Dataset) int { return len(d.MVRReviews) }, func(d *Dataset, i int) []any {
			r := d.MVRReviews[i]
			return []any{r.WorkerID, r.ReviewedBy, r.ReviewedOn, r.Note, endOfDay(r.ReviewedOn)}
		}},
	}
}

// loadSmallTables writes the small tables in one walk of the chunks: every
// row is copied, as JSON named by its columns, into one staging table, and
// each table is then filled from it in one INSERT ... SELECT, through
// jsonb_populate_record with the table's own column types. The schema's
// triggers fire as for COPY.
func loadSmallTables(ctx context.Context, tx pgx.Tx, chunks iter.Seq[*Dataset], progress func(string, int64, time.Duration)) error {
	tables := smallTables()
	start := time.Now()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE bulk_small (tbl text NOT NULL, n bigint NOT NULL, r jsonb NOT NULL) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	var n int64
	src := newChunkSource(chunks, func(d *Dataset) int {
		sum := 0
		for _, t := range tables {
			sum += t.n(d)
		}
		return sum
	}, func(d *Dataset, i int) []any {
		for _, t := range tables {
			if k := t.n(d); i >= k {
				i -= k
				continue
			}
			vals := t.row(d, i)
			row := make(map[string]any, len(vals))
			for c, v := range vals {
				row[t.cols[c]] = v
			}
			raw, err := json.Marshal(row)
			if err != nil {
				panic(fmt.Sprintf("bulk load: a %s row: %v", t.table, err)) // the rows hold dates, numbers and text only
			}
			n++
			return []any{t.table, n, raw}
		}
		panic("bulk load: a row past the chunk's small tables")
	}, nil)
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"bulk_small"}, []string{"tbl", "n", "r"}, src)
	src.close()
	if err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	progress("small tables (staged)", n, time.Since(start))
	for _, t := range tables {
		start := time.Now()
		cols := make([]string, len(t.cols))
		for i, c := range t.cols {
			cols[i] = pgx.Identifier{c}.Sanitize()
		}
		list := strings.Join(cols, ", ")
		name := pgx.Identifier{t.table}.Sanitize()
		tag, err := tx.Exec(ctx, `INSERT INTO `+name+` (`+list+`)
			SELECT `+"x."+strings.Join(cols, ", x.")+` FROM bulk_small s CROSS JOIN LATERAL jsonb_populate_record(NULL::`+name+`, s.r) x
			WHERE s.tbl = $1 ORDER BY s.n`, t.table)
		if err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
		progress(t.table, tag.RowsAffected(), time.Since(start))
	}
	return nil
}

// chunkSource is a pgx.CopyFromSource over one table's rows of every chunk,
// pulled one chunk at a time.
type chunkSource struct {
	next  func() (*Dataset, bool)
	stop  func()
	n     func(d *Dataset) int
	row   func(d *Dataset, i int) []any
	skip  func(d *Dataset, i int) bool
	cur   *Dataset
	i     int // the next row of cur
	count int // rows of cur
}

func newChunkSource(chunks iter.Seq[*Dataset], n func(*Dataset) int, row func(*Dataset, int) []any, skip func(*Dataset, int) bool) *chunkSource {
	next, stop := iter.Pull(chunks)
	return &chunkSource{next: next, stop: stop, n: n, row: row, skip: skip}
}

func (c *chunkSource) Next() bool {
	for {
		for c.cur != nil && c.i < c.count {
			c.i++
			if c.skip == nil || !c.skip(c.cur, c.i-1) {
				return true
			}
		}
		d, ok := c.next()
		if !ok {
			c.cur = nil
			return false
		}
		c.cur, c.i, c.count = d, 0, c.n(d)
	}
}

func (c *chunkSource) Values() ([]any, error) { return c.row(c.cur, c.i-1), nil }
func (c *chunkSource) Err() error             { return nil }
func (c *chunkSource) close()                 { c.stop() }

// applyLifecycle moves bulk-loaded conferences from draft to their status,
// through a staging table, in one set-based UPDATE.
func applyLifecycle(ctx context.Context, tx pgx.Tx, chunks iter.Seq[*Dataset]) (int64, error) {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE lifecycle (id bigint PRIMARY KEY, status text, signed_at timestamptz,
		signed_by bigint, shared_at timestamptz, shared_by bigint, acknowledged_at timestamptz, acknowledged_by bigint) ON COMMIT DROP`); err != nil {
		return 0, fmt.Errorf("lifecycle: %w", err)
	}
	src := newChunkSource(chunks, func(d *Dataset) int { return len(d.Conferences) }, func(d *Dataset, i int) []any {
		k := d.Conferences[i]
		author := conferenceAuthor(k)
		return []any{k.ID, k.Status, nullTime(k.SignedAt), idIf(author, !k.SignedAt.IsZero()),
			nullTime(k.SharedAt), idIf(author, !k.SharedAt.IsZero()), nullTime(k.AcknowledgedAt), idIf(k.WorkerID, !k.AcknowledgedAt.IsZero())}
	}, func(d *Dataset, i int) bool {
		st := d.Conferences[i].Status
		return st == "draft" || st == ""
	})
	defer src.close()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"lifecycle"}, []string{"id", "status", "signed_at", "signed_by", "shared_at", "shared_by", "acknowledged_at", "acknowledged_by"}, src); err != nil {
		return 0, fmt.Errorf("lifecycle: %w", err)
	}
	tag, err := tx.Exec(ctx, `UPDATE conferences k SET status = l.status, signed_at = l.signed_at, signed_by = l.signed_by,
		shared_at = l.shared_at, shared_by = l.shared_by, acknowledged_at = l.acknowledged_at, acknowledged_by = l.acknowledged_by
		FROM lifecycle l WHERE l.id = k.id`)
	if err != nil {
		return 0, fmt.Errorf("lifecycle: %w", err)
	}
	return tag.RowsAffected(), nil
}
