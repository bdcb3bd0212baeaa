package cli

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/aicoo/aicoo/internal/store"
)

// mailbox is an in-process SMTP server (go-smtp) that keeps what it gets.
type mailbox struct {
	mu   sync.Mutex
	rcpt []string
	data []string
}

type mailSession struct{ mb *mailbox }

func (s mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.rcpt = append(s.mb.rcpt, to)
	return nil
}
func (s mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.data = append(s.mb.data, string(b))
	return err
}
func (s mailSession) Reset()        {}
func (s mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) (*mailbox, int) {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return mailSession{mb}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return mb, l.Addr().(*net.TCPAddr).Port
}

func TestNotifyTest(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root", "olga"}, nil)
	runSteps(t, env, []cliStep{
		{[]string{"notify", "test", "email", "ops@example.com"}, 1, "email is not configured: set smtp.host and smtp.from"},
		{[]string{"notify", "test", "slack", "default"}, 1, "slack is not configured"},
		{[]string{"notify", "test", "sms", "+15551234567"}, 1, "sms is not configured"},
		{[]string{"notify", "test", "webhook", "default"}, 1, "webhook is not configured: set webhook.url"},
		{[]string{"notify", "test", "odoo_discuss", "general"}, 1, "odoo_discuss is not configured: set discuss.channel"},
		{[]string{"notify", "test", "pigeon", "x"}, 1, `unknown channel "pigeon"`},
		{[]string{"notify", "test", "email"}, 2, "test needs CHANNEL RECIPIENT"},
		{[]string{"notify", "test", "inapp", "ghost"}, 1, `inapp recipient "ghost": no such user`},
		{[]string{"notify", "test", "inapp", "olga"}, 0, "queued for olga"},
	})
	ctx := context.Background()
	rows, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Channel: "inapp"})
	if err != nil || len(rows) != 1 || rows[0].Status != store.NotificationPending || rows[0].Subject != "aicoo test notification" {
		t.Fatalf("in-app test rows %+v, %v", rows, err)
	}
	var jobs int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'aicoo.notify'`).Scan(&jobs); err != nil || jobs != 1 {
		t.Fatalf("delivery jobs: %d, %v", jobs, err)
	}

	mb, port := startMailbox(t)
	smtpEnv := append(env, "AICOO_SMTP_HOST=127.0.0.1", "AICOO_SMTP_PORT="+strconv.Itoa(port), "AICOO_SMTP_SECURITY=none",
		"AICOO_SMTP_FROM=aicoo <coo@example.com>")
	runSteps(t, smtpEnv, []cliStep{
		{[]string{"notify", "test", "email", "not-an-address"}, 1, "notify: test email"},
		{[]string{"notify", "test", "email", "ops@example.com"}, 0, "test message sent by email to ops@example.com"},
	})
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.data) != 1 || len(mb.rcpt) != 1 || mb.rcpt[0] != "ops@example.com" || !strings.Contains(mb.data[0], "aicoo test notification") {
		t.Fatalf("mailbox: rcpt %v, %d messages", mb.rcpt, len(mb.data))
	}
}

func TestNotifyDeadLettersAndRetry(t *testing.T) {
	t.Parallel()
	var dead, live int64
	env, s, conn := opsStore(t, []string{"root"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		for i, key := range []string{"alert:1:1", "alert:2:1"} {
			n, _, err := s.NotificationInsert(ctx, store.NotificationParams{ConnectionID: conn.ID, Key: key, Channel: "email",
				Recipient: "ops@example.com", Priority: "high", Subject: "Cash runway short " + key, MaxAttempts: 3})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				dead = n.ID
				if ok, err := s.NotificationMarkDead(ctx, n.ID, "smtp: 550 5.1.1 no such user\nmore"); err != nil || !ok {
					t.Fatal(ok, err)
				}
			} else {
				live = n.ID
			}
		}
	})
	deadID, liveID := strconv.FormatInt(dead, 10), strconv.FormatInt(live, 10)
	runSteps(t, env, []cliStep{
		{[]string{"notify", "dead-letters"}, 0, "550 5.1.1 no such user"},
		{[]string{"notify", "dead-letters", "--limit", "0"}, 1, "--limit 0 is not between 1 and 1000"},
		{[]string{"notify", "retry", liveID}, 1, "is not a dead letter"},
		{[]string{"notify", "retry", "999"}, 1, `no notification 999 on connection "default"`},
		{[]string{"notify", "retry", "abc"}, 1, `notification id "abc" is not a positive number`},
		{[]string{"notify", "retry"}, 2, "retry needs one notification ID"},
		{[]string{"notify", "retry", deadID}, 0, "notification " + deadID + " (email to ops@example.com) queued again (round 1)"},
		{[]string{"notify", "dead-letters"}, 0, "no dead letters"},
		{[]string{"notify", "resend"}, 2, `unknown action "resend"`},
	})
	n, err := s.NotificationByID(context.Background(), dead)
	if err != nil || n.Status != store.NotificationPending || n.Attempts != 0 || n.ConnectionID != conn.ID {
		t.Fatalf("after retry: %+v, %v", n, err)
	}
	var jobs int
	if err := s.DB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'aicoo.notify'`).Scan(&jobs); err != nil || jobs != 1 {
		t.Fatalf("delivery jobs: %d, %v", jobs, err)
	}
}
