package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// Kind declares one kind of notification channel: everything the rest of
// aicoo knows of it. Each built-in kind is declared next to its channel
// (inAppKind in inapp.go, emailKind in email.go, ...); the alert rules,
// the dashboard's pages, the command line and the delivery of alerts read
// kinds only through a Registry, so a new channel is one file here.
type Kind struct {
	// Name is the channel as rules, escalation levels and preferences name
	// it ("email", "in_app", "odoo_discuss").
	Name string
	// Row is the channel as outbox rows and Channel.Name carry it, when it
	// differs from Name ("inapp").
	Row string
	// Aliases are other names a person may type for it ("discuss").
	Aliases []string
	// Label names it for people ("Email", "Odoo Discuss").
	Label string
	// Personal kinds reach each person at their own address (email, SMS,
	// in-app); the others post once to a shared target (a Slack or Discuss
	// channel, a webhook receiver), whoever the alert is for.
	Personal bool
	// Always marks the kind every person gets whatever their preferences
	// (in-app): it is not offered as a choice.
	Always bool
	// Settings names the configuration that enables the kind, for people
	// who find it off.
	Settings string
	// RecipientHint says what a test recipient looks like ("an email
	// address").
	RecipientHint string
	// AddressLabel names a person's address on a personal kind ("email
	// address"), for "you have no email address on your account".
	AddressLabel string
	// Address returns a person's address on a personal kind, "" when they
	// have none. user loads the person when the address needs them.
	Address func(userID int64, user func() (*store.User, error)) (string, error)
	// Build makes the channel from the configuration, or returns nil (and
	// no error) when the configuration does not enable it.
	Build func(cfg *config.Config, deps Deps) (*Built, error)
}

// Built is a kind the configuration enables.
type Built struct {
	Channel Channel
	// Detail says for people what the channel sends through, never a
	// secret.
	Detail string
	// Target returns the address of a shared kind's post for the name a
	// rule gives after "kind:", "" when the rule names the kind alone.
	Target func(name string) string
}

// Deps are what channels need beyond the configuration.
type Deps struct {
	// Odoo returns the connected Odoo client of a connection (Discuss).
	// Without it Discuss is off.
	Odoo func(ctx context.Context, connectionID int64) (DiscussOdoo, error)
}

// RowName is the channel as outbox rows carry it.
func (k Kind) RowName() string {
	if k.Row != "" {
		return k.Row
	}
	return k.Name
}

// named reports whether s names the kind.
func (k Kind) named(s string) bool {
	return s == k.Name || s == k.RowName() || slices.Contains(k.Aliases, s)
}

// Registry holds a process's channel kinds, in display order, and the
// channels its configuration enables. It is built once at start
// (Builtin) and never changes; tests build their own with extra kinds.
type Registry struct {
	kinds []Kind
	built map[string]*Built // by Kind.Name; absent: not configured
}

// BuiltinKinds are aicoo's channel kinds, in display order. The slice is
// new on each call.
func BuiltinKinds() []Kind {
	return []Kind{inAppKind(), emailKind(), slackKind(), smsKind(), webhookKind(), discussKind()}
}

// Builtin is the registry of the built-in kinds over cfg.
func Builtin(cfg *config.Config, deps Deps) (*Registry, error) {
	return NewRegistry(cfg, deps, BuiltinKinds()...)
}

// NewRegistry checks kinds and builds those cfg enables. A nil cfg enables
// only the kinds that need no configuration (in-app): the registry then
// describes the kinds without delivering.
func NewRegistry(cfg *config.Config, deps Deps, kinds ...Kind) (*Registry, error) {
	if cfg == nil {
		cfg = &config.Config{}
	}
	r := &Registry{built: map[string]*Built{}}
	for _, k := range kinds {
		switch {
		case k.Name == "" || strings.ContainsAny(k.Name, ": \t\r\n"):
			return nil, fmt.Errorf("notify: channel kind %q: the name is empty or has a colon or a space", k.Name)
		case k.Label == "" || k.Build == nil:
			return nil, fmt.Errorf("notify: channel kind %q: a label and Build are required", k.Name)
		case k.Personal != (k.Address != nil):
			return nil, fmt.Errorf("notify: channel kind %q: a personal kind needs Address, a shared one has none", k.Name)
		}
		for _, name := range append([]string{k.Name, k.RowName()}, k.Aliases...) {
			if other, ok := r.Lookup(name); ok {
				return nil, fmt.Errorf("notify: channel kinds %q and %q both answer to %q", other.Name, k.Name, name)
			}
		}
		b, err := k.Build(cfg, deps)
		if err != nil {
			return nil, fmt.Errorf("notify: %s: %w", k.Name, err)
		}
		if b != nil {
			if b.Channel == nil || b.Channel.Name() != k.RowName() {
				return nil, fmt.Errorf("notify: channel kind %q built no channel named %q", k.Name, k.RowName())
			}
			if !k.Personal && b.Target == nil {
				return nil, fmt.Errorf("notify: shared channel kind %q built no Target", k.Name)
			}
			r.built[k.Name] = b
		}
		r.kinds = append(r.kinds, k)
	}
	return r, nil
}

// Kinds returns the kinds in display order.
func (r *Registry) Kinds() []Kind { return slices.Clone(r.kinds) }

// Names returns the kinds' names as rules say them, in display order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.kinds))
	for i, k := range r.kinds {
		out[i] = k.Name
	}
	return out
}

// Choices are the personal kinds a person may choose in their
// preferences (every personal kind but the one always on).
func (r *Registry) Choices() []Kind {
	var out []Kind
	for _, k := range r.kinds {
		if k.Personal && !k.Always {
			out = append(out, k)
		}
	}
	return out
}

// Lookup returns the kind s names: its name, row name or an alias.
func (r *Registry) Lookup(s string) (Kind, bool) {
	for _, k := range r.kinds {
		if k.named(s) {
			return k, true
		}
	}
	return Kind{}, false
}

// Shared reports whether the channel reference ref ("slack", "webhook:ops")
// posts to a shared target rather than to each person.
func (r *Registry) Shared(ref string) bool {
	name, _, _ := strings.Cut(ref, ":")
	k, ok := r.Lookup(name)
	return ok && !k.Personal
}

// Check checks a channel reference as rules and escalation levels give it:
// a kind, or kind:target.
func (r *Registry) Check(ref string) error {
	kind, name, hasName := strings.Cut(ref, ":")
	if _, ok := r.Lookup(kind); !ok {
		return fmt.Errorf("channel %q: %q is not a channel kind (known: %s)", ref, kind, strings.Join(r.Names(), ", "))
	}
	if hasName && strings.TrimSpace(name) == "" {
		return fmt.Errorf("channel %q: empty name after %q", ref, kind+":")
	}
	// The name is a target as the channel knows it (a Discuss channel, a
	// webhook endpoint): padding or a line break would never match one.
	if hasName && (strings.TrimSpace(name) != name || strings.ContainsAny(name, "\r\n") || len(name) > 200) {
		return fmt.Errorf("channel %q: the name after %q has surrounding spaces, a line break or more than 200 characters", ref, kind+":")
	}
	return nil
}

// Channels returns the channels the configuration enables, for the
// delivery worker.
func (r *Registry) Channels() []Channel {
	var out []Channel
	for _, k := range r.kinds {
		if b := r.built[k.Name]; b != nil {
			out = append(out, b.Channel)
		}
	}
	return out
}

// Built returns what the configuration made of the kind s names, nil when
// it is off or unknown.
func (r *Registry) Built(s string) *Built {
	k, ok := r.Lookup(s)
	if !ok {
		return nil
	}
	return r.built[k.Name]
}

// ErrNotConfigured is wrapped by errors about a known kind the
// configuration does not enable.
var ErrNotConfigured = errors.New("not configured")

// Route returns the outbox recipient of a message for user userID on the
// channel reference ref. ok is false when there is nowhere to send it: an
// unknown or unconfigured kind, or a person without an address on it (the
// in-app copy then stands). user loads the person when needed.
func (r *Registry) Route(ref string, userID int64, user func() (*store.User, error)) (rcpt Recipient, ok bool, err error) {
	name, target, _ := strings.Cut(ref, ":")
	k, known := r.Lookup(name)
	b := r.built[k.Name]
	if !known || b == nil {
		return Recipient{}, false, nil
	}
	rcpt = Recipient{Channel: k.RowName(), UserID: userID}
	if k.Personal {
		rcpt.Address, err = k.Address(userID, user)
	} else {
		rcpt.Address = b.Target(target)
	}
	return rcpt, err == nil && rcpt.Address != "", err
}

// Test sends a test message on the kind s names to recipient at once,
// bypassing the outbox (SendTest).
func (r *Registry) Test(ctx context.Context, s string, connectionID int64, recipient string, now time.Time) error {
	k, ok := r.Lookup(s)
	if !ok {
		return fmt.Errorf("unknown channel %q (known: %s)", s, strings.Join(r.Names(), ", "))
	}
	b := r.built[k.Name]
	if b == nil {
		return fmt.Errorf("%s is %w: set %s", k.RowName(), ErrNotConfigured, k.Settings)
	}
	return SendTest(ctx, b.Channel, connectionID, recipient, now)
}

// Unconfigured is the registry of the built-in kinds over no
// configuration: it describes every kind and delivers none but in-app.
// Packages that check or list channels without delivering (rule checks,
// the dashboard's defaults) fall back on it.
func Unconfigured() *Registry {
	r, err := Builtin(nil, Deps{})
	if err != nil {
		panic(err) // the built-in kinds are fixed: a test catches a bad one
	}
	return r
}
