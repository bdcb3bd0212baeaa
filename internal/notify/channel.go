package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// Channel names, as stored in the outbox's channel column.
const (
	ChannelInApp   = "inapp"
	ChannelEmail   = "email"
	ChannelSlack   = "slack"
	ChannelSMS     = "sms"
	ChannelWebhook = "webhook"
	// ChannelDiscuss posts in an Odoo Discuss channel; alert rules name it
	// odoo_discuss too.
	ChannelDiscuss = "odoo_discuss"
)

// Channel sends one outbox row to its peer.
type Channel interface {
	// Name is the channel name rows carry (ChannelEmail, say).
	Name() string
	// ValidateRecipient reports why a recipient address cannot be used on
	// this channel, or nil. Callers saving notification settings use it to
	// reject bad addresses when they are saved.
	ValidateRecipient(recipient string) error
	// Send delivers the notification once. An error wrapped by Permanent
	// is not retried; an error wrapping ErrOutcomeUnknown means the peer
	// may have received the message.
	Send(ctx context.Context, n *store.Notification) error
	// Idempotent reports whether the peer drops a repeated message with
	// the same DeliveryID, which makes a re-send after an unknown outcome
	// safe.
	Idempotent() bool
}

// ErrOutcomeUnknown is wrapped by Send errors after which the peer may or
// may not have the message (the request was written, no answer came).
var ErrOutcomeUnknown = errors.New("delivery outcome unknown")

// PermanentError marks a failure that a retry cannot fix: a rejected
// address, a refused payload, bad credentials.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err so the worker dead-letters the row at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err is, or wraps, a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// DeliveryID is the idempotency key of a notification, stable across
// attempts and retries: "aicoo-<connection id>-<notification id>".
//
// A notification outside the outbox (ID 0: a SendTest message) is named
// by its creation time instead, "aicoo-<connection id>-test-<unix nanos>",
// so that two tests are two deliveries to a deduplicating peer.
func DeliveryID(n *store.Notification) string {
	if n.ID == 0 {
		return fmt.Sprintf("aicoo-%d-test-%d", n.ConnectionID, n.CreatedAt.UnixNano())
	}
	return fmt.Sprintf("aicoo-%d-%d", n.ConnectionID, n.ID)
}

// UserRecipient is the recipient address of an in-app notification for a
// user.
func UserRecipient(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// absoluteLink joins a dashboard path to the base URL; an absolute link is
// kept, an empty one gives the dashboard's root.
func absoluteLink(baseURL, link string) string {
	if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
		return link
	}
	base := strings.TrimRight(baseURL, "/")
	if link == "" {
		return base + "/"
	}
	if !strings.HasPrefix(link, "/") {
		link = "/" + link
	}
	return base + link
}

// checkURL accepts an absolute http(s) URL; plain http only to a loopback
// host (a local relay or a test server).
func checkURL(what, raw string) error {
	if raw == "" {
		return fmt.Errorf("%s is empty", what)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s %q is not a URL: %w", what, raw, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%s %q must be an absolute http or https URL", what, raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%s %q must use https (plain http only to localhost)", what, raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SendTest sends a test message through ch to the recipient directly,
// without the outbox, so a "send test" command reports at once whether
// the channel's configuration works.
func SendTest(ctx context.Context, ch Channel, connectionID int64, recipient string, now time.Time) error {
	if err := ch.ValidateRecipient(recipient); err != nil {
		return fmt.Errorf("notify: test %s: %w", ch.Name(), err)
	}
	n := &store.Notification{
		ConnectionID: connectionID, Key: "test:" + now.UTC().Format(time.RFC3339Nano), Channel: ch.Name(), Recipient: recipient,
		Priority: store.PriorityLow, Subject: "aicoo test notification",
		Body: "This is a test message from aicoo. If you can read it, the " + ch.Name() + " channel works.",
		Link: "/", Data: []byte(`{"test":true}`), Status: store.NotificationSending, Attempts: 1, MaxAttempts: 1,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
	}
	if strings.HasPrefix(recipient, "user:") {
		n.UserID, _ = strconv.ParseInt(strings.TrimPrefix(recipient, "user:"), 10, 64)
	}
	if err := ch.Send(ctx, n); err != nil {
		return fmt.Errorf("notify: test %s to %s: %w", ch.Name(), recipient, err)
	}
	return nil
}
