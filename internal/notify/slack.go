package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// SlackConfig configures the Slack channel.
type SlackConfig struct {
	// Webhooks maps a target name (the recipient address, "default" say)
	// to a Slack incoming webhook URL (secret).
	Webhooks map[string]string
	// BaseURL is the dashboard's public URL, for links.
	BaseURL string
	// HTTPClient defaults to a client with HTTPTimeoutDefault.
	HTTPClient *http.Client
}

// Slack posts to Slack incoming webhooks.
type Slack struct {
	cfg    SlackConfig
	client *http.Client
}

// NewSlack validates the configuration and returns the channel.
func NewSlack(cfg SlackConfig) (*Slack, error) {
	if len(cfg.Webhooks) == 0 {
		return nil, errors.New("notify: slack: no webhook URL configured")
	}
	for name, u := range cfg.Webhooks {
		if name == "" {
			return nil, errors.New("notify: slack: a webhook has an empty name")
		}
		if err := checkURL("webhook URL", u); err != nil {
			return nil, fmt.Errorf("notify: slack %q: %w", name, err)
		}
	}
	if err := checkURL("dashboard base URL", cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("notify: slack: %w", err)
	}
	return &Slack{cfg: cfg, client: defaultHTTPClient(cfg.HTTPClient)}, nil
}

// Name implements Channel.
func (*Slack) Name() string { return ChannelSlack }

// Idempotent implements Channel: Slack posts every request it accepts.
func (*Slack) Idempotent() bool { return false }

// ValidateRecipient implements Channel: a configured target name.
func (s *Slack) ValidateRecipient(recipient string) error {
	if _, ok := s.cfg.Webhooks[recipient]; !ok {
		return fmt.Errorf("slack target %q: %w (configured: %s)", recipient, errNoTarget, targetNames(s.cfg.Webhooks))
	}
	return nil
}

func targetNames[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// SlackPayload builds the JSON body Slack gets for a notification: a text
// fallback and Block Kit blocks (a header section, the body, a button
// back to the dashboard).
func SlackPayload(n *store.Notification, baseURL string) map[string]any {
	link := absoluteLink(baseURL, n.Link)
	title := slackEscape.Replace(n.Subject)
	if n.Priority != "" {
		title = "[" + strings.ToUpper(n.Priority) + "] " + title
	}
	blocks := []any{
		map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*" + title + "*"}},
	}
	if n.Body != "" {
		body := slackEscape.Replace(n.Body)
		if len(body) > 2900 { // a section's text is limited to 3000 characters
			body = body[:2900] + "..."
		}
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": body}})
	}
	blocks = append(blocks, map[string]any{"type": "actions", "elements": []any{map[string]any{
		"type": "button", "text": map[string]any{"type": "plain_text", "text": "Open in aicoo"}, "url": link,
	}}})
	return map[string]any{"text": title + " " + link, "blocks": blocks}
}

// Send implements Channel.
func (s *Slack) Send(ctx context.Context, n *store.Notification) error {
	u, ok := s.cfg.Webhooks[n.Recipient]
	if !ok {
		return Permanent(fmt.Errorf("slack target %q: %w", n.Recipient, errNoTarget))
	}
	body, err := json.Marshal(SlackPayload(n, s.cfg.BaseURL))
	if err != nil {
		return Permanent(fmt.Errorf("slack: encode: %w", err))
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("slack: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	_, err = post(ctx, s.client, req, "slack")
	return err
}

// slackKind registers the Slack channel: one post per alert to the
// incoming webhook of [slack], the target "default".
func slackKind() Kind {
	return Kind{Name: ChannelSlack, Label: "Slack",
		Settings: "slack.webhook_url (AICOO_SLACK_WEBHOOK_URL)", RecipientHint: "default",
		Build: func(cfg *config.Config, _ Deps) (*Built, error) {
			if cfg.Slack.WebhookURL == "" {
				return nil, nil
			}
			slack, err := NewSlack(SlackConfig{Webhooks: map[string]string{"default": string(cfg.Slack.WebhookURL)}, BaseURL: cfg.PublicURL()})
			if err != nil {
				return nil, err
			}
			// One webhook is configured: every rule's post goes there.
			return &Built{Channel: slack, Detail: "a Slack incoming webhook (target default)", Target: func(string) string { return "default" }}, nil
		},
	}
}
