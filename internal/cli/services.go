package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/briefing"
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

// notifyChannels builds the delivery channels the configuration enables;
// in-app is always on.
func notifyChannels(cfg *config.Config) ([]notify.Channel, error) {
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
	return chans, nil
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
	switch ch, _, _ := strings.Cut(m.Channel, ":"); ch {
	case "in_app", notify.ChannelInApp:
		rcpt.Channel, rcpt.Address = notify.ChannelInApp, notify.UserRecipient(m.UserID)
	case notify.ChannelEmail:
		u, err := tx.UserByID(ctx, m.UserID)
		if err != nil {
			return err
		}
		if u.Email == "" || n.a.cfg.SMTP.Host == "" {
			return nil // no address or no SMTP: the in-app copy stands
		}
		rcpt.Channel, rcpt.Address = notify.ChannelEmail, u.Email
	case notify.ChannelSlack:
		if n.a.cfg.Slack.WebhookURL == "" {
			return nil
		}
		rcpt.Channel, rcpt.Address = notify.ChannelSlack, "default"
	default:
		// Channels this instance does not deliver (sms without a phone
		// number per user yet, webhook, odoo_discuss) are skipped; in-app
		// always carries the alert.
		return nil
	}
	_, err := n.a.outbox.EnqueueTx(ctx, sqlTx, tx, notify.Message{
		ConnectionID: m.ConnectionID, Key: m.MessageKey, AlertID: m.AlertID, Priority: m.Priority,
		Subject: m.Subject, Body: m.Body, Link: m.Link, Recipients: []notify.Recipient{rcpt},
	})
	return err
}

// deliverBriefings writes the briefings that are due on every connection
// and sends each to its reader in-app (and by email when SMTP and the
// user's address allow).
func (a *app) deliverBriefings(ctx context.Context) error {
	conns, err := a.store.Connections(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range conns {
		made, err := a.briefer.GenerateDue(ctx, c.ID, a.now())
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
			if _, err := a.outbox.Enqueue(ctx, a.store, notify.Message{
				ConnectionID: c.ID, Key: fmt.Sprintf("briefing:%s:%d", date, b.UserID), Priority: "low",
				Subject: "Your aicoo briefing for " + date, Body: b.Content, Link: fmt.Sprintf("/briefings/%d", b.ID), Recipients: rcpts,
			}); err != nil {
				errs = append(errs, err)
				continue
			}
			if _, err := a.store.DailyBriefingMarkDelivered(ctx, b.ID, method, a.now()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
