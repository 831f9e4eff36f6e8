package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSMTP(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want SMTP
	}{
		{"smtp://mail.agency.example", SMTP{Host: "mail.agency.example", Port: 25}},
		{"smtp://casework:s3cret@mail.agency.example:587", SMTP{Host: "mail.agency.example", Port: 587, Username: "casework", Password: "s3cret"}},
		{"smtps://casework:s3cret@mail.agency.example", SMTP{Host: "mail.agency.example", Port: 465, Implicit: true, Username: "casework", Password: "s3cret"}},
		{"smtp://u:p@127.0.0.1:2525?insecure=1", SMTP{Host: "127.0.0.1", Port: 2525, Username: "u", Password: "p", Insecure: true}},
	} {
		got, err := ParseSMTP(tc.raw)
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if diff := cmp.Diff(tc.want, *got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.raw, diff)
		}
	}
}

func TestBadMailSettingsAreNamedAndSecretsNotRepeated(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		name string
	}{
		{map[string]string{"SMTP_URL": "http://u:hunter2@mail.example", "MAIL_FROM": "a@b.example"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://u:hunter2@:25", "MAIL_FROM": "a@b.example"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://u:hunter2@mail.example:99999", "MAIL_FROM": "a@b.example"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://u:hunter2@mail.example?insecure=yes", "MAIL_FROM": "a@b.example"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://u:hunter2@mail.example?tls=off", "MAIL_FROM": "a@b.example"}, "SMTP_URL"},
		{map[string]string{"SMTP_URL": "smtp://mail.example"}, "MAIL_FROM"},
		{map[string]string{"MAIL_FROM": "not an address"}, "MAIL_FROM"},
		{map[string]string{"DIGEST_HOUR": "24"}, "DIGEST_HOUR"},
		{map[string]string{"DIGEST_HOUR": "seven"}, "DIGEST_HOUR"},
		{map[string]string{"APP_URL": "casework.example"}, "APP_URL"},
	} {
		tc.env["DATABASE_URL"] = "postgres://x/y"
		_, err := Load(env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.name+":") {
			t.Errorf("%v: want an error naming %s, got %v", tc.env, tc.name, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: the error repeats the password: %v", tc.env, err)
		}
	}
}

func TestMailDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "u", "LISTEN_ADDR": "127.0.0.1:9000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP != nil || c.DigestHour != 7 || c.AppURL != "http://localhost:9000" {
		t.Fatalf("unexpected mail defaults: SMTP %v, DIGEST_HOUR %d, APP_URL %s", c.SMTP, c.DigestHour, c.AppURL)
	}
}
