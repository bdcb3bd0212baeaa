package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server (go-smtp) in the test process.
type smtpServer struct {
	host string
	port int
	mu   sync.Mutex
	msgs []smtpMessage
	// rcptErr, when set, answers RCPT TO.
	rcptErr *smtp.SMTPError
	authed  []string
}

type smtpMessage struct {
	from string
	to   []string
	data []byte
}

type smtpSession struct {
	srv  *smtpServer
	from string
	to   []string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "aicoo" || pass != "s3cret" {
			// What real servers answer (RFC 4954).
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.srv.mu.Lock()
		s.srv.authed = append(s.srv.authed, user)
		s.srv.mu.Unlock()
		return nil
	}), nil
}
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.rcptErr != nil {
		return s.srv.rcptErr
	}
	s.to = append(s.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, smtpMessage{s.from, s.to, b})
	s.srv.mu.Unlock()
	return nil
}
func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

// startSMTP starts a server offering STARTTLS (and PLAIN auth only after
// it) with a fresh self-signed certificate, and returns it with a client
// TLS config that trusts the certificate.
func startSMTP(t *testing.T, rcptErr *smtp.SMTPError) (*smtpServer, *tls.Config) {
	t.Helper()
	cert, pool := selfSigned(t)
	srv := &smtpServer{rcptErr: rcptErr}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: srv}, nil }))
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	host, port, _ := net.SplitHostPort(l.Addr().String())
	srv.host = host
	srv.port, _ = strconv.Atoi(port)
	return srv, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "aicoo test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestEmailOverRealSMTP(t *testing.T) {
	t.Parallel()
	srv, tlsCfg := startSMTP(t, nil)
	e, err := NewEmail(EmailConfig{
		Host: srv.host, Port: srv.port, Username: "aicoo", Password: "s3cret", From: "aicoo <coo@nordwind.example>",
		BaseURL: "https://coo.example.com", TLSConfig: tlsCfg, NowFunc: func() time.Time { return testTime },
	})
	if err != nil {
		t.Fatal(err)
	}
	n := testNotification(ChannelEmail, "ann@nordwind.example")
	n.Subject = "Trésorerie: runway under 30 days"
	if err := e.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	msgs, authed := srv.msgs, srv.authed
	srv.mu.Unlock()
	if len(msgs) != 1 || len(authed) != 1 || msgs[0].from != "coo@nordwind.example" || len(msgs[0].to) != 1 || msgs[0].to[0] != "ann@nordwind.example" {
		t.Fatalf("server got %d messages, auth %v: %+v", len(msgs), authed, msgs)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(msgs[0].data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != "[CRITICAL] Trésorerie: runway under 30 days" {
		t.Errorf("subject = %q, %v", subject, err)
	}
	if m.Header.Get("Message-Id") != "<aicoo-7-42@nordwind.example>" || m.Header.Get("X-Aicoo-Delivery") != "aicoo-7-42" ||
		m.Header.Get("Date") != "Mon, 03 Mar 2025 08:30:00 +0000" || m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers = %v", m.Header)
	}
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("content type %q: %v", mediaType, err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	parts := map[string]string{}
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	text, html := parts["text/plain"], parts["text/html"]
	if !strings.Contains(text, "Runway is 24 days") || !strings.Contains(text, "Open in aicoo: https://coo.example.com/alerts/9") {
		t.Errorf("text part:\n%s", text)
	}
	for _, want := range []string{`<a href="https://coo.example.com/alerts/9"`, "182,400 EUR &amp; rising"} {
		if !strings.Contains(html, want) {
			t.Errorf("html part lacks %q:\n%s", want, html)
		}
	}
	if !strings.Contains(html, "Trésorerie: runway under 30 days") || strings.Contains(html, "<now>") {
		t.Errorf("html part not escaped or lacks the subject:\n%s", html)
	}
}

func TestEmailSMTPErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		rcptErr   *smtp.SMTPError
		password  string
		permanent bool
	}{
		{"mailbox unknown is permanent", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, "s3cret", true},
		{"greylisted is retried", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "try again later"}, "s3cret", false},
		{"bad credentials are permanent", nil, "wrong", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, tlsCfg := startSMTP(t, tt.rcptErr)
			e, err := NewEmail(EmailConfig{Host: srv.host, Port: srv.port, Username: "aicoo", Password: tt.password,
				From: "coo@nordwind.example", BaseURL: "https://coo.example.com", TLSConfig: tlsCfg})
			if err != nil {
				t.Fatal(err)
			}
			err = e.Send(context.Background(), testNotification(ChannelEmail, "ann@nordwind.example"))
			if err == nil || IsPermanent(err) != tt.permanent {
				t.Fatalf("err = %v, permanent = %v", err, IsPermanent(err))
			}
		})
	}
	t.Run("no STARTTLS offered is a configuration error", func(t *testing.T) {
		t.Parallel()
		srv := &smtpServer{}
		s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: srv}, nil }))
		s.AllowInsecureAuth = true
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go s.Serve(l)
		t.Cleanup(func() { s.Close() })
		port := l.Addr().(*net.TCPAddr).Port
		e, _ := NewEmail(EmailConfig{Host: "127.0.0.1", Port: port, From: "coo@nordwind.example", BaseURL: "https://coo.example.com"})
		if err := e.Send(context.Background(), testNotification(ChannelEmail, "ann@nordwind.example")); !IsPermanent(err) ||
			!strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("starttls: %v", err)
		}
		// The same local relay without TLS, as configured for it, works.
		e, _ = NewEmail(EmailConfig{Host: "127.0.0.1", Port: port, From: "coo@nordwind.example", Security: SMTPNone, BaseURL: "https://coo.example.com"})
		if err := e.Send(context.Background(), testNotification(ChannelEmail, "ann@nordwind.example")); err != nil {
			t.Fatal(err)
		}
	})
}
