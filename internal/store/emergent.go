package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
)

// EmergentReasons are seed 001's reasons to conference with the casework
// supervisor at once, with a worker's request when their supervisor is
// unavailable, in the policy's order.
var EmergentReasons = []EmergentReason{
	{"child_death_or_near_fatality", "A child death or near fatality"},
	{"critical_incident", "A report of a critical incident"},
	{"complex_spru_follow_up", "Follow-up needed on a complex SPRU case"},
	{"serious_or_unusual", "A serious or unusual case (failure to thrive, Safe Haven infant)"},
	{"emergent_removal_or_hospital_hold", "An emergent removal or hospital hold"},
	{"safety_protection_plan", "Consultation on a Safety Protection Plan"},
	{"risk_high_or_very_high", "Risk determined as high or very high"},
	{"disagreement_on_risk", "Supervisor and worker disagree on the risk level"},
	{"disagreement_on_finding", "Supervisor and worker disagree on a case finding"},
	{"disagreement_on_goals", "Supervisor and worker disagree on case goals"},
	{"three_or_more_re_referrals", "Three or more re-referrals"},
	{"supervisor_unavailable", "The supervisor is not available to conference a case in crisis"},
}

// EmergentReason is one reason for an emergent conference.
type EmergentReason struct{ Code, Words string }

// FlagCase asks the casework supervisor over the viewer for an emergent
// conference on a case the viewer supervises, made at the moment given (the
// app's clock).
func (s *Store) FlagCase(ctx context.Context, v access.Viewer, caseID int64, reason, details string, on, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO emergent_requests (case_id, requested_by, casework_supervisor_id, reason, details, requested_at)
			SELECT $1, $2, r.casework_supervisor_id, $4, $5, $6
			FROM supervisor_reports r
			WHERE r.supervisor_id = $2 AND r.during @> $3::date AND `+supervisesCaseSQL+`
			RETURNING id`, caseID, v.PersonID, on, reason, details, at).Scan(&id)
		if err != nil {
			return notFound(mapWriteError(err))
		}
		if err := enqueueEmergent(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, v, AuditEntry{Action: "flagged", Entity: "case", EntityID: fmt.Sprint(caseID),
			Detail: map[string]any{"request": id, "reason": reason}})
	})
}
