package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/auditsign"
	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

type pgxTx = pgx.Tx

// superuser runs fn with every trigger off (session_replication_role), as
// a database superuser can behind the app's back: what checkpoints are for.
func superuser(ctx context.Context, t *testing.T, owner *pgxpool.Pool, fn func(tx pgx.Tx) error) {
	t.Helper()
	err := pgx.BeginFunc(ctx, owner, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The outside test's two attacks, as a superuser: the last entries of a lane
// deleted, and an entry rewritten with the lane's hashes recomputed. The
// chain alone says intact; against a signed checkpoint, `audit verify` says
// which entry and what happened. A forged checkpoint is refused.
func TestAuditVerifyAgainstACheckpointFindsTruncationAndRecomputedChains(t *testing.T) {
	priv, _, err := auditsign.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, problem string
		attack        func(ctx context.Context, t *testing.T, owner *pgxpool.Pool)
	}{
		{"the end of a lane deleted", "entry 18 is missing (the lane was cut off): the lane ends at 17", func(ctx context.Context, t *testing.T, owner *pgxpool.Pool) {
			superuser(ctx, t, owner, func(tx pgxTx) error {
				_, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE lane = 0 AND seq > 17`)
				return err
			})
		}},
		{"an entry rewritten and the lane recomputed", "entry 20 differs from the checkpoint", func(ctx context.Context, t *testing.T, owner *pgxpool.Pool) {
			superuser(ctx, t, owner, func(tx pgxTx) error {
				if _, err := tx.Exec(ctx, `UPDATE audit_log SET entity_id = 'someone else' WHERE lane = 0 AND seq = 5`); err != nil {
					return err
				}
				// Every hash from there to the head recomputed, as the chain would have them.
				for seq := 5; seq <= 20; seq++ {
					if _, err := tx.Exec(ctx, `
						UPDATE audit_log a SET prev_hash = coalesce((SELECT hash FROM audit_log p WHERE p.lane = 0 AND p.seq = a.seq - 1), ''::bytea),
						       hash = sha256(coalesce((SELECT hash FROM audit_log p WHERE p.lane = 0 AND p.seq = a.seq - 1), ''::bytea) || audit_content(a))
						WHERE lane = 0 AND seq = $1`, seq); err != nil {
						return err
					}
				}
				return nil
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			owner, st := testdb.App(t)
			for i := range 20 {
				if err := st.Audit(ctx, access.Viewer{Addr: "10.0.0.1"}, store.AuditEntry{Action: "viewed", Entity: "case", EntityID: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := config.Load(func(k string) string {
				return map[string]string{"DATABASE_URL": "unused", "AUDIT_CHECKPOINT_KEY": priv, "AUDIT_CHECKPOINT_DIR": t.TempDir()}[k]
			})
			if err != nil {
				t.Fatal(err)
			}
			path, _, err := writeCheckpoint(ctx, st, cfg, time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			verify := func() (int, string) {
				var out bytes.Buffer
				code := verifyAudit(ctx, st, cfg, &out)
				return code, out.String()
			}
			if code, out := verify(); code != 0 || !strings.Contains(out, "checked against the checkpoint of 2026-11-23T17:00:00Z") {
				t.Fatalf("before the attack: exit %d: %s", code, out)
			}
			tc.attack(ctx, t, owner)
			// The chain alone cannot see it (what the outside test found).
			if c, err := st.VerifyAudit(ctx); err != nil || c.FirstBad != 0 {
				t.Fatalf("the attack left the chain broken, so it tests nothing: %+v %v", c, err)
			}
			if code, out := verify(); code != 1 || !strings.Contains(out, "BROKEN: "+tc.problem) {
				t.Fatalf("after the attack: exit %d: %s", code, out)
			}
			// A checkpoint altered to agree with the attack fails its signature.
			b, _ := os.ReadFile(path)
			var c auditsign.Checkpoint
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			c.Lanes[0].Seq = 1
			b, _ = json.Marshal(c)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if code, out := verify(); code != 1 || !strings.Contains(out, "signature does not verify") {
				t.Fatalf("a forged checkpoint: exit %d: %s", code, out)
			}
		})
	}
}

// serve's loop writes a checkpoint at once, then every interval, and stops
// with its context.
func TestServeWritesCheckpoints(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, st := testdb.App(t)
	if err := st.Audit(ctx, access.Viewer{}, store.AuditEntry{Action: "viewed", Entity: "case", EntityID: "1"}); err != nil {
		t.Fatal(err)
	}
	priv, _, _ := auditsign.NewKey()
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": "unused", "AUDIT_CHECKPOINT_KEY": priv, "AUDIT_CHECKPOINT_DIR": dir, "AUDIT_CHECKPOINT_INTERVAL": "1h"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		auditCheckpoints(ctx, st, cfg, slog.New(slog.NewTextHandler(&syncWriter{w: &logged}, nil)))
	}()
	var c auditsign.Checkpoint
	for ok := false; !ok; {
		select {
		case <-done:
			t.Fatal("the loop ended by itself")
		default:
		}
		if c, _, ok, err = auditsign.Latest(dir); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // polling, not a deadline
	}
	cancel()
	<-done
	if err := c.Verify(cfg.AuditPublicKey); err != nil || len(c.Lanes) != 1 || c.Lanes[0].Seq != 1 {
		t.Fatalf("the checkpoint written: %+v %v", c, err)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
