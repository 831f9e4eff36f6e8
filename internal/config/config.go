// Package config reads the server's settings from environment variables, with
// defaults that suit a laptop and names an agency's IT team can set.
package config

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/casework/casework/internal/auditsign"
)

// Config holds every setting; the README lists them.
type Config struct {
	DatabaseURL     string        // DATABASE_URL (required): the app's least-privileged login
	MigrationURL    string        // MIGRATION_DATABASE_URL: the schema owner's, for migrations; default DATABASE_URL
	ListenAddr      string        // LISTEN_ADDR, default :8080
	SecureCookies   bool          // SECURE_COOKIES, default false; set true behind HTTPS
	IdleTimeout     time.Duration // SESSION_IDLE_TIMEOUT, default 30m
	SessionLifetime time.Duration // SESSION_LIFETIME, default 12h
	RequestTimeout  time.Duration // REQUEST_TIMEOUT, default 20s
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT, default 25s
	SessionCleanup  time.Duration // SESSION_CLEANUP_INTERVAL, default 5m: how often expired sessions are deleted
	LogFormat       string        // LOG_FORMAT: text (default) or json
	LogLevel        slog.Level    // LOG_LEVEL: debug, info (default), warn, error
	DebugAddr       string        // DEBUG_ADDR: pprof on this loopback address; default off
	EvalCacheMB     int           // EVAL_CACHE_MB: evaluated dashboards kept between views, default 80; 0 keeps none
	SSO             SSO           // OIDC_* and PASSWORD_SIGN_IN, BREAK_GLASS_EMAIL (sso.go)
	// The audit log's signed checkpoints (internal/auditsign, docs/security.md).
	AuditKey                ed25519.PrivateKey // AUDIT_CHECKPOINT_KEY_FILE or AUDIT_CHECKPOINT_KEY: the signing key; never in the database
	AuditPublicKey          ed25519.PublicKey  // AUDIT_CHECKPOINT_PUBLIC_KEY, else the signing key's: for verifying
	AuditCheckpointDir      string             // AUDIT_CHECKPOINT_DIR: where checkpoints are written and read
	AuditCheckpointInterval time.Duration      // AUDIT_CHECKPOINT_INTERVAL: serve writes one this often; default off
	ClosingHour             int                // AGENCY_CLOSING_HOUR: emergent requests made at or after it are due the next business day, default 17
	SMTP                    *SMTP              // SMTP_URL: where e-mail is sent; nil (unset) sends none (docs/notifications.md)
	MailFrom                string             // MAIL_FROM: the sender's address, required with SMTP_URL
	DigestHour              int                // DIGEST_HOUR: the hour (0-23, agency's zone) daily digests are composed, default 7
	AppURL                  string             // APP_URL: the address people reach the app at, for links in e-mail
}

// Load reads the settings through getenv (os.Getenv in main, a map in tests)
// and reports every bad value at once, by variable name.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:     getenv("DATABASE_URL"),
		MigrationURL:    or(getenv("MIGRATION_DATABASE_URL"), getenv("DATABASE_URL")),
		ListenAddr:      or(getenv("LISTEN_ADDR"), ":8080"),
		LogFormat:       or(getenv("LOG_FORMAT"), "text"),
		DebugAddr:       getenv("DEBUG_ADDR"),
		IdleTimeout:     30 * time.Minute,
		SessionLifetime: 12 * time.Hour,
		RequestTimeout:  20 * time.Second,
		ShutdownTimeout: 25 * time.Second,
		SessionCleanup:  5 * time.Minute,
		EvalCacheMB:     80,
		ClosingHour:     17,
	}
	var problems []string
	if c.DatabaseURL == "" {
		problems = append(problems, "DATABASE_URL: not set (want a PostgreSQL URL, e.g. postgres://user@host:5432/casework)")
	}
	if v := getenv("SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("SECURE_COOKIES: %q is not true or false", v))
		}
		c.SecureCookies = b
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{
		{"SESSION_IDLE_TIMEOUT", &c.IdleTimeout},
		{"SESSION_LIFETIME", &c.SessionLifetime},
		{"REQUEST_TIMEOUT", &c.RequestTimeout},
		{"SHUTDOWN_TIMEOUT", &c.ShutdownTimeout},
		{"SESSION_CLEANUP_INTERVAL", &c.SessionCleanup},
	} {
		v := getenv(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseDuration(v)
		if err != nil || t <= 0 {
			problems = append(problems, fmt.Sprintf("%s: %q is not a positive duration (e.g. 30m, 12h)", d.name, v))
			continue
		}
		*d.dst = t
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, fmt.Sprintf("LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			problems = append(problems, fmt.Sprintf("LOG_LEVEL: %q is not debug, info, warn or error", v))
		}
	}
	if v := getenv("EVAL_CACHE_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Sprintf("EVAL_CACHE_MB: %q is not a whole number of megabytes (0 keeps none)", v))
		}
		c.EvalCacheMB = n
	}
	problems = append(problems, c.loadAuditCheckpoints(getenv)...)
	if v := getenv("AGENCY_CLOSING_HOUR"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 23 {
			problems = append(problems, fmt.Sprintf("AGENCY_CLOSING_HOUR: %q is not an hour from 1 to 23 (the agency's zone)", v))
		}
		c.ClosingHour = n
	}
	if c.DebugAddr != "" {
		// Profiles show what the server is doing: never beyond this machine.
		host, _, err := net.SplitHostPort(c.DebugAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			problems = append(problems, fmt.Sprintf("DEBUG_ADDR: %q is not a loopback address and port (e.g. 127.0.0.1:6060)", c.DebugAddr))
		}
	}
	var ssoProblems []string
	c.SSO, ssoProblems = loadSSO(getenv)
	problems = append(problems, ssoProblems...)
	problems = append(problems, c.loadMail(getenv)...)
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// loadAuditCheckpoints reads the checkpoint settings: the signing key from a
// file or the environment (not both), a public key for verifying where the
// private one is not kept, the directory, the interval (which needs both a
// key and a directory).
func (c *Config) loadAuditCheckpoints(getenv func(string) string) []string {
	var problems []string
	file, inline := getenv("AUDIT_CHECKPOINT_KEY_FILE"), getenv("AUDIT_CHECKPOINT_KEY")
	switch {
	case file != "" && inline != "":
		problems = append(problems, "AUDIT_CHECKPOINT_KEY_FILE and AUDIT_CHECKPOINT_KEY: set one, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err == nil {
			c.AuditKey, err = auditsign.ParsePrivateKey(b)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("AUDIT_CHECKPOINT_KEY_FILE: %v", err))
		}
	case inline != "":
		k, err := auditsign.ParsePrivateKey([]byte(inline))
		if err != nil {
			problems = append(problems, fmt.Sprintf("AUDIT_CHECKPOINT_KEY: %v", err))
		}
		c.AuditKey = k
	}
	if v := getenv("AUDIT_CHECKPOINT_PUBLIC_KEY"); v != "" {
		k, err := auditsign.ParsePublicKey(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("AUDIT_CHECKPOINT_PUBLIC_KEY: %v", err))
		}
		c.AuditPublicKey = k
		if c.AuditKey != nil && k != nil && !k.Equal(c.AuditKey.Public()) {
			problems = append(problems, "AUDIT_CHECKPOINT_PUBLIC_KEY: not the public key of the signing key")
		}
	} else if c.AuditKey != nil {
		c.AuditPublicKey = c.AuditKey.Public().(ed25519.PublicKey)
	}
	c.AuditCheckpointDir = getenv("AUDIT_CHECKPOINT_DIR")
	if v := getenv("AUDIT_CHECKPOINT_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil || d <= 0:
			problems = append(problems, fmt.Sprintf("AUDIT_CHECKPOINT_INTERVAL: %q is not a positive duration (e.g. 1h)", v))
		case c.AuditCheckpointDir == "" || (c.AuditKey == nil && file == "" && inline == ""):
			problems = append(problems, "AUDIT_CHECKPOINT_INTERVAL: needs AUDIT_CHECKPOINT_DIR and a signing key (AUDIT_CHECKPOINT_KEY_FILE or AUDIT_CHECKPOINT_KEY)")
		}
		c.AuditCheckpointInterval = d
	}
	return problems
}
