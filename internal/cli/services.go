package cli

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// newLLM builds the language-model client from the configuration.
func newLLM(cfg *config.Config, s *store.Store, logger *slog.Logger) (*llm.Client, error) {
	models := map[string]string{}
	if cfg.LLM.ModelSummary != "" {
		models[llm.UseSummary] = cfg.LLM.ModelSummary
	}
	if cfg.LLM.ModelAnalysis != "" {
		models[llm.UseAnalysis] = cfg.LLM.ModelAnalysis
	}
	return llm.New(llm.Config{
		Provider: cfg.LLM.Provider, BaseURL: cfg.LLM.BaseURL, APIKey: string(cfg.LLM.APIKey), Models: models,
		Timeout: time.Duration(cfg.LLM.Timeout), MonthlyBudget: cfg.LLM.MonthlyBudget,
	}, llm.Options{Ledger: s, Logger: logger})
}

// newChat builds the chat over the tool registry, bounded by the ask.*
// limits.
func newChat(cfg *config.Config, s *store.Store, model *llm.Client, tools *ask.Registry, logger *slog.Logger, reg prometheus.Registerer) (*chat.Service, error) {
	return chat.New(tools, model, s, chat.Options{
		Limits: chat.Limits{MaxToolCalls: cfg.Ask.MaxToolCalls, MaxTokens: int64(cfg.Ask.MaxTokens), MaxTime: time.Duration(cfg.Ask.Timeout)},
		Logger: logger, Registerer: reg,
	})
}

// briefingAt is the configured briefing time as an offset from midnight
// (validated by config.Validate).
func briefingAt(cfg *config.Config) time.Duration {
	at, _ := time.Parse("15:04", cfg.Briefing.Time)
	return time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute
}

// newBriefer builds the briefing generator.
func newBriefer(cfg *config.Config, s *store.Store, model *llm.Client, logger *slog.Logger) (*briefing.Generator, error) {
	return briefing.New(briefing.Config{At: briefingAt(cfg)}, briefing.Options{Store: s, LLM: model, Logger: logger})
}

// discussOdooFunc returns the connected Odoo client of a connection, for
// posts in Odoo Discuss.
type discussOdooFunc func(ctx context.Context, connectionID int64) (notify.DiscussOdoo, error)

// notifyChannels builds the delivery channels the configuration enables;
// in-app is always on. Discuss needs odooFunc as well as discuss.channel.
func notifyChannels(cfg *config.Config, odooFunc discussOdooFunc) ([]notify.Channel, error) {
	chans := []notify.Channel{notify.InApp{}}
	base := cfg.PublicURL()
	if cfg.SMTP.Host != "" {
		email, err := notify.NewEmail(notify.EmailConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
			Password: string(cfg.SMTP.Password), From: cfg.SMTP.From, Security: cfg.SMTP.Security, BaseURL: base})
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		chans = append(chans, email)
	}
	if cfg.Slack.WebhookURL != "" {
		slack, err := notify.NewSlack(notify.SlackConfig{Webhooks: map[string]string{"default": string(cfg.Slack.WebhookURL)}, BaseURL: base})
		if err != nil {
			return nil, fmt.Errorf("slack: %w", err)
		}
		chans = append(chans, slack)
	}
	if cfg.Twilio.AccountSID != "" {
		sms, err := notify.NewTwilio(notify.TwilioConfig{AccountSID: cfg.Twilio.AccountSID, AuthToken: string(cfg.Twilio.AuthToken),
			From: cfg.Twilio.From, DashboardURL: base})
		if err != nil {
			return nil, fmt.Errorf("twilio: %w", err)
		}
		chans = append(chans, sms)
	}
	if cfg.Webhook.URL != "" {
		hook, err := notify.NewWebhook(notify.WebhookConfig{BaseURL: base, Endpoints: map[string]notify.WebhookEndpoint{
			webhookTargetDefault: {URL: cfg.Webhook.URL, Secret: string(cfg.Webhook.Secret)},
		}})
		if err != nil {
			return nil, fmt.Errorf("webhook: %w", err)
		}
		chans = append(chans, hook)
	}
	if cfg.Discuss.Channel != "" && odooFunc != nil {
		discuss, err := notify.NewDiscuss(notify.DiscussConfig{OdooFunc: odooFunc, BaseURL: base})
		if err != nil {
			return nil, fmt.Errorf("discuss: %w", err)
		}
		chans = append(chans, discuss)
	}
	return chans, nil
}

// webhookTargetDefault names the webhook endpoint of the [webhook]
// section: the target of rules that say "webhook".
const webhookTargetDefault = "default"

// odooDiscuss adapts app.odooFor to the Discuss channel.
func (a *app) odooDiscuss(ctx context.Context, connectionID int64) (notify.DiscussOdoo, error) {
	c, err := a.odooFor(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// lazyInserter lets the outbox be built before the engine it inserts with.
type lazyInserter struct{ a *app }

func (l lazyInserter) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	if l.a.engine == nil {
		return nil, errors.New("job engine not started")
	}
	return l.a.engine.InsertManyTx(ctx, tx, params)
}

// outboxNotifier hands the alert engine's notifications to the outbox,
// mapping its channel names to the outbox's and each user to an address.
type outboxNotifier struct {
	a *app
}

func (n outboxNotifier) Enqueue(ctx context.Context, sqlTx *sql.Tx, tx *store.Store, m alerts.Notification) error {
	rcpt := notify.Recipient{UserID: m.UserID}
	cfg := n.a.cfg
	ch, target, _ := strings.Cut(m.Channel, ":")
	switch ch {
	case "in_app", notify.ChannelInApp:
		rcpt.Channel, rcpt.Address = notify.ChannelInApp, notify.UserRecipient(m.UserID)
	case notify.ChannelEmail:
		u, err := tx.UserByID(ctx, m.UserID)
		if err != nil {
			return err
		}
		if u.Email == "" || cfg.SMTP.Host == "" {
			return nil // no address or no SMTP: the in-app copy stands
		}
		rcpt.Channel, rcpt.Address = notify.ChannelEmail, u.Email
	case notify.ChannelSMS:
		u, err := tx.UserByID(ctx, m.UserID)
		if err != nil {
			return err
		}
		if u.Phone == "" || cfg.Twilio.AccountSID == "" {
			return nil // no number (aicoo user set-phone) or no Twilio
		}
		rcpt.Channel, rcpt.Address = notify.ChannelSMS, u.Phone
	case notify.ChannelSlack:
		if cfg.Slack.WebhookURL == "" {
			return nil
		}
		rcpt.Channel, rcpt.Address = notify.ChannelSlack, "default"
	case notify.ChannelWebhook:
		if cfg.Webhook.URL == "" {
			return nil
		}
		// A named target other than the configured one is dead-lettered
		// by the worker with the configured names, where it can be seen.
		rcpt.Channel, rcpt.Address = notify.ChannelWebhook, cmp.Or(target, webhookTargetDefault)
	case notify.ChannelDiscuss:
		if cfg.Discuss.Channel == "" {
			return nil
		}
		// "odoo_discuss:room" posts in room instead of discuss.channel.
		rcpt.Channel, rcpt.Address = notify.ChannelDiscuss, cmp.Or(target, cfg.Discuss.Channel)
	default:
		// Channels this instance does not deliver are skipped; in-app
		// always carries the alert.
		return nil
	}
	_, err := n.a.outbox.EnqueueTx(ctx, sqlTx, tx, notify.Message{
		ConnectionID: m.ConnectionID, Key: m.MessageKey, AlertID: m.AlertID, Priority: m.Priority,
		Subject: m.Subject, Body: m.Body, Link: m.Link, Recipients: []notify.Recipient{rcpt},
	})
	return err
}

// deliverBriefingsFor writes the briefings that are due on a connection
// and sends each to its reader in-app (and by email when SMTP and the
// user's address allow).
func (a *app) deliverBriefingsFor(ctx context.Context, connectionID int64) error {
	var errs []error
	made, err := a.briefer.GenerateDue(ctx, connectionID, a.now())
	if err != nil {
		errs = append(errs, err)
	}
	for _, b := range made {
		rcpts := []notify.Recipient{{Channel: notify.ChannelInApp, Address: notify.UserRecipient(b.UserID), UserID: b.UserID}}
		method := "in_app"
		if u, err := a.store.UserByID(ctx, b.UserID); err == nil && u.Email != "" && a.cfg.SMTP.Host != "" {
			rcpts = append(rcpts, notify.Recipient{Channel: notify.ChannelEmail, Address: u.Email, UserID: b.UserID})
			method = "email"
		}
		date := b.Date.Format(time.DateOnly)
		// The row carries the charts' values; the email channel draws them
		// as images when it sends (notify.ChartData).
		charts, err := briefing.StoredCharts(b)
		if err != nil {
			errs = append(errs, err)
		}
		data, err := json.Marshal(notify.ChartData{Charts: charts})
		if err != nil {
			errs = append(errs, fmt.Errorf("briefing %d: encode charts: %w", b.ID, err))
			data = nil
		}
		if _, err := a.outbox.Enqueue(ctx, a.store, notify.Message{
			ConnectionID: connectionID, Key: fmt.Sprintf("briefing:%s:%d", date, b.UserID), Priority: "low",
			Subject: "Your aicoo briefing for " + date, Body: b.Content, Link: fmt.Sprintf("/briefings/%d", b.ID), Data: data, Recipients: rcpts,
		}); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := a.store.DailyBriefingMarkDelivered(ctx, b.ID, method, a.now()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
