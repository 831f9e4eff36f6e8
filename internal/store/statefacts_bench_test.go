package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/rules"
)

// BenchmarkAgencyFacts loads a seeded state's facts, the load of the
// state-wide rules run (docs/performance.md), for profiling it alone:
//
//	CASEWORK_BENCH_STATE_URL=postgres://.../casework_state_1 CASEWORK_BENCH_AS_OF=2026-12-01 \
//	  go test -run X -bench AgencyFacts -benchtime 3x -cpuprofile /tmp/load.prof ./internal/store/
//
// Skipped without a state (make bench-web seeds one in .data/bench).
func BenchmarkAgencyFacts(b *testing.B) {
	url := os.Getenv("CASEWORK_BENCH_STATE_URL")
	if url == "" {
		b.Skip("CASEWORK_BENCH_STATE_URL not set")
	}
	on := time.Now()
	if s := os.Getenv("CASEWORK_BENCH_AS_OF"); s != "" {
		var err error
		if on, err = time.Parse(time.DateOnly, s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	st, err := Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	evaluate := os.Getenv("CASEWORK_BENCH_EVALUATE") != ""
	var f rules.Facts
	for b.Loop() {
		if f, err = st.agencyFacts(ctx, on); err != nil {
			b.Fatal(err)
		}
		if evaluate {
			if _, err := rules.Evaluate(f, rules.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(f.Events)), "events")
	b.ReportMetric(float64(len(f.Conferences)), "conferences")
	if os.Getenv("CASEWORK_BENCH_DIGEST") != "" { // to compare two builds' facts and obligations
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for name, v := range map[string]any{"facts": f, "obligations": res.Obligations} {
			h := sha256.New()
			if err := json.NewEncoder(h).Encode(v); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s sha256 %x", name, h.Sum(nil))
		}
	}
}

// BenchmarkAgencyFactsStreams times the load's streams alone
// (one after the other, none in parallel): where its wall time goes.
func BenchmarkAgencyFactsStreams(b *testing.B) {
	url := os.Getenv("CASEWORK_BENCH_STATE_URL")
	if url == "" {
		b.Skip("CASEWORK_BENCH_STATE_URL not set")
	}
	on, _ := time.Parse(time.DateOnly, os.Getenv("CASEWORK_BENCH_AS_OF"))
	ctx := context.Background()
	st, err := Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	inSnapshot := func(b *testing.B, read func(snapshot string, tx pgx.Tx) error) {
		err := pgx.BeginTxFunc(ctx, st.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var snapshot string
			if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
				return err
			}
			return read(snapshot, tx)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("events", func(b *testing.B) {
		for b.Loop() {
			inSnapshot(b, func(snapshot string, _ pgx.Tx) error { return st.rawEvents(ctx, snapshot, on).err })
		}
	})
	b.Run("conferences", func(b *testing.B) {
		for b.Loop() {
			inSnapshot(b, func(_ string, tx pgx.Tx) error {
				var f rules.Facts
				factID, err := agencyStaff(ctx, tx, on, &f)
				if err != nil {
					return err
				}
				_, _, _, err = readHeldConferences(ctx, tx, on, factID)
				return err
			})
		}
	})
	b.Run("rest", func(b *testing.B) {
		for b.Loop() {
			inSnapshot(b, func(snapshot string, tx pgx.Tx) error {
				var f rules.Facts
				return st.agencyRest(ctx, tx, snapshot, on, &f)
			})
		}
	})
}
