package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
	"github.com/casework/casework/internal/rules"
)

// The personnel part of a supervision conference (seed 002, CPS 1481),
// where the profile in force on the day held asks for one: written in the
// draft with the rest of the record (saveDraft, the same transaction and
// version check), frozen with it at signing (migration 000110), and filed
// then in the caseworker's personnel file, append-only. It is read by the
// supervisor chain only (personnelChainSQL); the worker reads, on the
// record shared with them, the objectives and steps set for them.

type (
	// ConferencePersonnel is domain.ConferencePersonnel.
	ConferencePersonnel = domain.ConferencePersonnel
	// AbilityRating is domain.AbilityRating.
	AbilityRating = domain.AbilityRating
	// StandardStep is domain.StandardStep.
	StandardStep = domain.StandardStep
	// PersonnelFiling is domain.PersonnelFiling.
	PersonnelFiling = domain.PersonnelFiling
	// PersonnelStep is domain.PersonnelStep.
	PersonnelStep = domain.PersonnelStep
)

// personnelChainSQL: the viewer ($V) is in the supervisor chain of the
// worker ($W) on the date ($D): the supervisor of the worker's unit, or the
// casework supervisor that supervisor reports to. Never the worker, never
// another unit (reachSQL without its first clause).
func personnelChainSQL(worker, viewer, date string) string {
	return `(` + worker + ` <> ` + viewer + ` AND ` + reach(worker, viewer, date) + `)`
}

// personnelFileOn is what the profile version in force on the day held asks
// for the personnel file (nil: nothing), an uploaded version as well as a
// built-in one.
func personnelFileOn(ctx context.Context, tx pgx.Tx, held time.Time) (*rules.PersonnelFile, error) {
	v, err := versionInForce(ctx, tx, held)
	if err != nil {
		return nil, err
	}
	return v.PersonnelFile, nil
}

// savePersonnel writes a draft's personnel part, inside saveDraft's
// transaction once its version check has passed. Nil writes nothing (a
// casework review, a profile that asks for none). What the profile does
// not list is refused: an unknown ability, rating or standard.
func savePersonnel(ctx context.Context, tx pgx.Tx, id int64, kind string, held time.Time, p *ConferencePersonnel) (map[string]any, error) {
	if p == nil {
		return nil, nil
	}
	pf, err := personnelFileOn(ctx, tx, held)
	if err != nil {
		return nil, err
	}
	if pf == nil || kind != "supervision" {
		return nil, fmt.Errorf("%w: this conference has no personnel part", ErrInvalid)
	}
	var abilities, ratings, notes []string
	var positions []int
	rated := 0
	for i, a := range p.Abilities {
		if pf.AbilityLabel(a.Ability) == "" || (a.Rating != "" && pf.RatingLabel(a.Rating) == "") {
			return nil, fmt.Errorf("%w: an ability or rating the profile does not list", ErrInvalid)
		}
		abilities, ratings, notes, positions = append(abilities, a.Ability), append(ratings, a.Rating), append(notes, a.Note), append(positions, i+1)
		if a.Rating != "" {
			rated++
		}
	}
	var standards, descs []string
	var dues []time.Time
	for _, s := range p.Steps {
		if pf.StandardLabel(s.Standard) == "" {
			return nil, fmt.Errorf("%w: a standard the profile does not list", ErrInvalid)
		}
		standards, descs, dues = append(standards, s.Standard), append(descs, s.Description), append(dues, s.DueOn)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO conference_personnel (conference_id, notes, objectives) VALUES ($1, $2, $3)
		ON CONFLICT (conference_id) DO UPDATE SET notes = EXCLUDED.notes, objectives = EXCLUDED.objectives`, id, p.Notes, p.Objectives); err != nil {
		return nil, mapWriteError(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM conference_abilities WHERE conference_id = $1`, id); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO conference_abilities (conference_id, ability, position, rating, note)
		SELECT $1, a, p, NULLIF(r, ''), n FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS t(a, p, r, n)`,
		id, abilities, positions, ratings, notes); err != nil {
		return nil, mapWriteError(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM conference_standard_steps WHERE conference_id = $1`, id); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO conference_standard_steps (conference_id, position, standard, description, due_on)
		SELECT $1, ord, s, d, due FROM unnest($2::text[], $3::text[], $4::date[]) WITH ORDINALITY AS t(s, d, due, ord)`,
		id, standards, descs, dues); err != nil {
		return nil, mapWriteError(err)
	}
	// The audit log keeps the shape and a digest, never the text.
	return map[string]any{"abilities_rated": rated, "steps": len(p.Steps),
		"text_sha256": digest(p.Notes + "\x1f" + p.Objectives + "\x1f" + fmt.Sprint(notes))}, nil
}

// filePersonnel files a signed conference's personnel part in the
// caseworker's personnel file, inside SignConference's transaction: a copy
// of the notes, the objectives and the evaluation with the profile's words,
// and the steps, open. A conference whose profile asks for no personnel
// file files nothing; one whose part was left blank files it blank, each
// ability "not rated" (the file says what was done, no more).
func filePersonnel(ctx context.Context, tx pgx.Tx, id int64, at time.Time) (int64, error) {
	var kind string
	var held time.Time
	var worker *int64
	var supervisor int64
	if err := tx.QueryRow(ctx, `SELECT kind, held_on, worker_id, supervisor_id FROM conferences WHERE id = $1`, id).Scan(&kind, &held, &worker, &supervisor); err != nil {
		return 0, err
	}
	if kind != "supervision" || worker == nil {
		return 0, nil
	}
	pf, err := personnelFileOn(ctx, tx, held)
	if err != nil || pf == nil {
		return 0, err
	}
	var notes, objectives string
	err = tx.QueryRow(ctx, `SELECT notes, objectives FROM conference_personnel WHERE conference_id = $1`, id).Scan(&notes, &objectives)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, err
	}
	saved := map[string]AbilityRating{}
	rows, err := tx.Query(ctx, `SELECT ability, coalesce(rating, ''), note FROM conference_abilities WHERE conference_id = $1`, id)
	if err != nil {
		return 0, err
	}
	var a AbilityRating
	if _, err := pgx.ForEachRow(rows, []any{&a.Ability, &a.Rating, &a.Note}, func() error {
		saved[a.Ability] = a
		return nil
	}); err != nil {
		return 0, err
	}
	evaluation := make([]domain.FiledAbility, 0, len(pf.Abilities))
	for _, ab := range pf.Abilities {
		s := saved[ab.Key]
		evaluation = append(evaluation, domain.FiledAbility{Ability: ab.Key, Label: ab.Label, Rating: s.Rating, RatingLabel: pf.RatingLabel(s.Rating), Note: s.Note})
	}
	raw, _ := json.Marshal(evaluation)
	var filing int64
	if err := tx.QueryRow(ctx, `
		INSERT INTO personnel_filings (worker_id, conference_id, supervisor_id, held_on, filed_at, notes, objectives, evaluation, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		*worker, id, supervisor, held, at, notes, objectives, raw, pf.Source).Scan(&filing); err != nil {
		return 0, mapWriteError(err)
	}
	keys, labels := make([]string, len(pf.Standards)), make([]string, len(pf.Standards))
	for i, s := range pf.Standards {
		keys[i], labels[i] = s.Key, s.Label
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO personnel_steps (filing_id, worker_id, position, standard, standard_label, description, due_on)
		SELECT $1, $2, s.position, s.standard, l.label, s.description, s.due_on
		FROM conference_standard_steps s JOIN unnest($4::text[], $5::text[]) AS l(key, label) ON l.key = s.standard
		WHERE s.conference_id = $3`, filing, *worker, id, keys, labels); err != nil {
		return 0, err
	}
	return filing, nil
}

// ConferencePersonnelPart returns a supervision conference's personnel part
// as the viewer may read it on the date: whole to the supervisor chain of
// its worker (and to its author while a draft), the objectives and steps
// only to the worker once the record is shared with them; ErrNotFound to
// anyone else, and for a conference without one. Reading it is recorded.
func (s *Store) ConferencePersonnelPart(ctx context.Context, v access.Viewer, id int64, on time.Time) (ConferencePersonnel, error) {
	var p ConferencePersonnel
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		err := tx.QueryRow(ctx, `
			SELECT full_view, CASE WHEN full_view THEN cp.notes ELSE '' END, cp.objectives
			FROM conferences k
			JOIN conference_personnel cp ON cp.conference_id = k.id
			CROSS JOIN LATERAL (SELECT (k.status = `+draftSQL+` AND k.supervisor_id = $2) OR `+personnelChainSQL("k.worker_id", "$2", "$3")+` AS full_view) fv
			WHERE k.id = $1 AND k.kind = 'supervision'
			  AND (full_view OR (k.worker_id = $2 AND k.status IN `+recipientReadsSQL+`))`, id, v.PersonID, on).Scan(&p.Full, &p.Notes, &p.Objectives)
		if err != nil {
			return AuditEntry{}, notFound(err)
		}
		if p.Full {
			rows, err := tx.Query(ctx, `SELECT ability, coalesce(rating, ''), note FROM conference_abilities WHERE conference_id = $1 ORDER BY position`, id)
			if err != nil {
				return AuditEntry{}, err
			}
			var a AbilityRating
			if _, err := pgx.ForEachRow(rows, []any{&a.Ability, &a.Rating, &a.Note}, func() error {
				p.Abilities = append(p.Abilities, a)
				return nil
			}); err != nil {
				return AuditEntry{}, err
			}
		}
		rows, err := tx.Query(ctx, `SELECT standard, description, due_on FROM conference_standard_steps WHERE conference_id = $1 ORDER BY position, id`, id)
		if err != nil {
			return AuditEntry{}, err
		}
		var st StandardStep
		if _, err := pgx.ForEachRow(rows, []any{&st.Standard, &st.Description, &st.DueOn}, func() error {
			p.Steps = append(p.Steps, st)
			return nil
		}); err != nil {
			return AuditEntry{}, err
		}
		return AuditEntry{Action: "viewed", Entity: "conference_personnel", EntityID: fmt.Sprint(id), Detail: map[string]any{"full": p.Full}}, nil
	})
	if err != nil {
		return ConferencePersonnel{}, fmt.Errorf("ConferencePersonnelPart(%d): %w", id, err)
	}
	return p, nil
}

// PersonnelFile lists a worker's personnel filings, newest first, with
// their steps, to the worker's supervisor chain on the date; none to
// anyone else (the worker included). Reading it is recorded.
func (s *Store) PersonnelFile(ctx context.Context, v access.Viewer, workerID int64, on time.Time) ([]PersonnelFiling, error) {
	var out []PersonnelFiling
	err := s.viewing(ctx, v, func(tx pgx.Tx) (AuditEntry, error) {
		rows, err := tx.Query(ctx, `
			SELECT f.id, f.conference_id, p.full_name, f.held_on, f.filed_at, f.notes, f.objectives, f.evaluation, f.source
			FROM personnel_filings f JOIN people p ON p.id = f.supervisor_id
			WHERE f.worker_id = $1 AND `+personnelChainSQL("f.worker_id", "$2", "$3")+`
			ORDER BY f.held_on DESC, f.id DESC`, workerID, v.PersonID, on)
		if err != nil {
			return AuditEntry{}, err
		}
		var f PersonnelFiling
		var raw []byte
		index := map[int64]int{}
		if _, err := pgx.ForEachRow(rows, []any{&f.ID, &f.ConferenceID, &f.SupervisorName, &f.HeldOn, &f.FiledAt, &f.Notes, &f.Objectives, &raw, &f.Source}, func() error {
			f.Evaluation = nil
			if err := json.Unmarshal(raw, &f.Evaluation); err != nil {
				return fmt.Errorf("filing %d: %w", f.ID, err)
			}
			index[f.ID] = len(out)
			out = append(out, f)
			return nil
		}); err != nil {
			return AuditEntry{}, err
		}
		ids := make([]int64, len(out))
		for i, f := range out {
			ids[i] = f.ID
		}
		rows, err = tx.Query(ctx, `
			SELECT s.id, s.filing_id, s.standard_label, s.description, s.due_on, s.met_on, coalesce(p.full_name, '')
			FROM personnel_steps s LEFT JOIN people p ON p.id = s.met_by
			WHERE s.filing_id = ANY($1) ORDER BY s.filing_id, s.position, s.id`, ids)
		if err != nil {
			return AuditEntry{}, err
		}
		var st PersonnelStep
		if _, err := pgx.ForEachRow(rows, []any{&st.ID, &st.FilingID, &st.StandardLabel, &st.Description, &st.DueOn, &st.MetOn, &st.MetBy}, func() error {
			i := index[st.FilingID]
			out[i].Steps = append(out[i].Steps, st)
			return nil
		}); err != nil {
			return AuditEntry{}, err
		}
		return AuditEntry{Action: "viewed", Entity: "personnel_file", EntityID: fmt.Sprint(workerID), Detail: map[string]any{"filings": len(out)}}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("PersonnelFile(%d): %w", workerID, err)
	}
	return out, nil
}

// MarkPersonnelStepMet records that a step of a worker's personnel file was
// met on the day given, at the moment given (the app's clock): the worker's
// own supervisor on the day recorded (today) only, once, on a day from the
// conference that set it to today. Anything else is ErrNotFound.
func (s *Store) MarkPersonnelStepMet(ctx context.Context, v access.Viewer, workerID, stepID int64, metOn, today, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE personnel_steps s SET met_on = $3, met_by = $4, met_recorded_at = $6
			FROM personnel_filings f
			WHERE s.id = $1 AND s.worker_id = $2 AND f.id = s.filing_id AND s.met_on IS NULL
			  AND $3::date >= f.held_on AND $3::date <= $5::date
			  AND EXISTS (SELECT 1 FROM unit_members m JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $5::date
			              WHERE m.worker_id = $2 AND m.during @> $5::date AND us.supervisor_id = $4)`,
			stepID, workerID, metOn, v.PersonID, today, at)
		if err != nil {
			return mapWriteError(err)
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return audit(ctx, tx, v, AuditEntry{Action: "met", Entity: "personnel_step", EntityID: fmt.Sprint(stepID),
			Detail: map[string]any{"worker": workerID, "met_on": metOn.Format(time.DateOnly)}})
	})
}
