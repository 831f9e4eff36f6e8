package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://x/y"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.IdleTimeout != 30*time.Minute || c.SessionLifetime != 12*time.Hour || c.SecureCookies {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestEveryBadValueIsNamed(t *testing.T) {
	_, err := Load(env(map[string]string{
		"SECURE_COOKIES": "maybe", "SESSION_IDLE_TIMEOUT": "soon", "LOG_FORMAT": "xml", "LOG_LEVEL": "loud", "REQUEST_TIMEOUT": "-1s",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"DATABASE_URL", "SECURE_COOKIES", "SESSION_IDLE_TIMEOUT", "LOG_FORMAT", "LOG_LEVEL", "REQUEST_TIMEOUT"} {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestOverrides(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "u", "LISTEN_ADDR": "127.0.0.1:9000", "SECURE_COOKIES": "true", "SESSION_LIFETIME": "8h", "LOG_FORMAT": "json", "LOG_LEVEL": "debug"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:9000" || !c.SecureCookies || c.SessionLifetime != 8*time.Hour || c.LogFormat != "json" {
		t.Fatalf("overrides not applied: %+v", c)
	}
}

func TestAuditCheckpointSettings(t *testing.T) {
	seed := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // 32 bytes 0..31
	c, err := Load(env(map[string]string{"DATABASE_URL": "u", "AUDIT_CHECKPOINT_KEY": seed, "AUDIT_CHECKPOINT_DIR": "/var/lib/casework/checkpoints", "AUDIT_CHECKPOINT_INTERVAL": "1h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.AuditKey == nil || c.AuditPublicKey == nil || c.AuditCheckpointInterval != time.Hour {
		t.Fatalf("checkpoint settings not read: %+v", c)
	}
	_, err = Load(env(map[string]string{"DATABASE_URL": "u", "AUDIT_CHECKPOINT_KEY": "not a key", "AUDIT_CHECKPOINT_PUBLIC_KEY": "short",
		"AUDIT_CHECKPOINT_KEY_FILE": "/nonexistent"}))
	for _, name := range []string{"AUDIT_CHECKPOINT_KEY_FILE and AUDIT_CHECKPOINT_KEY", "AUDIT_CHECKPOINT_PUBLIC_KEY:"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	if _, err := Load(env(map[string]string{"DATABASE_URL": "u", "AUDIT_CHECKPOINT_INTERVAL": "1h"})); err == nil || !strings.Contains(err.Error(), "AUDIT_CHECKPOINT_INTERVAL: needs") {
		t.Errorf("an interval without a key or directory: %v", err)
	}
}
