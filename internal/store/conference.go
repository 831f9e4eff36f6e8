package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/conference"
	"github.com/casework/casework/internal/domain"
	"github.com/casework/casework/internal/fault"
	"github.com/casework/casework/internal/rules"
)

// ErrSigned means the record is signed and cannot change (add an addendum).
var ErrSigned = fault.ErrFrozen

// ErrInvalid means the change names something it may not (a case not on the
// worker's caseload, an owner outside the conference).
var ErrInvalid = fault.ErrInvalid

// ConferenceRecord is domain.ConferenceRecord: what the store returns and the views take.
type ConferenceRecord = domain.ConferenceRecord

// DiscussedCase is domain.DiscussedCase: what the store returns and the views take.
type DiscussedCase = domain.DiscussedCase

// NextStepRow is domain.NextStepRow: what the store returns and the views take.
type NextStepRow = domain.NextStepRow

// Addendum is domain.Addendum: what the store returns and the views take.
type Addendum = domain.Addendum

// discussion is the stored form of a case's structured discussion.
type discussion struct {
	Items         map[string]string `json:"items,omitempty"`
	NotApplicable []string          `json:"not_applicable,omitempty"`
}

// conferenceReachSQL: who may read conference $1 as viewer $2 on date $3.
// Its author and its recipient as the lifecycle lets them read it (the
// author always, the worker or the reviewed supervisor once it is shared
// with them); the casework supervisor over its supervisor; the worker's
// current supervisor and casework supervisor (the history follows the
// worker).
var conferenceReachSQL = `(
    ` + maySQL(conference.Read, "k.", "$2") + `
    OR EXISTS (SELECT 1 FROM supervisor_reports r WHERE r.supervisor_id = k.supervisor_id
               AND r.casework_supervisor_id = $2 AND r.during @> $3::date)
    OR (k.worker_id IS NOT NULL AND k.worker_id <> $2 AND ` + reach("k.worker_id", "$2", "$3") + `))`

// Conference returns a conference within the viewer's reach and records the
// view. Performance notes are never part of it.
func (s *Store) Conference(ctx context.Context, v access.Viewer, id int64, on time.Time) (ConferenceRecord, error) {
	var k ConferenceRecord
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		var err error
		k, err = readConference(ctx, tx, v, id, on)
		if err != nil {
			return AuditEntry{}, err
		}
		cases := make([]int64, len(k.Cases))
		for i, c := range k.Cases {
			cases[i] = c.CaseID
		}
		return AuditEntry{Action: "viewed", Entity: "conference", EntityID: fmt.Sprint(id), Detail: map[string]any{"cases": cases}}, nil
	})
	if err != nil {
		return ConferenceRecord{}, fmt.Errorf("Conference(%d): %w", id, err)
	}
	return k, nil
}

func readConference(ctx context.Context, tx pgx.Tx, v access.Viewer, id int64, on time.Time) (ConferenceRecord, error) {
	var k ConferenceRecord
	var worker, cws *int64
	var workerName, cwsName *string
	var topics []byte
	var floorCaseload, floorMinimum *int
	err := tx.QueryRow(ctx, `
		SELECT k.id, k.kind, k.held_on, k.status, k.version, k.supervisor_id, sp.full_name, k.worker_id, wp.full_name,
		       k.casework_supervisor_id, cp.full_name, k.entered_at, k.updated_at, k.signed_at, k.shared_at, k.acknowledged_at, k.topics,
		       coalesce((SELECT profile FROM profile_choices WHERE effective_on <= k.held_on ORDER BY effective_on DESC LIMIT 1), $4::text),
		       coalesce((SELECT name FROM agency ORDER BY id LIMIT 1), ''),
		       coalesce(un.office_name, ''), coalesce(un.unit_name, ''),
		       coalesce((SELECT full_name FROM people WHERE id = k.signed_by), ''),
		       coalesce((SELECT full_name FROM people WHERE id = k.shared_by), ''),
		       coalesce((SELECT full_name FROM people WHERE id = k.acknowledged_by), ''),
		       k.floor_caseload, k.floor_minimum
		FROM conferences k
		LEFT JOIN LATERAL (
		    SELECT u.name AS unit_name, o.name AS office_name FROM unit_supervisors us
		    JOIN units u ON u.id = us.unit_id JOIN offices o ON o.id = u.office_id
		    WHERE us.supervisor_id = k.supervisor_id AND us.during @> k.held_on LIMIT 1
		) un ON true
		JOIN people sp ON sp.id = k.supervisor_id
		LEFT JOIN people wp ON wp.id = k.worker_id
		LEFT JOIN people cp ON cp.id = k.casework_supervisor_id
		WHERE k.id = $1 AND `+conferenceReachSQL, id, v.PersonID, on, rules.DefaultProfile).Scan(
		&k.ID, &k.Kind, &k.HeldOn, &k.Status, &k.Version, &k.SupervisorID, &k.SupervisorName, &worker, &workerName,
		&cws, &cwsName, &k.EnteredAt, &k.UpdatedAt, &k.SignedAt, &k.SharedAt, &k.AcknowledgedAt, &topics, &k.Profile,
		&k.AgencyName, &k.OfficeName, &k.UnitName, &k.SignedBy, &k.SharedBy, &k.AcknowledgedBy, &floorCaseload, &floorMinimum)
	if err != nil {
		return k, notFound(err)
	}
	if k.Rules, err = versionOn(ctx, tx, k.Profile, dateOf(k.HeldOn)); err != nil {
		return k, err
	}
	k.Topics = map[string]string{}
	_ = json.Unmarshal(topics, &k.Topics) // malformed topics show as empty rather than failing the page
	if floorCaseload != nil && floorMinimum != nil {
		k.Floor = &Floor{Caseload: *floorCaseload, Minimum: *floorMinimum}
	}
	if worker != nil {
		k.WorkerID, k.WorkerName = *worker, *workerName
	}
	if cws != nil {
		k.CaseworkSupervisorID, k.CaseworkSupervisor = *cws, *cwsName
	}
	rows, err := tx.Query(ctx, `
		SELECT cc.case_id, c.case_number, c.family_name, cc.discussion, cc.discussed, coalesce(cc.progress, ''), cc.notes, coalesce(cc.risk_level, ''),
		       coalesce((SELECT level FROM risk_assessments r WHERE r.case_id = cc.case_id AND r.assessed_on <= $2 ORDER BY assessed_on DESC LIMIT 1), '')
		FROM conference_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.conference_id = $1 ORDER BY cc.position, c.case_number`, id, on)
	if err != nil {
		return k, err
	}
	for rows.Next() {
		var c DiscussedCase
		var raw []byte
		if err := rows.Scan(&c.CaseID, &c.Number, &c.FamilyName, &raw, &c.Discussed, &c.Progress, &c.Notes, &c.RiskLevel, &c.CurrentRisk); err != nil {
			rows.Close()
			return k, err
		}
		var d discussion
		_ = json.Unmarshal(raw, &d) // a malformed discussion shows as empty rather than failing the page
		c.Items = d.Items
		if c.Items == nil {
			c.Items = map[string]string{}
		}
		c.NotApplies = map[string]bool{}
		for _, id := range d.NotApplicable {
			c.NotApplies[id] = true
		}
		k.Cases = append(k.Cases, c)
	}
	if err := rows.Err(); err != nil {
		return k, err
	}
	rows, err = tx.Query(ctx, `
		SELECT n.id, coalesce(n.case_id, 0), n.description, n.owner_id, p.full_name, n.due_on, n.done_on
		FROM next_steps n JOIN people p ON p.id = n.owner_id
		WHERE n.conference_id = $1 ORDER BY n.position, n.id`, id)
	if err != nil {
		return k, err
	}
	var st NextStepRow
	if _, err := pgx.ForEachRow(rows, []any{&st.ID, &st.CaseID, &st.Description, &st.OwnerID, &st.OwnerName, &st.DueOn, &st.DoneOn}, func() error {
		k.Steps = append(k.Steps, st)
		return nil
	}); err != nil {
		return k, err
	}
	rows, err = tx.Query(ctx, `
		SELECT p.full_name, a.written_at, a.body FROM conference_addenda a JOIN people p ON p.id = a.written_by
		WHERE a.conference_id = $1 ORDER BY a.written_at, a.id`, id)
	if err != nil {
		return k, err
	}
	var ad Addendum
	_, err = pgx.ForEachRow(rows, []any{&ad.WrittenBy, &ad.WrittenAt, &ad.Body}, func() error {
		k.Addenda = append(k.Addenda, ad)
		return nil
	})
	return k, err
}

// StartConference opens a draft supervision conference of the viewer with one
// of their workers, held on the date, discussing the given cases (which must
// be on the worker's caseload), entered at the moment given (the app's
// clock). It returns the new conference's id.
func (s *Store) StartConference(ctx context.Context, v access.Viewer, workerID int64, heldOn, enteredAt time.Time, caseIDs []int64) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (
			SELECT 1 FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $3::date
			WHERE m.worker_id = $1 AND m.during @> $3::date AND s.supervisor_id = $2)`, workerID, v.PersonID, heldOn).Scan(&ok); err != nil {
			return err
		}
		if !ok || !v.Is(access.Supervisor) {
			return ErrNotFound
		}
		if err := casesOnCaseload(ctx, tx, workerID, heldOn, caseIDs); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO conferences (kind, held_on, supervisor_id, worker_id, status, created_by, entered_at, updated_at)
			VALUES ('supervision', $1, $2, $3, `+draftSQL+`, $2, $4, $4) RETURNING id`, heldOn, v.PersonID, workerID, enteredAt).Scan(&id)
		if err != nil {
			return mapWriteError(err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO conference_cases (conference_id, case_id, position)
			SELECT $1, c, ord FROM unnest($2::bigint[]) WITH ORDINALITY AS t(c, ord)`, id, caseIDs); err != nil {
			return err
		}
		if err := takeUpPoints(ctx, tx, workerID, id); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "conference", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"after": map[string]any{"worker": workerID, "held_on": heldOn.Format(time.DateOnly), "cases": caseIDs}}})
	})
	if err != nil {
		return 0, fmt.Errorf("StartConference: %w", err)
	}
	return id, nil
}

// casesOnCaseload checks that every case is assigned to the worker on the
// date, or today: a supervisor cannot slip another unit's case into a record.
func casesOnCaseload(ctx context.Context, tx pgx.Tx, workerID int64, on time.Time, caseIDs []int64) error {
	if len(caseIDs) == 0 {
		return nil
	}
	var n int
	err := tx.QueryRow(ctx, `
		SELECT count(DISTINCT a.case_id) FROM case_assignments a
		WHERE a.case_id = ANY($1) AND a.worker_id = $2
		  AND (a.during @> $3::date OR upper_inf(a.during))`, caseIDs, workerID, on).Scan(&n)
	if err != nil {
		return err
	}
	if n != len(uniq(caseIDs)) {
		return fmt.Errorf("%w: a case is not on the worker's caseload", ErrInvalid)
	}
	return nil
}

// casesInUnit checks that every case is held, on the date or today, by a
// worker of the supervisor's unit: a casework review discusses that unit's
// cases only.
func casesInUnit(ctx context.Context, tx pgx.Tx, supervisorID int64, on time.Time, caseIDs []int64) error {
	if len(caseIDs) == 0 {
		return nil
	}
	var n int
	err := tx.QueryRow(ctx, `
		SELECT count(DISTINCT a.case_id) FROM case_assignments a
		JOIN unit_members m ON m.worker_id = a.worker_id AND (m.during @> $3::date OR upper_inf(m.during))
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND (s.during @> $3::date OR upper_inf(s.during))
		WHERE a.case_id = ANY($1) AND s.supervisor_id = $2 AND (a.during @> $3::date OR upper_inf(a.during))`,
		caseIDs, supervisorID, on).Scan(&n)
	if err != nil {
		return err
	}
	if n != len(uniq(caseIDs)) {
		return fmt.Errorf("%w: a case is not of the supervisor's unit", ErrInvalid)
	}
	return nil
}

// StartReview opens a draft casework review of the viewer (a casework
// supervisor) with a supervisor who reports to them on the day held,
// discussing the given cases of that supervisor's unit.
func (s *Store) StartReview(ctx context.Context, v access.Viewer, supervisorID int64, heldOn, enteredAt time.Time, caseIDs []int64) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM supervisor_reports r
			WHERE r.supervisor_id = $1 AND r.casework_supervisor_id = $2 AND r.during @> $3::date)`, supervisorID, v.PersonID, heldOn).Scan(&ok); err != nil {
			return err
		}
		if !ok || !v.Is(access.CaseworkSupervisor) {
			return ErrNotFound
		}
		if err := casesInUnit(ctx, tx, supervisorID, heldOn, caseIDs); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO conferences (kind, held_on, supervisor_id, casework_supervisor_id, status, created_by, entered_at, updated_at)
			VALUES ('casework_review', $1, $2, $3, `+draftSQL+`, $3, $4, $4) RETURNING id`, heldOn, supervisorID, v.PersonID, enteredAt).Scan(&id)
		if err != nil {
			return mapWriteError(err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO conference_cases (conference_id, case_id, position)
			SELECT $1, c, ord FROM unnest($2::bigint[]) WITH ORDINALITY AS t(c, ord)`, id, caseIDs); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "created", Entity: "conference", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"after": map[string]any{"kind": "casework_review", "supervisor": supervisorID, "held_on": heldOn.Format(time.DateOnly), "cases": caseIDs}}})
	})
	if err != nil {
		return 0, fmt.Errorf("StartReview: %w", err)
	}
	return id, nil
}

// ReviewCandidates lists, for a casework review with a supervisor who reports
// to the viewer, the unit's open cases with their current risk and whether
// an emergent request about them is unanswered, high risk and flagged first.
func (s *Store) ReviewCandidates(ctx context.Context, v access.Viewer, supervisorID int64, on time.Time) (string, []ReviewCandidate, error) {
	var name string
	if err := s.pool.QueryRow(ctx, `SELECT p.full_name FROM supervisor_reports r JOIN people p ON p.id = r.supervisor_id
		WHERE r.supervisor_id = $1 AND r.casework_supervisor_id = $2 AND r.during @> $3::date`, supervisorID, v.PersonID, on).Scan(&name); err != nil {
		return "", nil, notFound(err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.case_number, c.family_name, w.full_name AS worker_name,
		       coalesce((SELECT level FROM risk_assessments r WHERE r.case_id = c.id AND r.assessed_on <= $2 ORDER BY assessed_on DESC LIMIT 1), '') AS risk,
		       EXISTS (SELECT 1 FROM emergent_requests e WHERE e.case_id = c.id AND e.answered_at IS NULL) AS flagged
		FROM unit_supervisors us
		JOIN unit_members m ON m.unit_id = us.unit_id AND m.during @> $2::date
		JOIN people w ON w.id = m.worker_id
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $2::date
		JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $2)
		WHERE us.supervisor_id = $1 AND us.during @> $2::date
		ORDER BY (SELECT level FROM risk_assessments r WHERE r.case_id = c.id AND r.assessed_on <= $2 ORDER BY assessed_on DESC LIMIT 1) IN ('high', 'very_high') DESC NULLS LAST,
		         c.family_name, c.case_number`, supervisorID, on)
	if err != nil {
		return "", nil, fmt.Errorf("ReviewCandidates: %w", err)
	}
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[ReviewCandidate])
	if err != nil {
		return "", nil, fmt.Errorf("ReviewCandidates: %w", err)
	}
	shown := make([]int64, len(cs))
	for i, c := range cs {
		shown[i] = c.CaseID
	}
	return name, cs, s.views.append(ctx, v, AuditEntry{Action: "viewed", Entity: "review_candidates", EntityID: fmt.Sprint(supervisorID), Detail: map[string]any{"cases": shown}})
}

// ReviewCandidate is domain.ReviewCandidate: what the store returns and the views take.
type ReviewCandidate = domain.ReviewCandidate

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Draft is what the supervisor saves of a draft conference.
type Draft struct {
	HeldOn time.Time
	Topics map[string]string // casework reviews: the unit-level agenda
	Cases  []DraftCase
	Steps  []DraftStep
	// Personnel: the personnel part, for a supervision conference whose
	// profile asks for one (nil: left as stored; conference_personnel.go).
	Personnel *ConferencePersonnel
}

// DraftCase is one case's discussion in a draft.
type DraftCase struct {
	CaseID     int64
	Items      map[string]string
	NotApplies map[string]bool // items marked "does not apply"
	Progress   string
	Notes      string
	RiskLevel  string
}

// DraftStep is a next step in a draft.
type DraftStep struct {
	CaseID      int64 // 0: the caseload as a whole
	Description string
	OwnerID     int64
	DueOn       time.Time
}

// SaveResult says what a save did.
type SaveResult struct {
	Version   int
	UpdatedAt time.Time
}

// ConflictError is a save that read an older version than the one stored:
// someone saved the draft meanwhile. Nothing of this save was written.
type ConflictError struct {
	Current   int
	UpdatedAt time.Time
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("the draft was saved meanwhile (now version %d)", e.Current)
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// SaveDraft writes a draft conference if it is still at the version the
// supervisor read, and moves it to the next version. The whole save is one
// transaction; a conflict or a bad case writes nothing.
func (s *Store) SaveDraft(ctx context.Context, v access.Viewer, id int64, version int, d Draft) (SaveResult, error) {
	var res SaveResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		res, err = saveDraft(ctx, tx, v, id, version, d)
		return err
	})
	if err != nil {
		return SaveResult{}, fmt.Errorf("SaveDraft(%d): %w", id, err)
	}
	return res, nil
}

// checklistOn is the checklist each case of a conference is discussed
// under: the profile's in force on the day held for a supervision
// conference, the review's for a casework review.
func checklistOn(ctx context.Context, tx pgx.Tx, kind string, held time.Time) ([]rules.ChecklistItem, error) {
	if kind == "casework_review" {
		return rules.ReviewChecklist(), nil
	}
	v, err := versionInForce(ctx, tx, held)
	if err != nil {
		return nil, err
	}
	return slices.Clone(v.Checklist), nil
}

// versionInForce is the version of the agency's chosen profile in force on
// a day (the default profile where none was chosen), uploaded or built-in.
func versionInForce(ctx context.Context, tx pgx.Tx, on time.Time) (*rules.Version, error) {
	var profile string
	err := tx.QueryRow(ctx, `SELECT coalesce((SELECT profile FROM profile_choices WHERE effective_on <= $1 ORDER BY effective_on DESC LIMIT 1), $2)`,
		on, rules.DefaultProfile).Scan(&profile)
	if err != nil {
		return nil, err
	}
	return versionOn(ctx, tx, profile, dateOf(on))
}

// versionOn is the version of a profile in force on a date, uploaded or
// built-in (the profile's first version for a date before it took effect).
func versionOn(ctx context.Context, tx pgx.Tx, profile string, on rules.Date) (*rules.Version, error) {
	p, err := policyProfile(ctx, tx, profile)
	if err != nil {
		return nil, err
	}
	if v, ok := p.VersionAt(on); ok {
		return v, nil
	}
	return &p.Versions[0], nil
}

// saveDraft is SaveDraft inside a transaction of the caller's.
func saveDraft(ctx context.Context, tx pgx.Tx, v access.Viewer, id int64, version int, d Draft) (SaveResult, error) {
	var res SaveResult
	err := func() error {
		var worker, supervisor int64
		topics, _ := json.Marshal(nonEmpty(d.Topics))
		err := tx.QueryRow(ctx, `
			UPDATE conferences SET held_on = $4, topics = $5, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND `+maySQL(conference.Edit, "", "$3")+`
			RETURNING version, updated_at, coalesce(worker_id, 0), supervisor_id`, id, version, v.PersonID, d.HeldOn, topics).Scan(&res.Version, &res.UpdatedAt, &worker, &supervisor)
		if errors.Is(err, pgx.ErrNoRows) {
			return whyNotSaved(ctx, tx, v, id)
		}
		if err != nil {
			return mapWriteError(err)
		}
		ids := make([]int64, len(d.Cases))
		for i, c := range d.Cases {
			ids[i] = c.CaseID
		}
		if worker != 0 {
			if err := casesOnCaseload(ctx, tx, worker, d.HeldOn, ids); err != nil {
				return err
			}
		} else if err := casesInUnit(ctx, tx, supervisor, d.HeldOn, ids); err != nil {
			return err
		}
		before, err := draftSummary(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM conference_cases WHERE conference_id = $1 AND NOT (case_id = ANY($2))`, id, ids); err != nil {
			return err
		}
		var kind string
		if err := tx.QueryRow(ctx, `SELECT kind FROM conferences WHERE id = $1`, id).Scan(&kind); err != nil {
			return err
		}
		checklist, err := checklistOn(ctx, tx, kind, d.HeldOn)
		if err != nil {
			return err
		}
		for i, c := range d.Cases {
			// What counts as discussed is decided here, from the checklist
			// in force, whatever the caller says.
			na := []string{}
			for _, it := range checklist {
				if c.NotApplies[it.ID] {
					na = append(na, it.ID)
				}
			}
			discussed := rules.Discussed(checklist, c.Items, c.NotApplies)
			raw, _ := json.Marshal(discussion{Items: nonEmpty(c.Items), NotApplicable: na})
			if _, err := tx.Exec(ctx, `
				INSERT INTO conference_cases (conference_id, case_id, position, discussion, progress, notes, risk_level, discussed)
				VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, NULLIF($7, ''), $8)
				ON CONFLICT (conference_id, case_id) DO UPDATE SET position = EXCLUDED.position, discussion = EXCLUDED.discussion,
				    progress = EXCLUDED.progress, notes = EXCLUDED.notes, risk_level = EXCLUDED.risk_level, discussed = EXCLUDED.discussed`,
				id, c.CaseID, i+1, raw, c.Progress, c.Notes, c.RiskLevel, discussed); err != nil {
				return mapWriteError(err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM next_steps WHERE conference_id = $1`, id); err != nil {
			return err
		}
		for i, st := range d.Steps {
			// The owner is the conference's worker or supervisor; the case,
			// if any, is one of the conference's.
			tag, err := tx.Exec(ctx, `
				INSERT INTO next_steps (conference_id, case_id, description, owner_id, due_on, position)
				SELECT $1, NULLIF($2, 0), $3, $4, $5, $6 FROM conferences k
				WHERE k.id = $1 AND $4 IN (k.supervisor_id, k.worker_id, k.casework_supervisor_id)
				  AND ($2 = 0 OR $2 = ANY($7))`, id, st.CaseID, st.Description, st.OwnerID, st.DueOn, i+1, ids)
			if err != nil {
				return mapWriteError(err)
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("%w: a next step's owner or case is not of this conference", ErrInvalid)
			}
		}
		personnel, err := savePersonnel(ctx, tx, id, kind, d.HeldOn, d.Personnel)
		if err != nil {
			return err
		}
		after, err := draftSummary(ctx, tx, id)
		if err != nil {
			return err
		}
		if personnel != nil {
			after["personnel"] = personnel
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "conference", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"version": res.Version, "before": before, "after": after}})
	}()
	return res, err
}

// whyNotSaved tells a conflict from a signed record from a conference out of
// reach, after an UPDATE matched no row.
func whyNotSaved(ctx context.Context, tx pgx.Tx, v access.Viewer, id int64) error {
	var status string
	var version int
	var updated time.Time
	err := tx.QueryRow(ctx, `SELECT status, version, updated_at FROM conferences
		WHERE id = $1 AND `+partySQL(conference.Author, "", "$2"), id, v.PersonID).Scan(&status, &version, &updated)
	if err != nil {
		return notFound(err)
	}
	if ok, _ := conference.Can(conference.Author, conference.Edit, conference.Status(status)); !ok {
		return ErrSigned
	}
	return &ConflictError{Current: version, UpdatedAt: updated}
}

// draftSummary is what the audit log keeps of a draft: its shape, and a
// digest of each text (the log is readable by administrators, who must not
// read conference content).
func draftSummary(ctx context.Context, tx pgx.Tx, id int64) (map[string]any, error) {
	rows, err := tx.Query(ctx, `SELECT case_id, discussion::text, coalesce(progress, ''), notes, coalesce(risk_level, '')
		FROM conference_cases WHERE conference_id = $1 ORDER BY position, case_id`, id)
	if err != nil {
		return nil, err
	}
	var cases []map[string]any
	var caseID int64
	var disc, progress, notes, risk string
	if _, err := pgx.ForEachRow(rows, []any{&caseID, &disc, &progress, &notes, &risk}, func() error {
		cases = append(cases, map[string]any{"case": caseID, "progress": progress, "risk_level": risk, "text_sha256": digest(disc + "\x1f" + notes)})
		return nil
	}); err != nil {
		return nil, err
	}
	var held time.Time
	var steps int
	if err := tx.QueryRow(ctx, `SELECT held_on, (SELECT count(*) FROM next_steps WHERE conference_id = $1) FROM conferences WHERE id = $1`, id).Scan(&held, &steps); err != nil {
		return nil, err
	}
	return map[string]any{"held_on": held.Format(time.DateOnly), "cases": cases, "next_steps": steps}, nil
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

func nonEmpty(m map[string]string) map[string]string {
	out := map[string]string{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m[k] != "" {
			out[k] = m[k]
		}
	}
	return out
}

// mapWriteError turns the schema's refusals into the store's errors.
func mapWriteError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23514", "23503", "23P01": // check, foreign key, exclusion
			return fmt.Errorf("%w: %s", ErrInvalid, pgErr.Message)
		case "23000":
			return ErrSigned
		}
	}
	return err
}

// SignConference signs a draft at the version the supervisor read: the record
// becomes immutable, and the new risk levels recorded in it take effect as
// risk assessments dated the day it was held.
//
// With a draft, the draft is saved first in the same transaction, under the
// same version check: the signed record is exactly what the supervisor saw
// on the page. A record with a case left blank is not signed (BlankError).
//
// A first-year worker's conference keeps the floor checked at signing.
//
// The record is signed at the moment given (the app's clock, as every
// lifecycle step: the record's times are the agency's, not the database
// server's); the risk levels it applies are recorded then too.
func (s *Store) SignConference(ctx context.Context, v access.Viewer, id int64, version int, d *Draft, floor *Floor, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if d != nil {
			res, err := saveDraft(ctx, tx, v, id, version, *d)
			if err != nil {
				return err
			}
			version = res.Version
		}
		var blank []int64
		rows, err := tx.Query(ctx, `
			SELECT cc.case_id FROM conference_cases cc JOIN conferences k ON k.id = cc.conference_id
			WHERE cc.conference_id = $1 AND NOT cc.discussed AND k.version = $3 AND `+maySQL(conference.Sign, "k.", "$2")+`
			ORDER BY cc.position, cc.case_id`, id, v.PersonID, version)
		if err != nil {
			return err
		}
		if blank, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		if len(blank) > 0 {
			return &BlankError{Cases: blank}
		}
		var held time.Time
		err = tx.QueryRow(ctx, `
			UPDATE conferences SET status = $7, signed_at = $6, signed_by = $3, version = version + 1, updated_at = now(),
			       floor_caseload = $4, floor_minimum = $5
			WHERE id = $1 AND version = $2 AND `+maySQL(conference.Sign, "", "$3")+`
			RETURNING held_on`, id, version, v.PersonID, floorCaseload(floor), floorMinimum(floor), at, string(movesTo(conference.Sign))).Scan(&held)
		if errors.Is(err, pgx.ErrNoRows) {
			return whyNotSaved(ctx, tx, v, id)
		}
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_by, recorded_at)
			SELECT cc.case_id, cc.risk_level, $2, $3, $4 FROM conference_cases cc
			WHERE cc.conference_id = $1 AND cc.risk_level IS NOT NULL
			ON CONFLICT (case_id, assessed_on) DO NOTHING
			RETURNING case_id, level`, id, held, v.PersonID, at)
		if err != nil {
			return err
		}
		var applied []map[string]any
		var appliedCases []int64
		var caseID int64
		var level string
		if _, err := pgx.ForEachRow(rows, []any{&caseID, &level}, func() error {
			applied = append(applied, map[string]any{"case": caseID, "level": level})
			appliedCases = append(appliedCases, caseID)
			return nil
		}); err != nil {
			return err
		}
		if err := enqueueNewlyHighRisk(ctx, tx, appliedCases, held); err != nil {
			return err
		}
		filing, err := filePersonnel(ctx, tx, id, at)
		if err != nil {
			return err
		}
		detail := map[string]any{"risk_levels_applied": applied}
		if filing != 0 {
			detail["personnel_filing"] = filing
		}
		return audit(ctx, tx, v, AuditEntry{Action: "signed", Entity: "conference", EntityID: fmt.Sprint(id), Detail: detail})
	})
}

// Floor is domain.Floor: what the store returns and the views take.
type Floor = domain.Floor

// floorCaseload and floorMinimum are a floor's numbers as the record keeps
// them: null when no floor was checked.
func floorCaseload(f *Floor) *int {
	if f == nil {
		return nil
	}
	return &f.Caseload
}

func floorMinimum(f *Floor) *int {
	if f == nil {
		return nil
	}
	return &f.Minimum
}

// BlankError is a record refused signing because cases of it are blank: a
// topic neither written nor marked "does not apply". Nothing was signed.
type BlankError struct {
	Cases []int64 // in the record's order
}

func (e *BlankError) Error() string {
	return fmt.Sprintf("%d cases of the record are not discussed", len(e.Cases))
}

func (e *BlankError) Unwrap() error { return ErrInvalid }

// ShareConference shares a signed record at the moment given (the app's
// clock): a supervision conference with its worker, a casework review with
// its supervisor. A clock a moment behind the one that signed (another
// instance's) shares it when it was signed, never before.
func (s *Store) ShareConference(ctx context.Context, v access.Viewer, id int64, at time.Time) error {
	return s.lifecycle(ctx, v, id, at, conference.Share, `shared_at = greatest($3, signed_at), shared_by = $2`)
}

// AcknowledgeConference records that the person it was shared with read it,
// at the moment given (the app's clock; never before it was shared).
func (s *Store) AcknowledgeConference(ctx context.Context, v access.Viewer, id int64, at time.Time) error {
	return s.lifecycle(ctx, v, id, at, conference.Acknowledge, `acknowledged_at = greatest($3, shared_at), acknowledged_by = $2`)
}

// lifecycle takes a step of the lifecycle (internal/conference): where the
// viewer ($2) may take it on the record ($1) in its state, the record moves
// to the step's state and stamp sets when and by whom, at the moment $3.
func (s *Store) lifecycle(ctx context.Context, v access.Viewer, id int64, at time.Time, step conference.Action, stamp string) error {
	to := movesTo(step)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE conferences SET status = $4, `+stamp+`, updated_at = now() WHERE id = $1 AND `+maySQL(step, "", "$2"),
			id, v.PersonID, at, string(to))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		action := string(to) // the audit's word: "shared", "acknowledged"
		if to == conference.Shared {
			if err := enqueueShared(ctx, tx, id); err != nil {
				return err
			}
		}
		return audit(ctx, tx, v, AuditEntry{Action: action, Entity: "conference", EntityID: fmt.Sprint(id)})
	})
}

// AddAddendum adds a correction to a signed conference of the viewer's,
// dated at the moment given (the app's clock).
func (s *Store) AddAddendum(ctx context.Context, v access.Viewer, id int64, body string, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO conference_addenda (conference_id, written_by, written_at, body)
			SELECT id, $2, $4, $3 FROM conferences
			WHERE id = $1 AND `+maySQL(conference.Addendum, "", "$2"), id, v.PersonID, body, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return audit(ctx, tx, v, AuditEntry{Action: "addendum", Entity: "conference", EntityID: fmt.Sprint(id),
			Detail: map[string]any{"text_sha256": digest(body)}})
	})
}
