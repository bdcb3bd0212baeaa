package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// The generic webhook's headers (docs/notifications.md).
const (
	HeaderDelivery  = "X-Aicoo-Delivery"
	HeaderTimestamp = "X-Aicoo-Timestamp"
	HeaderSignature = "X-Aicoo-Signature"
)

// WebhookSecretMinLen is the shortest signing secret accepted.
const WebhookSecretMinLen = 16

// WebhookEndpoint is one receiver of the generic webhook.
type WebhookEndpoint struct {
	URL    string
	Secret string // HMAC-SHA256 key (secret)
}

// WebhookConfig configures the generic webhook channel.
type WebhookConfig struct {
	// Endpoints maps a target name (the recipient address) to a receiver.
	Endpoints map[string]WebhookEndpoint
	// BaseURL is the dashboard's public URL, for links.
	BaseURL    string
	HTTPClient *http.Client
	// NowFunc is the clock for the timestamp header. Defaults to time.Now.
	NowFunc func() time.Time
}

// Webhook posts signed JSON to configured receivers.
type Webhook struct {
	cfg    WebhookConfig
	client *http.Client
}

// NewWebhook validates the configuration and returns the channel.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("notify: webhook: no endpoint configured")
	}
	for name, ep := range cfg.Endpoints {
		if name == "" {
			return nil, errors.New("notify: webhook: an endpoint has an empty name")
		}
		if err := checkURL("URL", ep.URL); err != nil {
			return nil, fmt.Errorf("notify: webhook %q: %w", name, err)
		}
		if len(ep.Secret) < WebhookSecretMinLen {
			return nil, fmt.Errorf("notify: webhook %q: secret must be at least %d characters", name, WebhookSecretMinLen)
		}
	}
	if err := checkURL("dashboard base URL", cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("notify: webhook: %w", err)
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	return &Webhook{cfg: cfg, client: defaultHTTPClient(cfg.HTTPClient)}, nil
}

// Name implements Channel.
func (*Webhook) Name() string { return ChannelWebhook }

// Idempotent implements Channel: receivers must drop a repeated
// X-Aicoo-Delivery (docs/notifications.md).
func (*Webhook) Idempotent() bool { return true }

// ValidateRecipient implements Channel: a configured endpoint name.
func (w *Webhook) ValidateRecipient(recipient string) error {
	if _, ok := w.cfg.Endpoints[recipient]; !ok {
		return fmt.Errorf("webhook endpoint %q: %w (configured: %s)", recipient, errNoTarget, targetNames(w.cfg.Endpoints))
	}
	return nil
}

// WebhookPayload is the JSON body of the generic webhook.
type WebhookPayload struct {
	ID           string          `json:"id"` // the delivery id, also in X-Aicoo-Delivery
	Key          string          `json:"key"`
	ConnectionID int64           `json:"connection_id"`
	AlertID      int64           `json:"alert_id,omitempty"`
	Priority     string          `json:"priority,omitempty"`
	Subject      string          `json:"subject"`
	Body         string          `json:"body"`
	Link         string          `json:"link"`
	Data         json.RawMessage `json:"data,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

// Sign returns the X-Aicoo-Signature value for a body sent at timestamp
// (Unix seconds): "sha256=" and the hex HMAC-SHA256 of
// "<timestamp>.<body>" under the secret.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a received webhook: the signature must match and
// the timestamp be within tolerance of now. Receivers written in Go can
// use it as is.
func VerifySignature(secret, timestampHeader, signatureHeader string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestampHeader, 10, 64)
	if err != nil {
		return fmt.Errorf("notify: bad %s %q", HeaderTimestamp, timestampHeader)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("notify: %s is %s away from now, beyond %s", HeaderTimestamp, d.Round(time.Second), tolerance)
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signatureHeader)) {
		return errors.New("notify: signature does not match")
	}
	return nil
}

// Send implements Channel.
func (w *Webhook) Send(ctx context.Context, n *store.Notification) error {
	ep, ok := w.cfg.Endpoints[n.Recipient]
	if !ok {
		return Permanent(fmt.Errorf("webhook endpoint %q: %w", n.Recipient, errNoTarget))
	}
	p := WebhookPayload{
		ID: DeliveryID(n), Key: n.Key, ConnectionID: n.ConnectionID, AlertID: n.AlertID, Priority: n.Priority,
		Subject: n.Subject, Body: n.Body, Link: absoluteLink(w.cfg.BaseURL, n.Link), CreatedAt: n.CreatedAt.UTC(),
	}
	if len(n.Data) > 0 && json.Valid(n.Data) {
		p.Data = n.Data
	}
	body, err := json.Marshal(p)
	if err != nil {
		return Permanent(fmt.Errorf("webhook: encode: %w", err))
	}
	ts := w.cfg.NowFunc().Unix()
	req, err := http.NewRequest(http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aicoo-webhook/1")
	req.Header.Set(HeaderDelivery, p.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(ep.Secret, ts, body))
	_, err = post(ctx, w.client, req, "webhook "+n.Recipient)
	return err
}

// WebhookTargetDefault names the endpoint of the [webhook] section: the
// target of rules that say "webhook".
const WebhookTargetDefault = "default"

// webhookKind registers the generic webhook: signed JSON to the receiver
// of [webhook]. A rule naming another target ("webhook:ops") is
// dead-lettered by the worker with the configured names, where it can be
// seen.
func webhookKind() Kind {
	return Kind{Name: ChannelWebhook, Label: "Webhook",
		Settings: "webhook.url and webhook.secret (AICOO_WEBHOOK_URL, AICOO_WEBHOOK_SECRET)", RecipientHint: "default",
		Build: func(cfg *config.Config, _ Deps) (*Built, error) {
			c := cfg.Webhook
			if c.URL == "" {
				return nil, nil
			}
			hook, err := NewWebhook(WebhookConfig{BaseURL: cfg.PublicURL(), Endpoints: map[string]WebhookEndpoint{
				WebhookTargetDefault: {URL: c.URL, Secret: string(c.Secret)},
			}})
			if err != nil {
				return nil, err
			}
			return &Built{Channel: hook, Detail: "signed JSON to " + urlHost(c.URL) + " (target default)",
				Target: func(name string) string { return cmp.Or(name, WebhookTargetDefault) }}, nil
		},
	}
}

// urlHost is the scheme and host of a URL, so a path that may hold a
// token is not shown.
func urlHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host
}
