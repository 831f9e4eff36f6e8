package auditsign

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckpointsSignVerifyAndTheLatestIsRead(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	key, err := ParsePrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil || !key.Equal(priv) {
		t.Fatalf("PEM key: %v", err)
	}
	hash := strings.Repeat("ab", 32)
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{t0.Add(time.Hour), t0, t0.Add(30 * time.Minute)} {
		if _, err := Write(dir, Sign(key, at, []Head{{Lane: 1, Seq: int64(10 + i), Hash: hash}, {Lane: 0, Seq: 3, Hash: hash}})); err != nil {
			t.Fatal(err)
		}
	}
	c, _, ok, err := Latest(dir)
	if err != nil || !ok || !c.At.Equal(t0.Add(time.Hour)) || c.Lanes[0].Lane != 0 || c.Lanes[1].Seq != 10 {
		t.Fatalf("latest: %+v %v %v", c, ok, err)
	}
	if err := c.Verify(key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := c.Verify(other); !errors.Is(err, ErrBadSignature) {
		t.Errorf("verified with another key: %v", err)
	}
	c.Lanes[1].Seq = 9
	if err := c.Verify(key.Public().(ed25519.PublicKey)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("an altered checkpoint verified: %v", err)
	}
	if _, err := ParsePrivateKey([]byte("c2hvcnQ=")); err == nil {
		t.Error("a short seed accepted")
	}
}
