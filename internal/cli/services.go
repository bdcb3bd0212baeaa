package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
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

// newBriefer builds the briefing generator over the catalogue cat.
func newBriefer(cfg *config.Config, s *store.Store, cat *analysis.Catalogue, model *llm.Client, logger *slog.Logger) (*briefing.Generator, error) {
	return briefing.New(briefing.Config{At: briefingAt(cfg)}, briefing.Options{Store: s, Catalogue: cat, LLM: model, Logger: logger})
}

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

// outboxNotifier hands the alert engine's notifications to the outbox, the
// channel registry mapping a rule's channel to the outbox's and each user
// to an address.
type outboxNotifier struct {
	a *app
}

func (n outboxNotifier) Enqueue(ctx context.Context, sqlTx *sql.Tx, tx *store.Store, m alerts.Notification) error {
	rcpt, ok, err := n.a.channels.Route(m.Channel, m.UserID, func() (*store.User, error) { return tx.UserByID(ctx, m.UserID) })
	if err != nil || !ok {
		// Nowhere to send (a channel this instance does not deliver, a
		// person without an address on it): in-app always carries the alert.
		return err
	}
	_, err = n.a.outbox.EnqueueTx(ctx, sqlTx, tx, notify.Message{
		ConnectionID: m.ConnectionID, Key: m.MessageKey, AlertID: m.AlertID, Priority: m.Priority,
		Subject: m.Subject, Body: m.Body, Link: m.Link, Recipients: []notify.Recipient{rcpt},
	})
	return err
}

// deliverBriefingsFor writes the briefings that are due on a connection
// and sends each to its reader in-app (and by email when the email channel
// is on and the user has an address).
func (a *app) deliverBriefingsFor(ctx context.Context, connectionID int64) error {
	var errs []error
	made, err := a.briefer.GenerateDue(ctx, connectionID, a.now())
	if err != nil {
		errs = append(errs, err)
	}
	for _, b := range made {
		rcpts := []notify.Recipient{{Channel: notify.ChannelInApp, Address: notify.UserRecipient(b.UserID), UserID: b.UserID}}
		method := "in_app"
		user := func() (*store.User, error) { return a.store.UserByID(ctx, b.UserID) }
		if email, ok, _ := a.channels.Route(notify.ChannelEmail, b.UserID, user); ok {
			rcpts, method = append(rcpts, email), "email"
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
