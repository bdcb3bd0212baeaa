package notify_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// fullConfig enables every built-in kind.
func fullConfig() *config.Config {
	cfg := config.Default()
	cfg.SMTP.Host, cfg.SMTP.From = "smtp.example.com", "aicoo <coo@example.com>"
	cfg.Slack.WebhookURL = "https://hooks.slack.com/services/T/B/X"
	cfg.Twilio = config.TwilioConfig{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: "t", From: "+15005550006"}
	cfg.Webhook = config.WebhookConfig{URL: "https://hooks.example.com/secret-path", Secret: "0123456789abcdef-test"}
	cfg.Discuss.Channel = "aicoo-alerts"
	return &cfg
}

// noOdoo stands in for the Odoo connection Discuss posts through.
func noOdoo(context.Context, int64) (notify.DiscussOdoo, error) {
	return nil, errors.New("no Odoo here")
}

// TestBuiltinKinds: every built-in kind is described for people, and the
// configuration alone decides which are on.
func TestBuiltinKinds(t *testing.T) {
	t.Parallel()
	want := []string{"in_app", "email", "slack", "sms", "webhook", "odoo_discuss"}
	bare, err := notify.Builtin(nil, notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if got := bare.Names(); !slices.Equal(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	for _, k := range bare.Kinds() {
		if k.Label == "" || k.RecipientHint == "" || (k.Settings == "") != k.Always || (k.AddressLabel == "") != (!k.Personal || k.Always) {
			t.Errorf("%s: incomplete description %+v", k.Name, k)
		}
	}
	if len(bare.Channels()) != 1 || bare.Channels()[0].Name() != notify.ChannelInApp {
		t.Errorf("unconfigured channels %v, want in-app only", bare.Channels())
	}
	full, err := notify.Builtin(fullConfig(), notify.Deps{Odoo: noOdoo})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Channels()) != len(want) {
		t.Errorf("configured %d channels, want %d", len(full.Channels()), len(want))
	}
	if d := full.Built("webhook").Detail; strings.Contains(d, "secret-path") || !strings.Contains(d, "hooks.example.com") {
		t.Errorf("webhook detail %q shows the path or not the host", d)
	}
	// Discuss posts through the Odoo connection: without it, it is off.
	noDiscuss, err := notify.Builtin(fullConfig(), notify.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if noDiscuss.Built("odoo_discuss") != nil {
		t.Error("Discuss is on without an Odoo connection")
	}
	bad := fullConfig()
	bad.Twilio.AccountSID = "nope"
	if _, err := notify.Builtin(bad, notify.Deps{}); err == nil || !strings.Contains(err.Error(), "sms") {
		t.Errorf("a bad Twilio SID gives %v", err)
	}
}

func TestRegistryLookupAndCheck(t *testing.T) {
	t.Parallel()
	r := notify.Unconfigured()
	for _, tt := range []struct {
		name, want string
		shared     bool
	}{
		{"in_app", "in_app", false}, {"inapp", "in_app", false}, {"email", "email", false}, {"discuss", "odoo_discuss", true},
		{"odoo_discuss:war-room", "", true}, {"webhook:ops", "", true}, {"sms", "sms", false}, {"pigeon", "", false},
	} {
		k, ok := r.Lookup(tt.name)
		if ok != (tt.want != "") || k.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.name, k.Name, ok, tt.want)
		}
		if got := r.Shared(tt.name); got != tt.shared {
			t.Errorf("Shared(%q) = %v", tt.name, got)
		}
	}
	for _, tt := range []struct{ ref, wantErr string }{
		{"email", ""}, {"slack:ops", ""}, {"odoo_discuss:war-room", ""},
		{"pigeon", `"pigeon" is not a channel kind (known: in_app, email, slack, sms, webhook, odoo_discuss)`},
		{"slack:", "empty name"}, {"webhook: ops", "surrounding spaces"}, {"webhook:a\nb", "line break"},
		{"webhook:" + strings.Repeat("x", 201), "200 characters"},
	} {
		err := r.Check(tt.ref)
		if (tt.wantErr == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Check(%q) = %v, want %q", tt.ref, err, tt.wantErr)
		}
	}
}

// TestRegistryRoute: where a rule's channel sends a message for a user.
func TestRegistryRoute(t *testing.T) {
	t.Parallel()
	full, err := notify.Builtin(fullConfig(), notify.Deps{Odoo: noOdoo})
	if err != nil {
		t.Fatal(err)
	}
	bare := notify.Unconfigured()
	olga := &store.User{ID: 5, Email: "olga@example.com", Phone: "+32470123456"}
	root := &store.User{ID: 6}
	for _, tt := range []struct {
		name string
		reg  *notify.Registry
		ref  string
		user *store.User
		want string // channel and address; "" when nothing is sent
	}{
		{"in-app", bare, "in_app", root, "inapp user:6"},
		{"email", full, "email", olga, "email olga@example.com"},
		{"email without address", full, "email", root, ""},
		{"email without SMTP", bare, "email", olga, ""},
		{"sms", full, "sms", olga, "sms +32470123456"},
		{"slack ignores a target", full, "slack:ops", olga, "slack default"},
		{"webhook default", full, "webhook", olga, "webhook default"},
		{"webhook named", full, "webhook:ops", olga, "webhook ops"},
		{"discuss configured", full, "odoo_discuss", olga, "odoo_discuss aicoo-alerts"},
		{"discuss named", full, "odoo_discuss:war-room", olga, "odoo_discuss war-room"},
		{"unknown", full, "pigeon", olga, ""},
	} {
		loads := 0
		rcpt, ok, err := tt.reg.Route(tt.ref, tt.user.ID, func() (*store.User, error) { loads++; return tt.user, nil })
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := ""
		if ok {
			got = rcpt.Channel + " " + rcpt.Address
		}
		if got != tt.want || ok && rcpt.UserID != tt.user.ID {
			t.Errorf("%s: routed to %q (user %d), want %q", tt.name, got, rcpt.UserID, tt.want)
		}
		if loads > 1 {
			t.Errorf("%s: loaded the user %d times", tt.name, loads)
		}
	}
	boom := errors.New("store down")
	if _, _, err := full.Route("email", 5, func() (*store.User, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("a failed user load gives %v", err)
	}
}

// TestRegistryRefusesBadKinds: a registration that would make two kinds
// answer to one name, or leave out what the rest of aicoo reads, fails
// when the registry is built, not when a message is sent.
func TestRegistryRefusesBadKinds(t *testing.T) {
	t.Parallel()
	off := func(*config.Config, notify.Deps) (*notify.Built, error) { return nil, nil }
	addr := func(int64, func() (*store.User, error)) (string, error) { return "", nil }
	for _, tt := range []struct {
		name string
		kind notify.Kind
		want string
	}{
		{"same name", notify.Kind{Name: "email", Label: "Mail", Build: off}, "both answer to"},
		{"alias of another", notify.Kind{Name: "carrier", Aliases: []string{"discuss"}, Label: "Carrier", Build: off}, "both answer to"},
		{"colon", notify.Kind{Name: "a:b", Label: "AB", Build: off}, "colon"},
		{"no label", notify.Kind{Name: "pigeon", Build: off}, "label"},
		{"personal without address", notify.Kind{Name: "pigeon", Label: "Pigeon", Personal: true, Build: off}, "Address"},
		{"shared with address", notify.Kind{Name: "pigeon", Label: "Pigeon", Address: addr, Build: off}, "Address"},
		{"shared without target", notify.Kind{Name: "pigeon", Label: "Pigeon", Build: func(*config.Config, notify.Deps) (*notify.Built, error) {
			return &notify.Built{Channel: pigeon{}}, nil
		}}, "Target"},
		{"wrong channel", notify.Kind{Name: "owl", Label: "Owl", Build: func(*config.Config, notify.Deps) (*notify.Built, error) {
			return &notify.Built{Channel: pigeon{}, Target: func(string) string { return "x" }}, nil
		}}, `no channel named "owl"`},
	} {
		_, err := notify.NewRegistry(nil, notify.Deps{}, append(notify.BuiltinKinds(), tt.kind)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// pigeon is a channel only this test knows.
type pigeon struct{}

func (pigeon) Name() string                                    { return "pigeon" }
func (pigeon) ValidateRecipient(r string) error                { return nil }
func (pigeon) Send(context.Context, *store.Notification) error { return nil }
func (pigeon) Idempotent() bool                                { return false }

func TestRegistryTest(t *testing.T) {
	t.Parallel()
	r := notify.Unconfigured()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ channel, recipient, want string }{
		{"email", "ops@example.com", "email is not configured: set smtp.host"},
		{"discuss", "room", "odoo_discuss is not configured: set discuss.channel"},
		{"pigeon", "x", `unknown channel "pigeon"`},
		{"inapp", "olga", `in-app recipient "olga" must be user:<id>`},
	} {
		err := r.Test(context.Background(), tt.channel, 1, tt.recipient, now)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Test(%s) = %v, want %q", tt.channel, err, tt.want)
		}
		if strings.Contains(tt.want, "not configured") && !errors.Is(err, notify.ErrNotConfigured) {
			t.Errorf("Test(%s) = %v, not ErrNotConfigured", tt.channel, err)
		}
	}
	if err := r.Test(context.Background(), "in_app", 1, "user:5", now); err != nil {
		t.Errorf("in-app test to user:5: %v", err)
	}
}
