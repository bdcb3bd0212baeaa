package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// SMTP security modes.
const (
	SMTPStartTLS = "starttls" // plain connection upgraded with STARTTLS, which is required
	SMTPTLS      = "tls"      // TLS from the first byte (port 465)
	SMTPNone     = "none"     // no TLS: only for a relay on localhost
)

// Defaults for EmailConfig fields left zero.
const (
	SMTPPortDefault    = 587
	SMTPTimeoutDefault = 30 * time.Second
)

// EmailConfig configures the email channel.
type EmailConfig struct {
	Host string
	Port int // defaults to 587
	// Username and Password authenticate with PLAIN when Username is set;
	// Password is a secret.
	Username string
	Password string
	// From is the sender, "aicoo <coo@example.com>" or an address.
	From string
	// Security is SMTPStartTLS (the default), SMTPTLS or SMTPNone.
	Security string
	// BaseURL is the dashboard's public URL, for links.
	BaseURL string
	// HelloName is sent in EHLO. Defaults to "localhost".
	HelloName string
	// Timeout bounds one delivery. Defaults to 30s.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests trust their own CA).
	TLSConfig *tls.Config
	// NowFunc is the clock for the Date header. Defaults to time.Now.
	NowFunc func() time.Time
}

// Email sends notifications over SMTP, as HTML with a plain-text
// alternative, and the charts a notification's Data carries as inline
// PNG images (emailcharts.go).
type Email struct {
	cfg  EmailConfig
	from *mail.Address
}

// NewEmail validates the configuration and returns the channel.
func NewEmail(cfg EmailConfig) (*Email, error) {
	if cfg.Host == "" {
		return nil, errors.New("notify: email: SMTP host is empty")
	}
	if cfg.Port == 0 {
		cfg.Port = SMTPPortDefault
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("notify: email: SMTP port %d is out of range", cfg.Port)
	}
	if cfg.Security == "" {
		cfg.Security = SMTPStartTLS
	}
	switch cfg.Security {
	case SMTPStartTLS, SMTPTLS:
	case SMTPNone:
		if !isLoopback(cfg.Host) {
			return nil, fmt.Errorf("notify: email: security %q is only allowed for a relay on localhost, not %q", SMTPNone, cfg.Host)
		}
	default:
		return nil, fmt.Errorf("notify: email: security %q must be %s, %s or %s", cfg.Security, SMTPStartTLS, SMTPTLS, SMTPNone)
	}
	if cfg.Username != "" && cfg.Password == "" {
		return nil, errors.New("notify: email: SMTP username set without a password")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: email: from %q: %w", cfg.From, err)
	}
	if err := checkURL("dashboard base URL", cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("notify: email: %w", err)
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = SMTPTimeoutDefault
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	return &Email{cfg: cfg, from: from}, nil
}

// Name implements Channel.
func (*Email) Name() string { return ChannelEmail }

// Idempotent implements Channel: mail servers deliver a repeated
// Message-ID again.
func (*Email) Idempotent() bool { return false }

// ValidateRecipient implements Channel: one plain email address.
func (*Email) ValidateRecipient(recipient string) error {
	a, err := mail.ParseAddress(recipient)
	if err != nil || a.Address != recipient {
		return fmt.Errorf("email address %q is not a plain address like name@example.com", recipient)
	}
	return nil
}

var emailHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: -apple-system, Segoe UI, Roboto, sans-serif; color: #1f2933; max-width: 640px; margin: 0 auto; padding: 16px;">
{{if .Priority}}<p style="margin: 0 0 8px; font-size: 12px; font-weight: bold; letter-spacing: .05em; color: {{.Color}};">{{.Priority}}</p>{{end}}
<h1 style="font-size: 20px; margin: 0 0 16px;">{{.Subject}}</h1>
{{range .Paragraphs}}<p style="line-height: 1.5; margin: 0 0 12px;">{{.}}</p>
{{end}}{{range .Charts}}<p style="margin: 16px 0;"><img src="{{.Src}}" alt="{{.Alt}}" width="600" style="display: block; width: 100%; max-width: 600px; height: auto; border: 0;"></p>
{{end}}<p style="margin: 24px 0;"><a href="{{.Link}}" style="background: #1d4ed8; color: #ffffff; padding: 10px 16px; border-radius: 4px; text-decoration: none;">Open in aicoo</a></p>
<p style="font-size: 12px; color: #6b7280;">Sent by aicoo. <a href="{{.Link}}" style="color: #6b7280;">{{.Link}}</a></p>
</body></html>
`))

func priorityColor(p string) string {
	switch p {
	case store.PriorityCritical:
		return "#b91c1c"
	case store.PriorityHigh:
		return "#c2410c"
	case store.PriorityMedium:
		return "#a16207"
	}
	return "#4b5563"
}

// EmailBodies renders the plain-text and HTML bodies of a notification,
// without its charts.
func EmailBodies(n *store.Notification, baseURL string) (text, html string, err error) {
	return emailBodies(n, baseURL, nil)
}

// emailBodies renders the bodies with the charts: images in the HTML, and
// in the text what each shows, in words.
func emailBodies(n *store.Notification, baseURL string, charts []inlineChart) (text, html string, err error) {
	link := absoluteLink(baseURL, n.Link)
	var tb strings.Builder
	if n.Priority != "" {
		tb.WriteString("[" + strings.ToUpper(n.Priority) + "] ")
	}
	tb.WriteString(n.Subject + "\n\n")
	if n.Body != "" {
		tb.WriteString(n.Body + "\n\n")
	}
	for _, c := range charts {
		tb.WriteString("Chart: " + c.Alt + "\n\n")
	}
	tb.WriteString("Open in aicoo: " + link + "\n")
	var paragraphs []string
	for _, p := range strings.Split(strings.ReplaceAll(n.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paragraphs = append(paragraphs, p)
		}
	}
	var hb bytes.Buffer
	err = emailHTML.Execute(&hb, map[string]any{
		"Subject": n.Subject, "Priority": strings.ToUpper(n.Priority), "Color": priorityColor(n.Priority),
		"Paragraphs": paragraphs, "Link": link, "Charts": charts,
	})
	if err != nil {
		return "", "", fmt.Errorf("email: render: %w", err)
	}
	return tb.String(), hb.String(), nil
}

// BuildMessage returns the RFC 5322 message for a notification: a
// multipart/alternative with quoted-printable text and HTML parts, and a
// Message-ID made from DeliveryID. When the notification's Data carries
// charts (ChartData), the HTML part is a multipart/related with the
// charts as inline PNG images, referenced by Content-ID.
func (e *Email) BuildMessage(n *store.Notification) ([]byte, error) {
	domain := e.from.Address[strings.LastIndexByte(e.from.Address, '@')+1:]
	charts, err := chartsOf(n, domain)
	if err != nil {
		return nil, err
	}
	text, html, err := emailBodies(n, e.cfg.BaseURL, charts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	subject := n.Subject
	if n.Priority != "" {
		subject = "[" + strings.ToUpper(n.Priority) + "] " + subject
	}
	h := []string{
		"From: " + e.from.String(),
		"To: " + n.Recipient,
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Date: " + e.cfg.NowFunc().Format(time.RFC1123Z),
		"Message-ID: <" + DeliveryID(n) + "@" + domain + ">",
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
		"X-Aicoo-Delivery: " + DeliveryID(n),
		"Content-Type: multipart/alternative; boundary=" + mw.Boundary(),
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(h, "\r\n") + "\r\n\r\n")
	if err := writeQP(mw, "text/plain; charset=utf-8", text); err != nil {
		return nil, err
	}
	if len(charts) > 0 {
		err = writeRelated(mw, html, charts)
	} else {
		err = writeQP(mw, "text/html; charset=utf-8", html)
	}
	if err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("email: build: %w", err)
	}
	out.Write(buf.Bytes())
	return out.Bytes(), nil
}

// writeQP writes a quoted-printable text part with CRLF line ends.
func writeQP(mw *multipart.Writer, ctype, body string) error {
	pw, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type": {ctype}, "Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return fmt.Errorf("email: build: %w", err)
	}
	qp := quotedprintable.NewWriter(pw)
	if _, err := io.WriteString(qp, strings.ReplaceAll(body, "\n", "\r\n")); err != nil {
		return fmt.Errorf("email: build: %w", err)
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("email: build: %w", err)
	}
	return nil
}

// Send implements Channel.
func (e *Email) Send(ctx context.Context, n *store.Notification) error {
	if err := e.ValidateRecipient(n.Recipient); err != nil {
		return Permanent(fmt.Errorf("email: %w", err))
	}
	msg, err := e.BuildMessage(n)
	if err != nil {
		return Permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port))
	tlsCfg := e.cfg.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: e.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	d := &net.Dialer{}
	if e.cfg.Security == SMTPTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("email: connect to %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, e.cfg.Host)
	if err != nil {
		return smtpErr("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(e.cfg.HelloName); err != nil {
		return smtpErr("EHLO", err)
	}
	if e.cfg.Security == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return Permanent(fmt.Errorf("email: %s does not offer STARTTLS (set security to %q or %q)", addr, SMTPTLS, SMTPNone))
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return smtpErr("STARTTLS", err)
		}
	}
	if e.cfg.Username != "" {
		auth := smtp.PlainAuth("", e.cfg.Username, e.cfg.Password, e.cfg.Host)
		if err := c.Auth(auth); err != nil {
			return smtpErr("AUTH", err)
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return smtpErr("MAIL FROM", err)
	}
	if err := c.Rcpt(n.Recipient); err != nil {
		return smtpErr("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return smtpErr("DATA", err)
	}
	// The server accepts the message when it answers the final dot; a
	// broken connection here leaves the outcome unknown.
	if err := w.Close(); err != nil {
		var tpErr *textproto.Error
		if errors.As(err, &tpErr) {
			return smtpErr("end of DATA", err)
		}
		return fmt.Errorf("email: end of DATA: %w: %w", ErrOutcomeUnknown, err)
	}
	_ = c.Quit() // the message is accepted; a failed QUIT changes nothing
	return nil
}

// smtpErr classifies an SMTP failure: a 5xx reply is permanent, anything
// else (4xx, network) is retried.
func smtpErr(stage string, err error) error {
	wrapped := fmt.Errorf("email: %s: %w", stage, err)
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) && tpErr.Code >= 500 {
		return Permanent(wrapped)
	}
	return wrapped
}

// emailKind registers the email channel: each person at the address on
// their account, when [smtp] names a server.
func emailKind() Kind {
	return Kind{Name: ChannelEmail, Label: "Email", Personal: true,
		Settings:      "smtp.host and smtp.from (AICOO_SMTP_HOST, AICOO_SMTP_FROM)",
		RecipientHint: "an email address", AddressLabel: "email address",
		Address: func(_ int64, user func() (*store.User, error)) (string, error) {
			u, err := user()
			if err != nil {
				return "", err
			}
			return u.Email, nil
		},
		Build: func(cfg *config.Config, _ Deps) (*Built, error) {
			c := cfg.SMTP
			if c.Host == "" {
				return nil, nil
			}
			email, err := NewEmail(EmailConfig{Host: c.Host, Port: c.Port, Username: c.Username, Password: string(c.Password),
				From: c.From, Security: c.Security, BaseURL: cfg.PublicURL()})
			if err != nil {
				return nil, err
			}
			return &Built{Channel: email, Detail: fmt.Sprintf("SMTP through %s as %s", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.From)}, nil
		},
	}
}
