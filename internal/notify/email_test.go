package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/aicoo/aicoo/internal/chart"
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

// mimePart is a leaf part of a received message, transfer encoding undone.
type mimePart struct {
	header textproto.MIMEHeader
	body   []byte
}

// leaves walks a multipart body and returns its leaf parts by media type,
// with the media type of each multipart container on the way.
func leaves(t *testing.T, r io.Reader, boundary string, containers *[]string) map[string][]mimePart {
	t.Helper()
	out := map[string][]mimePart{}
	mr := multipart.NewReader(r, boundary)
	for {
		p, err := mr.NextPart() // undoes quoted-printable, not base64
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, params, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("part content type %q: %v", p.Header.Get("Content-Type"), err)
		}
		if strings.HasPrefix(ct, "multipart/") {
			*containers = append(*containers, ct+";type="+params["type"])
			for k, v := range leaves(t, p, params["boundary"], containers) {
				out[k] = append(out[k], v...)
			}
			continue
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			if b, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b))); err != nil {
				t.Fatalf("base64 part: %v", err)
			}
		}
		out[ct] = append(out[ct], mimePart{p.Header, b})
	}
}

func TestEmailChartsOverRealSMTP(t *testing.T) {
	t.Parallel()
	srv, tlsCfg := startSMTP(t, nil)
	e, err := NewEmail(EmailConfig{
		Host: srv.host, Port: srv.port, Username: "aicoo", Password: "s3cret", From: "aicoo <coo@nordwind.example>",
		BaseURL: "https://coo.example.com", TLSConfig: tlsCfg, NowFunc: func() time.Time { return testTime },
	})
	if err != nil {
		t.Fatal(err)
	}
	labels := []string{"Oct 2026", "Nov 2026", "Dec 2026"}
	charts := []chart.Chart{
		{ID: "chart-cash", Title: "Cash over 24 months", Kind: chart.Line, Unit: "EUR", Labels: labels,
			Series: []chart.Series{{Name: "Cash", Values: []float64{120000, 95000, 101500}}}},
		// Without values: left out, not drawn as empty axes.
		{ID: "chart-empty", Title: "Nothing yet", Kind: chart.Line, Unit: "EUR", Labels: labels,
			Series: []chart.Series{{Name: "Cash", Values: []float64{math.NaN(), math.NaN(), math.NaN()}}}},
		{ID: "chart-revenue", Title: "Revenue by month", Kind: chart.Grouped, Unit: "EUR", Labels: labels,
			Series: []chart.Series{{Name: "This year", Values: []float64{50000, 61000, 58250}}, {Name: "A year before", Values: []float64{48000, 52000, 60000}}}},
	}
	data, err := json.Marshal(ChartData{Charts: charts})
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 2000 {
		t.Errorf("chart data is %d bytes: the outbox row should carry values, not images", len(data))
	}
	n := testNotification(ChannelEmail, "ann@nordwind.example")
	n.Data = data
	for range 2 { // a retry sends the same images under the same IDs
		if err := e.Send(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	srv.mu.Lock()
	msgs := srv.msgs
	srv.mu.Unlock()
	if len(msgs) != 2 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	var first map[string][]mimePart
	for i, msg := range msgs {
		m, err := mail.ReadMessage(bytes.NewReader(msg.data))
		if err != nil {
			t.Fatal(err)
		}
		mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		if err != nil || mediaType != "multipart/alternative" {
			t.Fatalf("content type %q: %v", mediaType, err)
		}
		var containers []string
		parts := leaves(t, m.Body, params["boundary"], &containers)
		if strings.Join(containers, ",") != "multipart/related;type=text/html" || len(parts["text/plain"]) != 1 || len(parts["text/html"]) != 1 {
			t.Fatalf("structure: containers %v, parts %v", containers, parts)
		}
		text, html := string(parts["text/plain"][0].body), string(parts["text/html"][0].body)
		imgs := parts["image/png"]
		if len(imgs) != 2 {
			t.Fatalf("got %d images, want the 2 charts with values", len(imgs))
		}
		for k, img := range imgs {
			cid := strings.Trim(img.header.Get("Content-Id"), "<>")
			if want := fmt.Sprintf("chart%d.aicoo-7-42@nordwind.example", k+1); cid != want {
				t.Errorf("image %d: Content-ID %q, want %q", k, cid, want)
			}
			if !strings.Contains(html, `src="cid:`+cid+`"`) {
				t.Errorf("html does not reference %s:\n%s", cid, html)
			}
			if d := img.header.Get("Content-Disposition"); !strings.HasPrefix(d, "inline;") {
				t.Errorf("image %d: disposition %q", k, d)
			}
			decoded, err := png.Decode(bytes.NewReader(img.body))
			if err != nil {
				t.Fatalf("image %d is not a PNG: %v", k, err)
			}
			want := []chart.Chart{charts[0], charts[2]}[k]
			wantImg, err := want.Image(chart.PNGOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if decoded.Bounds() != wantImg.Bounds() || decoded.Bounds().Dx() != 2*chart.EmailWidth {
				t.Errorf("image %d is %v, want %v (600 px at 2x)", k, decoded.Bounds(), wantImg.Bounds())
			}
			if i == 1 && !bytes.Equal(img.body, first["image/png"][k].body) {
				t.Errorf("image %d differs on the retry", k)
			}
		}
		for _, want := range []string{
			`alt="Cash over 24 months. Cash: 101,500 EUR in Dec 2026, from 120,000 EUR in Oct 2026; lowest 95,000 EUR in Nov 2026."`,
			"182,400 EUR &amp; rising",
		} {
			if !strings.Contains(html, want) {
				t.Errorf("html lacks %q:\n%s", want, html)
			}
		}
		if !strings.Contains(text, "Chart: Revenue by month. This year: 58,250 EUR in Dec 2026, from 50,000 EUR in Oct 2026; highest 61,000 EUR in Nov 2026.") ||
			strings.Contains(text, "Nothing yet") {
			t.Errorf("text part:\n%s", text)
		}
		first = parts
	}
}

func TestEmailBadChartData(t *testing.T) {
	t.Parallel()
	e, err := NewEmail(EmailConfig{Host: "127.0.0.1", From: "coo@nordwind.example", Security: SMTPNone, BaseURL: "https://coo.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	n := testNotification(ChannelEmail, "ann@nordwind.example")
	n.Data = json.RawMessage(`{"charts":[{"kind":"pie"}]}`)
	if _, err := e.BuildMessage(n); err == nil || !strings.Contains(err.Error(), "pie") {
		t.Fatalf("err = %v, want the unknown kind named", err)
	}
	// Data without charts keeps the plain HTML part.
	for _, data := range []string{`{"runway_days":24}`, `{"detail":{"charts":"elsewhere"}}`, `[1,2]`, ``} {
		n.Data = json.RawMessage(data)
		msg, err := e.BuildMessage(n)
		if err != nil || bytes.Contains(msg, []byte("multipart/related")) {
			t.Fatalf("data %s: err = %v, message:\n%s", data, err, msg)
		}
	}
}
