package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// EmergentReasons are seed 001's reasons to conference with the casework
// supervisor at once, with a worker's request when their supervisor is
// unavailable, in the policy's order.
var EmergentReasons = []EmergentReason{
	{Code: "child_death_or_near_fatality", Words: "A child death or near fatality"},
	{Code: "critical_incident", Words: "A report of a critical incident"},
	{Code: "complex_spru_follow_up", Words: "Follow-up needed on a complex SPRU case"},
	{Code: "serious_or_unusual", Words: "A serious or unusual case (failure to thrive, Safe Haven infant)"},
	{Code: "emergent_removal_or_hospital_hold", Words: "An emergent removal or hospital hold"},
	{Code: "safety_protection_plan", Words: "Consultation on a Safety Protection Plan"},
	{Code: "risk_high_or_very_high", Words: "Risk determined as high or very high"},
	{Code: "disagreement_on_risk", Words: "Supervisor and worker disagree on the risk level"},
	{Code: "disagreement_on_finding", Words: "Supervisor and worker disagree on a case finding"},
	{Code: "disagreement_on_goals", Words: "Supervisor and worker disagree on case goals"},
	{Code: "three_or_more_re_referrals", Words: "Three or more re-referrals"},
	{Code: "supervisor_unavailable", Words: "The supervisor is not available to conference a case in crisis"},
}

// ImportedReason is the reason of a request imported from a facts file,
// which does not say why it was asked. It is not one to choose on a form.
var ImportedReason = EmergentReason{Code: "imported", Words: "Imported from a facts file (the reason was not recorded)"}

// EmergentReason is domain.EmergentReason: what the store returns and the views take.
type EmergentReason = domain.EmergentReason

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
