package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
)

// The facts of two obligations the engine computes from this app's own
// records (docs/rules.md, emergent.conference and mvr.review_monthly): the
// emergent requests and the supervisors' monthly reviews of each worker's
// visit plans. Each loader is one query, whatever the number of rows.

// factEmergentID is a request's id in the facts: the id it was imported
// under, else e<row id> (as factConferenceID names conferences).
const factEmergentID = `coalesce(e.source_id, 'e' || e.id)`

// emergentFactsSQL selects the emergent requests the facts as of $1 carry
// (the fact id first, then the row's):
// every request made on or before $1 within the 12 months up to it, and
// every older one not yet held, matching where (over e). `made` is the day
// in the agency's zone, `after_closing` whether it was made at or after the
// agency's closing hour; `held` the earlier of the day its answer records
// the conference held (an answer recorded on or before $1) and the first
// signed casework review by the casework supervisor it is made to listing
// its case, dated from `made` through $1: the same reading as the queue's.
func emergentFactsSQL(where string) string {
	return emergentRequestsSQL(where, true)
}

// emergentRequestsSQL is emergentFactsSQL, or with reviews false the same requests'
// rows with `held` only as their answers record it, every request made on
// or before $1 (no 12 months' cut), and the day 12 months before $1 last:
// for the state-wide load, which finds the casework reviews in the
// conferences it has loaded (agencyEmergentHeld). Per request, the reviews'
// subquery probes each discussion of its case: seconds for the state's
// thousands of requests.
func emergentRequestsSQL(where string, reviews bool) string {
	answered := `CASE WHEN (e.answered_at AT TIME ZONE a.time_zone)::date <= $1
		         THEN coalesce(e.held_on, (e.answered_at AT TIME ZONE a.time_zone)::date) END`
	held, cut, last := answered, ``, `, ($1::date - interval '12 months')::date`
	if reviews {
		held = `least(` + answered + `,
		    (SELECT min(k.held_on) FROM discussed_cases dc
		     JOIN conferences k ON k.id = dc.conference_id
		     WHERE dc.case_id = e.case_id AND k.kind = '` + rules.KindCaseworkReview + `' AND k.status IN ` + heldStatuses + `
		       AND k.casework_supervisor_id = e.casework_supervisor_id AND k.held_on >= m.made AND k.held_on <= $1))`
		cut, last = ` AND (m.made > ($1::date - interval '12 months')::date OR h.held IS NULL OR h.held > $1)`, ``
	}
	return `
		SELECT ` + factEmergentID + `, e.id, e.case_id, e.requested_by, e.casework_supervisor_id, m.made,
		       extract(hour FROM e.requested_at AT TIME ZONE a.time_zone) >= a.closing_hour AS after_closing,
		       h.held` + last + `
		FROM emergent_requests e
		CROSS JOIN agency a
		CROSS JOIN LATERAL (SELECT (e.requested_at AT TIME ZONE a.time_zone)::date AS made) m
		CROSS JOIN LATERAL (SELECT ` + held + ` AS held) h
		WHERE m.made <= $1` + cut + `
		  AND (` + where + `)
		ORDER BY e.id`
}

// emergentRow is a request as read, by row ids.
type emergentRow struct {
	fid          string
	id, cws      int64
	by, caseID   *int64 // by: none for a request imported without who asked
	made, held   pgtype.Date
	afterClosing bool
}

func queryEmergent(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]emergentRow, error) {
	rows, err := tx.Query(ctx, emergentFactsSQL(where), args...)
	if err != nil {
		return nil, fmt.Errorf("emergent requests: %w", err)
	}
	var out []emergentRow
	var r emergentRow
	_, err = pgx.ForEachRow(rows, []any{&r.fid, &r.id, &r.caseID, &r.by, &r.cws, &r.made, &r.afterClosing, &r.held}, func() error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("emergent requests: %w", err)
	}
	return out, nil
}

// emergentFacts turns the rows into facts: the casework supervisor and the
// one who asked by their staff ids (a request to someone not in the facts
// is left out, one who asked and is not is left unnamed), the case by its
// fact id when the facts hold it (else none: then only the recorded held
// day holds it, which the query already reads from the case's reviews).
func emergentFacts(rows []emergentRow, staff map[int64]string, caseOf func(int64) (string, bool)) []rules.EmergentRequest {
	var out []rules.EmergentRequest
	for _, r := range rows {
		cws, ok := staff[r.cws]
		if !ok {
			continue
		}
		q := rules.EmergentRequest{ID: r.fid, RequestedBy: staffOf(staff, r.by), CaseworkSupervisor: cws,
			Made: pgDate(r.made), AfterClosing: r.afterClosing, Held: pgDate(r.held)}
		if r.caseID != nil {
			q.Case, _ = caseOf(*r.caseID)
		}
		out = append(out, q)
	}
	return out
}

// staffOf is the fact id of a person who may be unknown (none: "").
func staffOf(staff map[int64]string, id *int64) string {
	if id == nil {
		return ""
	}
	return staff[*id]
}

// mvrReviewFacts reads the supervisors' reviews of the visit plans of the
// workers matching where (over r), on or before $1, as facts.
func mvrReviewFacts(ctx context.Context, tx pgx.Tx, staff map[int64]string, where string, args ...any) ([]rules.MVRReview, error) {
	rows, err := tx.Query(ctx, `
		SELECT r.worker_id, r.reviewed_by, r.reviewed_on FROM mvr_reviews r
		WHERE r.reviewed_on <= $1 AND (`+where+`) ORDER BY r.worker_id, r.reviewed_on, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("visit plan reviews: %w", err)
	}
	var out []rules.MVRReview
	var worker, by int64
	var on pgtype.Date
	_, err = pgx.ForEachRow(rows, []any{&worker, &by, &on}, func() error {
		w, ok := staff[worker]
		if !ok {
			return nil
		}
		out = append(out, rules.MVRReview{Worker: w, Supervisor: staff[by], Date: pgDate(on)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("visit plan reviews: %w", err)
	}
	return out, nil
}

// agencyEmergent is the state-wide load's emergent requests as read: held
// only by their answers so far, and the day 12 months before the date.
type agencyEmergent struct {
	rows   []emergentRow
	cutoff pgtype.Date
}

// agencyEmergentAndReviews reads the state-wide facts' emergent requests
// (to be completed by agencyEmergentHeld once the conferences are in) and
// fills their visit plan reviews (AgencyFacts).
func agencyEmergentAndReviews(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string, f *rules.Facts) (agencyEmergent, error) {
	var a agencyEmergent
	rows, err := tx.Query(ctx, emergentRequestsSQL(`true`, false), on)
	if err != nil {
		return a, fmt.Errorf("emergent requests: %w", err)
	}
	var r emergentRow
	_, err = pgx.ForEachRow(rows, []any{&r.fid, &r.id, &r.caseID, &r.by, &r.cws, &r.made, &r.afterClosing, &r.held, &a.cutoff}, func() error {
		a.rows = append(a.rows, r)
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("emergent requests: %w", err)
	}
	f.MVRReviews, err = mvrReviewFacts(ctx, tx, factID, `true`, on)
	return a, err
}

// byCase is each request's place in rows by its case's row id, for the
// discussions' pass (joinDiscussed).
func (a agencyEmergent) byCase() map[int64][]int {
	m := map[int64][]int{}
	for i, r := range a.rows {
		if r.caseID != nil {
			m[*r.caseID] = append(m[*r.caseID], i)
		}
	}
	return m
}

// reviewed makes the requests at reqs held, if earlier, by the conference k,
// which lists their case: a held casework review, by the casework
// supervisor each was made to, dated from the day it was made (k is held
// by the date, being in the facts). cws names each request's casework
// supervisor as the facts do. The same reading as emergentFactsSQL's
// subquery.
func (a agencyEmergent) reviewed(reqs []int, k *rules.Conference, cws func(int64) string) {
	if k.Kind != rules.KindCaseworkReview || k.CaseworkSupervisor == "" {
		return
	}
	for _, i := range reqs {
		r := &a.rows[i]
		made := pgDate(r.made)
		if k.Date.Before(made) || cws(r.cws) != k.CaseworkSupervisor {
			continue
		}
		if !r.held.Valid || k.Date.Before(pgDate(r.held)) {
			r.held = pgtype.Date{Time: dateTime(k.Date), Valid: true}
		}
	}
}

// facts keeps, as emergentFactsSQL's WHERE does, every request made within
// the 12 months up to the date and every older one not held by it, and
// turns them into facts.
func (a agencyEmergent) facts(asOf rules.Date, factID map[int64]string, caseOf func(int64) (string, bool)) []rules.EmergentRequest {
	cutoff := pgDate(a.cutoff)
	kept := a.rows[:0:0]
	for _, r := range a.rows {
		if pgDate(r.made).After(cutoff) || !r.held.Valid || pgDate(r.held).After(asOf) {
			kept = append(kept, r)
		}
	}
	return emergentFacts(kept, factID, caseOf)
}

// AreaEmergent evaluates the emergent requests addressed to the viewer (a
// casework supervisor) as of a date: the facts of those requests alone (the
// viewer, those who asked, the cases by number) and the engine's
// obligations for them, by request row id. Only obligations of rules
// tagged emergent are returned.
func (s *Store) AreaEmergent(ctx context.Context, v access.Viewer, on time.Time) (map[int64]rules.Obligation, error) {
	if !v.Is(access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	return s.emergentObligations(ctx, on, `e.casework_supervisor_id = $2`, v.PersonID)
}

// MyEmergentObligations is AreaEmergent for the requests the viewer made.
func (s *Store) MyEmergentObligations(ctx context.Context, v access.Viewer, on time.Time) (map[int64]rules.Obligation, error) {
	return s.emergentObligations(ctx, on, `e.requested_by = $2`, v.PersonID)
}

func (s *Store) emergentObligations(ctx context.Context, on time.Time, where string, person int64) (map[int64]rules.Obligation, error) {
	var f rules.Facts
	rowOf := map[string]int64{} // fact id -> row id
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		f = rules.Facts{AsOf: dateOf(on), Staff: []rules.Staff{}, Cases: []rules.Case{}, Conferences: []rules.Conference{}, Events: []rules.Event{}}
		if err := profileInForce(ctx, tx, on, &f); err != nil {
			return err
		}
		rows, err := queryEmergent(ctx, tx, where, on, person)
		if err != nil {
			return err
		}
		people := map[int64]bool{}
		var caseIDs []int64
		for _, r := range rows {
			rowOf[r.fid] = r.id
			people[r.cws] = true
			if r.by != nil {
				people[*r.by] = true
			}
			if r.caseID != nil {
				caseIDs = append(caseIDs, *r.caseID)
			}
		}
		srows, err := tx.Query(ctx, staffSQL+` WHERE p.id = ANY($2) ORDER BY p.id`, on, keys(people))
		if err != nil {
			return err
		}
		staff := map[int64]string{}
		for srows.Next() {
			var id int64
			var st rules.Staff
			var exp, since pgtype.Date
			var reportsTo *int64
			var inPost, active bool
			if err := srows.Scan(&id, &st.ID, &st.Role, &st.Name, &exp, &since, &reportsTo, &inPost, &active); err != nil {
				srows.Close()
				return err
			}
			if st.Role == string(access.Administrator) {
				continue
			}
			st.ExperienceStart, st.Since = pgDate(exp), pgDate(since)
			staff[id] = st.ID
			f.Staff = append(f.Staff, st)
		}
		if err := srows.Err(); err != nil {
			return err
		}
		crows, err := tx.Query(ctx, `SELECT id, case_number FROM cases WHERE id = ANY($1)`, caseIDs)
		if err != nil {
			return err
		}
		number := map[int64]string{}
		var id int64
		var n string
		if _, err := pgx.ForEachRow(crows, []any{&id, &n}, func() error {
			number[id] = n
			f.Cases = append(f.Cases, rules.Case{ID: n})
			return nil
		}); err != nil {
			return err
		}
		f.Emergent = emergentFacts(rows, staff, func(id int64) (string, bool) { n, ok := number[id]; return n, ok })
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("emergent obligations: %w", err)
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		return nil, fmt.Errorf("emergent obligations: %w", err)
	}
	out := map[int64]rules.Obligation{}
	for _, o := range res.Obligations {
		if !res.Is(o, rules.TagEmergent) {
			continue
		}
		if id, ok := rowOf[o.Request]; ok {
			out[id] = o
		}
	}
	return out, nil
}

// SetClosingHour keeps the agency's closing hour (1-23, its zone), after
// which an emergent request is due the next business day; unchanged when it
// is already that hour (a change moves every kept dashboard's epoch).
func (s *Store) SetClosingHour(ctx context.Context, hour int) error {
	if hour < 1 || hour > 23 {
		return fmt.Errorf("SetClosingHour: %d is not an hour from 1 to 23", hour)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE agency SET closing_hour = $1 WHERE closing_hour <> $1`, hour); err != nil {
		return fmt.Errorf("SetClosingHour: %w", err)
	}
	return nil
}

// exportEmergentAndReviews writes the export's emergent requests (as the
// facts as of the date read them) and every visit plan review on or before
// it. The export holds every case, by number.
func exportEmergentAndReviews(ctx context.Context, tx pgx.Tx, on time.Time, factID map[int64]string, fw *exchange.FactsWriter) error {
	rows, err := queryEmergent(ctx, tx, `true`, on)
	if err != nil {
		return err
	}
	var ids []int64
	for _, r := range rows {
		if r.caseID != nil {
			ids = append(ids, *r.caseID)
		}
	}
	crows, err := tx.Query(ctx, `SELECT id, case_number FROM cases WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	number := map[int64]string{}
	var id int64
	var n string
	if _, err := pgx.ForEachRow(crows, []any{&id, &n}, func() error { number[id] = n; return nil }); err != nil {
		return err
	}
	for _, q := range emergentFacts(rows, factID, func(id int64) (string, bool) { n, ok := number[id]; return n, ok }) {
		if err := fw.Emergent(q); err != nil {
			return err
		}
	}
	reviews, err := mvrReviewFacts(ctx, tx, factID, `true`, on)
	if err != nil {
		return err
	}
	for _, r := range reviews {
		if err := fw.MVRReview(r); err != nil {
			return err
		}
	}
	return nil
}

// mvrReviews adds the file's reviews of workers' visit plans not yet
// recorded (a review of the same worker on the same day is the same), kept
// for good like those recorded on the worker page.
func (im *factsImport) mvrReviews(ctx context.Context) error {
	if len(im.f.MVRReviews) == 0 {
		return nil
	}
	n := len(im.f.MVRReviews)
	workers, sups, days := make([]string, n), make([]string, n), make([]time.Time, n)
	for i, r := range im.f.MVRReviews {
		workers[i], sups[i], days[i] = r.Worker, r.Supervisor, dateTime(r.Date)
	}
	count := im.rep.Count("visit plan reviews")
	tag, err := im.tx.Exec(ctx, `
		INSERT INTO mvr_reviews (worker_id, reviewed_by, reviewed_on, note, recorded_at)
		SELECT DISTINCT ON (w.person_id, r.day) w.person_id, s.person_id, r.day, $4, clock_timestamp()
		FROM unnest($1::text[], $2::text[], $3::date[]) AS r(w, s, day)
		JOIN f_staff w ON w.sid = r.w
		JOIN f_staff s ON s.sid = r.s
		WHERE NOT EXISTS (SELECT 1 FROM mvr_reviews x WHERE x.worker_id = w.person_id AND x.reviewed_on = r.day)
		ORDER BY w.person_id, r.day`, workers, sups, days, "Imported from "+im.rep.File+".")
	if err != nil {
		return err
	}
	count.Created += int(tag.RowsAffected())
	count.Unchanged += n - count.Created
	return nil
}
