package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
	"github.com/casework/casework/internal/exchange"
)

// Imports share this machinery: the rows of a file are checked first, then
// staged in temporary tables and applied set by set in one transaction. Any
// problem rolls the whole transaction back, so a file with one bad row
// changes nothing. Imports run one at a time (an advisory lock).

// errProblems rolls an import's transaction back when its report has problems.
var errProblems = errors.New("the import has problems")

// ImportedOffice is the office that facts imports put what they create in:
// the facts carry no offices or units (docs/import.md).
const ImportedOffice = "Imported"

// importLock serialises imports: two at once could both decide to create the
// same person or case.
func importLock(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('casework.import'))`)
	return err
}

// recordImport writes the imports row and the audit entry of an applied import.
func recordImport(ctx context.Context, tx pgx.Tx, v access.Viewer, rep *exchange.Report) error {
	counts := rep.CountsMap()
	var actor any
	if v.PersonID != 0 {
		actor = v.PersonID
	}
	err := tx.QueryRow(ctx, `
		INSERT INTO imports (kind, file_name, actor_id, run_by, at, counts)
		VALUES ($1, $2, $3, $4 || CASE WHEN $3::bigint IS NULL THEN ', database role ' || current_user ELSE '' END, clock_timestamp(), $5)
		RETURNING id`, rep.Kind, rep.File, actor, runBy(v), counts).Scan(&rep.ImportID)
	if err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	return audit(ctx, tx, v, AuditEntry{Action: "imported", Entity: "import", EntityID: fmt.Sprint(rep.ImportID), Detail: map[string]any{
		"kind": rep.Kind, "file": rep.File, "counts": counts, "run_by": runBy(v),
	}})
}

// dbProblem turns a refusal by the database (a constraint the checks before
// it did not foresee) into a problem of the report; other errors stay errors.
func dbProblem(err error) (exchange.Problem, bool) {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return exchange.Problem{}, false
	}
	switch pg.Code[:2] {
	case "22", "23": // data exception, integrity constraint violation
		msg := pg.Message
		if pg.Detail != "" {
			msg += " (" + pg.Detail + ")"
		}
		return exchange.Problem{Msg: "the database refused the data: " + msg}, true
	}
	return exchange.Problem{}, false
}

// tempTable (re)creates a temporary table dropped at the end of the transaction.
func tempTable(ctx context.Context, tx pgx.Tx, name, columns string) error {
	if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+name); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE `+name+` (`+columns+`) ON COMMIT DROP`)
	return err
}

// ensureOffice returns the id of the office with that name, creating it
// (counted) when there is none.
func ensureOffice(ctx context.Context, tx pgx.Tx, name string, rep *exchange.Report) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM offices WHERE name = $1`, name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, err
	}
	if err := tx.QueryRow(ctx, `INSERT INTO offices (name) VALUES ($1) RETURNING id`, name).Scan(&id); err != nil {
		return 0, err
	}
	rep.Count("offices").Created++
	return id, nil
}

// newUnit creates a unit in an office under a name not yet taken there
// (adding " (2)", " (3)"... when it is).
func newUnit(ctx context.Context, tx pgx.Tx, office int64, name string, rep *exchange.Report) (int64, error) {
	candidate := name
	for i := 2; ; i++ {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO units (office_id, name) VALUES ($1, $2)
			ON CONFLICT (office_id, name) DO NOTHING RETURNING id`, office, candidate).Scan(&id)
		if err == nil {
			rep.Count("units").Created++
			return id, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return 0, err
		}
		candidate = fmt.Sprintf("%s (%d)", name, i)
	}
}

// A position table: who (person) holds what (target) over a date range.
type posTable struct {
	table, person, target string
}

var (
	unitMembersPos       = posTable{"unit_members", "worker_id", "unit_id"}
	unitSupervisorsPos   = posTable{"unit_supervisors", "supervisor_id", "unit_id"}
	supervisorReportsPos = posTable{"supervisor_reports", "supervisor_id", "casework_supervisor_id"}
	assignmentsPos       = posTable{"case_assignments", "case_id", "worker_id"}
)

// posProblem is a staged position that cannot be applied.
type posProblem struct {
	row   int
	since string // the current post's start
}

// upsertPositions applies the positions of the temporary table pos_stage
// (row_no int, person bigint, target bigint, since date) to a position table,
// keeping history:
//
//   - the same person, target and start already recorded (current or past): unchanged;
//   - no position yet: a new one from since, open-ended (created);
//   - since after the start of the person's latest position: that position
//     ends on since (if it had not ended before) and a new one begins
//     (created: the key of a position is who and since);
//   - since equal to that start, another target: a correction of the
//     latest position's target (updated);
//   - since before that start: a problem (history is not rewritten).
//
// Rows of one person are applied in order of since, one round each.
func upsertPositions(ctx context.Context, tx pgx.Tx, pt posTable, count *exchange.Count) ([]posProblem, error) {
	T, P, G := pt.table, pt.person, pt.target
	var problems []posProblem
	if _, err := tx.Exec(ctx, `ALTER TABLE pos_stage ADD COLUMN round int`); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE pos_stage s SET round = o.round
		FROM (SELECT row_no, row_number() OVER (PARTITION BY person ORDER BY since, row_no) AS round FROM pos_stage) o
		WHERE o.row_no = s.row_no`); err != nil {
		return nil, err
	}
	for round := 1; ; round++ {
		if err := tempTable(ctx, tx, "pos_plan", "row_no int, person bigint, target bigint, since date, cur_id bigint, cur_target bigint, cur_since date, cur_until date, exact boolean"); err != nil {
			return nil, err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO pos_plan
			SELECT s.row_no, s.person, s.target, s.since, cur.id, cur.target, lower(cur.during), upper(cur.during),
			       EXISTS (SELECT 1 FROM `+T+` h WHERE h.`+P+` = s.person AND h.`+G+` = s.target AND lower(h.during) = s.since)
			FROM pos_stage s
			LEFT JOIN LATERAL (
			    SELECT t.id, t.`+G+` AS target, t.during FROM `+T+` t WHERE t.`+P+` = s.person
			    ORDER BY lower(t.during) DESC LIMIT 1
			) cur ON true
			WHERE s.round = $1`, round)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 0 {
			return problems, nil
		}
		rows, err := tx.Query(ctx, `SELECT row_no, cur_since::text FROM pos_plan WHERE NOT exact AND cur_id IS NOT NULL AND since < cur_since ORDER BY row_no`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p posProblem
			if err := rows.Scan(&p.row, &p.since); err != nil {
				rows.Close()
				return nil, err
			}
			problems = append(problems, p)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			continue // nothing will be applied; keep finding problems
		}
		var n int64
		// Unchanged.
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM pos_plan WHERE exact`).Scan(&n); err != nil {
			return nil, err
		}
		count.Unchanged += int(n)
		// Corrections of the latest position's target.
		tag, err = tx.Exec(ctx, `
			UPDATE `+T+` t SET `+G+` = p.target FROM pos_plan p
			WHERE NOT p.exact AND t.id = p.cur_id AND p.since = p.cur_since`)
		if err != nil {
			return nil, err
		}
		count.Updated += int(tag.RowsAffected())
		// A later start: end the latest position, then begin the new one.
		// (Counted below, as the new position it makes way for.)
		_, err = tx.Exec(ctx, `
			UPDATE `+T+` t SET during = daterange(p.cur_since, p.since) FROM pos_plan p
			WHERE NOT p.exact AND t.id = p.cur_id AND p.since > p.cur_since AND (p.cur_until IS NULL OR p.cur_until > p.since)`)
		if err != nil {
			return nil, err
		}
		tag, err = tx.Exec(ctx, `
			INSERT INTO `+T+` (`+P+`, `+G+`, during)
			SELECT p.person, p.target, daterange(p.since, NULL) FROM pos_plan p
			WHERE NOT p.exact AND (p.cur_id IS NULL OR p.since > p.cur_since)`)
		if err != nil {
			return nil, err
		}
		count.Created += int(tag.RowsAffected())
	}
}

var emailUnsafe = regexp.MustCompile(`[^a-z0-9._-]+`)

// importedEmail makes a placeholder address for a staff member created by an
// import without one: the staff id at imported.invalid (a reserved domain, RFC
// 2606: no mail can reach anyone). An administrator sets the real address.
func importedEmail(id string, taken map[string]bool) string {
	base := strings.Trim(emailUnsafe.ReplaceAllString(strings.ToLower(id), "-"), "-.")
	if base == "" {
		base = "staff"
	}
	if len(base) > 60 {
		base = base[:60]
	}
	e := base + "@imported.invalid"
	for i := 2; taken[e]; i++ {
		e = fmt.Sprintf("%s-%d@imported.invalid", base, i)
	}
	taken[e] = true
	return e
}

// ImportRecord is domain.ImportRecord: what the store returns and the views take.
type ImportRecord = domain.ImportRecord

// RecentImports lists the latest imports, newest first (administrators only).
func (s *Store) RecentImports(ctx context.Context, v access.Viewer, limit int) ([]ImportRecord, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT id, kind, file_name, run_by, at, counts FROM imports ORDER BY at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("RecentImports: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[ImportRecord])
	if err != nil {
		return nil, fmt.Errorf("RecentImports: %w", err)
	}
	return out, nil
}
