package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/notify"
	"github.com/casework/casework/internal/store"
)

// digestBench composes the whole state's daily digests and escalations
// (every area's facts loaded and evaluated once, every person's digest
// built) and queues them in the outbox, as the first notifier of the day
// does, three times, and prints the best time of each step. The messages
// are deleted after each run, so the next composes them anew.
func digestBench(ctx context.Context, dbURL string, asOf time.Time) error {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return err
	}
	var people map[string]int64
	if people, err = staffCounts(ctx, dbURL, asOf); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchweb: digests for %d workers, %d supervisors, %d casework supervisors in post on %s\n",
		people["worker"], people["supervisor"], people["casework_supervisor"], asOf.Format(time.DateOnly))
	n := &notify.Notifier{Store: st, Now: time.Now, Location: loc, DigestHour: 0, BaseURL: "http://localhost:8080"}
	bestCompose, bestQueue := time.Duration(1<<61), time.Duration(1<<61)
	var msgs, digests int
	if path := os.Getenv("BENCHWEB_DIGESTS_PROFILE"); path != "" { // where the time goes
		if f, err := os.Create(path); err == nil {
			_ = pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	runs := 3
	if v, err := strconv.Atoi(os.Getenv("BENCHWEB_DIGESTS_RUNS")); err == nil && v > 0 {
		runs = v
	}
	for range runs {
		if err := clearOutbox(ctx, dbURL); err != nil {
			return err
		}
		runtime.GC()
		start := time.Now()
		all, err := n.ComposeAll(ctx, asOf)
		if err != nil {
			return err
		}
		composed := time.Since(start)
		added, err := st.EnqueueComposed(ctx, asOf, time.Now(), all)
		if err != nil {
			return err
		}
		queued := time.Since(start) - composed
		if composed+queued < bestCompose+bestQueue { // the best whole run
			bestCompose, bestQueue = composed, queued
		}
		msgs, digests = added, 0
		for _, m := range all {
			if m.Kind == "digest" {
				digests++
			}
		}
		fmt.Fprintf(os.Stderr, "benchweb: digests: %d messages (%d digests) composed in %.2fs, queued in %.2fs (load average %s)\n", added, digests, composed.Seconds(), queued.Seconds(), loadAverage())
	}
	fmt.Printf("Daily digests of the whole state: %d messages (%d digests, %d escalations) composed in %.2fs and queued in %.2fs: %.2fs in all (best of %d)\n",
		msgs, digests, msgs-digests, bestCompose.Seconds(), bestQueue.Seconds(), (bestCompose + bestQueue).Seconds(), runs)
	return clearOutbox(ctx, dbURL)
}

func clearOutbox(ctx context.Context, dbURL string) error {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, `DELETE FROM outbox; DELETE FROM digest_days`)
	return err
}

func staffCounts(ctx context.Context, dbURL string, on time.Time) (map[string]int64, error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `
		SELECT 'worker', count(DISTINCT worker_id) FROM unit_members WHERE during @> $1::date
		UNION ALL SELECT 'supervisor', count(DISTINCT supervisor_id) FROM unit_supervisors WHERE during @> $1::date
		UNION ALL SELECT 'casework_supervisor', count(DISTINCT casework_supervisor_id) FROM supervisor_reports WHERE during @> $1::date`, on)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	var k string
	var v int64
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error { out[k] = v; return nil })
	return out, err
}

// loadAverage is the machine's one-minute load average, for the record: the
// figures mean little on a machine busy with other work.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}
