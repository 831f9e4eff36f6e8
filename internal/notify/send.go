package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/casework/casework/internal/config"
)

// Mailer sends messages over SMTP with go-mail: one connection per batch.
type Mailer struct {
	SMTP config.SMTP
	From string
	// TLSConfig, when set, replaces the system's (tests trust their own
	// server's certificate).
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// Delivery is one message to send.
type Delivery struct {
	To        string
	MessageID string
	Date      time.Time
	Rendered  Rendered
}

// Result is what became of one delivery: nil error for sent; Permanent for
// a refusal (5xx) not worth retrying.
type Result struct {
	Err       error
	Permanent bool
}

// Send delivers the batch over one connection, each message on its own, so
// a recipient refused (5xx) fails alone. When the server cannot be reached
// every message gets the same temporary error.
func (m *Mailer) Send(ctx context.Context, batch []Delivery) []Result {
	out := make([]Result, len(batch))
	c, err := m.client()
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		for i := range out {
			out[i] = Result{Err: fmt.Errorf("connecting to %s: %w", m.SMTP.Redacted(), err)}
		}
		return out
	}
	defer c.Close()
	for i, d := range batch {
		msg, err := m.message(d)
		if err != nil {
			out[i] = Result{Err: err, Permanent: true}
			continue
		}
		if err := c.Send(msg); err != nil && !msg.IsDelivered() {
			// (Delivered: the server took the message and what failed came
			// after, the RSET go-mail sends: it is sent, not to send again.)
			out[i] = Result{Err: err, Permanent: permanent(err)}
		}
	}
	return out
}

// permanent: the server answered 5xx. Anything else (4xx, a dropped
// connection, a timeout) is tried again.
func permanent(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return code >= 500 && code < 600
	}
	return false
}

func (m *Mailer) client() (*mail.Client, error) {
	s := m.SMTP
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(timeout)}
	switch {
	case s.Implicit:
		opts = append(opts, mail.WithSSL())
	case s.Username != "" && !s.Insecure:
		// Credentials never travel in clear: STARTTLS or nothing.
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSOpportunistic))
	}
	if s.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if s.Insecure {
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	if m.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(m.TLSConfig))
	}
	return mail.NewClient(s.Host, opts...)
}

func (m *Mailer) message(d Delivery) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("MAIL_FROM: %w", err)
	}
	if err := msg.To(d.To); err != nil {
		return nil, fmt.Errorf("the person's address %q: %w", d.To, err)
	}
	msg.Subject(d.Rendered.Subject)
	msg.SetMessageIDWithValue(d.MessageID)
	msg.SetDateWithValue(d.Date)
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	if d.Rendered.Unsubscribe != "" {
		msg.SetGenHeader(mail.HeaderListUnsubscribe, "<"+d.Rendered.Unsubscribe+">")
	}
	msg.SetBodyString(mail.TypeTextPlain, d.Rendered.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, d.Rendered.HTML)
	return msg, nil
}

// reasonOf is an error as the administrator's outbox page shows it: one
// line, bounded.
func reasonOf(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
