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
