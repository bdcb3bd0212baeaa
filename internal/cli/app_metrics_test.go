package cli

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// TestAppRegistersAlertMetrics starts the app and scrapes its registry:
// the alerts gauge, the outbox gauge and, after an acknowledgement through
// the app's engine, the time to acknowledge are there.
func TestAppRegistersAlertMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := config.Load("", []string{"AICOO_STORE_DATA_DIR=" + t.TempDir()})
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
	al, _, err := a.store.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: "fp", Type: "t", Priority: store.PriorityHigh, Title: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.alerts.Acknowledge(ctx, conn.ID, al.ID, alerts.Actor{Username: "ops"}, "", 0); err != nil {
		t.Fatal(err)
	}
	mfs, err := a.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, mf := range mfs {
		have[mf.GetName()] = true
	}
	for _, name := range []string{"aicoo_alerts", "aicoo_alert_metrics_up", "aicoo_alert_time_to_acknowledge_seconds",
		"aicoo_notifications_unsent", "aicoo_notification_metrics_up", "aicoo_ask_ungrounded_total"} {
		if !have[name] {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}
