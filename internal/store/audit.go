package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
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

// AuditCheck is the result of walking the audit log's hash chain.
type AuditCheck struct {
	Entries int64
	// FirstBad is the chain position (seq) of the first entry that does not
	// link; 0 when the chain is whole. Problem says what is wrong there.
	FirstBad int64
	Problem  string
}

// VerifyAudit walks the whole chain in order, recomputing each hash, and
// names the first entry that was altered, removed or inserted. It streams, so
// memory does not grow with the log.
func (s *Store) VerifyAudit(ctx context.Context) (AuditCheck, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT seq, hash, prev_hash, sha256(prev_hash || audit_content(a))
		FROM audit_log a ORDER BY seq`)
	if err != nil {
		return AuditCheck{}, fmt.Errorf("VerifyAudit: %w", err)
	}
	defer rows.Close()
	var c AuditCheck
	var prevSeq int64
	prevHash := []byte{}
	for rows.Next() {
		var seq int64
		var hash, prev, recomputed []byte
		if err := rows.Scan(&seq, &hash, &prev, &recomputed); err != nil {
			return c, fmt.Errorf("VerifyAudit: %w", err)
		}
		c.Entries++
		switch {
		case seq != prevSeq+1 && seq > prevSeq+1:
			c.FirstBad, c.Problem = prevSeq+1, fmt.Sprintf("entry %d is missing (removed): the chain jumps from %d to %d", prevSeq+1, prevSeq, seq)
		case seq != prevSeq+1:
			c.FirstBad, c.Problem = seq, fmt.Sprintf("entry %d is out of order or repeated (inserted)", seq)
		case !bytes.Equal(prev, prevHash):
			c.FirstBad, c.Problem = seq, fmt.Sprintf("entry %d does not link to entry %d (an entry was removed or inserted before it, or its link altered)", seq, prevSeq)
		case !bytes.Equal(hash, recomputed):
			c.FirstBad, c.Problem = seq, fmt.Sprintf("entry %d was altered: its content no longer matches its hash", seq)
		}
		if c.FirstBad != 0 {
			return c, nil
		}
		prevSeq, prevHash = seq, hash
	}
	return c, rows.Err()
}

// viewing runs the reads of a page in one transaction and records, in the
// same transaction, what the viewer was shown: a view is never served
// unrecorded, and a failed view records nothing.
func (s *Store) viewing(ctx context.Context, v access.Viewer, read func(tx pgx.Tx) (AuditEntry, error)) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		e, err := read(tx)
		if err != nil {
			return err
		}
		return audit(ctx, tx, v, e)
	})
}
