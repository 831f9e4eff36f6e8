package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
)

// ImportCSV loads one CSV file of one kind (docs/import.md) in one
// transaction. The file streams: each row is read, checked and copied into a
// temporary table as it comes (memory stays flat however long the file);
// then the rows are checked against each other and the database (duplicate
// ids, unknown cases, workers and offices, history that would be rewritten)
// and applied set by set, keyed by the source system's ids. Any problem and
// nothing changes; the report lists every problem by row, column and reason.
// A second import of the same file changes nothing.
func (s *Store) ImportCSV(ctx context.Context, v access.Viewer, kind *exchange.Kind, file string, r io.Reader) (exchange.Report, error) {
	rep := exchange.Report{Kind: kind.Name, File: file}
	if !v.Is(access.Administrator) {
		return rep, ErrNotFound
	}
	apply := csvAppliers[kind.Name]
	if apply == nil {
		return rep, fmt.Errorf("ImportCSV: unknown kind %q", kind.Name)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := importLock(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO agency (name) VALUES ('Imported agency') ON CONFLICT (id) DO NOTHING`); err != nil {
			return err
		}
		cols := []string{"row_no int"}
		names := []string{"row_no"}
		for _, c := range kind.Columns {
			t := "text"
			switch c.Type {
			case exchange.Date:
				t = "date"
			case exchange.Bool:
				t = "boolean"
			}
			cols = append(cols, c.Name+" "+t)
			names = append(names, c.Name)
		}
		if err := tempTable(ctx, tx, "csv_stage", strings.Join(cols, ", ")); err != nil {
			return err
		}
		cr := exchange.NewCSVReader(kind, r, &rep.Problems)
		if !cr.ReadHeader() {
			if cr.Err() != nil {
				return cr.Err()
			}
			return errProblems
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"csv_stage"}, names, &csvSource{r: cr}); err != nil {
			return fmt.Errorf("reading %s: %w", file, err)
		}
		if _, err := tx.Exec(ctx, `CREATE INDEX ON csv_stage (row_no); ANALYZE csv_stage`); err != nil {
			return err
		}
		im := &csvImport{tx: tx, rep: &rep, kind: kind, v: v}
		if err := apply(ctx, im); err != nil {
			return err
		}
		rep.Problems.Sort(kind.ColumnNames())
		if !rep.OK() {
			return errProblems
		}
		return recordImport(ctx, tx, v, &rep)
	})
	if err != nil && !errors.Is(err, errProblems) {
		if p, ok := dbProblem(err); ok {
			rep.Problems.Add(p)
			return rep, nil
		}
		return rep, fmt.Errorf("ImportCSV(%s): %w", kind.Name, err)
	}
	return rep, nil
}

// csvSource feeds the reader's good rows to COPY, with their row numbers.
type csvSource struct {
	r   *exchange.CSVReader
	buf []any
}

func (s *csvSource) Next() bool { return s.r.Next() }
func (s *csvSource) Err() error { return s.r.Err() }
func (s *csvSource) Values() ([]any, error) {
	s.buf = append(append(s.buf[:0], s.r.Row()), s.r.Values()...)
	return s.buf, nil
}

type csvImport struct {
	tx   pgx.Tx
	rep  *exchange.Report
	kind *exchange.Kind
	v    access.Viewer
}

// problems adds the problems a query finds: rows of (row_no, column, message).
func (im *csvImport) problems(ctx context.Context, query string, args ...any) error {
	rows, err := im.tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var p exchange.Problem
	_, err = pgx.ForEachRow(rows, []any{&p.Row, &p.Column, &p.Msg}, func() error {
		im.rep.Problems.Add(p)
		return nil
	})
	return err
}

// duplicates reports rows whose key (a SQL expression over csv_stage) is
// that of an earlier row.
func (im *csvImport) duplicates(ctx context.Context, column, key, what string) error {
	return im.problems(ctx, `
		SELECT row_no, $1::text, format('duplicate %s "%s" (also row %s)', $2::text, k, first)
		FROM (SELECT row_no, (`+key+`)::text AS k, min(row_no) OVER (PARTITION BY `+key+`) AS first FROM csv_stage WHERE (`+key+`) IS NOT NULL) d
		WHERE row_no <> first ORDER BY row_no`, column, what)
}

func (im *csvImport) exec(ctx context.Context, sql string, args ...any) (int, error) {
	tag, err := im.tx.Exec(ctx, sql, args...)
	return int(tag.RowsAffected()), err
}

func (im *csvImport) count(ctx context.Context, sql string, args ...any) (int, error) {
	var n int
	err := im.tx.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// positions applies pos_stage to a position table and reports rows that
// would rewrite history at the given column.
func (im *csvImport) positions(ctx context.Context, pt posTable, column, what string) error {
	ps, err := upsertPositions(ctx, im.tx, pt, im.rep.Count("positions"))
	if err != nil {
		return err
	}
	for _, p := range ps {
		im.rep.Problems.Add(exchange.Problem{Row: p.row, Column: column,
			Msg: fmt.Sprintf("starts before the %s already recorded from %s; an import does not rewrite history", what, p.since)})
	}
	return nil
}

var csvAppliers = map[string]func(context.Context, *csvImport) error{
	"staff":       applyStaff,
	"cases":       applyCases,
	"assignments": applyAssignments,
	"risk":        applyRisk,
	"mvr":         applyMVR,
	"siblings":    applySiblingsApart,
	"events":      applyEvents,
}

func applyStaff(ctx context.Context, im *csvImport) error {
	if _, err := im.exec(ctx, `ALTER TABLE csv_stage ADD person_id bigint, ADD prev_role text, ADD office_id bigint, ADD unit_id bigint`); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `UPDATE csv_stage s SET person_id = p.id, prev_role = p.role FROM people p WHERE p.source_id = s.staff_id`); err != nil {
		return err
	}
	checks := []func() error{
		func() error { return im.duplicates(ctx, "staff_id", "staff_id", "staff_id") },
		func() error { return im.duplicates(ctx, "email", "email", "email") },
		func() error {
			return im.problems(ctx, `
				SELECT row_no, 'role', format('"%s" is already a %s in the database; an import does not change a person''s role', staff_id, prev_role)
				FROM csv_stage WHERE prev_role <> role`)
		},
		func() error {
			return im.problems(ctx, `
				SELECT s.row_no, 'email', format('"%s" is already the address of "%s"', s.email, coalesce(p.source_id, p.full_name))
				FROM csv_stage s JOIN people p ON p.email = s.email AND p.id IS DISTINCT FROM s.person_id
				WHERE NOT EXISTS (SELECT 1 FROM csv_stage o WHERE o.person_id = p.id AND o.email <> p.email)`)
		},
		func() error {
			return im.problems(ctx, `
				SELECT s.row_no, 'reports_to', CASE
				    WHEN coalesce(f.role, p.role) IS NULL THEN format('no staff member "%s" (in the database or this file)', s.reports_to)
				    ELSE format('"%s" is a %s, not a casework_supervisor', s.reports_to, coalesce(f.role, p.role)) END
				FROM csv_stage s
				LEFT JOIN csv_stage f ON f.staff_id = s.reports_to
				LEFT JOIN people p ON p.source_id = s.reports_to
				WHERE s.reports_to IS NOT NULL AND coalesce(f.role, p.role) IS DISTINCT FROM 'casework_supervisor'`)
		},
	}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	if !im.rep.OK() {
		return nil
	}
	// Offices and units named for the first time.
	n, err := im.exec(ctx, `INSERT INTO offices (name) SELECT DISTINCT office FROM csv_stage ON CONFLICT (name) DO NOTHING`)
	if err != nil {
		return err
	}
	if n > 0 {
		im.rep.Count("offices").Created += n
	}
	if _, err := im.exec(ctx, `UPDATE csv_stage s SET office_id = o.id FROM offices o WHERE o.name = s.office`); err != nil {
		return err
	}
	n, err = im.exec(ctx, `INSERT INTO units (office_id, name) SELECT DISTINCT office_id, unit FROM csv_stage WHERE unit IS NOT NULL ON CONFLICT (office_id, name) DO NOTHING`)
	if err != nil {
		return err
	}
	if n > 0 {
		im.rep.Count("units").Created += n
	}
	if _, err := im.exec(ctx, `UPDATE csv_stage s SET unit_id = u.id FROM units u WHERE u.office_id = s.office_id AND u.name = s.unit`); err != nil {
		return err
	}
	// People: addresses first freed by the people who change theirs.
	count := im.rep.Count("staff")
	if _, err = im.exec(ctx, `
		UPDATE people p SET email = p.email || '.moving-' || p.id
		FROM csv_stage s WHERE s.person_id = p.id AND s.email <> p.email`); err != nil {
		return err
	}
	created, err := im.exec(ctx, `
		WITH made AS (
		    INSERT INTO people (source_id, email, full_name, role, office_id, experience_start, active, created_at)
		    SELECT staff_id, email, full_name, role, office_id, experience_start, coalesce(active, true), clock_timestamp()
		    FROM csv_stage WHERE person_id IS NULL ORDER BY row_no
		    RETURNING id, source_id
		)
		UPDATE csv_stage s SET person_id = made.id FROM made WHERE made.source_id = s.staff_id`)
	if err != nil {
		return err
	}
	count.Created += created
	updated, err := im.exec(ctx, `
		UPDATE people p SET email = s.email, full_name = s.full_name, office_id = s.office_id,
		       experience_start = s.experience_start, active = coalesce(s.active, p.active)
		FROM csv_stage s
		WHERE s.person_id = p.id
		  AND (p.email, p.full_name, p.office_id, p.experience_start, p.active)
		      IS DISTINCT FROM (s.email, s.full_name, s.office_id, s.experience_start, coalesce(s.active, p.active))`)
	if err != nil {
		return err
	}
	count.Updated += updated
	rows, err := im.count(ctx, `SELECT count(*) FROM csv_stage`)
	if err != nil {
		return err
	}
	count.Unchanged += rows - created - updated
	// Workers join their unit.
	if err := tempTable(ctx, im.tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `INSERT INTO pos_stage SELECT row_no, person_id, unit_id, since FROM csv_stage WHERE role = 'worker'`); err != nil {
		return err
	}
	if err := im.positions(ctx, unitMembersPos, "since", "membership of a unit"); err != nil {
		return err
	}
	// Supervisors take their unit: a supervisor already over it hands it over
	// on since, unless their own post there begins on or after it.
	if err := tempTable(ctx, im.tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `INSERT INTO pos_stage SELECT row_no, person_id, unit_id, since FROM csv_stage WHERE role = 'supervisor'`); err != nil {
		return err
	}
	handOver, err := handOverUnits(ctx, im.tx)
	if err != nil {
		return err
	}
	for _, p := range handOver {
		im.rep.Problems.Add(exchange.Problem{Row: p.row, Column: "since", Msg: p.msg})
	}
	if err := im.positions(ctx, unitSupervisorsPos, "since", "supervision of a unit"); err != nil {
		return err
	}
	// And report to their casework supervisor.
	if err := tempTable(ctx, im.tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `
		INSERT INTO pos_stage SELECT s.row_no, s.person_id, p.id, s.since
		FROM csv_stage s JOIN people p ON p.source_id = s.reports_to WHERE s.role = 'supervisor'`); err != nil {
		return err
	}
	return im.positions(ctx, supervisorReportsPos, "since", "report to a casework supervisor")
}

func applyCases(ctx context.Context, im *csvImport) error {
	if err := im.duplicates(ctx, "case_id", "case_id", "case_id"); err != nil {
		return err
	}
	if err := im.problems(ctx, `
		SELECT row_no, 'office', format('no office "%s" (add it with a staff import or on the administration pages)', office)
		FROM csv_stage s WHERE s.office IS NOT NULL AND NOT EXISTS (SELECT 1 FROM offices o WHERE o.name = s.office)`); err != nil {
		return err
	}
	if err := im.problems(ctx, `
		SELECT row_no, 'safety_plan_end', CASE WHEN safety_plan_start IS NULL THEN 'given without safety_plan_start'
		       ELSE format('%s is before safety_plan_start %s', safety_plan_end, safety_plan_start) END
		FROM csv_stage WHERE safety_plan_end IS NOT NULL AND (safety_plan_start IS NULL OR safety_plan_end < safety_plan_start)
		ORDER BY row_no`); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	if _, err := im.exec(ctx, `ALTER TABLE csv_stage ADD case_ref bigint, ADD office_id bigint`); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `
		UPDATE csv_stage s SET office_id = o.id, case_ref = (SELECT c.id FROM cases c WHERE c.case_number = s.case_id)
		FROM offices o WHERE o.name = s.office`); err != nil {
		return err
	}
	count := im.rep.Count("cases")
	updated, err := im.exec(ctx, `
		UPDATE cases c SET family_name = s.family_name, office_id = s.office_id, setting = s.setting,
		       placement_date = s.placement_date, goal = s.goal,
		       court_involved = coalesce(s.court_involved, c.court_involved OR s.court_next IS NOT NULL),
		       court_next = s.court_next, scr_assigned = s.scr_assigned, received = s.received, closing = s.closing, closed = s.closed,
		       safety_plan_start = s.safety_plan_start, safety_plan_end = s.safety_plan_end
		FROM csv_stage s
		WHERE c.id = s.case_ref
		  AND (c.family_name, c.office_id, c.setting, c.placement_date, c.goal, c.court_involved, c.court_next,
		       c.scr_assigned, c.received, c.closing, c.closed, c.safety_plan_start, c.safety_plan_end)
		      IS DISTINCT FROM (s.family_name, s.office_id, s.setting, s.placement_date, s.goal,
		       coalesce(s.court_involved, c.court_involved OR s.court_next IS NOT NULL),
		       s.court_next, s.scr_assigned, s.received, s.closing, s.closed, s.safety_plan_start, s.safety_plan_end)`)
	if err != nil {
		return err
	}
	created, err := im.exec(ctx, `
		INSERT INTO cases (case_number, family_name, office_id, setting, placement_date, goal, court_involved, court_next,
		                   scr_assigned, received, closing, closed, safety_plan_start, safety_plan_end, created_at)
		SELECT case_id, family_name, office_id, setting, placement_date, goal, coalesce(court_involved, court_next IS NOT NULL), court_next,
		       scr_assigned, received, closing, closed, safety_plan_start, safety_plan_end, clock_timestamp()
		FROM csv_stage WHERE case_ref IS NULL ORDER BY row_no`)
	if err != nil {
		return err
	}
	rows, err := im.count(ctx, `SELECT count(*) FROM csv_stage`)
	if err != nil {
		return err
	}
	count.Created, count.Updated, count.Unchanged = created, updated, rows-created-updated
	return nil
}

// resolveCases sets csv_stage.case_ref from case_id, reporting unknown cases.
func (im *csvImport) resolveCases(ctx context.Context) error {
	if _, err := im.exec(ctx, `ALTER TABLE csv_stage ADD case_ref bigint`); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `UPDATE csv_stage s SET case_ref = c.id FROM cases c WHERE c.case_number = s.case_id`); err != nil {
		return err
	}
	return im.problems(ctx, `
		SELECT row_no, 'case_id', format('no case "%s" (import it with the cases first)', case_id)
		FROM csv_stage WHERE case_ref IS NULL AND case_id IS NOT NULL ORDER BY row_no`)
}

func applyAssignments(ctx context.Context, im *csvImport) error {
	if err := im.duplicates(ctx, "assigned", "case_id || ' ' || assigned", "assignment of case and date"); err != nil {
		return err
	}
	if err := im.resolveCases(ctx); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `ALTER TABLE csv_stage ADD worker_ref bigint, ADD worker_role text`); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `UPDATE csv_stage s SET worker_ref = p.id, worker_role = p.role FROM people p WHERE p.source_id = s.worker_id`); err != nil {
		return err
	}
	if err := im.problems(ctx, `
		SELECT row_no, 'worker_id', CASE WHEN worker_ref IS NULL THEN format('no staff member "%s" (import the staff first)', worker_id)
		                                 ELSE format('"%s" is a %s, not a worker', worker_id, worker_role) END
		FROM csv_stage WHERE worker_id IS NOT NULL AND (worker_ref IS NULL OR worker_role <> 'worker')`); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	if err := tempTable(ctx, im.tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := im.exec(ctx, `INSERT INTO pos_stage SELECT row_no, case_ref, worker_ref, assigned FROM csv_stage; ANALYZE pos_stage`); err != nil {
		return err
	}
	ps, err := upsertPositions(ctx, im.tx, assignmentsPos, im.rep.Count("assignments"))
	if err != nil {
		return err
	}
	for _, p := range ps {
		im.rep.Problems.Add(exchange.Problem{Row: p.row, Column: "assigned",
			Msg: fmt.Sprintf("before the case's assignment already recorded from %s; an import does not rewrite history", p.since)})
	}
	return nil
}

func applyRisk(ctx context.Context, im *csvImport) error {
	if err := im.duplicates(ctx, "assessed_on", "case_id || ' ' || assessed_on", "assessment of case and date"); err != nil {
		return err
	}
	if err := im.resolveCases(ctx); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	count := im.rep.Count("risk assessments")
	updated, err := im.exec(ctx, `
		UPDATE risk_assessments r SET level = s.level FROM csv_stage s
		WHERE r.case_id = s.case_ref AND r.assessed_on = s.assessed_on AND r.level <> s.level`)
	if err != nil {
		return err
	}
	created, err := im.exec(ctx, `
		INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_by, recorded_at)
		SELECT case_ref, level, assessed_on, $1, clock_timestamp() FROM csv_stage ORDER BY row_no
		ON CONFLICT (case_id, assessed_on) DO NOTHING`, nullID(im.v.PersonID))
	if err != nil {
		return err
	}
	rows, err := im.count(ctx, `SELECT count(*) FROM csv_stage`)
	if err != nil {
		return err
	}
	count.Created, count.Updated, count.Unchanged = created, updated, rows-created-updated
	return nil
}

// applyMVR adds each visit plan not yet recorded (a case's earlier ones
// kept) and corrects the counts of one recorded from the same date.
func applyMVR(ctx context.Context, im *csvImport) error {
	if err := im.duplicates(ctx, "from_on", "case_id || ' ' || from_on", "visit plan of case and date"); err != nil {
		return err
	}
	if err := im.resolveCases(ctx); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	count := im.rep.Count("visit plans")
	updated, err := im.exec(ctx, `
		UPDATE case_mvr m SET child = s.child::int, parents = s.parents::int, provider = s.provider::int FROM csv_stage s
		WHERE m.case_id = s.case_ref AND m.from_on = s.from_on
		  AND (m.child, m.parents, m.provider) IS DISTINCT FROM (s.child::int, s.parents::int, s.provider::int)`)
	if err != nil {
		return err
	}
	created, err := im.exec(ctx, `
		INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_by, set_at)
		SELECT case_ref, from_on, child::int, parents::int, provider::int, $1, clock_timestamp() FROM csv_stage ORDER BY row_no
		ON CONFLICT (case_id, from_on) DO NOTHING`, nullID(im.v.PersonID))
	if err != nil {
		return err
	}
	rows, err := im.count(ctx, `SELECT count(*) FROM csv_stage`)
	if err != nil {
		return err
	}
	count.Created, count.Updated, count.Unchanged = created, updated, rows-created-updated
	return nil
}

func applyEvents(ctx context.Context, im *csvImport) error {
	if err := im.duplicates(ctx, "event_id", "event_id", "event_id"); err != nil {
		return err
	}
	if err := im.resolveCases(ctx); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	// A contact whose approval is left empty keeps the approval it has
	// (approved in Casework, say); a new one reads as the system of
	// record's contact-sheet approvals say (importedContactApprovalSQL).
	if _, err := im.exec(ctx, `
		WITH recorded AS (`+sheetsOfRecordSQL("SELECT case_ref FROM csv_stage")+`),
		in_file AS (SELECT case_ref, max(date) AS day FROM csv_stage WHERE kind = '`+rules.EventContactSheetApproved+`' GROUP BY case_ref),
		blank AS (
		    SELECT s.row_no, coalesce(
		        (SELECT e.approval FROM events e WHERE e.source_id = s.event_id AND e.kind IN (`+contactKindsSQL+`) AND e.approval <> 'not_required'),
		        `+importedContactApprovalSQL("s.date", "r.day", "f.day")+`) AS approval
		    FROM csv_stage s
		    LEFT JOIN recorded r ON r.case_id = s.case_ref
		    LEFT JOIN in_file f ON f.case_ref = s.case_ref
		    WHERE s.approval IS NULL AND s.kind IN (`+contactKindsSQL+`))
		UPDATE csv_stage s SET approval = b.approval FROM blank b WHERE s.row_no = b.row_no`); err != nil {
		return err
	}
	count := im.rep.Count("events")
	updated, err := im.exec(ctx, `
		UPDATE events e SET case_id = s.case_ref, kind = s.kind, occurred_on = s.date, documented_on = s.documented_on,
		       approval = coalesce(s.approval, 'not_required')
		FROM csv_stage s
		WHERE e.source_id = s.event_id
		  AND (e.case_id, e.kind, e.occurred_on, e.documented_on, e.approval)
		      IS DISTINCT FROM (s.case_ref, s.kind, s.date, s.documented_on, coalesce(s.approval, 'not_required'))`)
	if err != nil {
		return err
	}
	created, err := im.exec(ctx, `
		INSERT INTO events (source_id, case_id, kind, occurred_on, recorded_by, recorded_at, documented_on, approval)
		SELECT s.event_id, s.case_ref, s.kind, s.date, $1, clock_timestamp(), s.documented_on, coalesce(s.approval, 'not_required')
		FROM csv_stage s ORDER BY s.row_no
		ON CONFLICT (source_id) DO NOTHING`, nullID(im.v.PersonID))
	if err != nil {
		return err
	}
	rows, err := im.count(ctx, `SELECT count(*) FROM csv_stage`)
	if err != nil {
		return err
	}
	count.Created, count.Updated, count.Unchanged = created, updated, rows-created-updated
	return nil
}
