package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/casework/casework/internal/store"
)

// Notifier composes and sends. One runs inside every `casework serve`
// instance (Loop) and in `casework notify run --once` (RunOnce); several at
// once are safe: digests are composed under a lock and queued under keys
// that name person and day, and each message is claimed by one sender
// (store.SendDue).
type Notifier struct {
	Store *store.Store
	// Mailer sends; nil keeps every message queued (no SMTP_URL: the demo,
	// where the administrator's outbox page shows each message instead).
	Mailer *Mailer
	Log    *slog.Logger
	// Now is the clock; Location the agency's zone, where "today" and the
	// digest hour are.
	Now        func() time.Time
	Location   *time.Location
	DigestHour int
	BaseURL    string
	// ByArea composes the day's digests one area at a time, each from its
	// own load (memory bounded by an area: the server's way, under its soft
	// memory limit), instead of the whole agency's facts at once (several
	// times faster, and a state's facts in memory: `casework notify run`).
	ByArea bool
	// Batch is how many messages one transaction claims (default 20).
	Batch int
	// Backoff is the wait before the attempt after the given number of
	// failed ones (default: 1 minute doubling up to 1 hour).
	Backoff func(attempts int) time.Duration

	mandatory map[string]bool
	reasons   map[string]string
}

func (n *Notifier) now() time.Time {
	if n.Now == nil {
		return time.Now()
	}
	return n.Now()
}

func (n *Notifier) loc() *time.Location {
	if n.Location == nil {
		return time.UTC
	}
	return n.Location
}

// today is the agency's calendar date, as the store carries dates.
func (n *Notifier) today() time.Time {
	y, m, d := n.now().In(n.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (n *Notifier) prepare(ctx context.Context) error {
	if n.reasons == nil {
		n.reasons = map[string]string{}
		for _, r := range store.EmergentReasons {
			n.reasons[r.Code] = r.Words
		}
	}
	m, err := n.Store.MandatoryKinds(ctx)
	if err != nil {
		return err
	}
	n.mandatory = m
	return nil
}

// RunOnce composes today's digests if their hour has come and they are not
// yet composed, then sends everything due now, and returns.
func (n *Notifier) RunOnce(ctx context.Context) (Stats, error) {
	var st Stats
	if err := n.prepare(ctx); err != nil {
		return st, err
	}
	if err := n.composeIfDue(ctx, &st); err != nil {
		return st, err
	}
	if n.Mailer == nil {
		return st, nil
	}
	for {
		claimed, err := n.Store.SendDue(ctx, n.now(), n.batch(), func(msgs []store.Outgoing) []store.Outcome {
			return n.deliver(ctx, msgs, &st)
		})
		if err != nil {
			return st, err
		}
		if claimed < n.batch() {
			return st, nil
		}
	}
}

// Stats count what one run did.
type Stats struct {
	Composed, Sent, Failed, Skipped, Held, Retry int
}

func (s Stats) String() string {
	return fmt.Sprintf("%d composed, %d sent, %d failed, %d held for the digest, %d not sent (off or deactivated), %d to retry",
		s.Composed, s.Sent, s.Failed, s.Held, s.Skipped, s.Retry)
}

func (n *Notifier) batch() int {
	if n.Batch <= 0 {
		return 20
	}
	return n.Batch
}

func (n *Notifier) composeIfDue(ctx context.Context, st *Stats) error {
	local := n.now().In(n.loc())
	if local.Hour() < n.DigestHour {
		return nil
	}
	today := n.today()
	done, err := n.Store.DigestsComposed(ctx, today)
	if err != nil || done {
		return err
	}
	_, err = n.Store.DigestLock(ctx, func() error {
		// Checked again under the lock: another instance may just have.
		if done, err := n.Store.DigestsComposed(ctx, today); err != nil || done {
			return err
		}
		added, err := n.ComposeDay(ctx, today)
		st.Composed += added
		return err
	})
	return err
}

// deliver decides each claimed message's fate: a person deactivated or
// who turned the kind off gets nothing; one who takes it in the digest has
// it held for the next; the rest are rendered and sent in one connection.
func (n *Notifier) deliver(ctx context.Context, msgs []store.Outgoing, st *Stats) []store.Outcome {
	out := make([]store.Outcome, len(msgs))
	var batch []Delivery
	var idx []int
	for i, m := range msgs {
		out[i] = store.Outcome{ID: m.ID}
		choice := Effective(m.Kind, m.Choice, n.mandatory[m.Kind])
		if choice == Digest && m.Kind != "digest" && Effective("digest", m.DigestChoice, n.mandatory["digest"]) == Off {
			choice = AtOnce // no digest will carry it
		}
		switch {
		case !m.Recipient.Active:
			out[i].Status, out[i].Reason = "skipped", "the person is deactivated"
			st.Skipped++
			continue
		case choice == Off:
			out[i].Status, out[i].Reason = "skipped", "turned off in the person's settings"
			st.Skipped++
			continue
		case choice == Digest && m.Kind != "digest":
			out[i].Status, out[i].Reason = "held", "waiting for the person's next digest"
			st.Held++
			continue
		}
		r, err := Render(m.Kind, m.Params, m.Recipient, n.BaseURL, n.reasons)
		if err != nil {
			out[i].Status, out[i].Reason = "failed", "could not be composed: "+reasonOf(err)
			st.Failed++
			continue
		}
		batch = append(batch, Delivery{To: m.Recipient.Email, MessageID: MessageID(m.ID, m.Key), Date: n.now(), Rendered: r})
		idx = append(idx, i)
	}
	if len(batch) == 0 {
		return out
	}
	for j, res := range n.Mailer.Send(ctx, batch) {
		o := &out[idx[j]]
		switch {
		case res.Err == nil:
			o.Status = "sent"
			st.Sent++
		case res.Permanent:
			o.Status, o.Reason = "failed", reasonOf(res.Err)
			st.Failed++
		default:
			o.Status, o.Reason = "queued", "will try again: "+reasonOf(res.Err)
			o.Next = n.now().Add(n.backoff(msgs[idx[j]].Attempts + 1))
			st.Retry++
		}
	}
	if n.Log != nil && st.Retry > 0 {
		n.Log.Warn("mail not sent, will try again", "count", st.Retry)
	}
	return out
}

func (n *Notifier) backoff(attempts int) time.Duration {
	if n.Backoff != nil {
		return n.Backoff(attempts)
	}
	d := time.Minute << min(attempts-1, 6)
	return min(d, time.Hour)
}

// MessageID is the Message-ID a row is sent under: the same on every
// attempt, so a receiver can tell a retried message it already has.
func MessageID(id int64, key string) string {
	return strconv.FormatInt(id, 10) + "." + fmt.Sprintf("%x", fnv(key)) + "@casework"
}

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Loop runs the notifier every interval until ctx ends, logging what it
// did; errors are logged and the next tick tries again.
func (n *Notifier) Loop(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		st, err := n.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			n.Log.Error("notifications", "err", err)
		} else if st != (Stats{}) {
			n.Log.Info("notifications", "stats", st.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
