package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// discussEnv is an Odoo simulator of one version with the channel
// "aicoo-alerts" (id 2), served over real HTTP, and a connected client.
type discussEnv struct {
	client *odoo.Client
	// other is connected as another Odoo user.
	other *odoo.Client
	model string
	// failPosts makes the proxy answer 502 to this many message_post calls
	// after the simulator has applied them: the answer is lost.
	failPosts atomic.Int32
}

func newDiscussEnv(t *testing.T, version string, proto odoo.Protocol) *discussEnv {
	t.Helper()
	ds := dataset.New(dataset.Meta{OdooVersion: version, Database: "acme", Modules: []string{"mail"}}, nil)
	sim, err := odoosim.New(ds, odoosim.Options{DiscussChannels: []string{"aicoo-alerts"}, Logger: slog.New(slog.DiscardHandler),
		NowFunc: func() time.Time { return testTime }, Users: []odoosim.User{
			{Login: odoosim.LoginDefault, Password: odoosim.PasswordDefault}, {Login: discussOtherLogin, Password: discussOtherLogin, APIKeys: []string{discussOtherLogin + "-key"}}}})
	if err != nil {
		t.Fatal(err)
	}
	env := &discussEnv{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte("message_post")) && env.failPosts.Add(-1) >= 0 {
			sim.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c, err := odoo.New(odoo.Config{URL: ts.URL, Database: "acme", Username: odoosim.LoginDefault, Password: odoosim.PasswordDefault,
		APIKey: sim.APIKey(), Protocol: proto, Retry: odoo.RetryPolicy{MaxAttempts: 1}, Breaker: odoo.BreakerConfig{Threshold: -1},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	info, _ := c.Info()
	env.client, env.model = c, DiscussModel(info.Version)
	env.other, err = odoo.New(odoo.Config{URL: ts.URL, Database: "acme", Username: discussOtherLogin, Password: discussOtherLogin,
		APIKey: discussOtherLogin + "-key", Protocol: proto, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.other.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return env
}

// discussOtherLogin is another Odoo user, a member of the channels.
const discussOtherLogin = "colleague"

// posts returns the bodies of the messages in channel id.
func (e *discussEnv) posts(t *testing.T, id int64) []string {
	t.Helper()
	recs, err := e.client.SearchRead(context.Background(), "mail.message", domain.And(
		domain.Cond("model", domain.OpEq, e.model), domain.Cond("res_id", domain.OpEq, id)), odoo.SearchReadOpts{Fields: []string{"body", "message_type"}, Order: "id"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		if mt, _ := r.String("message_type"); mt != "comment" {
			t.Errorf("message_type = %q, want comment", mt)
		}
		b, _ := r.String("body")
		out = append(out, b)
	}
	return out
}

func TestDiscussPostsOnEachVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		proto   odoo.Protocol
		model   string
	}{
		{"16.0", odoo.ProtocolXMLRPC, "mail.channel"},
		{"16.0", odoo.ProtocolJSONRPC, "mail.channel"},
		{"17.0", odoo.ProtocolJSONRPC, "discuss.channel"},
		{"18.0", odoo.ProtocolXMLRPC, "discuss.channel"},
		{"19.0", odoo.ProtocolJSON2, "discuss.channel"},
	}
	for _, tt := range tests {
		t.Run(tt.version+"/"+string(tt.proto), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newDiscussEnv(t, tt.version, tt.proto)
			if env.model != tt.model {
				t.Fatalf("model = %q, want %q", env.model, tt.model)
			}
			d, err := NewDiscuss(DiscussConfig{BaseURL: "https://coo.example.com",
				OdooFunc: func(_ context.Context, connectionID int64) (DiscussOdoo, error) {
					if connectionID != 7 {
						return nil, errors.New("wrong connection")
					}
					return env.client, nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			n := testNotification(ChannelDiscuss, "aicoo-alerts")
			if err := d.Send(ctx, n); err != nil {
				t.Fatal(err)
			}
			posts := env.posts(t, 2)
			if len(posts) != 1 {
				t.Fatalf("posts = %q", posts)
			}
			for _, want := range []string{
				"<b>[CRITICAL] Cash runway under 30 days &lt;now&gt;</b>",
				"Runway is 24 days at the current burn.<br><br>Overdue receivables: 182,400 EUR &amp; rising.",
				`<a href="https://coo.example.com/alerts/9">Open in aicoo</a>`,
				DiscussMarker(n),
			} {
				if !strings.Contains(posts[0], want) {
					t.Errorf("post %q lacks %q", posts[0], want)
				}
			}

			// The same delivery again (a retry after a crash) posts nothing.
			if err := d.Send(ctx, n); err != nil {
				t.Fatal(err)
			}
			// Delivery 4 is not mistaken for delivery 42 posted before.
			other := testNotification(ChannelDiscuss, "2")
			other.ID = 4
			if err := d.Send(ctx, other); err != nil {
				t.Fatal(err)
			}
			if got := env.posts(t, 2); len(got) != 2 || !strings.Contains(got[1], DiscussMarker(other)) {
				t.Fatalf("after a repeat and another delivery by id: %q", got)
			}
			// A new install (a fresh database, ids from 1 again) posting
			// to the same Odoo does not take the old post of its id 42 for
			// its own.
			again := testNotification(ChannelDiscuss, "aicoo-alerts")
			again.CreatedAt = n.CreatedAt.Add(30 * 24 * time.Hour)
			if err := d.Send(ctx, again); err != nil {
				t.Fatal(err)
			}
			if got := env.posts(t, 2); len(got) != 3 {
				t.Fatalf("a reinstall's delivery 42 was not posted: %q", got)
			}
			if got := env.posts(t, 1); len(got) != 0 {
				t.Fatalf("general got %q", got)
			}

			// A missing channel is a permanent failure naming it.
			err = d.Send(ctx, testNotification(ChannelDiscuss, "no-such-room"))
			if !IsPermanent(err) || !strings.Contains(err.Error(), `"no-such-room"`) {
				t.Fatalf("missing channel: %v", err)
			}
			if err := d.Send(ctx, testNotification(ChannelDiscuss, "99")); !IsPermanent(err) {
				t.Fatalf("missing channel id: %v", err)
			}
		})
	}
}

// TestDiscussLostAnswerPostsOnce loses Odoo's answer to a post: the send
// reports an unknown outcome, and the retry finds the post instead of
// posting again.
func TestDiscussLostAnswerPostsOnce(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"16.0", "17.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newDiscussEnv(t, version, odoo.ProtocolJSONRPC)
			env.failPosts.Store(1)
			d, err := NewDiscuss(DiscussConfig{BaseURL: "https://coo.example.com",
				OdooFunc: func(context.Context, int64) (DiscussOdoo, error) { return env.client, nil }})
			if err != nil {
				t.Fatal(err)
			}
			n := testNotification(ChannelDiscuss, "general")
			err = d.Send(ctx, n)
			if err == nil || IsPermanent(err) {
				t.Fatalf("first send = %v, want a retryable error", err)
			}
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("first send = %v, want the outcome unknown", err)
			}
			if got := env.posts(t, 1); len(got) != 1 {
				t.Fatalf("the lost post was not applied: %q", got)
			}
			if !d.Idempotent() {
				t.Fatal("the worker would not retry a non-idempotent channel")
			}
			if err := d.Send(ctx, n); err != nil {
				t.Fatal(err)
			}
			if got := env.posts(t, 1); len(got) != 1 {
				t.Fatalf("posted twice: %q", got)
			}
		})
	}
}

// TestDiscussPlantedMarkerIsNotAicoos: another Odoo user posts a
// notification's delivery marker in the channel before aicoo does; the
// send still posts, because only aicoo's own posts count as earlier
// attempts (issue 20 item 3).
func TestDiscussPlantedMarkerIsNotAicoos(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"16.0", "17.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newDiscussEnv(t, version, odoo.ProtocolJSONRPC)
			d, err := NewDiscuss(DiscussConfig{BaseURL: "https://coo.example.com",
				OdooFunc: func(context.Context, int64) (DiscussOdoo, error) { return env.client, nil }})
			if err != nil {
				t.Fatal(err)
			}
			n := testNotification(ChannelDiscuss, "general")
			if _, err := env.other.MessagePost(ctx, env.model, 1, odoo.MessagePostOpts{Body: "nothing to see " + DiscussMarker(n),
				MessageType: "comment", SubtypeXMLID: "mail.mt_comment"}); err != nil {
				t.Fatal(err)
			}
			if err := d.Send(ctx, n); err != nil {
				t.Fatal(err)
			}
			got := env.posts(t, 1)
			if len(got) != 2 || !strings.Contains(got[1], "Open in aicoo") {
				t.Fatalf("posts = %q, want the planted one and aicoo's", got)
			}
			// aicoo's own post is found again: a re-send posts nothing.
			if err := d.Send(ctx, n); err != nil {
				t.Fatal(err)
			}
			if got := env.posts(t, 1); len(got) != 2 {
				t.Fatalf("posted again: %q", got)
			}
		})
	}
}

func TestDiscussConfigAndRecipients(t *testing.T) {
	t.Parallel()
	odooFunc := func(context.Context, int64) (DiscussOdoo, error) { return nil, errors.New("unused") }
	if _, err := NewDiscuss(DiscussConfig{BaseURL: "https://coo.example.com"}); err == nil {
		t.Error("accepted a Discuss channel without an Odoo connection")
	}
	if _, err := NewDiscuss(DiscussConfig{OdooFunc: odooFunc, BaseURL: "ftp://x"}); err == nil {
		t.Error("accepted a bad base URL")
	}
	d, err := NewDiscuss(DiscussConfig{OdooFunc: odooFunc, BaseURL: "https://coo.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		recipient string
		ok        bool
	}{
		{"general", true}, {"aicoo alerts", true}, {"12", true},
		{"", false}, {" general", false}, {"general\n", false}, {"0", false}, {"-3", false}, {strings.Repeat("x", 201), false},
	} {
		if err := d.ValidateRecipient(tt.recipient); (err == nil) != tt.ok {
			t.Errorf("ValidateRecipient(%q) = %v, want ok %v", tt.recipient, err, tt.ok)
		}
	}
	// A connection that cannot be reached is retried; a bad recipient is
	// not.
	if err := d.Send(context.Background(), testNotification(ChannelDiscuss, "general")); err == nil || IsPermanent(err) {
		t.Errorf("send without a connection = %v, want a retryable error", err)
	}
	if err := d.Send(context.Background(), testNotification(ChannelDiscuss, "")); !IsPermanent(err) {
		t.Errorf("send to an empty channel = %v, want permanent", err)
	}
	var _ DiscussOdoo = (*odoo.Client)(nil)
}

// TestDiscussSendTestPostsEachTime: test messages are not outbox rows, so
// each is its own delivery and is posted, not found as an earlier post.
func TestDiscussSendTestPostsEachTime(t *testing.T) {
	t.Parallel()
	env := newDiscussEnv(t, "17.0", odoo.ProtocolJSONRPC)
	d, err := NewDiscuss(DiscussConfig{BaseURL: "https://coo.example.com",
		OdooFunc: func(context.Context, int64) (DiscussOdoo, error) { return env.client, nil }})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := SendTest(context.Background(), d, 7, "general", testTime.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if got := env.posts(t, 1); len(got) != 2 || !strings.Contains(got[0], "aicoo test notification") {
		t.Fatalf("test posts = %q", got)
	}
	if err := SendTest(context.Background(), d, 7, "", testTime); err == nil {
		t.Fatal("test to an empty channel passed")
	}
}
