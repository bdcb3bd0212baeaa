package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// TestAlertRaisedByAnAnalysisIsPushedLive: an alert that an analysis
// raises reaches a dashboard's open /api/v1/events stream at once, and so
// does its resolution, without anyone touching the alert.
func TestAlertRaisedByAnAnalysisIsPushedLive(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, err := config.Load("", []string{"AICOO_STORE_DATA_DIR=" + t.TempDir(), "AICOO_SERVER_ADDR=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	token := auth.NewToken()
	type up struct {
		a   *app
		url string
	}
	ready := make(chan up, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, &env{stdout: io.Discard, stderr: io.Discard}, cfg, true, func(ctx context.Context, a *app) error {
			conn, err := a.store.ConnectionByName(ctx, cfg.Odoo.Name)
			if err != nil {
				return err
			}
			u, err := a.store.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "cfo", Role: store.RoleCFO, PasswordHash: "x"})
			if err != nil {
				return err
			}
			_, err = a.store.APITokenCreate(ctx, store.APITokenCreateParams{ConnectionID: conn.ID, UserID: u.ID, Name: "live",
				TokenHash: auth.TokenHash(token), Prefix: token[:8]})
			return err
		}, func(a *app, url string) { ready <- up{a, url} })
	}()
	var srv up
	select {
	case srv = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not start")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.url+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %s", resp.Status)
	}
	events := make(chan map[string]any, 8)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var e map[string]any
				if json.Unmarshal([]byte(data), &e) == nil {
					events <- e
				}
			}
		}
	}()
	for srv.a.webBroker.Subscribers() == 0 {
		time.Sleep(10 * time.Millisecond)
	}

	conn, err := srv.a.store.ConnectionByName(ctx, cfg.Odoo.Name)
	if err != nil {
		t.Fatal(err)
	}
	job := &store.MonitoringJob{ConnectionID: conn.ID, Name: "finance"}
	overdue := &analysis.Result{Area: "finance", Insights: []analysis.Insight{{Kind: "overdue_invoice", Priority: "high",
		Title: "Invoice INV/2026/0042 is 95 days overdue", Subject: "account.move:42",
		Facts: map[string]float64{"days_overdue": 95, "amount_residual_signed": 34456}}}}
	for _, step := range []struct {
		res    *analysis.Result
		status string
	}{
		{overdue, store.AlertNew},
		{&analysis.Result{Area: "finance"}, store.AlertResolved}, // paid meanwhile
	} {
		if err := srv.a.pipeline.OnResult(ctx, job, step.res); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-events:
			if e["status"] != step.status || e["title"] != "Invoice INV/2026/0042 is 95 days overdue" || e["area"] != "finance" {
				t.Errorf("event %v, want the invoice's alert %s", e, step.status)
			}
		case <-time.After(time.Second):
			t.Fatalf("no %s event on the open stream within a second", step.status)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
