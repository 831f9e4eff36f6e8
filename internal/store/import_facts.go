package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
)

// ImportFacts loads a facts file (rules contract JSON) into the database, in
// one transaction: staff with their hierarchy, cases with their assignment
// and risk history, conferences with the cases discussed, events, and the
// profile and holiday calendar. It is an upsert keyed by the facts' ids, so a
// second import of the same file changes nothing. Bad input is reported as
// `rules eval` reports it, field by field, plus what this database needs
// beyond the contract (a case's setting and goal, for instance), and changes
// nothing. The rules of the mapping are in docs/import.md.
//
// A report with problems is not an error: the error is for a database that
// could not be reached or a bug.
func (s *Store) ImportFacts(ctx context.Context, v access.Viewer, file string, data []byte) (exchange.Report, error) {
	rep := exchange.Report{Kind: "facts", File: file}
	if !v.Is(access.Administrator) {
		return rep, ErrNotFound
	}
	f, problems := rules.Decode(data)
	for _, p := range problems {
		rep.Problems.Add(exchange.Problem{Path: p.Path, Msg: p.Msg})
	}
	if onlyFieldProblems(problems) {
		// as_of and profile as `rules eval` checks them; a profile not
		// built in may be the agency's own, uploaded here.
		var opts rules.Options
		if f.Profile != "" && !rules.IsBuiltin(f.Profile) {
			p, err := s.PolicyProfile(ctx, f.Profile)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return rep, fmt.Errorf("ImportFacts: %w", err)
			}
			opts.Use = p
		}
		if _, err := rules.Evaluate(rules.Facts{AsOf: f.AsOf, Profile: f.Profile}, opts); err != nil {
			var fe rules.FieldError
			if errors.As(err, &fe) {
				rep.Problems.Add(exchange.Problem{Path: fe.Path, Msg: fe.Msg})
			}
		}
	}
	if onlyFieldProblems(problems) {
		checkFactsForDatabase(&f, &rep)
	}
	if !rep.OK() {
		return rep, nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := importLock(ctx, tx); err != nil {
			return err
		}
		im := &factsImport{tx: tx, f: &f, rep: &rep, v: v}
		if err := im.run(ctx); err != nil {
			if p, ok := dbProblem(err); ok {
				rep.Problems.Add(p)
				return errProblems
			}
			return err
		}
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
		return rep, fmt.Errorf("ImportFacts: %w", err)
	}
	return rep, nil
}

// onlyFieldProblems reports whether the facts decoded as a whole (so the
// as_of and profile checks can be added), as rulescli does.
func onlyFieldProblems(ps []rules.FieldError) bool {
	for _, p := range ps {
		if p.Path == "facts" {
			return false
		}
	}
	return true
}

// checkFactsForDatabase reports what valid facts still lack for this
// database's schema.
func checkFactsForDatabase(f *rules.Facts, rep *exchange.Report) {
	seen := map[string]bool{}
	for _, p := range rep.Problems.List {
		seen[p.Path] = true
	}
	add := func(path, msg string) {
		if !seen[path] { // a field already reported is not reported twice
			rep.Problems.Add(exchange.Problem{Path: path, Msg: msg})
		}
	}
	for i, r := range f.MVRReviews {
		if r.Supervisor == "" {
			add(fmt.Sprintf("mvr_reviews[%d].supervisor", i), "required to import a review (who reviewed the visit plans)")
		}
	}
	for i, s := range f.Staff {
		if !s.ExperienceStart.IsZero() && s.Role != rules.RoleWorker {
			add(fmt.Sprintf("staff[%d].experience_start", i), "only a worker has an experience start in this database")
		}
	}
	for i, c := range f.Cases {
		p := fmt.Sprintf("cases[%d]", i)
		if c.Setting == "" {
			add(p+".setting", "required to import a case (in_home or out_of_home)")
		}
		if c.Setting == rules.SettingOutOfHome && c.PlacementDate.IsZero() {
			add(p+".placement_date", "required to import an out_of_home case")
		}
		// The goal is optional (contract version 2): the case plan sets it
		// within 60 days of the report; pages show "not yet set".
		if c.Goal != "" && !slices.Contains(exchange.Goals, c.Goal) {
			add(p+".goal", strconv.Quote(c.Goal)+" is not a goal this database knows (one of "+joinQuoted(exchange.Goals)+")")
		}
		if !c.Closed.IsZero() && !c.Received.IsZero() && c.Closed.Before(c.Received) {
			add(p+".closed", c.Closed.String()+" is before received "+c.Received.String())
		}
	}
}

func joinQuoted(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

type factsImport struct {
	tx     pgx.Tx
	f      *rules.Facts
	rep    *exchange.Report
	v      access.Viewer
	office int64 // the Imported office, once needed
	tz     string
}

func (im *factsImport) problem(path, msg string) {
	im.rep.Problems.Add(exchange.Problem{Path: path, Msg: msg})
}

func (im *factsImport) run(ctx context.Context) error {
	steps := []func(context.Context) error{
		im.agency, im.stage, im.staff, im.supervisors, im.workers, im.cases,
		im.assignments, im.risk, im.mvr, im.siblingsApart, im.conferences, im.events, im.profile,
		im.emergent, im.mvrReviews,
	}
	for i, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
		// Until the staff are resolved to people, nothing else can be
		// checked; after that, every step checks its part, so the report
		// lists the conflicts of the whole file (none is applied).
		if !im.rep.OK() && i <= 2 {
			return nil
		}
	}
	return nil
}

// agency makes sure there is an agency row (an empty database has none).
func (im *factsImport) agency(ctx context.Context) error {
	if _, err := im.tx.Exec(ctx, `INSERT INTO agency (name) VALUES ('Imported agency') ON CONFLICT (id) DO NOTHING`); err != nil {
		return err
	}
	return im.tx.QueryRow(ctx, `SELECT time_zone FROM agency`).Scan(&im.tz)
}

func (im *factsImport) importedOffice(ctx context.Context) (int64, error) {
	if im.office == 0 {
		id, err := ensureOffice(ctx, im.tx, ImportedOffice, im.rep)
		if err != nil {
			return 0, err
		}
		im.office = id
	}
	return im.office, nil
}

func nullDateOf(d rules.Date) any {
	if d.IsZero() {
		return nil
	}
	return pgtype.Date{Time: time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC), Valid: true}
}

// stage copies the facts into temporary tables, indexed by their position in
// the file (idx), so that problems name the field.
func (im *factsImport) stage(ctx context.Context) error {
	f, tx := im.f, im.tx
	tables := []struct {
		name, cols string
		copyCols   []string
		n          int
		row        func(i int) []any
	}{
		{"f_staff", "idx int PRIMARY KEY, sid text, role text, name text, reports_to text, since date, exp date, person_id bigint, unit_id bigint",
			[]string{"idx", "sid", "role", "name", "reports_to", "since", "exp"}, len(f.Staff), func(i int) []any {
				s := f.Staff[i]
				return []any{i, s.ID, s.Role, nullString(s.Name), nullString(s.ReportsTo), nullDateOf(s.Since), nullDateOf(s.ExperienceStart)}
			}},
		{"f_cases", "idx int PRIMARY KEY, cid text, worker text, received date, assigned date, setting text, placement date, scr date, goal text, court_next date, closing date, closed date, first_assigned date, plan_start date, plan_end date, fa_keep date, case_id bigint",
			[]string{"idx", "cid", "worker", "received", "assigned", "setting", "placement", "scr", "goal", "court_next", "closing", "closed", "first_assigned", "plan_start", "plan_end"}, len(f.Cases), func(i int) []any {
				c := f.Cases[i]
				return []any{i, c.ID, nullString(c.Worker), nullDateOf(c.Received), nullDateOf(c.Assigned), c.Setting, nullDateOf(c.PlacementDate),
					nullDateOf(c.SCRAssigned), nullString(c.Goal), nullDateOf(c.CourtNext), nullDateOf(c.Closing), nullDateOf(c.Closed), nullDateOf(c.FirstAssigned),
					nullDateOf(c.SafetyPlanStart), nullDateOf(c.SafetyPlanEnd)}
			}},
		{"f_conf", "idx int PRIMARY KEY, kid text, kind text, held date, sup text, worker text, cws text, shared date, conference_id bigint, fresh boolean NOT NULL DEFAULT false",
			[]string{"idx", "kid", "kind", "held", "sup", "worker", "cws", "shared"}, len(f.Conferences), func(i int) []any {
				k := f.Conferences[i]
				return []any{i, k.ID, k.Kind, nullDateOf(k.Date), nullString(k.Supervisor), nullString(k.Worker), nullString(k.CaseworkSupervisor), nullDateOf(k.Shared)}
			}},
		{"f_events", "idx int, cid text, kind text, day date", []string{"idx", "cid", "kind", "day"}, len(f.Events), func(i int) []any {
			e := f.Events[i]
			return []any{i, e.Case, e.Kind, nullDateOf(e.Date)}
		}},
	}
	for _, t := range tables {
		if err := tempTable(ctx, tx, t.name, t.cols); err != nil {
			return err
		}
		src := pgx.CopyFromSlice(t.n, func(i int) ([]any, error) { return t.row(i), nil })
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.copyCols, src); err != nil {
			return fmt.Errorf("stage %s: %w", t.name, err)
		}
	}
	// Risk entries and the cases of each conference, flattened.
	if err := tempTable(ctx, tx, "f_risk", "cidx int, j int, level text, day date"); err != nil {
		return err
	}
	type ref struct{ i, j int }
	var risks []ref
	for i, c := range f.Cases {
		for j := range c.Risk {
			risks = append(risks, ref{i, j})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"f_risk"}, []string{"cidx", "j", "level", "day"}, pgx.CopyFromSlice(len(risks), func(n int) ([]any, error) {
		r := f.Cases[risks[n].i].Risk[risks[n].j]
		return []any{risks[n].i, risks[n].j, r.Level, nullDateOf(r.From)}, nil
	})); err != nil {
		return fmt.Errorf("stage f_risk: %w", err)
	}
	if err := tempTable(ctx, tx, "f_mvr", "cidx int, day date, child int, parents int, provider int"); err != nil {
		return err
	}
	var plans []ref
	for i, c := range f.Cases {
		for j := range c.MVR {
			plans = append(plans, ref{i, j})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"f_mvr"}, []string{"cidx", "day", "child", "parents", "provider"}, pgx.CopyFromSlice(len(plans), func(n int) ([]any, error) {
		m := f.Cases[plans[n].i].MVR[plans[n].j]
		return []any{plans[n].i, nullDateOf(m.From), m.Child, m.Parents, m.Provider}, nil
	})); err != nil {
		return fmt.Errorf("stage f_mvr: %w", err)
	}
	if err := tempTable(ctx, tx, "f_conf_cases", "kidx int, pos int, cid text"); err != nil {
		return err
	}
	var listed []ref
	for i, k := range f.Conferences {
		for j := range k.Cases {
			listed = append(listed, ref{i, j})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"f_conf_cases"}, []string{"kidx", "pos", "cid"}, pgx.CopyFromSlice(len(listed), func(n int) ([]any, error) {
		return []any{listed[n].i, listed[n].j + 1, f.Conferences[listed[n].i].Cases[listed[n].j]}, nil
	})); err != nil {
		return fmt.Errorf("stage f_conf_cases: %w", err)
	}
	_, err := tx.Exec(ctx, `ANALYZE f_staff; ANALYZE f_cases; ANALYZE f_conf; ANALYZE f_events; ANALYZE f_risk; ANALYZE f_conf_cases`)
	return err
}

// staff finds or creates each staff member's account (no password: an
// administrator issues one) and updates names and experience starts.
func (im *factsImport) staff(ctx context.Context) error {
	tx := im.tx
	if _, err := tx.Exec(ctx, `UPDATE f_staff s SET person_id = p.id FROM people p WHERE p.source_id = s.sid`); err != nil {
		return err
	}
	// An export of a database whose people had no source id names them p<id>.
	if _, err := tx.Exec(ctx, `UPDATE f_staff s SET person_id = p.id FROM people p
		WHERE s.person_id IS NULL AND p.source_id IS NULL AND 'p' || p.id = s.sid`); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT s.idx, s.sid, p.role FROM f_staff s JOIN people p ON p.id = s.person_id WHERE p.role <> s.role ORDER BY s.idx`)
	if err != nil {
		return err
	}
	var idx int
	var sid, role string
	if _, err := pgx.ForEachRow(rows, []any{&idx, &sid, &role}, func() error {
		im.problem(fmt.Sprintf("staff[%d].role", idx), fmt.Sprintf("%q is already a %s in the database; an import does not change a person's role", sid, role))
		return nil
	}); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	count := im.rep.Count("staff")
	// New people.
	var newIdx []int
	rows, err = tx.Query(ctx, `SELECT idx FROM f_staff WHERE person_id IS NULL ORDER BY idx`)
	if err != nil {
		return err
	}
	if newIdx, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
		return err
	}
	if len(newIdx) > 0 {
		office, err := im.importedOffice(ctx)
		if err != nil {
			return err
		}
		taken := map[string]bool{}
		rows, err := tx.Query(ctx, `SELECT email FROM people WHERE email LIKE '%@imported.invalid'`)
		if err != nil {
			return err
		}
		emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, e := range emails {
			taken[e] = true
		}
		for _, i := range newIdx {
			s := im.f.Staff[i]
			name := s.Name
			if name == "" {
				name = s.ID
			}
			var exp any
			if s.Role == rules.RoleWorker {
				exp = nullDateOf(s.ExperienceStart)
			}
			var id int64
			err := tx.QueryRow(ctx, `
				INSERT INTO people (source_id, email, full_name, role, office_id, experience_start, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp()) RETURNING id`,
				s.ID, importedEmail(s.ID, taken), name, s.Role, office, exp).Scan(&id)
			if err != nil {
				return fmt.Errorf("staff[%d]: %w", i, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE f_staff SET person_id = $2 WHERE idx = $1`, i, id); err != nil {
				return err
			}
			count.Created++
		}
	}
	// Names and experience starts of people already there.
	tag, err := tx.Exec(ctx, `
		UPDATE people p SET full_name = coalesce(s.name, p.full_name),
		       experience_start = CASE WHEN p.role = 'worker' THEN s.exp ELSE p.experience_start END
		FROM f_staff s
		WHERE p.id = s.person_id AND s.idx NOT IN (SELECT unnest($1::int[]))
		  AND (p.full_name IS DISTINCT FROM coalesce(s.name, p.full_name)
		       OR (p.role = 'worker' AND p.experience_start IS DISTINCT FROM s.exp))`, newIdx)
	if err != nil {
		return err
	}
	count.Updated += int(tag.RowsAffected())
	count.Unchanged += len(im.f.Staff) - count.Created - count.Updated
	return nil
}

// positionProblems reports staged positions that would rewrite history.
func (im *factsImport) positionProblems(ps []posProblem, path func(row int) string, what string) {
	for _, p := range ps {
		im.problem(path(p.row), fmt.Sprintf("starts before the %s already recorded from %s; an import does not rewrite history", what, p.since))
	}
}

// supervisors gives each supervisor their unit (their current one, or a new
// unit named after them in the Imported office) and their casework supervisor.
func (im *factsImport) supervisors(ctx context.Context) error {
	tx := im.tx
	if _, err := tx.Exec(ctx, `
		UPDATE f_staff s SET unit_id = (SELECT us.unit_id FROM unit_supervisors us WHERE us.supervisor_id = s.person_id ORDER BY lower(us.during) DESC LIMIT 1)
		WHERE s.role = 'supervisor'`); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT idx FROM f_staff WHERE role = 'supervisor' AND unit_id IS NULL ORDER BY idx`)
	if err != nil {
		return err
	}
	need, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return err
	}
	for _, i := range need {
		office, err := im.importedOffice(ctx)
		if err != nil {
			return err
		}
		s := im.f.Staff[i]
		name := s.Name
		if name == "" {
			name = s.ID
		}
		unit, err := newUnit(ctx, tx, office, "Unit of "+name, im.rep)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE f_staff SET unit_id = $2 WHERE idx = $1`, i, unit); err != nil {
			return err
		}
	}
	count := im.rep.Count("positions")
	staffPath := func(row int) string { return fmt.Sprintf("staff[%d].since", row) }
	if err := tempTable(ctx, tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pos_stage SELECT idx, person_id, unit_id, since FROM f_staff WHERE role = 'supervisor'`); err != nil {
		return err
	}
	ps, err := upsertPositions(ctx, tx, unitSupervisorsPos, count)
	if err != nil {
		return err
	}
	im.positionProblems(ps, staffPath, "supervision of a unit")
	if err := tempTable(ctx, tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO pos_stage SELECT s.idx, s.person_id, c.person_id, s.since
		FROM f_staff s JOIN f_staff c ON c.sid = s.reports_to WHERE s.role = 'supervisor'`); err != nil {
		return err
	}
	ps, err = upsertPositions(ctx, tx, supervisorReportsPos, count)
	if err != nil {
		return err
	}
	im.positionProblems(ps, staffPath, "report to a casework supervisor")
	return nil
}

// workers puts each worker in the unit of the supervisor they report to; a
// worker who reports to nobody stays in their unit, or joins the Imported
// office's unit "No supervisor".
func (im *factsImport) workers(ctx context.Context) error {
	tx := im.tx
	if _, err := tx.Exec(ctx, `
		UPDATE f_staff w SET unit_id = CASE
		    WHEN w.reports_to IS NOT NULL THEN (SELECT s.unit_id FROM f_staff s WHERE s.sid = w.reports_to)
		    ELSE (SELECT m.unit_id FROM unit_members m WHERE m.worker_id = w.person_id ORDER BY lower(m.during) DESC LIMIT 1)
		END
		WHERE w.role = 'worker'`); err != nil {
		return err
	}
	var orphans int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM f_staff WHERE role = 'worker' AND unit_id IS NULL`).Scan(&orphans); err != nil {
		return err
	}
	if orphans > 0 {
		office, err := im.importedOffice(ctx)
		if err != nil {
			return err
		}
		var unit int64
		err = tx.QueryRow(ctx, `SELECT id FROM units WHERE office_id = $1 AND name = 'No supervisor'`, office).Scan(&unit)
		if errors.Is(err, pgx.ErrNoRows) {
			unit, err = newUnit(ctx, tx, office, "No supervisor", im.rep)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE f_staff SET unit_id = $1 WHERE role = 'worker' AND unit_id IS NULL`, unit); err != nil {
			return err
		}
	}
	if err := tempTable(ctx, tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pos_stage SELECT idx, person_id, unit_id, since FROM f_staff WHERE role = 'worker'`); err != nil {
		return err
	}
	ps, err := upsertPositions(ctx, tx, unitMembersPos, im.rep.Count("positions"))
	if err != nil {
		return err
	}
	im.positionProblems(ps, func(row int) string { return fmt.Sprintf("staff[%d].since", row) }, "membership of a unit")
	return nil
}

// cases creates and updates cases by case number. A new case's family name
// is its case number (the facts carry none) and its office that of its
// worker's unit, else the Imported office.
func (im *factsImport) cases(ctx context.Context) error {
	tx := im.tx
	if _, err := tx.Exec(ctx, `UPDATE f_cases f SET case_id = c.id FROM cases c WHERE c.case_number = f.cid`); err != nil {
		return err
	}
	// first_assigned is kept in cases.first_assigned only when the
	// assignments kept here (with the file's current one) do not give it
	// already: the assignments before this database knew the case.
	if _, err := tx.Exec(ctx, `
		UPDATE f_cases f SET fa_keep = f.first_assigned
		WHERE f.first_assigned IS NOT NULL AND f.first_assigned IS DISTINCT FROM (
		    SELECT min(x.d) FROM (
		        SELECT lower(h.during) AS d FROM case_assignments h WHERE h.case_id = f.case_id
		        UNION ALL SELECT f.assigned
		    ) x WHERE f.received IS NULL OR x.d >= f.received)`); err != nil {
		return err
	}
	count := im.rep.Count("cases")
	var created int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM f_cases WHERE case_id IS NULL`).Scan(&created); err != nil {
		return err
	}
	if created > 0 {
		office, err := im.importedOffice(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			WITH made AS (
			    INSERT INTO cases (case_number, family_name, office_id, setting, placement_date, goal, court_involved, court_next,
			                       scr_assigned, received, closing, closed, first_assigned, safety_plan_start, safety_plan_end, created_at)
			    SELECT f.cid, f.cid, coalesce((SELECT u.office_id FROM f_staff w JOIN units u ON u.id = w.unit_id WHERE w.sid = f.worker), $1),
			           f.setting, f.placement, f.goal, f.court_next IS NOT NULL, f.court_next, f.scr, f.received, f.closing, f.closed, f.fa_keep, f.plan_start, f.plan_end, clock_timestamp()
			    FROM f_cases f WHERE f.case_id IS NULL ORDER BY f.idx
			    RETURNING id, case_number
			)
			UPDATE f_cases f SET case_id = made.id FROM made WHERE made.case_number = f.cid`, office); err != nil {
			return err
		}
	}
	count.Created += created
	tag, err := tx.Exec(ctx, `
		UPDATE cases c SET setting = f.setting, placement_date = f.placement, goal = f.goal,
		       court_involved = c.court_involved OR f.court_next IS NOT NULL, court_next = f.court_next,
		       scr_assigned = f.scr, received = f.received, closing = f.closing, closed = f.closed,
		       first_assigned = f.fa_keep, safety_plan_start = f.plan_start, safety_plan_end = f.plan_end
		FROM f_cases f
		WHERE c.id = f.case_id
		  AND (c.setting, c.placement_date, c.goal, c.court_next, c.scr_assigned, c.received, c.closing, c.closed, c.first_assigned,
		       c.safety_plan_start, c.safety_plan_end)
		      IS DISTINCT FROM (f.setting, f.placement, f.goal, f.court_next, f.scr, f.received, f.closing, f.closed, f.fa_keep,
		       f.plan_start, f.plan_end)`)
	if err != nil {
		return err
	}
	count.Updated += int(tag.RowsAffected())
	count.Unchanged += len(im.f.Cases) - count.Created - count.Updated
	return nil
}

// assignments records each case's worker from its assigned date (history kept).
func (im *factsImport) assignments(ctx context.Context) error {
	tx := im.tx
	if err := tempTable(ctx, tx, "pos_stage", "row_no int, person bigint, target bigint, since date"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO pos_stage SELECT f.idx, f.case_id, w.person_id, f.assigned
		FROM f_cases f JOIN f_staff w ON w.sid = f.worker`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `ANALYZE pos_stage`); err != nil {
		return err
	}
	ps, err := upsertPositions(ctx, tx, assignmentsPos, im.rep.Count("assignments"))
	if err != nil {
		return err
	}
	im.positionProblems(ps, func(row int) string { return fmt.Sprintf("cases[%d].assigned", row) }, "assignment")
	return nil
}

// mvr adds each visit plan (MVR) entry not yet recorded (history kept) and
// corrects the counts of one recorded from the same date.
func (im *factsImport) mvr(ctx context.Context) error {
	tx := im.tx
	count := im.rep.Count("visit plans")
	tag, err := tx.Exec(ctx, `
		UPDATE case_mvr m SET child = fm.child, parents = fm.parents, provider = fm.provider
		FROM f_mvr fm JOIN f_cases f ON f.idx = fm.cidx
		WHERE m.case_id = f.case_id AND m.from_on = fm.day
		  AND (m.child, m.parents, m.provider) IS DISTINCT FROM (fm.child, fm.parents, fm.provider)`)
	if err != nil {
		return err
	}
	count.Updated += int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `
		INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at)
		SELECT f.case_id, fm.day, fm.child, fm.parents, fm.provider, clock_timestamp()
		FROM f_mvr fm JOIN f_cases f ON f.idx = fm.cidx
		ON CONFLICT (case_id, from_on) DO NOTHING`)
	if err != nil {
		return err
	}
	count.Created += int(tag.RowsAffected())
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM f_mvr`).Scan(&total); err != nil {
		return err
	}
	count.Unchanged += total - count.Created - count.Updated
	return nil
}

// risk adds each risk entry not yet recorded (a new row: history kept) and
// corrects the level of one recorded on the same date.
func (im *factsImport) risk(ctx context.Context) error {
	tx := im.tx
	count := im.rep.Count("risk assessments")
	tag, err := tx.Exec(ctx, `
		UPDATE risk_assessments r SET level = fr.level
		FROM f_risk fr JOIN f_cases f ON f.idx = fr.cidx
		WHERE r.case_id = f.case_id AND r.assessed_on = fr.day AND r.level <> fr.level`)
	if err != nil {
		return err
	}
	count.Updated += int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `
		INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_at)
		SELECT f.case_id, fr.level, fr.day, clock_timestamp()
		FROM f_risk fr JOIN f_cases f ON f.idx = fr.cidx
		ON CONFLICT (case_id, assessed_on) DO NOTHING`)
	if err != nil {
		return err
	}
	count.Created += int(tag.RowsAffected())
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM f_risk`).Scan(&total); err != nil {
		return err
	}
	count.Unchanged += total - count.Created - count.Updated
	return nil
}

// conferences adds the conferences not yet recorded, as signed records
// (shared when the facts say so), with the cases discussed. A conference
// already recorded is compared: its notes may since have been shared (then it
// is updated), but any other difference is a problem, since a signed
// conference is never edited.
func (im *factsImport) conferences(ctx context.Context) error {
	tx := im.tx
	if _, err := tx.Exec(ctx, `UPDATE f_conf f SET conference_id = k.id FROM conferences k WHERE k.source_id = f.kid`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE f_conf f SET conference_id = k.id FROM conferences k
		WHERE f.conference_id IS NULL AND k.source_id IS NULL AND 'k' || k.id = f.kid`); err != nil {
		return err
	}
	count := im.rep.Count("conferences")
	known := im.rep.Problems.Len()
	// Compare those already recorded.
	rows, err := tx.Query(ctx, `
		WITH f AS (
		    SELECT f.*, sp.person_id AS sup_id, wp.person_id AS worker_id, cp.person_id AS cws_id,
		           coalesce((SELECT array_agg(c.case_id ORDER BY fc.pos) FROM f_conf_cases fc JOIN f_cases c ON c.cid = fc.cid WHERE fc.kidx = f.idx), '{}') AS case_ids
		    FROM f_conf f
		    LEFT JOIN f_staff sp ON sp.sid = f.sup
		    LEFT JOIN f_staff wp ON wp.sid = f.worker
		    LEFT JOIN f_staff cp ON cp.sid = f.cws
		    WHERE f.conference_id IS NOT NULL
		)
		SELECT f.idx, f.kid, k.status,
		       array_remove(ARRAY[
		           CASE WHEN k.kind <> f.kind THEN 'kind' END,
		           CASE WHEN k.held_on <> f.held THEN 'date' END,
		           CASE WHEN k.supervisor_id IS DISTINCT FROM f.sup_id THEN 'supervisor' END,
		           CASE WHEN coalesce(k.worker_id, k.invited_worker_id) IS DISTINCT FROM f.worker_id THEN 'worker' END,
		           CASE WHEN k.casework_supervisor_id IS DISTINCT FROM f.cws_id THEN 'casework_supervisor' END,
		           CASE WHEN coalesce((SELECT array_agg(cc.case_id ORDER BY cc.position, cc.case_id) FROM conference_cases cc WHERE cc.conference_id = k.id), '{}') <> f.case_ids THEN 'cases' END,
		           CASE WHEN k.shared_at IS NOT NULL AND f.shared IS NOT NULL AND `+sharedDate("k")+` <> f.shared THEN 'shared' END -- the field's name, not a state
		       ], NULL),
		       k.shared_at IS NULL AND f.shared IS NOT NULL
		FROM f JOIN conferences k ON k.id = f.conference_id
		ORDER BY f.idx`)
	if err != nil {
		return err
	}
	var share []int
	var unchanged int
	var idx int
	var kid, status string
	var diffs []string
	var newlyShared bool
	_, err = pgx.ForEachRow(rows, []any{&idx, &kid, &status, &diffs, &newlyShared}, func() error {
		p := fmt.Sprintf("conferences[%d]", idx)
		switch {
		case status == "draft":
			im.problem(p+".id", fmt.Sprintf("%q is a draft in the database, not a held conference", kid))
		case len(diffs) > 0:
			im.problem(p+"."+diffs[0], fmt.Sprintf("conference %q is already recorded with a different %s; a signed conference is not changed by an import", kid, joinQuoted(diffs)))
		case newlyShared:
			share = append(share, idx)
		default:
			unchanged++
		}
		return nil
	})
	if err != nil {
		return err
	}
	count.Unchanged += unchanged
	// Shared since the last import.
	if len(share) > 0 {
		tag, err := tx.Exec(ctx, `
			UPDATE conferences k SET status = CASE WHEN k.status = `+signedSQL+` THEN `+sharedSQL+` ELSE k.status END,
			       shared_at = greatest(k.signed_at, (f.shared + time '12:00') AT TIME ZONE $2),
			       shared_by = coalesce(k.casework_supervisor_id, k.supervisor_id), updated_at = clock_timestamp()
			FROM f_conf f WHERE f.conference_id = k.id AND f.idx = ANY($1)`, share, im.tz)
		if err != nil {
			return err
		}
		count.Updated += int(tag.RowsAffected())
	}
	// Not dated after today: a conference is recorded once held.
	rows, err = tx.Query(ctx, `
		SELECT idx, held::text, (clock_timestamp() AT TIME ZONE $1)::date::text FROM f_conf
		WHERE conference_id IS NULL AND held > (clock_timestamp() AT TIME ZONE $1)::date ORDER BY idx`, im.tz)
	if err != nil {
		return err
	}
	var held, today string
	if _, err := pgx.ForEachRow(rows, []any{&idx, &held, &today}, func() error {
		im.problem(fmt.Sprintf("conferences[%d].date", idx), fmt.Sprintf("%s is after today (%s): a conference is recorded once it is held", held, today))
		return nil
	}); err != nil || im.rep.Problems.Len() > known {
		return err
	}
	// New ones: entered as drafts with the cases discussed (a signed
	// record's cases cannot change), then signed on their date (noon in the
	// agency's zone) and shared on theirs.
	tag, err := tx.Exec(ctx, `
		WITH made AS (
		    INSERT INTO conferences (source_id, kind, held_on, supervisor_id, worker_id, invited_worker_id, casework_supervisor_id,
		                             status, created_by, entered_at, updated_at)
		    SELECT f.kid, f.kind, f.held, sp.person_id,
		           CASE WHEN f.kind = 'supervision' THEN wp.person_id END,
		           CASE WHEN f.kind = 'casework_review' THEN wp.person_id END,
		           cp.person_id, `+draftSQL+`, coalesce(cp.person_id, sp.person_id), clock_timestamp(), clock_timestamp()
		    FROM f_conf f
		    LEFT JOIN f_staff sp ON sp.sid = f.sup
		    LEFT JOIN f_staff wp ON wp.sid = f.worker
		    LEFT JOIN f_staff cp ON cp.sid = f.cws
		    WHERE f.conference_id IS NULL
		    ORDER BY f.idx
		    RETURNING id, source_id
		)
		UPDATE f_conf f SET conference_id = made.id, fresh = true FROM made WHERE made.source_id = f.kid AND f.conference_id IS NULL`)
	if err != nil {
		return err
	}
	count.Created += int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `
		-- The system of record's conference is its record of the discussion:
		-- its cases count as discussed (docs/workspace.md).
		INSERT INTO conference_cases (conference_id, case_id, position, discussed)
		SELECT f.conference_id, c.case_id, fc.pos, true
		FROM f_conf_cases fc JOIN f_conf f ON f.idx = fc.kidx JOIN f_cases c ON c.cid = fc.cid
		WHERE f.fresh`); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		UPDATE conferences k SET status = CASE WHEN f.shared IS NULL THEN `+signedSQL+` ELSE `+sharedSQL+` END,
		       signed_at = (f.held + time '12:00') AT TIME ZONE $1, signed_by = k.created_by,
		       shared_at = (f.shared + time '12:00') AT TIME ZONE $1,
		       shared_by = CASE WHEN f.shared IS NOT NULL THEN k.created_by END
		FROM f_conf f WHERE f.fresh AND k.id = f.conference_id`, im.tz)
	return err
}

// events adds the events not yet recorded. Events in the facts have no id, so
// they are matched by case, kind and date: the file's count of each
// (case, kind, date) is topped up to, never cut down to (an import adds what
// happened; it removes nothing).
//
// The facts carry no approval per contact: a contact_sheet_approved fact
// dated D says every contact of the case dated on or before D was approved
// (docs/rules.md). So the contacts of the system of record's (imported
// before) dated on or before the file's latest sheet approval of their case
// are approved, and a new contact reads as importedContactApprovalSQL says;
// contacts recorded in Casework keep their own approval.
func (im *factsImport) events(ctx context.Context) error {
	tx := im.tx
	count := im.rep.Count("events")
	if _, err := tx.Exec(ctx, `
		UPDATE events p SET approval = 'approved'
		FROM (SELECT c.case_id, max(e.day) AS day FROM f_events e JOIN f_cases c ON c.cid = e.cid
		      WHERE e.kind = '`+rules.EventContactSheetApproved+`' GROUP BY c.case_id) a
		WHERE p.case_id = a.case_id AND p.occurred_on <= a.day AND p.approval = 'pending'
		  AND p.kind IN (`+contactKindsSQL+`) AND (p.source_id IS NOT NULL OR p.recorded_by IS NULL)`); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `
		WITH want AS (
		    SELECT c.case_id, e.kind, e.day, count(*) AS n
		    FROM f_events e JOIN f_cases c ON c.cid = e.cid
		    GROUP BY c.case_id, e.kind, e.day
		), have AS (
		    SELECT w.case_id, w.kind, w.day, count(ev.id) AS n
		    FROM want w JOIN events ev ON ev.case_id = w.case_id AND ev.kind = w.kind AND ev.occurred_on = w.day
		    GROUP BY w.case_id, w.kind, w.day
		), recorded AS (`+sheetsOfRecordSQL("SELECT case_id FROM f_cases")+`
		), in_file AS (
		    SELECT case_id, max(day) AS day FROM want WHERE kind = '`+rules.EventContactSheetApproved+`' GROUP BY case_id
		)
		INSERT INTO events (case_id, kind, occurred_on, recorded_at, approval)
		SELECT w.case_id, w.kind, w.day, clock_timestamp(),
		       CASE WHEN w.kind IN (`+contactKindsSQL+`) THEN `+importedContactApprovalSQL("w.day", "r.day", "f.day")+` ELSE 'not_required' END
		FROM want w
		LEFT JOIN have h ON h.case_id = w.case_id AND h.kind = w.kind AND h.day = w.day
		LEFT JOIN recorded r ON r.case_id = w.case_id
		LEFT JOIN in_file f ON f.case_id = w.case_id
		CROSS JOIN LATERAL generate_series(1, w.n - coalesce(h.n, 0))`)
	if err != nil {
		return err
	}
	count.Created += int(tag.RowsAffected())
	count.Unchanged += len(im.f.Events) - count.Created
	return nil
}

// profile records the file's profile and holiday calendar as the agency's
// choice from as_of, when it differs from the choice in force then. The
// first choice of an empty database takes effect from the file's earliest
// date, so that exports as of any date of the file find it.
func (im *factsImport) profile(ctx context.Context) error {
	tx, f := im.tx, im.f
	count := im.rep.Count("profile choice")
	var cur rules.Facts
	err := profileInForce(ctx, tx, dateTime(f.AsOf), &cur)
	none := errors.Is(err, ErrNotFound)
	if err != nil && !none {
		return err
	}
	want := rules.Facts{Profile: f.Profile, HolidaysSet: f.HolidaysSet}
	if want.Profile == "" {
		want.Profile = cur.Profile
		if want.Profile == "" {
			want.Profile = rules.DefaultProfile
		}
	}
	var holidays any
	if f.HolidaysSet {
		want.Holidays = slices.Clone(f.Holidays)
		slices.SortFunc(want.Holidays, rules.Date.Compare)
		want.Holidays = slices.Compact(want.Holidays)
		hs := make([]time.Time, len(want.Holidays))
		for i, h := range want.Holidays {
			hs[i] = dateTime(h)
		}
		holidays = hs
	}
	if !none && cur.Profile == want.Profile && cur.HolidaysSet == want.HolidaysSet && slices.Equal(cur.Holidays, want.Holidays) {
		count.Unchanged++
		return nil
	}
	effective := f.AsOf
	var anyChoice bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM profile_choices)`).Scan(&anyChoice); err != nil {
		return err
	}
	if !anyChoice {
		effective = earliestDate(f)
	}
	var inserted bool
	err = tx.QueryRow(ctx, `
		INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by, holidays)
		VALUES ($1, $2, clock_timestamp(), $3, $4)
		ON CONFLICT (effective_on) DO UPDATE SET profile = EXCLUDED.profile, holidays = EXCLUDED.holidays,
		    chosen_at = EXCLUDED.chosen_at, chosen_by = EXCLUDED.chosen_by
		RETURNING (xmax = 0)`, want.Profile, dateTime(effective), "import of "+im.rep.File+" by "+runBy(im.v), holidays).Scan(&inserted)
	if err != nil {
		return err
	}
	if inserted {
		count.Created++
	} else {
		count.Updated++
	}
	return nil
}

// dateTime is a calendar date as the store carries it (UTC midnight).
func dateTime(d rules.Date) time.Time {
	return time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC)
}

// earliestDate is the earliest date the facts mention (as_of at the latest).
func earliestDate(f *rules.Facts) rules.Date {
	min := f.AsOf
	see := func(d rules.Date) {
		if !d.IsZero() && d.Before(min) {
			min = d
		}
	}
	for _, s := range f.Staff {
		see(s.Since)
		see(s.ExperienceStart)
	}
	for _, c := range f.Cases {
		for _, d := range []rules.Date{c.Received, c.Assigned, c.PlacementDate, c.SCRAssigned, c.CourtNext, c.Closing, c.Closed} {
			see(d)
		}
		for _, r := range c.Risk {
			see(r.From)
		}
	}
	for _, k := range f.Conferences {
		see(k.Date)
	}
	for _, e := range f.Events {
		see(e.Date)
	}
	for _, h := range f.Holidays {
		see(h)
	}
	return min
}
