package web

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// outbox keeps the notifications the alert tick hands over.
type outbox struct {
	mu sync.Mutex
	ns []alerts.Notification
}

func (o *outbox) Enqueue(_ context.Context, _ *sql.Tx, _ *store.Store, n alerts.Notification) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ns = append(o.ns, n)
	return nil
}

// reset forgets what was sent.
func (o *outbox) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ns = nil
}

// take returns and forgets the notifications to user on channel.
func (o *outbox) take(user int64, channel string) []alerts.Notification {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []alerts.Notification
	for _, n := range o.ns {
		if n.UserID == user && n.Channel == channel {
			out = append(out, n)
		}
	}
	o.ns = nil
	return out
}

// TestBrowserCFOTunesAlerts is the self-service walk of a CFO: raises the
// overdue threshold, sees the preview count, saves, and the next analysis
// raises fewer alerts; writes a rule with a syntax error and sees it
// inline, fixes it, tests it, saves it; sets quiet hours and a daily
// digest; a critical alert at night reaches them by email only once they
// let critical alerts break the quiet hours.
func TestBrowserCFOTunesAlerts(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	ctx := context.Background()
	// Invoices 50, 70 and 100 days overdue; overdue findings from 60 days.
	seedInvoices(t, f.store, f.conn.ID, time.Now().UTC())
	night := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	clk := night
	box := &outbox{}
	eng := alerts.New(f.store, alerts.Config{Notifier: box, Now: func() time.Time { return clk }, DefaultChannels: []string{"email"}})
	if _, err := alerts.EnsureBuiltinRules(ctx, f.store, f.conn.ID); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: f.store, Rules: eng, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	cfo := f.users[store.RoleCFO]
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UserSetPassword(ctx, cfo.ID, hash); err != nil {
		t.Fatal(err)
	}
	// analyze runs the finance analysis as the pipeline does after a sync
	// (thresholds from the job's config), stores it as the latest result
	// and evaluates the alert rules; it returns the open overdue alerts.
	analyze := func() int {
		t.Helper()
		job, err := f.store.MonitoringJobByID(ctx, f.jobIDs["finance"])
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := analysis.ParseJobConfig(job.Config)
		if err != nil {
			t.Fatal(err)
		}
		res, err := analysis.Run(ctx, finance.New(), &analysis.Env{Source: analysis.StoreSource{Store: f.store, ConnectionID: f.conn.ID},
			Today: odoo.DateOf(time.Now().UTC()), Thresholds: cfg.Thresholds, OdooURL: f.conn.OdooURL})
		if err != nil {
			t.Fatal(err)
		}
		out, err := analysis.Outcome(res)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC().Truncate(time.Second)
		if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: job.ID, ScheduledAt: at, RunAt: at,
			Status: store.ResultSuccess, Metrics: out.Metrics, Insights: out.Insights}); err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Evaluate(ctx, f.conn.ID, res); err != nil {
			t.Fatal(err)
		}
		open, err := f.store.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: f.conn.ID, OpenOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range open {
			if strings.Contains(a.Fingerprint, finance.KindOverdueInvoice) {
				n++
			}
		}
		return n
	}
	if n := analyze(); n != 2 {
		t.Fatalf("overdue alerts at 60 days: %d, want 2", n)
	}

	bctx := open()
	screenshotOnFailure(t, map[string]context.Context{"cfo": bctx})
	login(t, bctx, f.srv.URL, "cfo-user", "correct horse battery")

	// 1. The overdue threshold, raised from 60 to 80 days.
	input, row := `input[id="v-finance.overdue_days"]`, `tr[id="t-finance.overdue_days"]`
	step(t, bctx, "preview 80 days",
		chromedp.Navigate(f.srv.URL+"/settings/thresholds"),
		chromedp.WaitVisible(chromedp.CSS(input)),
		chromedp.SetValue(chromedp.CSS(input), "80"),
		chromedp.Click(chromedp.CSS(row+` button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.CSS("#preview")),
	)
	if got := text(t, bctx, "#preview"); !strings.Contains(got, "With 80 instead of 60, 1 fewer finance finding") {
		t.Fatalf("preview %q", got)
	}
	step(t, bctx, "save 80 days",
		chromedp.Click(chromedp.CSS(row+` button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+" .notice")),
	)
	if n := analyze(); n != 1 {
		t.Fatalf("overdue alerts after raising the threshold to 80 days: %d, want 1", n)
	}

	// 2. A rule: a syntax error said inline, fixed, tested, saved.
	step(t, bctx, "a rule with a syntax error",
		chromedp.Navigate(f.srv.URL+"/rules/new"),
		chromedp.WaitVisible(chromedp.CSS("#r-expr")),
		chromedp.SendKeys(chromedp.CSS("#r-name"), "Largest overdue above 100"),
		chromedp.Click(chromedp.CSS(`input[name="source"][value="metric"]`)),
		chromedp.SetValue(chromedp.CSS("#r-expr"), "finance.ar.top_overdue >"),
		chromedp.SetValue(chromedp.CSS("#r-prio"), "high"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS("#rule-error")),
	)
	if got := text(t, bctx, "#rule-error"); !strings.Contains(got, "Not saved:") {
		t.Fatalf("inline error %q", got)
	}
	step(t, bctx, "fix and test it",
		chromedp.SetValue(chromedp.CSS("#r-expr"), "finance.ar.top_overdue > threshold"),
		chromedp.SetValue(chromedp.CSS("#r-threshold"), "100"),
		chromedp.Click(chromedp.CSS(`button[value="test"]`)),
		chromedp.WaitVisible(chromedp.CSS("#rule-test")),
	)
	if got := text(t, bctx, "#test-h"); got != "It would raise 1 alert now" {
		t.Fatalf("test %q", got)
	}
	if r, _ := f.store.AlertRuleByName(ctx, f.conn.ID, "Largest overdue above 100"); r != nil {
		t.Fatal("testing saved the rule")
	}
	step(t, bctx, "save it",
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/rules/new"]`)),
	)
	rule, err := f.store.AlertRuleByName(ctx, f.conn.ID, "Largest overdue above 100")
	if err != nil || rule.UserID != cfo.ID || rule.Threshold != 100 || rule.Expression != "finance.ar.top_overdue > threshold" {
		t.Fatalf("saved rule %+v %v", rule, err)
	}

	// 3. Quiet hours and a daily digest, critical alerts not let through.
	prefs := func(what string, breakThrough bool) {
		t.Helper()
		step(t, bctx, "open my notifications",
			chromedp.Navigate(f.srv.URL+"/account/notifications"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="quiet"]`)),
		)
		rctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		checked, err := chromedp.Run(rctx, chromedp.Evaluate[bool](`document.querySelector('input[name="critical_breaks"]').checked`))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		var actions []chromedp.Action[chromedp.Void]
		if !breakThrough {
			actions = append(actions, chromedp.Click(chromedp.CSS(`input[name="quiet"]`)), chromedp.Click(chromedp.CSS(`input[name="digest"]`)),
				chromedp.SetValue(chromedp.CSS(`input[name="quiet_start"]`), "22:00"), chromedp.SetValue(chromedp.CSS(`input[name="quiet_end"]`), "07:00"))
		}
		if checked != breakThrough {
			actions = append(actions, chromedp.Click(chromedp.CSS(`input[name="critical_breaks"]`)))
		}
		actions = append(actions, chromedp.Click(chromedp.CSS(`form[action="/account/notifications"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".notice")))
		step(t, bctx, what, actions...)
	}
	prefs("quiet hours 22:00 to 07:00 and a digest", false)
	p, err := f.store.NotifyPrefsGet(ctx, cfo.ID)
	if err != nil || p.QuietStart != "22:00" || p.QuietEnd != "07:00" || !p.Digest || p.CriticalBreaksQuiet {
		t.Fatalf("saved preferences %+v %v", p, err)
	}

	// 4. A critical alert at 23:30 UTC (the CFO's zone): held while
	// critical alerts do not break the quiet hours...
	critical := func(company int64) {
		t.Helper()
		in := analysis.Insight{Kind: "low_cash_runway", Priority: store.PriorityCritical, CompanyID: company, Title: "Cash covers 9 days",
			Subject: fmt.Sprintf("res.company:%d:cash_runway", company), Facts: map[string]float64{"runway_days": 9}}
		if _, err := eng.Evaluate(ctx, f.conn.ID, &analysis.Result{Area: "finance", Insights: []analysis.Insight{in}}); err != nil {
			t.Fatal(err)
		}
		clk = clk.Add(alerts.GroupIntervalDefault)
		if _, err := eng.TickConnection(ctx, f.conn.ID); err != nil {
			t.Fatal(err)
		}
	}
	box.reset() // what the earlier evaluations sent
	critical(1)
	if got := box.take(cfo.ID, "email"); len(got) != 0 {
		t.Fatalf("a critical alert at night reached the CFO without break-through: %+v", got)
	}
	// ...and let through once they choose so.
	prefs("let critical alerts through", true)
	if p, _ := f.store.NotifyPrefsGet(ctx, cfo.ID); !p.CriticalBreaksQuiet || p.QuietStart != "22:00" || !p.Digest {
		t.Fatalf("preferences after break-through %+v", p)
	}
	critical(2)
	got := box.take(cfo.ID, "email")
	if len(got) != 1 || got[0].Priority != store.PriorityCritical || !strings.Contains(got[0].Subject, "Cash covers 9 days") {
		t.Fatalf("a critical alert at night with break-through on: %+v", got)
	}
	if clk.Hour() != 23 {
		t.Fatalf("the test left the night: %s", clk)
	}
}
