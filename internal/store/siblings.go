package store

import (
	"context"
	"errors"
	"fmt"
	"github.com/casework/casework/internal/domain"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// SiblingsApart is domain.SiblingsApart.
type SiblingsApart = domain.SiblingsApart

// CaseSiblingsApart returns the siblings placed apart of a case in the
// viewer's reach on the date, nil when none is recorded. A case outside the
// reach answers nil too: the query carries the reach itself.
func (s *Store) CaseSiblingsApart(ctx context.Context, v access.Viewer, caseID int64, on time.Time) (*SiblingsApart, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT sa.start_on, sa.end_on, coalesce(p.full_name, 'system of record') AS set_by
		FROM case_siblings_apart sa LEFT JOIN people p ON p.id = sa.set_by
		WHERE sa.case_id = $1 AND `+caseInReachSQL, caseID, v.PersonID, on)
	if err != nil {
		return nil, fmt.Errorf("CaseSiblingsApart: %w", err)
	}
	sa, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[SiblingsApart])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("CaseSiblingsApart: %w", err)
	}
	return &sa, nil
}

// RecordSiblingsApart sets, on a case the viewer supervises, the day its
// child's siblings were placed apart and, once they are together again, the
// day they were (nil: still apart). The audit entry keeps the dates before
// and after, so a range replaced by a new one is not lost.
func (s *Store) RecordSiblingsApart(ctx context.Context, v access.Viewer, caseID int64, start time.Time, end *time.Time, today time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT `+supervisesCaseSQL, caseID, v.PersonID, today).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		var beforeStart, beforeEnd *time.Time
		if err := tx.QueryRow(ctx, `SELECT start_on, end_on FROM case_siblings_apart WHERE case_id = $1 FOR UPDATE`, caseID).
			Scan(&beforeStart, &beforeEnd); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("RecordSiblingsApart: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO case_siblings_apart (case_id, start_on, end_on, set_by, set_at) VALUES ($1, $2, $3, $4, now())
			ON CONFLICT (case_id) DO UPDATE SET start_on = EXCLUDED.start_on, end_on = EXCLUDED.end_on,
			    set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`, caseID, start, end, v.PersonID); err != nil {
			return fmt.Errorf("RecordSiblingsApart: %w", err)
		}
		day := func(t *time.Time) any {
			if t == nil {
				return nil
			}
			return t.Format(time.DateOnly)
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "siblings_apart", EntityID: fmt.Sprint(caseID),
			Detail: map[string]any{"case": caseID,
				"before": map[string]any{"start": day(beforeStart), "end": day(beforeEnd)},
				"after":  map[string]any{"start": start.Format(time.DateOnly), "end": day(end)}}})
	})
}

// siblingsApartSQL reads the siblings placed apart of every case as
// recorded, like the Safety Protection Plan's dates: the engine reads the
// start and the end against as_of itself. siblingsApartOfSQL reads those of
// the cases $1.
const (
	siblingsApartSQL   = `SELECT case_id, start_on, end_on FROM case_siblings_apart`
	siblingsApartOfSQL = siblingsApartSQL + ` WHERE case_id = ANY($1)`
)

// scanSiblingsApart reads siblingsApartSQL's rows into the cases that put
// returns, skipping the cases it does not know.
func scanSiblingsApart(rows pgx.Rows, put func(id int64) *rules.Case) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var start, end pgtype.Date
		if err := rows.Scan(&id, &start, &end); err != nil {
			return err
		}
		if c := put(id); c != nil {
			c.SiblingsApartStart, c.SiblingsApartEnd = pgDate(start), pgDate(end)
		}
	}
	return rows.Err()
}

// siblingsApart sets the siblings placed apart of each case of the facts
// file as the file says, like its Safety Protection Plan's dates: a case
// with siblings_apart_start gets its range, a case without has none. The
// count is reported when the file or the records hold any.
func (im *factsImport) siblingsApart(ctx context.Context) error {
	tx := im.tx
	if err := tempTable(ctx, tx, "f_siblings", "cidx int, start_on date, end_on date"); err != nil {
		return err
	}
	var apart []int
	for i, c := range im.f.Cases {
		if !c.SiblingsApartStart.IsZero() {
			apart = append(apart, i)
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"f_siblings"}, []string{"cidx", "start_on", "end_on"}, pgx.CopyFromSlice(len(apart), func(n int) ([]any, error) {
		c := im.f.Cases[apart[n]]
		return []any{apart[n], nullDateOf(c.SiblingsApartStart), nullDateOf(c.SiblingsApartEnd)}, nil
	})); err != nil {
		return fmt.Errorf("stage f_siblings: %w", err)
	}
	removed, err := tx.Exec(ctx, `
		DELETE FROM case_siblings_apart sa USING f_cases f
		WHERE sa.case_id = f.case_id AND NOT EXISTS (SELECT 1 FROM f_siblings fs WHERE fs.cidx = f.idx)`)
	if err != nil {
		return err
	}
	updated, err := tx.Exec(ctx, `
		UPDATE case_siblings_apart sa SET start_on = fs.start_on, end_on = fs.end_on, set_by = NULL, set_at = clock_timestamp()
		FROM f_siblings fs JOIN f_cases f ON f.idx = fs.cidx
		WHERE sa.case_id = f.case_id AND (sa.start_on, sa.end_on) IS DISTINCT FROM (fs.start_on, fs.end_on)`)
	if err != nil {
		return err
	}
	created, err := tx.Exec(ctx, `
		INSERT INTO case_siblings_apart (case_id, start_on, end_on, set_at)
		SELECT f.case_id, fs.start_on, fs.end_on, clock_timestamp()
		FROM f_siblings fs JOIN f_cases f ON f.idx = fs.cidx
		ON CONFLICT (case_id) DO NOTHING`)
	if err != nil {
		return err
	}
	if len(apart) > 0 || removed.RowsAffected() > 0 {
		count := im.rep.Count("siblings apart")
		count.Created, count.Updated = int(created.RowsAffected()), int(updated.RowsAffected()+removed.RowsAffected())
		count.Unchanged = len(apart) - count.Created - int(updated.RowsAffected())
	}
	return nil
}

// applySiblingsApart sets the siblings placed apart of each case listed (a
// row a case): its start and its end (empty: still apart), as the row says.
func applySiblingsApart(ctx context.Context, im *csvImport) error {
	if err := im.duplicates(ctx, "case_id", "case_id", "case_id"); err != nil {
		return err
	}
	if err := im.problems(ctx, `
		SELECT row_no, 'siblings_apart_end', format('%s is before siblings_apart_start %s', siblings_apart_end, siblings_apart_start)
		FROM csv_stage WHERE siblings_apart_end < siblings_apart_start ORDER BY row_no`); err != nil {
		return err
	}
	if err := im.resolveCases(ctx); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil
	}
	count := im.rep.Count("siblings apart")
	updated, err := im.exec(ctx, `
		UPDATE case_siblings_apart sa SET start_on = s.siblings_apart_start, end_on = s.siblings_apart_end,
		       set_by = $1, set_at = clock_timestamp()
		FROM csv_stage s
		WHERE sa.case_id = s.case_ref AND (sa.start_on, sa.end_on) IS DISTINCT FROM (s.siblings_apart_start, s.siblings_apart_end)`,
		nullID(im.v.PersonID))
	if err != nil {
		return err
	}
	created, err := im.exec(ctx, `
		INSERT INTO case_siblings_apart (case_id, start_on, end_on, set_by, set_at)
		SELECT case_ref, siblings_apart_start, siblings_apart_end, $1, clock_timestamp() FROM csv_stage ORDER BY row_no
		ON CONFLICT (case_id) DO NOTHING`, nullID(im.v.PersonID))
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
