package cli

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

const testWebhookSecret = "0123456789abcdef-test"

// TestNotifyTestWebhook sends the webhook test to a local receiver that
// checks the signature.
func TestNotifyTestWebhook(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		got  []string
		errs []error
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := notify.VerifySignature(testWebhookSecret, r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), time.Minute)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.Header.Get(notify.HeaderDelivery))
		errs = append(errs, err)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	}))
	t.Cleanup(recv.Close)
	env, _, _ := opsStore(t, []string{"root"}, nil)
	hookEnv := append(env, "AICOO_WEBHOOK_URL="+recv.URL+"/hook", "AICOO_WEBHOOK_SECRET="+testWebhookSecret)
	runSteps(t, env, []cliStep{
		{[]string{"notify", "test", "webhook", "default"}, 1, "webhook is not configured: set webhook.url and webhook.secret"},
	})
	runSteps(t, hookEnv, []cliStep{
		{[]string{"notify", "test", "webhook", "ops"}, 1, `webhook endpoint "ops": no such target configured (configured: default)`},
		{[]string{"notify", "test", "webhook", "default"}, 0, "test message sent by webhook to default"},
		{[]string{"notify", "test", "webhook", "default"}, 0, "test message sent by webhook to default"},
	})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || errs[0] != nil || errs[1] != nil {
		t.Fatalf("receiver got %v, signature checks %v", got, errs)
	}
	// Two tests are two deliveries, or a deduplicating receiver drops the
	// second.
	if got[0] == got[1] || !strings.HasPrefix(got[0], "aicoo-1-test-") {
		t.Fatalf("delivery ids %q", got)
	}
}

// startDiscussSim serves an Odoo simulator of version with the channel
// "aicoo-alerts" and returns its URL and API key.
func startDiscussSim(t *testing.T, version string) (*odoosim.Server, string) {
	t.Helper()
	ds := dataset.New(dataset.Meta{OdooVersion: version, Database: "acme", Modules: []string{"mail"}}, nil)
	sim, err := odoosim.New(ds, odoosim.Options{DiscussChannels: []string{"aicoo-alerts"}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return sim, ts.URL
}

func TestNotifyTestDiscuss(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"16.0", "17.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			sim, url := startDiscussSim(t, version)
			env, _, _ := opsStore(t, []string{"root"}, func(ctx context.Context, s *store.Store, _ *store.Connection) {
				if _, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "default", OdooURL: url, OdooDatabase: "acme",
					OdooUsername: odoosim.LoginDefault, OdooProtocol: "auto"}); err != nil {
					t.Fatal(err)
				}
			})
			odooEnv := append(env, "AICOO_ODOO_URL="+url, "AICOO_ODOO_DATABASE=acme", "AICOO_ODOO_USERNAME="+odoosim.LoginDefault,
				"AICOO_ODOO_API_KEY="+sim.APIKey())
			runSteps(t, odooEnv, []cliStep{
				{[]string{"notify", "test", "odoo_discuss", "aicoo-alerts"}, 1, "odoo_discuss is not configured: set discuss.channel"},
			})
			discussEnv := append(odooEnv, "AICOO_DISCUSS_CHANNEL=aicoo-alerts")
			runSteps(t, discussEnv, []cliStep{
				{[]string{"notify", "test", "odoo_discuss", "aicoo-alerts"}, 0, "test message sent by odoo_discuss to aicoo-alerts"},
				{[]string{"notify", "test", "discuss", "1"}, 0, "test message sent by odoo_discuss to 1"},
				{[]string{"notify", "test", "odoo_discuss", "war-room"}, 1, `no Discuss channel "war-room" on the Odoo server`},
				{[]string{"notify", "test", "odoo_discuss", " padded"}, 1, "surrounding spaces"},
			})
			runSteps(t, append(env, "AICOO_DISCUSS_CHANNEL=aicoo-alerts"), []cliStep{
				{[]string{"notify", "test", "odoo_discuss", "aicoo-alerts"}, 1, `the Odoo API key of connection "default" is not in the configuration`},
			})

			c, err := odoo.New(odoo.Config{URL: url, Database: "acme", Username: odoosim.LoginDefault, APIKey: sim.APIKey(), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			info, err := c.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			model := notify.DiscussModel(info.Version)
			for id, want := range map[int64]int{1: 1, 2: 1} {
				recs, err := c.SearchRead(ctx, "mail.message", domain.And(domain.Cond("model", domain.OpEq, model), domain.Cond("res_id", domain.OpEq, id)),
					odoo.SearchReadOpts{Fields: []string{"body"}})
				if err != nil || len(recs) != want {
					t.Fatalf("channel %d of %s: %v, %v", id, model, recs, err)
				}
				if body, _ := recs[0].String("body"); !strings.Contains(body, "aicoo test notification") {
					t.Fatalf("post %q", body)
				}
			}
		})
	}
}

// recordingInserter stands in for River: the routing test needs the rows,
// not their delivery.
type recordingInserter struct{}

func (recordingInserter) InsertManyTx(context.Context, *sql.Tx, []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return nil, nil
}

// TestOutboxNotifierRouting checks where each rule channel of an alert
// notification goes, with and without the configuration it needs.
func TestOutboxNotifierRouting(t *testing.T) {
	t.Parallel()
	full := config.Default()
	full.Twilio = config.TwilioConfig{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: "t", From: "+15005550006"}
	full.Webhook = config.WebhookConfig{URL: "https://hooks.example.com/aicoo", Secret: testWebhookSecret}
	full.Discuss.Channel = "aicoo-alerts"
	full.Slack.WebhookURL = "https://hooks.slack.com/services/T/B/X"
	bare := config.Default()
	type want struct{ channel, address string }
	tests := []struct {
		name    string
		cfg     *config.Config
		channel string
		user    string
		want    *want // nil: nothing enqueued
	}{
		{"in-app", &bare, "in_app", "olga", &want{notify.ChannelInApp, "user:"}},
		{"sms to the user's phone", &full, "sms", "olga", &want{notify.ChannelSMS, "+32470123456"}},
		{"sms, user without phone", &full, "sms", "root", nil},
		{"sms without Twilio", &bare, "sms", "olga", nil},
		{"webhook default", &full, "webhook", "olga", &want{notify.ChannelWebhook, "default"}},
		{"webhook named", &full, "webhook:ops", "olga", &want{notify.ChannelWebhook, "ops"}},
		{"webhook not configured", &bare, "webhook", "olga", nil},
		{"discuss configured channel", &full, "odoo_discuss", "olga", &want{notify.ChannelDiscuss, "aicoo-alerts"}},
		{"discuss other channel", &full, "odoo_discuss:war-room", "olga", &want{notify.ChannelDiscuss, "war-room"}},
		{"discuss not configured", &bare, "odoo_discuss", "olga", nil},
		{"slack", &full, "slack", "olga", &want{notify.ChannelSlack, "default"}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "default"})
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]*store.User{}
		for name, phone := range map[string]string{"olga": "+32470123456", "root": ""} {
			if users[name], err = s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: name, Role: store.RoleOps, Phone: phone}); err != nil {
				t.Fatal(err)
			}
		}
		ob, err := notify.NewOutbox(notify.OutboxConfig{Inserter: recordingInserter{}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			// Discuss is on with a way to reach Odoo; routing never calls it.
			chans, err := notify.Builtin(tt.cfg, notify.Deps{Odoo: func(context.Context, int64) (notify.DiscussOdoo, error) {
				return nil, errors.New("not used")
			}})
			if err != nil {
				t.Fatal(err)
			}
			a := &app{cfg: tt.cfg, store: s, outbox: ob, channels: chans}
			u := users[tt.user]
			key := "alert:" + tt.name
			err = s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
				return outboxNotifier{a}.Enqueue(ctx, sqlTx, tx, alerts.Notification{ConnectionID: conn.ID, MessageKey: key, Channel: tt.channel,
					UserID: u.ID, Priority: "high", Subject: "Cash runway under 60 days", Body: "41 days"})
			})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			rows, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var mine []*store.Notification
			for _, r := range rows {
				if r.Key == key {
					mine = append(mine, r)
				}
			}
			switch {
			case tt.want == nil && len(mine) != 0:
				t.Errorf("%s: enqueued %s to %s, want nothing", tt.name, mine[0].Channel, mine[0].Recipient)
			case tt.want != nil && len(mine) != 1:
				t.Errorf("%s: %d rows, want one", tt.name, len(mine))
			case tt.want != nil && (mine[0].Channel != tt.want.channel || !strings.HasPrefix(mine[0].Recipient, tt.want.address)):
				t.Errorf("%s: %s to %s, want %s to %s", tt.name, mine[0].Channel, mine[0].Recipient, tt.want.channel, tt.want.address)
			}
		}
	})
}

// TestChannelTester covers what the dashboard's channel settings use: the
// list with configured and missing channels, and a test send.
func TestChannelTester(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.VerifySignature(testWebhookSecret, r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		hits.Add(1)
	}))
	t.Cleanup(recv.Close)
	cfg := config.Default()
	cfg.Webhook = config.WebhookConfig{URL: recv.URL + "/secret-path", Secret: testWebhookSecret}
	_, s, conn := opsStore(t, []string{"root", "olga"}, nil)
	chans, err := notify.Builtin(&cfg, notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	ob, err := notify.NewOutbox(notify.OutboxConfig{Inserter: recordingInserter{}})
	if err != nil {
		t.Fatal(err)
	}
	ct := channelTester{&app{cfg: &cfg, store: s, outbox: ob, channels: chans, now: time.Now}}
	ctx := context.Background()
	got := map[string]bool{}
	for _, c := range ct.Channels(ctx) {
		got[c.Name] = c.Configured
		if strings.Contains(c.Detail, "secret-path") || strings.Contains(c.Detail, testWebhookSecret) {
			t.Errorf("%s detail shows a secret: %q", c.Name, c.Detail)
		}
		if c.Name == notify.ChannelEmail && !strings.Contains(c.Detail, "smtp.host") {
			t.Errorf("unconfigured email detail %q does not name the keys", c.Detail)
		}
	}
	want := map[string]bool{"inapp": true, "email": false, "slack": false, "sms": false, "webhook": true, "odoo_discuss": false}
	for name, on := range want {
		if got[name] != on {
			t.Errorf("%s configured = %v, want %v", name, got[name], on)
		}
	}
	if err := ct.SendTest(ctx, conn.ID, "webhook", "default"); err != nil || hits.Load() != 1 {
		t.Fatalf("webhook test: %v (%d hits)", err, hits.Load())
	}
	for _, tt := range []struct{ channel, recipient, want string }{
		{"webhook", "ops", "no such target"},
		{"email", "ops@example.com", "email is not configured: set smtp.host"},
		{"pigeon", "x", `unknown channel "pigeon"`},
		{"inapp", "ghost", `no user "ghost"`},
	} {
		if err := ct.SendTest(ctx, conn.ID, tt.channel, tt.recipient); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("SendTest(%s, %s) = %v, want %q", tt.channel, tt.recipient, err, tt.want)
		}
	}
	if err := ct.SendTest(ctx, conn.ID, "inapp", "olga"); err != nil {
		t.Fatal(err)
	}
	rows, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Channel: "inapp"})
	if err != nil || len(rows) != 1 || rows[0].Subject != "aicoo test notification" {
		t.Fatalf("in-app test rows %+v, %v", rows, err)
	}
	// My notifications names the person by their in-app address.
	olga, err := s.UserByUsername(ctx, conn.ID, "olga")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: other.ID, Username: "stranger", Role: store.RoleOps})
	if err != nil {
		t.Fatal(err)
	}
	if err := ct.SendTest(ctx, conn.ID, "inapp", notify.UserRecipient(olga.ID)); err != nil {
		t.Fatalf("in-app test to %s: %v", notify.UserRecipient(olga.ID), err)
	}
	for _, rcpt := range []string{notify.UserRecipient(stranger.ID), "user:x"} {
		if err := ct.SendTest(ctx, conn.ID, "inapp", rcpt); err == nil || !strings.Contains(err.Error(), "no user") {
			t.Errorf("in-app test to %s: %v, want no user", rcpt, err)
		}
	}
	if rows, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Channel: "inapp"}); err != nil || len(rows) != 2 || rows[0].UserID != olga.ID {
		t.Fatalf("in-app test rows %+v, %v", rows, err)
	}
}

// TestAppPostsAlertsInDiscuss runs the app against an Odoo simulator with
// discuss.channel configured: an alert of a rule naming odoo_discuss is
// posted in the channel by the app's own workers, through its Odoo
// connection, once.
func TestAppPostsAlertsInDiscuss(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim, url := startDiscussSim(t, "17.0")
	cfg, err := config.Load("", []string{"AICOO_STORE_DATA_DIR=" + t.TempDir(), "AICOO_LOG_LEVEL=error",
		"AICOO_ODOO_URL=" + url, "AICOO_ODOO_DATABASE=acme", "AICOO_ODOO_USERNAME=" + odoosim.LoginDefault, "AICOO_ODOO_API_KEY=" + sim.APIKey(),
		"AICOO_DISCUSS_CHANNEL=aicoo-alerts"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := startApp(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.stop(sctx)
	})
	conn, err := a.store.ConnectionByName(ctx, cfg.Odoo.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "olga", Role: store.RoleOps}); err != nil {
		t.Fatal(err)
	}
	clk := &measureClock{t: time.Now()}
	eng := alerts.New(a.store, alerts.Config{Notifier: outboxNotifier{a}, Now: clk.Now, BaseURL: cfg.PublicURL()})
	rule, err := eng.RuleCreate(ctx, conn.ID, alerts.RuleSpec{Name: "runway", Source: store.RuleSourceInsight, InsightKind: "low_cash_runway",
		Priority: store.PriorityCritical, Channels: []string{"odoo_discuss"}, Enabled: true}, alerts.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Evaluate(ctx, conn.ID, &analysis.Result{Area: "finance", Insights: []analysis.Insight{{Kind: "low_cash_runway",
		Subject: "company:1", Title: "Cash runway 24 days", Priority: store.PriorityCritical}}}); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	if tr, err := eng.Tick(ctx); err != nil || tr.Notifications != 1 {
		t.Fatalf("tick: %+v, %v", tr, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	var rows []*store.Notification
	for {
		rows, err = a.store.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Channel: notify.ChannelDiscuss})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 && rows[0].Status != store.NotificationPending && rows[0].Status != store.NotificationSending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rule %d: Discuss rows not delivered: %+v", rule.ID, rows)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if rows[0].Status != store.NotificationSent || rows[0].Recipient != "aicoo-alerts" {
		t.Fatalf("Discuss row %+v", rows[0])
	}
	c, err := a.odooFor(ctx, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	posts, err := c.SearchRead(ctx, "mail.message", domain.And(domain.Cond("model", domain.OpEq, "discuss.channel"), domain.Cond("res_id", domain.OpEq, int64(2))),
		odoo.SearchReadOpts{Fields: []string{"body"}})
	if err != nil || len(posts) != 1 {
		t.Fatalf("posts in aicoo-alerts: %v, %v", posts, err)
	}
	if body, _ := posts[0].String("body"); !strings.Contains(body, "Cash runway 24 days") || !strings.Contains(body, notify.DiscussMarker(rows[0])) {
		t.Fatalf("post %q", body)
	}
}
