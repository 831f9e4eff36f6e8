package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"mime/quotedprintable"
)

// mailServer is a real SMTP server (go-smtp's) on loopback, started by the
// test, that keeps what it accepts. It can refuse recipients and stop
// itself part-way, like a server going down.
type mailServer struct {
	t    *testing.T
	addr string
	srv  *smtp.Server

	mu       sync.Mutex
	got      []received
	refuse   map[string]*smtp.SMTPError // by recipient, every time
	tempOnce map[string]bool            // by recipient: 451 the first time
	stopAt   int                        // stop (close) when this many were accepted; 0 never
	down     bool                       // stopped by stopAt, until restart
	dropNext bool                       // drop the connection right after accepting the next message
	authed   []string                   // user names that authenticated
	tls      *tls.Config                // offer STARTTLS with it (or, implicit, TLS from the first byte)
	implicit bool
}

type received struct {
	From, To  string
	TLS       bool // the message came over an encrypted connection
	MessageID string
	Subject   string
	Text      string
	HTML      string
	Header    mail.Header
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{t: t, refuse: map[string]*smtp.SMTPError{}, tempOnce: map[string]bool{}}
	m.start("127.0.0.1:0")
	t.Cleanup(m.stop)
	return m
}

func (m *mailServer) start(addr string) {
	m.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		m.t.Fatalf("mail server: %v", err)
	}
	m.addr = ln.Addr().String()
	if m.implicit {
		ln = tls.NewListener(ln, m.tls)
	}
	s := smtp.NewServer(backend{m})
	s.TLSConfig = m.tls
	s.Domain = "localhost"
	// AUTH offered without TLS: the client must be the one to refuse.
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	m.mu.Lock()
	m.srv = s
	m.mu.Unlock()
	go func() { _ = s.Serve(ln) }()
}

func (m *mailServer) stop() {
	m.mu.Lock()
	s := m.srv
	m.srv = nil
	m.mu.Unlock()
	if s != nil {
		_ = s.Close()
	}
}

// restart serves again on the same address.
func (m *mailServer) restart() {
	m.mu.Lock()
	m.down = false
	m.mu.Unlock()
	m.start(m.addr)
}

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

type backend struct{ m *mailServer }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{m: b.m, c: c}, nil }

type session struct {
	m        *mailServer
	c        *smtp.Conn
	from, to string
}

var errStopped = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service shutting down"}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.m.down {
		return errStopped // a connection that slipped in while it closes
	}
	if s.m.stopAt > 0 && len(s.m.got) >= s.m.stopAt {
		// Between two messages, the server goes down.
		s.m.stopAt, s.m.down = 0, true
		srv := s.m.srv
		s.m.srv = nil
		go func() { _ = srv.Close() }()
		return errStopped
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if e := s.m.refuse[to]; e != nil {
		return e
	}
	if s.m.tempOnce[to] {
		delete(s.m.tempOnce, to)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy, try again later"}
	}
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rc, err := parse(raw)
	if err != nil {
		s.m.t.Errorf("mail server: unreadable message: %v", err)
		return err
	}
	rc.From, rc.To = s.from, s.to
	_, rc.TLS = s.c.TLSConnectionState()
	s.m.mu.Lock()
	s.m.got = append(s.m.got, rc)
	s.m.mu.Unlock()
	return nil
}

// AuthMechanisms and Auth: PLAIN, accepting casework/secret.
func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "casework" || pass != "secret" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Invalid credentials"}
		}
		s.m.mu.Lock()
		s.m.authed = append(s.m.authed, user)
		s.m.mu.Unlock()
		return nil
	}), nil
}

func (s *session) Reset() {
	s.m.mu.Lock()
	drop := s.m.dropNext && s.to != "" // a message was just accepted: its 250 is written
	if drop {
		s.m.dropNext = false
	}
	s.m.mu.Unlock()
	if drop {
		_ = s.c.Conn().Close() // the client's next command (RSET) fails
	}
	s.from, s.to = "", ""
}
func (s *session) Logout() error { return nil }

// parse reads a message as a mail program would: headers, and the
// plain-text and HTML parts of its multipart/alternative body.
func parse(raw []byte) (received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	rc := received{MessageID: msg.Header.Get("Message-Id"), Subject: subject, Header: msg.Header}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return rc, errors.New("not a multipart message: " + mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rc, err
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return rc, err
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			rc.Text = string(b)
		case "text/html":
			rc.HTML = string(b)
		}
	}
	return rc, nil
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// startTLSMailServer is startMailServer with TLS: STARTTLS offered, or
// (implicit) TLS from the first byte.
func startTLSMailServer(t *testing.T, implicit bool) (*mailServer, *x509.CertPool) {
	t.Helper()
	conf, pool := selfSigned(t)
	m := &mailServer{t: t, refuse: map[string]*smtp.SMTPError{}, tempOnce: map[string]bool{}, tls: conf, implicit: implicit}
	m.start("127.0.0.1:0")
	t.Cleanup(m.stop)
	return m, pool
}
