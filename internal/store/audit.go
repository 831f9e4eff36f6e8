package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/domain"
)

// AuditEntry is one line of the append-only audit log: who did or saw what.
type AuditEntry struct {
	Action   string         // viewed, created, updated, signed_in, ...
	Entity   string         // case, conference, person, performance_note, unit, caseload, session
	EntityID string         // the entity's id, as text
	Detail   map[string]any // what changed (before and after) or what was shown
}

// audit appends one entry within the caller's transaction, so the entry
// commits or rolls back with the change it records. The database links it
// into the hash chain (migration 000002).
func audit(ctx context.Context, tx pgx.Tx, v access.Viewer, e AuditEntry) error {
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	var actor any
	if v.PersonID != 0 {
		actor = v.PersonID
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_log (at, actor_id, action, entity, entity_id, remote_addr, request_id, detail)
		VALUES (clock_timestamp(), $1, $2, $3, $4, $5, $6, $7)`,
		actor, e.Action, e.Entity, e.EntityID, v.Addr, v.RequestID, b)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", e.Action, e.Entity, err)
	}
	return nil
}

// Audit appends one entry on its own (sign-in, sign-out). The moment is the
// database's clock: the log records when things happened, not the agency's
// calendar date.
func (s *Store) Audit(ctx context.Context, v access.Viewer, e AuditEntry) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return audit(ctx, tx, v, e) })
}

// AuditCheck is the result of walking the audit log's hash chains.
type AuditCheck struct {
	Entries int64
	Lanes   int // chains walked (migration 000020: up to eight)
	// FirstBad is the position (seq) in its lane (Lane) of the first entry
	// that does not link, or where the log departs from the checkpoint; 0
	// when every chain is whole. Problem says what is wrong there.
	FirstBad int64
	Lane     int
	Problem  string
	// Anchored is the number of lanes checked against a checkpoint.
	Anchored int
}

// LaneHead is a lane's last entry: its position and its hash.
type LaneHead struct {
	Lane int
	Seq  int64
	Hash []byte
}

// AuditHeads reads each lane's last entry, in one statement (one snapshot),
// for a checkpoint (internal/auditsign).
func (s *Store) AuditHeads(ctx context.Context) ([]LaneHead, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT l.lane, h.seq, h.hash FROM generate_series(0, 7) AS l(lane)
		CROSS JOIN LATERAL (SELECT seq, hash FROM audit_log a WHERE a.lane = l.lane ORDER BY seq DESC LIMIT 1) h
		ORDER BY l.lane`)
	if err != nil {
		return nil, fmt.Errorf("AuditHeads: %w", err)
	}
	var heads []LaneHead
	var h LaneHead
	if _, err := pgx.ForEachRow(rows, []any{&h.Lane, &h.Seq, &h.Hash}, func() error {
		heads = append(heads, LaneHead{h.Lane, h.Seq, bytes.Clone(h.Hash)})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("AuditHeads: %w", err)
	}
	return heads, nil
}

// VerifyAudit walks every lane of the chain in order, recomputing each hash,
// and names the first entry that was altered, removed or inserted. It
// streams, so memory does not grow with the log. Alone it cannot see the
// end of a lane cut off, nor a lane rewritten with its hashes recomputed:
// VerifyAuditAgainst a checkpoint can.
func (s *Store) VerifyAudit(ctx context.Context) (AuditCheck, error) {
	return s.VerifyAuditAgainst(ctx, nil, "")
}

// VerifyAuditAgainst is VerifyAudit, and checks each lane against the
// heads of a checkpoint taken earlier (named by when, for the problem): the
// lane must still reach the checkpoint's position (else its end was
// removed), and its entry there must have the checkpoint's hash (else the
// lane was rewritten and its hashes recomputed). Entries after the
// checkpoint are checked by their chain only.
func (s *Store) VerifyAuditAgainst(ctx context.Context, anchor []LaneHead, when string) (AuditCheck, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT lane, seq, hash, prev_hash, sha256(prev_hash || audit_content(a))
		FROM audit_log a ORDER BY lane, seq`)
	if err != nil {
		return AuditCheck{}, fmt.Errorf("VerifyAudit: %w", err)
	}
	defer rows.Close()
	heads := map[int]LaneHead{}
	for _, h := range anchor {
		heads[h.Lane] = h
	}
	var c AuditCheck
	c.Anchored = len(heads)
	name := func(lane int, n int64) string {
		if lane == 0 {
			return fmt.Sprintf("entry %d", n)
		}
		return fmt.Sprintf("entry %d of lane %d", n, lane)
	}
	// cut reports a lane that ends (at last) before the checkpoint's head.
	cut := func(lane int, last int64) bool {
		h, ok := heads[lane]
		if !ok || last >= h.Seq {
			return false
		}
		c.Lane, c.FirstBad = lane, last+1
		c.Problem = fmt.Sprintf("%s is missing (the lane was cut off): the lane ends at %d, but the checkpoint of %s recorded it up to %d",
			name(lane, last+1), last, when, h.Seq)
		return true
	}
	var prevSeq int64
	prevLane := -1
	prevHash := []byte{}
	seen := map[int]bool{}
	for rows.Next() {
		var lane int
		var seq int64
		var hash, prev, recomputed []byte
		if err := rows.Scan(&lane, &seq, &hash, &prev, &recomputed); err != nil {
			return c, fmt.Errorf("VerifyAudit: %w", err)
		}
		if lane != prevLane {
			if prevLane >= 0 && cut(prevLane, prevSeq) {
				return c, nil
			}
			prevLane, prevSeq, prevHash = lane, 0, []byte{}
			c.Lanes++
			seen[lane] = true
		}
		c.Entries++
		switch {
		case seq != prevSeq+1 && seq > prevSeq+1:
			c.FirstBad, c.Problem = prevSeq+1, fmt.Sprintf("%s is missing (removed): the chain jumps from %d to %d", name(lane, prevSeq+1), prevSeq, seq)
		case seq != prevSeq+1:
			c.FirstBad, c.Problem = seq, fmt.Sprintf("%s is out of order or repeated (inserted)", name(lane, seq))
		case !bytes.Equal(prev, prevHash):
			c.FirstBad, c.Problem = seq, fmt.Sprintf("%s does not link to entry %d (an entry was removed or inserted before it, or its link altered)", name(lane, seq), prevSeq)
		case !bytes.Equal(hash, recomputed):
			c.FirstBad, c.Problem = seq, fmt.Sprintf("%s was altered: its content no longer matches its hash", name(lane, seq))
		case heads[lane].Seq == seq && !bytes.Equal(hash, heads[lane].Hash):
			c.FirstBad, c.Problem = seq, fmt.Sprintf("%s differs from the checkpoint of %s: the lane was rewritten up to it and its hashes recomputed", name(lane, seq), when)
		}
		if c.FirstBad != 0 {
			c.Lane = lane
			return c, nil
		}
		prevSeq, prevHash = seq, hash
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if prevLane >= 0 && cut(prevLane, prevSeq) {
		return c, nil
	}
	for lane := range 8 { // a lane the checkpoint knew, now gone whole
		if _, ok := heads[lane]; ok && !seen[lane] && cut(lane, 0) {
			return c, nil
		}
	}
	return c, nil
}

// viewing runs the reads of a page in one read-only transaction, then records
// what the viewer was shown and returns once that record is committed: a
// view is never served unrecorded, and a failed read records nothing. The
// record joins those of other pages viewed at the same moment in one insert
// (viewlog.go).
func (s *Store) viewing(ctx context.Context, v access.Viewer, read func(tx pgx.Tx) (AuditEntry, error)) error {
	var e AuditEntry
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		e, err = read(tx)
		return err
	})
	if err != nil {
		return err
	}
	return s.views.append(ctx, v, e)
}

// viewingSnapshot is viewing over one snapshot (REPEATABLE READ, read-only),
// for reads of several statements that must agree with each other (the
// API's). The entry is never inserted inside the snapshot: an insert there
// would link to the lane's newest entry as of the snapshot's start and
// collide with entries committed since (the API's 500s under concurrent
// reads); it goes through the view log like every page's.
func (s *Store) viewingSnapshot(ctx context.Context, v access.Viewer, read func(tx pgx.Tx) (AuditEntry, error)) error {
	var e AuditEntry
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		e, err = read(tx)
		return err
	})
	if err != nil {
		return err
	}
	return s.views.append(ctx, v, e)
}

// AccessEntry is domain.AccessEntry: what the store returns and the views take.
type AccessEntry = domain.AccessEntry

// CaseAccessLimit bounds the access history shown on a case page.
const CaseAccessLimit = 50

// CaseAccess lists who viewed or changed a case, newest first: the case's own
// entries and the list views that showed it. Only the case's supervisor and
// the casework supervisor above may read it; performance notes never appear
// (they are not case entries).
func (s *Store) CaseAccess(ctx context.Context, v access.Viewer, caseID int64, on time.Time) ([]AccessEntry, error) {
	if !v.Is(access.Supervisor, access.CaseworkSupervisor) {
		return nil, ErrNotFound
	}
	// The case's entries are found through the indexes first (MATERIALIZED),
	// then ordered: left to itself, a generic plan walks the whole log
	// backwards by id looking for them, which grows with every page anyone
	// viewed. Its own entries (its views, the most numerous) come newest
	// first from the entity index, the entries that name it in their detail
	// from audit_case_refs (migration 000022), no more of each than are shown.
	rows, err := s.pool.Query(ctx, `
		WITH hits AS MATERIALIZED (
		    (SELECT a.id FROM audit_log a
		     WHERE a.entity = 'case' AND a.entity_id = $5 ORDER BY a.at DESC LIMIT $4)
		    UNION
		    (SELECT r.audit_id FROM audit_case_refs r WHERE r.case_id = $1 ORDER BY r.audit_id DESC LIMIT $4)
		)
		SELECT a.id AS seq, a.at, coalesce(p.full_name, 'signed out') AS person, coalesce(p.role, '') AS role,
		       a.action, a.entity, a.entity_id, a.remote_addr, a.request_id
		FROM hits h JOIN audit_log a ON a.id = h.id LEFT JOIN people p ON p.id = a.actor_id
		WHERE EXISTS (SELECT 1 FROM case_assignments ca WHERE ca.case_id = $1 AND ca.during @> $3::date AND ca.worker_id <> $2
		              AND `+reach("ca.worker_id", "$2", "$3")+`)
		ORDER BY a.id DESC LIMIT $4`, caseID, v.PersonID, on, CaseAccessLimit, fmt.Sprint(caseID))
	if err != nil {
		return nil, fmt.Errorf("CaseAccess: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AccessEntry])
}

// AuditQuery filters the administrator's search of the log.
type AuditQuery struct {
	Email     string // the actor's email, exact
	Entity    string
	EntityID  string
	From, To  time.Time // moments; zero: open
	BeforeSeq int64     // page: entries before this position; 0: the newest
}

// AuditPageSize is how many entries one page of the search shows.
const AuditPageSize = 100

// SearchAudit lets an administrator search the whole log, newest first, a
// page at a time. The detail of entries is not shown (it may name cases);
// the entity and its id are.
func (s *Store) SearchAudit(ctx context.Context, v access.Viewer, q AuditQuery) ([]AccessEntry, error) {
	if !v.Is(access.Administrator) {
		return nil, ErrNotFound
	}
	var from, to any
	if !q.From.IsZero() {
		from = q.From
	}
	if !q.To.IsZero() {
		to = q.To
	}
	rows, err := s.pool.Query(ctx, `
		SELECT a.id AS seq, a.at, coalesce(p.full_name, 'signed out') AS person, coalesce(p.role, '') AS role,
		       a.action, a.entity, a.entity_id, a.remote_addr, a.request_id
		FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id
		WHERE ($1 = '' OR p.email = lower($1))
		  AND ($2 = '' OR a.entity = $2)
		  AND ($3 = '' OR a.entity_id = $3)
		  AND ($4::timestamptz IS NULL OR a.at >= $4)
		  AND ($5::timestamptz IS NULL OR a.at < $5)
		  AND ($6 = 0 OR a.id < $6)
		ORDER BY a.id DESC LIMIT $7`, q.Email, q.Entity, q.EntityID, from, to, q.BeforeSeq, AuditPageSize)
	if err != nil {
		return nil, fmt.Errorf("SearchAudit: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AccessEntry])
}
