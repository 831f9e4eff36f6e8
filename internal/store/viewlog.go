package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
)

// viewLog appends the audit entries of page views, many page views to one
// INSERT: group commit. Every page view is recorded (issue #5), and a page is
// not shown until its entry is committed, but the entry no longer rides in
// the page's own transaction: a view changes nothing, so the read commits
// alone (read-only, no WAL) and its entry joins the entries of whatever other
// pages are being viewed at that moment. One statement, one lane of the hash
// chain and one WAL flush then serve them all, where each page used to pay
// its own insert, lane lock and flush: at 8 concurrent pages that was most of
// the database's work for a dashboard (docs/performance.md).
//
// There is no timer and no goroutine while the log is quiet: the first entry
// to arrive starts a flush at once; entries arriving while it runs are
// gathered and flushed together when it returns. Changes (conference saves,
// records, administration) are still audited inside their own transaction.
type viewLog struct {
	pool *pgxpool.Pool

	mu       sync.Mutex
	pending  []*pendingView
	flushing bool
	flushes  sync.WaitGroup // the flush in progress, for Close
}

type pendingView struct {
	actor                                   int64 // 0: nobody signed in
	action, entity, entityID, addr, request string
	detail                                  []byte
	done                                    chan error // buffered: the flusher never waits on a reader
}

// RecordView records that the viewer was shown what e names, as a page view
// (group-committed with the others), and returns once it is committed. For
// pages whose reads are not a store function that records itself: the
// administrator's pages, recorded by one middleware.
func (s *Store) RecordView(ctx context.Context, v access.Viewer, e AuditEntry) error {
	return s.views.append(ctx, v, e)
}

// viewBatchMax bounds one INSERT; more waiting entries go in the next.
const viewBatchMax = 512

// viewFlushTimeout bounds a flush when the database is away, so that pages
// fail with a clear message rather than hang.
const viewFlushTimeout = 10 * time.Second

// append records e and returns once it is committed, or with the error that
// kept it from being. If ctx ends first (the browser went away), append
// returns ctx's error and the entry is still written.
func (l *viewLog) append(ctx context.Context, v access.Viewer, e AuditEntry) error {
	detail := []byte("{}")
	if e.Detail != nil {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		detail = b
	}
	p := &pendingView{actor: v.PersonID, action: e.Action, entity: e.Entity, entityID: e.EntityID,
		addr: v.Addr, request: v.RequestID, detail: detail, done: make(chan error, 1)}
	l.mu.Lock()
	l.pending = append(l.pending, p)
	if !l.flushing {
		l.flushing = true
		l.flushes.Go(l.flush)
	}
	l.mu.Unlock()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait returns once no flush is in progress: the entries of views whose
// browser left before their entry was written are written before the pool
// closes.
func (l *viewLog) wait() { l.flushes.Wait() }

// flush writes what is pending, batch after batch, until nothing is.
func (l *viewLog) flush() {
	for {
		l.mu.Lock()
		n := min(len(l.pending), viewBatchMax)
		if n == 0 {
			l.flushing = false
			l.mu.Unlock()
			return
		}
		batch := l.pending[:n:n]
		l.pending = l.pending[n:]
		if len(l.pending) == 0 {
			l.pending = nil // let the backing array go
		}
		l.mu.Unlock()
		err := l.insert(batch)
		for _, p := range batch {
			p.done <- err
		}
	}
}

// insert appends the batch in one statement, in the order the views came.
// The chain trigger (migrations 000002, 000020) links each row into one lane
// and the moment is the database's clock, as for every other entry.
func (l *viewLog) insert(batch []*pendingView) error {
	ctx, cancel := context.WithTimeout(context.Background(), viewFlushTimeout)
	defer cancel()
	n := len(batch)
	actors := make([]int64, n)
	actions, entities, ids, addrs, requests := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	details := make([]string, n)
	for i, p := range batch {
		actors[i], actions[i], entities[i], ids[i], addrs[i], requests[i] = p.actor, p.action, p.entity, p.entityID, p.addr, p.request
		details[i] = string(p.detail)
	}
	_, err := l.pool.Exec(ctx, `
		INSERT INTO audit_log (at, actor_id, action, entity, entity_id, remote_addr, request_id, detail)
		SELECT clock_timestamp(), nullif(v.actor, 0), v.action, v.entity, v.entity_id, v.addr, v.request, v.detail::jsonb
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
		     WITH ORDINALITY AS v(actor, action, entity, entity_id, addr, request, detail, n)
		ORDER BY v.n`, actors, actions, entities, ids, addrs, requests, details)
	if err != nil {
		return fmt.Errorf("audit %d page views: %w", n, err)
	}
	return nil
}
