// Package auditsign anchors the audit log outside the database: signed
// checkpoints of each lane's head (its last position and hash), written to
// files an agency copies off the machine. The signing key is an Ed25519 key
// held in a file or an environment variable, never in the database, so a
// database superuser who truncates a lane, or rewrites an entry and
// recomputes the lane's hashes, cannot make a checkpoint that agrees: `audit
// verify` checks the chains against the latest one (docs/security.md).
package auditsign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Format names the checkpoint format, inside the signed text too.
const Format = "casework-audit-checkpoint/1"

// Head is one lane's last entry at the checkpoint's moment.
type Head struct {
	Lane int    `json:"lane"`
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"` // hex SHA-256, as stored
}

// Checkpoint is the signed state of the log's lanes at a moment.
type Checkpoint struct {
	Format    string    `json:"format"`
	At        time.Time `json:"at"`
	Lanes     []Head    `json:"lanes"`
	PublicKey string    `json:"public_key"` // base64; informative: verify uses the configured key
	Signature string    `json:"signature"`  // base64 Ed25519 over Message()
}

// Message is the exact text signed: the format, the moment, and each lane's
// head in lane order, one per line.
func (c *Checkpoint) Message() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nat=%s\n", Format, c.At.UTC().Format(time.RFC3339Nano))
	lanes := slices.Clone(c.Lanes)
	slices.SortFunc(lanes, func(a, b Head) int { return a.Lane - b.Lane })
	for _, h := range lanes {
		fmt.Fprintf(&b, "lane=%d seq=%d hash=%s\n", h.Lane, h.Seq, strings.ToLower(h.Hash))
	}
	return b.Bytes()
}

// Sign makes the checkpoint of heads at a moment.
func Sign(key ed25519.PrivateKey, at time.Time, heads []Head) Checkpoint {
	c := Checkpoint{Format: Format, At: at.UTC(), Lanes: slices.Clone(heads)}
	slices.SortFunc(c.Lanes, func(a, b Head) int { return a.Lane - b.Lane })
	c.PublicKey = base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.Message()))
	return c
}

// ErrBadSignature: the checkpoint was not signed by the key, or was altered.
var ErrBadSignature = errors.New("the checkpoint's signature does not verify with the configured key (altered, or signed by another key)")

// Verify checks the checkpoint's signature with the public key.
func (c *Checkpoint) Verify(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || c.Format != Format || !ed25519.Verify(pub, c.Message(), sig) {
		return ErrBadSignature
	}
	for _, h := range c.Lanes {
		if b, err := hex.DecodeString(h.Hash); err != nil || len(b) != 32 {
			return fmt.Errorf("lane %d: %q is not a SHA-256 in hex", h.Lane, h.Hash)
		}
	}
	return nil
}

// ParsePrivateKey reads an Ed25519 private key: PEM (PKCS #8, as `openssl
// genpkey -algorithm ed25519` writes) or the base64 of its 32-byte seed (as
// `casework audit keygen` prints).
func ParsePrivateKey(text []byte) (ed25519.PrivateKey, error) {
	if blk, _ := pem.Decode(text); blk != nil {
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM key: %w", err)
		}
		ek, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, errors.New("PEM key: not an Ed25519 key")
		}
		return ek, nil
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("not an Ed25519 private key (want PEM PKCS #8, or the base64 of a 32-byte seed)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublicKey reads the base64 of a 32-byte Ed25519 public key.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("not an Ed25519 public key (want the base64 of 32 bytes)")
	}
	return ed25519.PublicKey(b), nil
}

// NewKey makes a new private key and returns it as ParsePrivateKey reads
// it, with its public key in base64.
func NewKey() (private, public string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(priv.Seed()), base64.StdEncoding.EncodeToString(pub), nil
}

// fileName orders by moment: checkpoint-20261123T170000.000000000Z.json.
func fileName(at time.Time) string {
	return "checkpoint-" + at.UTC().Format("20060102T150405.000000000Z") + ".json"
}

// Write stores the checkpoint in dir as a file of its own, written whole
// (a temporary file renamed), never replacing an earlier one.
func Write(dir string, c Checkpoint) (string, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("checkpoint directory: %w", err)
	}
	path := filepath.Join(dir, fileName(c.At))
	if _, err := os.Stat(path); err == nil {
		return "", fmt.Errorf("checkpoint %s exists already", path)
	}
	tmp, err := os.CreateTemp(dir, ".checkpoint-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, nil
}

// Latest reads the most recent checkpoint in dir (by its signed moment);
// ok is false when there is none. A file that is not a checkpoint is an
// error: a checkpoint directory holds checkpoints only.
func Latest(dir string) (c Checkpoint, path string, ok bool, err error) {
	names, err := filepath.Glob(filepath.Join(dir, "checkpoint-*.json"))
	if err != nil {
		return c, "", false, err
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return Checkpoint{}, "", false, err
		}
		var x Checkpoint
		if err := json.Unmarshal(b, &x); err != nil || x.Format != Format {
			return Checkpoint{}, "", false, fmt.Errorf("%s: not a checkpoint", name)
		}
		if !ok || x.At.After(c.At) {
			c, path, ok = x, name, true
		}
	}
	return c, path, ok, nil
}
