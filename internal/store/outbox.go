package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// The outbox (migration 000060, docs/notifications.md): e-mail enqueued in
// the transaction of its cause, under a key naming the cause, and sent by
// internal/notify. What a message says is in its params: case numbers,
// dates and codes the renderer turns into the rules' human words; never a
// family's name, a note's text or anything from a conference.

// NotificationKinds are the kinds of message, in the order the settings
// page lists them.
var NotificationKinds = []string{"digest", "emergent_request", "high_risk", "shared_record", "escalation", "password_reset"}

// enqueueEmergent queues, for the casework supervisor it is addressed to, the
// emergent request just made. Called in the request's own transaction.
func enqueueEmergent(ctx context.Context, tx pgx.Tx, requestID int64) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (idempotency_key, kind, recipient_id, params, next_attempt_at, created_at)
		SELECT 'emergent_request:' || e.id, 'emergent_request', e.casework_supervisor_id,
		       jsonb_build_object('request', e.id, 'case', c.case_number, 'reason', e.reason, 'by_role', p.role,
		                          'requested_on', (e.requested_at AT TIME ZONE (SELECT time_zone FROM agency))::date),
		       now(), now()
		FROM emergent_requests e
		JOIN people p ON p.id = e.requested_by
		LEFT JOIN cases c ON c.id = e.case_id
		WHERE e.id = $1
		ON CONFLICT (idempotency_key) DO NOTHING`, requestID)
	if err != nil {
		return fmt.Errorf("enqueue emergent request %d: %w", requestID, err)
	}
	return nil
}

// enqueueNewlyHighRisk queues, for the casework supervisor over each case's
// worker on the date, the cases whose risk assessed on that date is high or
// very high when the assessment before it was not: a case newly high risk.
// Called in the transaction that records the assessments.
func enqueueNewlyHighRisk(ctx context.Context, tx pgx.Tx, caseIDs []int64, assessedOn time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (idempotency_key, kind, recipient_id, params, next_attempt_at, created_at)
		SELECT 'high_risk:' || ra.id, 'high_risk', rep.casework_supervisor_id,
		       jsonb_build_object('case', c.case_number, 'level', ra.level, 'assessed_on', ra.assessed_on, 'case_id', c.id),
		       now(), now()
		FROM risk_assessments ra
		JOIN cases c ON c.id = ra.case_id
		JOIN case_assignments a ON a.case_id = c.id AND a.during @> $2::date
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $2::date
		JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $2::date
		JOIN supervisor_reports rep ON rep.supervisor_id = us.supervisor_id AND rep.during @> $2::date
		WHERE ra.case_id = ANY($1) AND ra.assessed_on = $2 AND ra.level IN ('high', 'very_high')
		  AND coalesce((SELECT prev.level FROM risk_assessments prev
		                WHERE prev.case_id = ra.case_id AND prev.assessed_on < ra.assessed_on
		                ORDER BY prev.assessed_on DESC LIMIT 1), 'low') NOT IN ('high', 'very_high')
		ON CONFLICT (idempotency_key) DO NOTHING`, caseIDs, assessedOn)
	if err != nil {
		return fmt.Errorf("enqueue newly high risk: %w", err)
	}
	return nil
}

// enqueueShared queues, for the person a record was just shared with (the
// worker of a supervision conference, the supervisor of a casework review),
// that it waits for them. Called in the transaction that shares it.
func enqueueShared(ctx context.Context, tx pgx.Tx, conferenceID int64) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (idempotency_key, kind, recipient_id, params, next_attempt_at, created_at)
		SELECT 'shared_record:' || k.id, 'shared_record',
		       CASE WHEN k.kind = 'supervision' THEN k.worker_id ELSE k.supervisor_id END,
		       jsonb_build_object('conference', k.id, 'conference_kind', k.kind, 'held_on', k.held_on,
		                          'cases', coalesce((SELECT jsonb_agg(c.case_number ORDER BY c.case_number)
		                                    FROM conference_cases cc JOIN cases c ON c.id = cc.case_id
		                                    WHERE cc.conference_id = k.id), '[]'::jsonb)),
		       now(), now()
		FROM conferences k
		WHERE k.id = $1 AND k.status = `+sharedSQL+`
		ON CONFLICT (idempotency_key) DO NOTHING`, conferenceID)
	if err != nil {
		return fmt.Errorf("enqueue shared record %d: %w", conferenceID, err)
	}
	return nil
}

// enqueuePasswordReset queues, for the person whose password an
// administrator just reset, that it was reset, by whom and when: the reset
// lets the administrator sign in as them, so they are told where they read
// mail, at once (docs/security.md). The key is the audit entry's moment, so
// each reset tells once. Called in the reset's own transaction.
func enqueuePasswordReset(ctx context.Context, tx pgx.Tx, personID, adminID int64) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (idempotency_key, kind, recipient_id, params, next_attempt_at, created_at)
		SELECT 'password_reset:' || $1::bigint || ':' || to_char(now(), 'YYYYMMDDHH24MISSUS'), 'password_reset', $1::bigint,
		       jsonb_build_object('by', coalesce((SELECT full_name FROM people WHERE id = $2), 'an administrator'),
		                          'at', to_char(now() AT TIME ZONE (SELECT time_zone FROM agency), 'YYYY-MM-DD HH24:MI')),
		       now(), now()
		ON CONFLICT (idempotency_key) DO NOTHING`, personID, adminID)
	if err != nil {
		return fmt.Errorf("enqueue password reset %d: %w", personID, err)
	}
	return nil
}

// Outgoing is a queued message claimed for sending, with its recipient.
type Outgoing struct {
	ID        int64
	Key       string
	Kind      string
	Params    json.RawMessage
	Attempts  int
	CreatedAt time.Time
	Recipient Recipient
	// Choice is the recipient's choice for the kind ("" for the default);
	// Mandatory, whether the administrator made the kind mandatory.
	Choice    string
	Mandatory bool
	// DigestChoice is the recipient's choice for the daily digest: a kind
	// taken "in the digest" by someone whose digest is off goes at once.
	DigestChoice string
}

// Recipient is a person a message is for.
type Recipient struct {
	PersonID int64  `json:"-"`
	Name     string `json:"-"`
	Email    string `json:"-"`
	Role     string `json:"-"`
	Active   bool   `json:"-"`
}

// Outcome is what became of one claimed message.
type Outcome struct {
	ID     int64
	Status string // sent, failed, skipped, held, or queued (to try again)
	Reason string
	// Next is when to try again (status queued).
	Next time.Time
}

// SendDue claims up to limit queued messages that are due at now (a new
// message is due at once, a retried one at its next attempt), hands them to
// send, and records what send says became of each, in one transaction: the
// claimed rows stay locked while they are sent, and other senders skip them
// (FOR UPDATE SKIP LOCKED), so several instances send each message once.
// It returns how many were claimed.
func (s *Store) SendDue(ctx context.Context, now time.Time, limit int, send func([]Outgoing) []Outcome) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT o.id, o.idempotency_key, o.kind, o.params, o.attempts, o.created_at,
			       p.id, p.full_name, p.email, p.role, p.active,
			       coalesce(np.choice, ''), coalesce(pol.mandatory, false), coalesce(dp.choice, '')
			FROM outbox o
			JOIN people p ON p.id = o.recipient_id
			LEFT JOIN notification_preferences np ON np.person_id = o.recipient_id AND np.kind = o.kind
			LEFT JOIN notification_preferences dp ON dp.person_id = o.recipient_id AND dp.kind = 'digest'
			LEFT JOIN notification_policy pol ON pol.kind = o.kind
			WHERE o.status = 'queued' AND (o.attempts = 0 OR o.next_attempt_at <= $1)
			ORDER BY o.id
			LIMIT $2
			FOR UPDATE OF o SKIP LOCKED`, now, limit)
		if err != nil {
			return err
		}
		var claimed []Outgoing
		var m Outgoing
		var params []byte
		if _, err := pgx.ForEachRow(rows, []any{&m.ID, &m.Key, &m.Kind, &params, &m.Attempts, &m.CreatedAt,
			&m.Recipient.PersonID, &m.Recipient.Name, &m.Recipient.Email, &m.Recipient.Role, &m.Recipient.Active,
			&m.Choice, &m.Mandatory, &m.DigestChoice}, func() error {
			m.Params = append(json.RawMessage(nil), params...)
			claimed = append(claimed, m)
			return nil
		}); err != nil {
			return err
		}
		n = len(claimed)
		if n == 0 {
			return nil
		}
		return recordOutcomes(ctx, tx, now, send(claimed))
	})
	if err != nil {
		return n, fmt.Errorf("SendDue: %w", err)
	}
	return n, nil
}

func recordOutcomes(ctx context.Context, tx pgx.Tx, now time.Time, outs []Outcome) error {
	ids := make([]int64, len(outs))
	statuses := make([]string, len(outs))
	reasons := make([]string, len(outs))
	next := make([]time.Time, len(outs))
	for i, o := range outs {
		ids[i], statuses[i], reasons[i], next[i] = o.ID, o.Status, o.Reason, o.Next
		if o.Next.IsZero() {
			next[i] = now
		}
	}
	_, err := tx.Exec(ctx, `
		UPDATE outbox o SET status = u.status, reason = u.reason, attempts = o.attempts + 1,
		       next_attempt_at = u.next, sent_at = CASE WHEN u.status = 'sent' THEN $5::timestamptz END
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, status, reason, next)
		WHERE o.id = u.id`, ids, statuses, reasons, next, now)
	return err
}

// NewMessage is a message composed outside a cause's transaction: a digest,
// an escalation.
type NewMessage struct {
	Key         string
	Kind        string
	RecipientID int64
	Params      any
	// Folds: held messages this digest carries; they become digested with it.
	Folds []int64
}

// EnqueueComposed queues composed messages, each at most once under its key,
// and marks the held messages a queued digest carries as digested, in one
// transaction; then records the day as composed. It returns how many were
// new.
func (s *Store) EnqueueComposed(ctx context.Context, day, now time.Time, msgs []NewMessage) (int, error) {
	var added int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		keys := make([]string, len(msgs))
		kinds := make([]string, len(msgs))
		recips := make([]int64, len(msgs))
		params := make([]string, len(msgs))
		folds := map[string][]int64{}
		for i, m := range msgs {
			b, err := json.Marshal(m.Params)
			if err != nil {
				return err
			}
			keys[i], kinds[i], recips[i], params[i] = m.Key, m.Kind, m.RecipientID, string(b)
			if len(m.Folds) > 0 {
				folds[m.Key] = m.Folds
			}
		}
		rows, err := tx.Query(ctx, `
			INSERT INTO outbox (idempotency_key, kind, recipient_id, params, next_attempt_at, created_at)
			SELECT u.key, u.kind, u.recipient, u.params::jsonb, $5, $5
			FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS u(key, kind, recipient, params)
			ON CONFLICT (idempotency_key) DO NOTHING
			RETURNING id, idempotency_key`, keys, kinds, recips, params, now)
		if err != nil {
			return err
		}
		var foldIDs, digestIDs []int64
		var id int64
		var key string
		if _, err := pgx.ForEachRow(rows, []any{&id, &key}, func() error {
			added++
			for _, f := range folds[key] {
				foldIDs, digestIDs = append(foldIDs, f), append(digestIDs, id)
			}
			return nil
		}); err != nil {
			return err
		}
		if len(foldIDs) > 0 {
			if _, err := tx.Exec(ctx, `
				UPDATE outbox o SET status = 'digested', digest_id = u.digest
				FROM unnest($1::bigint[], $2::bigint[]) AS u(id, digest)
				WHERE o.id = u.id AND o.status = 'held'`, foldIDs, digestIDs); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO digest_days (day, composed_at, messages) VALUES ($1, $2, $3)
			ON CONFLICT (day) DO UPDATE SET messages = digest_days.messages + EXCLUDED.messages`, day, now, added)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("EnqueueComposed: %w", err)
	}
	return added, nil
}

// DigestsComposed reports whether the day's digests were composed.
func (s *Store) DigestsComposed(ctx context.Context, day time.Time) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM digest_days WHERE day = $1)`, day).Scan(&ok)
	return ok, err
}

// DigestLock runs fn holding the agency-wide lock on composing digests, or
// does not run it (ran false) when another instance holds it.
func (s *Store) DigestLock(ctx context.Context, fn func() error) (ran bool, err error) {
	// A connection of its own, outside the pool: composing takes several
	// of the pool's at once (the state-wide load), and the pages need theirs.
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	const lockKey = 1717001 // issue 17's digests
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey).Scan(&got); err != nil || !got {
		return false, err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey) //nolint:errcheck // the session's end releases it too
	return true, fn()
}

// NotificationChoices are a person's choices per kind, and which kinds the
// administrator made mandatory.
type NotificationChoices struct {
	Choice    map[string]string // kind -> digest, at_once or off; absent: the default
	Mandatory map[string]bool
}

// MyNotificationChoices returns the viewer's own choices.
func (s *Store) MyNotificationChoices(ctx context.Context, v access.Viewer) (NotificationChoices, error) {
	c := NotificationChoices{Choice: map[string]string{}, Mandatory: map[string]bool{}}
	rows, err := s.pool.Query(ctx, `SELECT kind, choice FROM notification_preferences WHERE person_id = $1`, v.PersonID)
	if err != nil {
		return c, err
	}
	var kind, choice string
	if _, err := pgx.ForEachRow(rows, []any{&kind, &choice}, func() error { c.Choice[kind] = choice; return nil }); err != nil {
		return c, err
	}
	if c.Mandatory, err = s.MandatoryKinds(ctx); err != nil {
		return c, err
	}
	return c, nil
}

// MandatoryKinds returns the administrator's policy.
func (s *Store) MandatoryKinds(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	rows, err := s.pool.Query(ctx, `SELECT kind, mandatory FROM notification_policy`)
	if err != nil {
		return nil, err
	}
	var kind string
	var m bool
	_, err = pgx.ForEachRow(rows, []any{&kind, &m}, func() error { out[kind] = m; return nil })
	return out, err
}

// SetMyNotificationChoices records the viewer's choices (kind -> choice).
// The caller checked each against the kinds' choices and the policy.
func (s *Store) SetMyNotificationChoices(ctx context.Context, v access.Viewer, choices map[string]string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for kind, choice := range choices {
			if _, err := tx.Exec(ctx, `
				INSERT INTO notification_preferences (person_id, kind, choice) VALUES ($1, $2, $3)
				ON CONFLICT (person_id, kind) DO UPDATE SET choice = EXCLUDED.choice`, v.PersonID, kind, choice); err != nil {
				return mapWriteError(err)
			}
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "notification_preferences", EntityID: fmt.Sprint(v.PersonID),
			Detail: map[string]any{"after": choices}})
	})
}

// SetMandatoryKinds records which kinds are mandatory (administrators).
func (s *Store) SetMandatoryKinds(ctx context.Context, v access.Viewer, mandatory map[string]bool) error {
	if !v.Is(access.Administrator) {
		return ErrNotFound
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, kind := range NotificationKinds {
			if _, err := tx.Exec(ctx, `
				INSERT INTO notification_policy (kind, mandatory) VALUES ($1, $2)
				ON CONFLICT (kind) DO UPDATE SET mandatory = EXCLUDED.mandatory`, kind, mandatory[kind]); err != nil {
				return err
			}
		}
		return audit(ctx, tx, v, AuditEntry{Action: "updated", Entity: "notification_policy", Detail: map[string]any{"after": mandatory}})
	})
}

// OutboxFilter narrows the administrator's outbox list.
type OutboxFilter struct {
	Status string // "" for every status
	Kind   string // "" for every kind
	Before int64  // list messages with a smaller id (the next page); 0 from the newest
}

// OutboxRow is one message on the administrator's outbox page.
type OutboxRow = domain.OutboxRow

// OutboxPageSize is how many messages one page of the outbox lists.
const OutboxPageSize = 50

// Outbox lists messages for an administrator, newest first, one page at a
// time, with the count of every status. It shows who a message is for, its
// kind and its fate, not what it says.
func (s *Store) Outbox(ctx context.Context, v access.Viewer, f OutboxFilter) ([]OutboxRow, map[string]int, error) {
	if !v.Is(access.Administrator) {
		return nil, nil, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `
		SELECT o.id, o.kind, o.status, o.attempts, o.reason, o.created_at, o.sent_at, o.next_attempt_at,
		       p.full_name AS recipient, p.email
		FROM outbox o JOIN people p ON p.id = o.recipient_id
		WHERE ($1 = '' OR o.status = $1) AND ($2 = '' OR o.kind = $2) AND ($3 = 0 OR o.id < $3)
		ORDER BY o.id DESC LIMIT $4`, f.Status, f.Kind, f.Before, OutboxPageSize+1)
	if err != nil {
		return nil, nil, fmt.Errorf("Outbox: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[OutboxRow])
	if err != nil {
		return nil, nil, fmt.Errorf("Outbox: %w", err)
	}
	counts := map[string]int{}
	crows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM outbox WHERE ($1 = '' OR kind = $1) GROUP BY status`, f.Kind)
	if err != nil {
		return nil, nil, fmt.Errorf("Outbox: %w", err)
	}
	var st string
	var n int
	if _, err := pgx.ForEachRow(crows, []any{&st, &n}, func() error { counts[st] = n; return nil }); err != nil {
		return nil, nil, fmt.Errorf("Outbox: %w", err)
	}
	return list, counts, nil
}

// OutboxMessage returns one message with what it says, for the preview an
// administrator reads where no SMTP server is set (the demo). The caller
// decides whether previews are allowed.
func (s *Store) OutboxMessage(ctx context.Context, v access.Viewer, id int64) (Outgoing, error) {
	var m Outgoing
	if !v.Is(access.Administrator) {
		return m, ErrNotFound
	}
	var params []byte
	err := s.pool.QueryRow(ctx, `
		SELECT o.id, o.idempotency_key, o.kind, o.params, o.attempts, o.created_at, p.id, p.full_name, p.email, p.role, p.active
		FROM outbox o JOIN people p ON p.id = o.recipient_id WHERE o.id = $1`, id).Scan(
		&m.ID, &m.Key, &m.Kind, &params, &m.Attempts, &m.CreatedAt,
		&m.Recipient.PersonID, &m.Recipient.Name, &m.Recipient.Email, &m.Recipient.Role, &m.Recipient.Active)
	m.Params = params
	return m, notFound(err)
}
