package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/casework/casework/internal/auditsign"
	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/store"
)

const auditUsage = `usage:
  casework audit verify       walk the hash chains, and check them against the latest checkpoint
  casework audit checkpoint   write a signed checkpoint of every lane's head to AUDIT_CHECKPOINT_DIR
  casework audit keygen       print a new signing key (for AUDIT_CHECKPOINT_KEY or its file) and its public key`

// cmdAudit: `casework audit verify` walks the audit log's hash chains and
// names the first entry that was altered, removed or inserted, or where the
// log departs from the latest signed checkpoint (cut off, or rewritten with
// its hashes recomputed). Exit 0 when whole, 1 when broken.
func cmdAudit(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, auditUsage)
		return 2
	}
	if args[0] == "keygen" {
		priv, pub, err := auditsign.NewKey()
		if err != nil {
			return fail("%v", err)
		}
		fmt.Printf("private key (AUDIT_CHECKPOINT_KEY, or the content of AUDIT_CHECKPOINT_KEY_FILE; keep it off the database's machine):\n%s\n", priv)
		fmt.Printf("public key (AUDIT_CHECKPOINT_PUBLIC_KEY, for verifying):\n%s\n", pub)
		return 0
	}
	if args[0] != "verify" && args[0] != "checkpoint" {
		fmt.Fprintln(os.Stderr, auditUsage)
		return 2
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return fail("%v", err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	if args[0] == "checkpoint" {
		path, _, err := writeCheckpoint(ctx, st, cfg, time.Now())
		if err != nil {
			return fail("%v", err)
		}
		fmt.Printf("audit checkpoint written: %s\n", path)
		return 0
	}
	return verifyAudit(ctx, st, cfg, os.Stdout)
}

// writeCheckpoint signs the lanes' heads now and writes the checkpoint.
func writeCheckpoint(ctx context.Context, st *store.Store, cfg config.Config, now time.Time) (string, auditsign.Checkpoint, error) {
	if cfg.AuditKey == nil || cfg.AuditCheckpointDir == "" {
		return "", auditsign.Checkpoint{}, errors.New("audit checkpoint: set AUDIT_CHECKPOINT_DIR and a signing key (AUDIT_CHECKPOINT_KEY_FILE or AUDIT_CHECKPOINT_KEY; `casework audit keygen` makes one)")
	}
	heads, err := st.AuditHeads(ctx)
	if err != nil {
		return "", auditsign.Checkpoint{}, err
	}
	hs := make([]auditsign.Head, len(heads))
	for i, h := range heads {
		hs[i] = auditsign.Head{Lane: h.Lane, Seq: h.Seq, Hash: hex.EncodeToString(h.Hash)}
	}
	c := auditsign.Sign(cfg.AuditKey, now, hs)
	path, err := auditsign.Write(cfg.AuditCheckpointDir, c)
	return path, c, err
}

func verifyAudit(ctx context.Context, st *store.Store, cfg config.Config, out io.Writer) int {
	var anchor []store.LaneHead
	var when string
	note := ""
	switch {
	case cfg.AuditCheckpointDir == "":
		note = "no checkpoints configured (AUDIT_CHECKPOINT_DIR): entries cut off the end of a lane, or a lane rewritten with its hashes recomputed, cannot be detected"
	default:
		c, path, ok, err := auditsign.Latest(cfg.AuditCheckpointDir)
		switch {
		case err != nil:
			return fail("%v", err)
		case !ok:
			note = "no checkpoint in " + cfg.AuditCheckpointDir + " yet (`casework audit checkpoint` writes one)"
		case cfg.AuditPublicKey == nil:
			return fail("checking %s needs the key: set AUDIT_CHECKPOINT_PUBLIC_KEY (or the signing key)", path)
		default:
			if err := c.Verify(cfg.AuditPublicKey); err != nil {
				fmt.Fprintf(out, "audit log BROKEN: checkpoint %s: %v\n", path, err)
				return 1
			}
			when = c.At.Format(time.RFC3339)
			for _, h := range c.Lanes {
				b, _ := hex.DecodeString(h.Hash)
				anchor = append(anchor, store.LaneHead{Lane: h.Lane, Seq: h.Seq, Hash: b})
			}
			note = fmt.Sprintf("checked against the checkpoint of %s (%s)", when, path)
		}
	}
	c, err := st.VerifyAuditAgainst(ctx, anchor, when)
	if err != nil {
		return fail("%v", err)
	}
	if c.FirstBad != 0 {
		fmt.Fprintf(out, "audit log BROKEN: %s (%d entries read)\n", c.Problem, c.Entries)
		return 1
	}
	fmt.Fprintf(out, "audit log intact: %d entries in %d lanes, every hash links; %s\n", c.Entries, c.Lanes, note)
	return 0
}

// auditCheckpoints writes a checkpoint now and then every interval until ctx
// ends, logging each (the log, shipped off the machine, is a second copy).
func auditCheckpoints(ctx context.Context, st *store.Store, cfg config.Config, log *slog.Logger) {
	t := time.NewTicker(cfg.AuditCheckpointInterval)
	defer t.Stop()
	for {
		path, c, err := writeCheckpoint(ctx, st, cfg, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("audit checkpoint", "error", err)
		case err == nil:
			log.Info("audit checkpoint", "path", path, "at", c.At, "lanes", len(c.Lanes), "signature", c.Signature)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
