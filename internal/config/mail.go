package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// SMTP is where e-mail goes, from SMTP_URL:
//
//	smtp://[user:pass@]host[:port]   STARTTLS when the server offers it; with
//	                                 credentials, STARTTLS is required
//	smtps://[user:pass@]host[:port]  TLS from the first byte (implicit TLS)
//	...?insecure=1                   allow credentials over a connection the
//	                                 server would not encrypt
type SMTP struct {
	Host     string
	Port     int
	Implicit bool // smtps://: TLS from the first byte
	Username string
	Password string
	Insecure bool // ?insecure=1
}

// Redacted is the URL with the password hidden, for logs and pages.
func (s SMTP) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port))}
	if s.Implicit {
		u.Scheme = "smtps"
	}
	if s.Username != "" {
		u.User = url.UserPassword(s.Username, "xxxxx")
	}
	if s.Insecure {
		u.RawQuery = "insecure=1"
	}
	return u.String()
}

// ParseSMTP reads an SMTP_URL; the error says what is wrong with it.
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL (want smtp://user:pass@host:port or smtps://...)")
	}
	s := &SMTP{}
	switch u.Scheme {
	case "smtp":
		s.Port = 25
	case "smtps":
		s.Implicit, s.Port = true, 465
	default:
		return nil, fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return nil, fmt.Errorf("no host (want smtp://host:port)")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
		s.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("unexpected path %q", u.Path)
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
		if s.Username == "" {
			return nil, fmt.Errorf("a password without a user name")
		}
	}
	q := u.Query()
	for k := range q {
		if k != "insecure" {
			return nil, fmt.Errorf("unknown setting %q (only insecure=1)", k)
		}
	}
	switch v := q.Get("insecure"); v {
	case "":
	case "1", "true":
		s.Insecure = true
	default:
		return nil, fmt.Errorf("insecure=%q is not 1", v)
	}
	return s, nil
}

// loadMail reads SMTP_URL, MAIL_FROM, DIGEST_HOUR and APP_URL.
func (c *Config) loadMail(getenv func(string) string) []string {
	var problems []string
	c.DigestHour = 7
	c.AppURL = "http://localhost" + c.ListenAddr
	if !strings.HasPrefix(c.ListenAddr, ":") {
		if _, port, err := net.SplitHostPort(c.ListenAddr); err == nil {
			c.AppURL = "http://localhost:" + port
		}
	}
	if v := getenv("SMTP_URL"); v != "" {
		s, err := ParseSMTP(v)
		if err != nil {
			// The value itself is not repeated: it may hold a password.
			problems = append(problems, "SMTP_URL: "+err.Error())
		}
		c.SMTP = s
	}
	c.MailFrom = getenv("MAIL_FROM")
	switch {
	case c.MailFrom != "":
		a, err := mail.ParseAddress(c.MailFrom)
		if err != nil || !strings.Contains(a.Address, "@") {
			problems = append(problems, fmt.Sprintf("MAIL_FROM: %q is not an e-mail address (e.g. Casework <casework@agency.example>)", c.MailFrom))
		}
	case c.SMTP != nil:
		problems = append(problems, "MAIL_FROM: not set (SMTP_URL is set: say whom the mail is from, e.g. casework@agency.example)")
	}
	if v := getenv("DIGEST_HOUR"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 23 {
			problems = append(problems, fmt.Sprintf("DIGEST_HOUR: %q is not an hour from 0 to 23", v))
		}
		c.DigestHour = n
	}
	if v := getenv("APP_URL"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			problems = append(problems, fmt.Sprintf("APP_URL: %q is not an http or https address without a path (e.g. https://casework.agency.example)", v))
		}
		c.AppURL = strings.TrimSuffix(v, "/")
	}
	return problems
}
