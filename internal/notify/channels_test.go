package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

var testTime = time.Date(2025, 3, 3, 8, 30, 0, 0, time.UTC)

func testNotification(channel, recipient string) *store.Notification {
	return &store.Notification{
		ID: 42, ConnectionID: 7, Key: "alert:9:1", Channel: channel, Recipient: recipient, AlertID: 9,
		Priority: store.PriorityCritical, Subject: "Cash runway under 30 days <now>",
		Body: "Runway is 24 days at the current burn.\n\nOverdue receivables: 182,400 EUR & rising.",
		Link: "/alerts/9", Data: json.RawMessage(`{"runway_days":24}`), Status: store.NotificationSending,
		Attempts: 1, MaxAttempts: 3, CreatedAt: testTime,
	}
}

// recorded is one request a test peer received.
type recorded struct {
	method, path, contentType, user, pass string
	header                                http.Header
	body                                  []byte
}

// peer is an httptest server that records requests and answers with the
// status and body its reply function chooses.
type peer struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []recorded
	reply func(n int) (int, string)
}

func newPeer(t *testing.T, reply func(n int) (int, string)) *peer {
	p := &peer{reply: reply}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		user, pass, _ := r.BasicAuth()
		p.mu.Lock()
		p.reqs = append(p.reqs, recorded{r.Method, r.URL.Path, r.Header.Get("Content-Type"), user, pass, r.Header.Clone(), body})
		n := len(p.reqs)
		p.mu.Unlock()
		status, out := p.reply(n)
		w.WriteHeader(status)
		io.WriteString(w, out)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *peer) requests() []recorded {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]recorded(nil), p.reqs...)
}

func TestSlackRequestShape(t *testing.T) {
	t.Parallel()
	p := newPeer(t, func(int) (int, string) { return 200, "ok" })
	s, err := NewSlack(SlackConfig{Webhooks: map[string]string{"ops": p.URL + "/services/T000/B000/XXXX"}, BaseURL: "https://coo.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), testNotification(ChannelSlack, "ops")); err != nil {
		t.Fatal(err)
	}
	reqs := p.requests()
	if len(reqs) != 1 || reqs[0].method != "POST" || reqs[0].path != "/services/T000/B000/XXXX" || reqs[0].contentType != "application/json" {
		t.Fatalf("requests: %+v", reqs)
	}
	var got struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
			Elements []struct {
				Type string `json:"type"`
				URL  string `json:"url"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(reqs[0].body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Text != "[CRITICAL] Cash runway under 30 days &lt;now&gt; https://coo.example.com/alerts/9" {
		t.Errorf("text = %q", got.Text)
	}
	if len(got.Blocks) != 3 || got.Blocks[0].Text.Type != "mrkdwn" || !strings.Contains(got.Blocks[1].Text.Text, "182,400 EUR &amp; rising") ||
		got.Blocks[2].Type != "actions" || got.Blocks[2].Elements[0].URL != "https://coo.example.com/alerts/9" {
		t.Errorf("blocks = %s", reqs[0].body)
	}
	if err := s.ValidateRecipient("nope"); err == nil || !strings.Contains(err.Error(), "configured: ops") {
		t.Errorf("unknown target: %v", err)
	}
}

func TestHTTPChannelErrorClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		body      string
		permanent bool
	}{
		{400, "invalid_payload", true},
		{403, "action_prohibited", true},
		{404, "no_service", true},
		{410, "channel_is_archived", true},
		{408, "", false},
		{429, "rate limited", false},
		{500, "rollup_error", false},
		{503, "", false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			p := newPeer(t, func(int) (int, string) { return tt.status, tt.body })
			s, err := NewSlack(SlackConfig{Webhooks: map[string]string{"default": p.URL}, BaseURL: "https://coo.example.com"})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), testNotification(ChannelSlack, "default"))
			if err == nil || IsPermanent(err) != tt.permanent || !strings.Contains(err.Error(), tt.body) {
				t.Fatalf("err = %v, permanent = %v, want %v", err, IsPermanent(err), tt.permanent)
			}
		})
	}
	t.Run("connection refused is retryable and not ambiguous", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		u := srv.URL + "/services/T000/B000/SECRETTOKEN"
		srv.Close()
		s, _ := NewSlack(SlackConfig{Webhooks: map[string]string{"default": u}, BaseURL: "https://coo.example.com"})
		err := s.Send(context.Background(), testNotification(ChannelSlack, "default"))
		if err == nil || IsPermanent(err) || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		// The webhook URL's path is its secret: errors (shown by send
		// tests, logged, kept in the outbox) name the host only.
		if strings.Contains(err.Error(), "SECRETTOKEN") {
			t.Fatalf("the error leaks the webhook URL: %v", err)
		}
	})
	t.Run("a dropped connection after the request is ambiguous", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		t.Cleanup(srv.Close)
		s, _ := NewSlack(SlackConfig{Webhooks: map[string]string{"default": srv.URL}, BaseURL: "https://coo.example.com"})
		err := s.Send(context.Background(), testNotification(ChannelSlack, "default"))
		if !errors.Is(err, ErrOutcomeUnknown) || IsPermanent(err) {
			t.Fatalf("err = %v", err)
		}
	})
}

const testSID = "AC0123456789abcdef0123456789abcdef"

func TestTwilioRequestShape(t *testing.T) {
	t.Parallel()
	p := newPeer(t, func(int) (int, string) {
		return 201, `{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}`
	})
	tw, err := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: "tok3n", From: "+3225550100", BaseURL: p.URL, DashboardURL: "https://coo.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Send(context.Background(), testNotification(ChannelSMS, "+32470123456")); err != nil {
		t.Fatal(err)
	}
	reqs := p.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.method != "POST" || r.path != "/2010-04-01/Accounts/"+testSID+"/Messages.json" || r.user != testSID || r.pass != "tok3n" ||
		r.contentType != "application/x-www-form-urlencoded" {
		t.Fatalf("request: %+v", r)
	}
	form, err := url.ParseQuery(string(r.body))
	if err != nil {
		t.Fatal(err)
	}
	wantBody := "[CRITICAL] Cash runway under 30 days <now>\nRunway is 24 days at the current burn.\n\nOverdue receivables: 182,400 EUR & rising.\nhttps://coo.example.com/alerts/9"
	if form.Get("To") != "+32470123456" || form.Get("From") != "+3225550100" || form.Get("Body") != wantBody || len(form) != 3 {
		t.Fatalf("form = %v", form)
	}
}

func TestTwilioErrors(t *testing.T) {
	t.Parallel()
	p := newPeer(t, func(n int) (int, string) {
		if n == 1 {
			return 400, `{"code": 21211, "message": "The 'To' number +32470000000 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`
		}
		return 429, `{"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}`
	})
	tw, err := NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: "t", From: "MG0123456789abcdef0123456789abcdef", BaseURL: p.URL, DashboardURL: "https://coo.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	err = tw.Send(context.Background(), testNotification(ChannelSMS, "+32470000000"))
	if !IsPermanent(err) || !strings.Contains(err.Error(), "21211") {
		t.Fatalf("first: %v", err)
	}
	err = tw.Send(context.Background(), testNotification(ChannelSMS, "+32470000000"))
	if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), "20429") {
		t.Fatalf("second: %v", err)
	}
	if form, _ := url.ParseQuery(string(p.requests()[0].body)); form.Get("MessagingServiceSid") == "" || form.Get("From") != "" {
		t.Fatalf("messaging service form: %v", form)
	}
	if err := tw.Send(context.Background(), testNotification(ChannelSMS, "0470 12 34 56")); !IsPermanent(err) {
		t.Fatalf("bad number: %v", err)
	}
}

func TestWebhookSignatureAndPayload(t *testing.T) {
	t.Parallel()
	const secret = "0123456789abcdef-secret"
	p := newPeer(t, func(int) (int, string) { return 204, "" })
	wh, err := NewWebhook(WebhookConfig{
		Endpoints: map[string]WebhookEndpoint{"erp": {URL: p.URL + "/hooks/aicoo", Secret: secret}},
		BaseURL:   "https://coo.example.com", NowFunc: func() time.Time { return testTime },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Send(context.Background(), testNotification(ChannelWebhook, "erp")); err != nil {
		t.Fatal(err)
	}
	r := p.requests()[0]
	if r.header.Get(HeaderDelivery) != "aicoo-7-42" || r.header.Get(HeaderTimestamp) != "1740990600" || r.contentType != "application/json" {
		t.Fatalf("headers: %v", r.header)
	}
	if err := VerifySignature(secret, r.header.Get(HeaderTimestamp), r.header.Get(HeaderSignature), r.body, testTime.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	// The example in docs/notifications.md, computed independently with
	// printf '%s' '1740990600.{"id":"aicoo-7-42"}' | openssl dgst -sha256 -hmac whsec_example_secret_123
	if got := Sign("whsec_example_secret_123", 1740990600, []byte(`{"id":"aicoo-7-42"}`)); got != "sha256=4bd3087cfd728e2285060802c4acc49714f286a7f24bda579a16bd8feba66d6e" {
		t.Errorf("documented example signature = %s", got)
	}
	for name, tc := range map[string]struct {
		secret, ts string
		body       []byte
		now        time.Time
	}{
		"wrong secret":  {"another-secret-value", r.header.Get(HeaderTimestamp), r.body, testTime},
		"changed body":  {secret, r.header.Get(HeaderTimestamp), append([]byte(" "), r.body...), testTime},
		"stale":         {secret, r.header.Get(HeaderTimestamp), r.body, testTime.Add(10 * time.Minute)},
		"bad timestamp": {secret, "yesterday", r.body, testTime},
	} {
		if err := VerifySignature(tc.secret, tc.ts, r.header.Get(HeaderSignature), tc.body, tc.now, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	var got WebhookPayload
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != "aicoo-7-42" || got.Key != "alert:9:1" || got.AlertID != 9 || got.Link != "https://coo.example.com/alerts/9" ||
		got.Priority != "critical" || string(got.Data) != `{"runway_days":24}` || !got.CreatedAt.Equal(testTime) {
		t.Fatalf("payload = %+v", got)
	}
}

func TestChannelConfigValidation(t *testing.T) {
	t.Parallel()
	base := "https://coo.example.com"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"slack none", second(NewSlack(SlackConfig{BaseURL: base})), "no webhook URL"},
		{"slack http", second(NewSlack(SlackConfig{Webhooks: map[string]string{"d": "http://hooks.slack.com/x"}, BaseURL: base})), "must use https"},
		{"slack relative", second(NewSlack(SlackConfig{Webhooks: map[string]string{"d": "/x"}, BaseURL: base})), "absolute"},
		{"slack no base", second(NewSlack(SlackConfig{Webhooks: map[string]string{"d": "https://hooks.slack.com/x"}})), "dashboard base URL is empty"},
		{"twilio sid", second(NewTwilio(TwilioConfig{AccountSID: "AC1", AuthToken: "t", From: "+3225550100", DashboardURL: base})), "account SID"},
		{"twilio token", second(NewTwilio(TwilioConfig{AccountSID: testSID, From: "+3225550100", DashboardURL: base})), "auth token"},
		{"twilio from", second(NewTwilio(TwilioConfig{AccountSID: testSID, AuthToken: "t", From: "02 555 01 00", DashboardURL: base})), "E.164"},
		{"webhook secret", second(NewWebhook(WebhookConfig{Endpoints: map[string]WebhookEndpoint{"x": {URL: "https://e.example.com", Secret: "short"}}, BaseURL: base})), "at least 16"},
		{"webhook none", second(NewWebhook(WebhookConfig{BaseURL: base})), "no endpoint"},
		{"email host", second(NewEmail(EmailConfig{From: "a@b.c", BaseURL: base})), "host is empty"},
		{"email from", second(NewEmail(EmailConfig{Host: "smtp.example.com", From: "not an address", BaseURL: base})), "from"},
		{"email security", second(NewEmail(EmailConfig{Host: "smtp.example.com", From: "a@b.c", Security: "ssl", BaseURL: base})), "must be starttls"},
		{"email none remote", second(NewEmail(EmailConfig{Host: "smtp.example.com", From: "a@b.c", Security: SMTPNone, BaseURL: base})), "only allowed for a relay on localhost"},
		{"email password", second(NewEmail(EmailConfig{Host: "smtp.example.com", From: "a@b.c", Username: "u", BaseURL: base})), "without a password"},
		{"email port", second(NewEmail(EmailConfig{Host: "smtp.example.com", Port: 70000, From: "a@b.c", BaseURL: base})), "out of range"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, tt.err, tt.want)
		}
	}
	recipients := []struct {
		ch   Channel
		good []string
		bad  []string
	}{
		{InApp{}, []string{"user:1"}, []string{"user:", "user:x", "1", "user:-3"}},
		{&Email{}, []string{"ann@example.com"}, []string{"Ann <ann@example.com>", "ann", ""}},
		{&Twilio{}, []string{"+32470123456"}, []string{"0470123456", "+0470123456", "+32 470 12 34 56"}},
	}
	for _, r := range recipients {
		for _, g := range r.good {
			if err := r.ch.ValidateRecipient(g); err != nil {
				t.Errorf("%s %q: %v", r.ch.Name(), g, err)
			}
		}
		for _, b := range r.bad {
			if err := r.ch.ValidateRecipient(b); err == nil {
				t.Errorf("%s %q: accepted", r.ch.Name(), b)
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }
