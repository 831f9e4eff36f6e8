package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// emergent imports the file's emergent requests (docs/import.md). A request
// is identified by its id in the facts: the id it was imported under
// (`source_id`), else e<row id> for a request made in this app (what its
// export writes). A request not yet held is created, addressed to the
// file's casework supervisor, asked by `requested_by`, about `case`, made on
// `made` at an hour that reads back as the file's `after_closing`, and, when
// the file says it was held, answered on that day. A request already held
// is compared: what was asked never changes, so any difference is a
// problem; one the file says was held and this database does not is
// answered now (counted updated). Imported requests send no notification:
// they were asked elsewhere, and their casework supervisor finds them on
// the emergent queue.
func (im *factsImport) emergent(ctx context.Context) error {
	n := len(im.f.Emergent)
	if n == 0 {
		return nil
	}
	tx := im.tx
	if err := tempTable(ctx, tx, "f_emergent", "idx int PRIMARY KEY, qid text, cid text, by_sid text, cws_sid text, made date, after boolean, held date, request_id bigint"); err != nil {
		return err
	}
	src := pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		q := im.f.Emergent[i]
		return []any{i, q.ID, nullString(q.Case), nullString(q.RequestedBy), q.CaseworkSupervisor, nullDateOf(q.Made), q.AfterClosing, nullDateOf(q.Held)}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"f_emergent"}, []string{"idx", "qid", "cid", "by_sid", "cws_sid", "made", "after", "held"}, src); err != nil {
		return fmt.Errorf("stage f_emergent: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE f_emergent f SET request_id = e.id FROM emergent_requests e WHERE e.source_id = f.qid`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE f_emergent f SET request_id = e.id FROM emergent_requests e
		WHERE f.request_id IS NULL AND e.source_id IS NULL AND 'e' || e.id = f.qid`); err != nil {
		return err
	}
	count := im.rep.Count("emergent requests")

	// The people and the case each request names, by the file's ids. The
	// rules' checks already refused names the file does not hold; a name
	// whose row an earlier step left unresolved (it reported why) is not
	// reported twice.
	rows, err := tx.Query(ctx, `
		SELECT f.idx, f.qid, f.by_sid, f.cws_sid, f.cid,
		       f.by_sid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM f_staff s WHERE s.sid = f.by_sid),
		       NOT EXISTS (SELECT 1 FROM f_staff s WHERE s.sid = f.cws_sid),
		       f.cid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM f_cases c WHERE c.cid = f.cid),
		       coalesce(f.request_id IS NULL AND f.made > (clock_timestamp() AT TIME ZONE $1)::date, false),
		       coalesce(f.request_id IS NULL AND f.held > (clock_timestamp() AT TIME ZONE $1)::date, false),
		       (clock_timestamp() AT TIME ZONE $1)::date::text
		FROM f_emergent f ORDER BY f.idx`, im.tz)
	if err != nil {
		return err
	}
	var idx int
	var qid, cws, today string
	var by, cid *string
	var noBy, noCWS, noCase, madeLater, heldLater bool
	if _, err := pgx.ForEachRow(rows, []any{&idx, &qid, &by, &cws, &cid, &noBy, &noCWS, &noCase, &madeLater, &heldLater, &today}, func() error {
		p := fmt.Sprintf("emergent[%d]", idx)
		if noBy {
			im.problem(p+".requested_by", fmt.Sprintf("no staff member %q in the file", *by))
		}
		if noCWS {
			im.problem(p+".casework_supervisor", fmt.Sprintf("no staff member %q in the file", cws))
		}
		if noCase {
			im.problem(p+".case", fmt.Sprintf("no case %q in the file", *cid))
		}
		if madeLater {
			im.problem(p+".made", fmt.Sprintf("%s is after today (%s): a request is recorded once it is made", im.f.Emergent[idx].Made, today))
		}
		if heldLater {
			im.problem(p+".held", fmt.Sprintf("%s is after today (%s): a conference is recorded once it is held", im.f.Emergent[idx].Held, today))
		}
		return nil
	}); err != nil {
		return err
	}

	// Those already recorded: what was asked is compared field by field, in
	// the reading of the facts (days and the closing hour in the agency's
	// zone); the held day as the export as of the file's date reads it, or
	// the day the answer records.
	rows, err = tx.Query(ctx, `
		WITH f AS (
		    SELECT f.*, bp.person_id AS by_id, cp.person_id AS cws_id, c.case_id
		    FROM f_emergent f
		    LEFT JOIN f_staff bp ON bp.sid = f.by_sid
		    LEFT JOIN f_staff cp ON cp.sid = f.cws_sid
		    LEFT JOIN f_cases c ON c.cid = f.cid
		    WHERE f.request_id IS NOT NULL
		)
		SELECT f.idx, f.qid,
		       array_remove(ARRAY[
		           CASE WHEN e.case_id IS DISTINCT FROM f.case_id THEN 'case' END,
		           CASE WHEN e.requested_by IS DISTINCT FROM f.by_id THEN 'requested_by' END,
		           CASE WHEN e.casework_supervisor_id IS DISTINCT FROM f.cws_id THEN 'casework_supervisor' END,
		           CASE WHEN m.made <> f.made THEN 'made' END,
		           CASE WHEN (extract(hour FROM e.requested_at AT TIME ZONE a.time_zone) >= a.closing_hour) <> f.after THEN 'after_closing' END
		       ], NULL),
		       e.answered_at IS NOT NULL, h.held::text, r.answer_held::text,
		       f.held IS NOT NULL AND f.held IS DISTINCT FROM h.held AND f.held IS DISTINCT FROM r.answer_held
		FROM f JOIN emergent_requests e ON e.id = f.request_id
		CROSS JOIN agency a
		CROSS JOIN LATERAL (SELECT (e.requested_at AT TIME ZONE a.time_zone)::date AS made) m
		CROSS JOIN LATERAL (SELECT coalesce(e.held_on, (e.answered_at AT TIME ZONE a.time_zone)::date) AS answer_held) r
		CROSS JOIN LATERAL (SELECT least(
		    CASE WHEN (e.answered_at AT TIME ZONE a.time_zone)::date <= $1 THEN r.answer_held END,
		    (SELECT min(k.held_on) FROM discussed_cases dc
		     JOIN conferences k ON k.id = dc.conference_id
		     WHERE dc.case_id = e.case_id AND k.kind = 'casework_review' AND k.status IN `+heldStatuses+`
		       AND k.casework_supervisor_id = e.casework_supervisor_id AND k.held_on >= m.made AND k.held_on <= $1)) AS held) h
		ORDER BY f.idx`, dateTime(im.f.AsOf))
	if err != nil {
		return err
	}
	var answer []int
	var diffs []string
	var answered, heldDiffers bool
	var dbHeld, answerHeld *string
	if _, err := pgx.ForEachRow(rows, []any{&idx, &qid, &diffs, &answered, &dbHeld, &answerHeld, &heldDiffers}, func() error {
		p := fmt.Sprintf("emergent[%d]", idx)
		q := im.f.Emergent[idx]
		switch {
		case len(diffs) > 0:
			im.problem(p+"."+diffs[0], fmt.Sprintf("emergent request %q is already recorded with a different %s; what was asked never changes", qid, strings.Join(diffs, ", ")))
		case !heldDiffers:
			count.Unchanged++
		case answered:
			im.problem(p+".held", fmt.Sprintf("emergent request %q is already answered, held on %s, not %s; an answer never changes", qid, deref(answerHeld), q.Held))
		case dbHeld != nil && *dbHeld < q.Held.String():
			im.problem(p+".held", fmt.Sprintf("emergent request %q was already held on %s (a casework review of its case), before %s", qid, *dbHeld, q.Held))
		default:
			answer = append(answer, idx)
		}
		return nil
	}); err != nil {
		return err
	}
	if !im.rep.OK() {
		return nil // nothing is applied: the report lists why
	}
	answerText := "Imported from " + im.rep.File + "."
	// Held since: answered on the held day (noon in the agency's zone, not
	// before the request was made), by the casework supervisor it is made to.
	if len(answer) > 0 {
		tag, err := tx.Exec(ctx, `
			UPDATE emergent_requests e SET held_on = f.held, answer = $2, answered_by = e.casework_supervisor_id,
			       answered_at = greatest(e.requested_at, (f.held + time '12:00') AT TIME ZONE a.time_zone)
			FROM f_emergent f CROSS JOIN agency a
			WHERE f.request_id = e.id AND f.idx = ANY($1) AND e.answered_at IS NULL`, answer, answerText)
		if err != nil {
			return err
		}
		count.Updated += int(tag.RowsAffected())
	}
	// New ones. made: noon in the agency's zone (midnight when the agency
	// closes at or before noon), or the closing hour itself when the file
	// says after closing, so that the facts read back the same day and flag.
	tag, err := tx.Exec(ctx, `
		WITH ins AS (
		    SELECT f.qid, c.case_id, bp.person_id AS by_id, cp.person_id AS cws_id, f.held,
		           (f.made + CASE WHEN f.after THEN make_time(a.closing_hour, 0, 0)
		                          WHEN a.closing_hour > 12 THEN time '12:00' ELSE time '00:00' END) AT TIME ZONE a.time_zone AS at,
		           (f.held + time '12:00') AT TIME ZONE a.time_zone AS held_at
		    FROM f_emergent f
		    CROSS JOIN agency a
		    LEFT JOIN f_staff bp ON bp.sid = f.by_sid
		    JOIN f_staff cp ON cp.sid = f.cws_sid
		    LEFT JOIN f_cases c ON c.cid = f.cid
		    WHERE f.request_id IS NULL
		    ORDER BY f.idx
		)
		INSERT INTO emergent_requests (source_id, case_id, requested_by, casework_supervisor_id, reason, details, requested_at,
		                               answered_at, answered_by, answer, held_on)
		SELECT qid, case_id, by_id, cws_id, 'imported', '', at,
		       CASE WHEN held IS NOT NULL THEN greatest(at, held_at) END,
		       CASE WHEN held IS NOT NULL THEN cws_id END,
		       CASE WHEN held IS NOT NULL THEN $1 END, held
		FROM ins`, answerText)
	if err != nil {
		return err
	}
	count.Created += int(tag.RowsAffected())
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
