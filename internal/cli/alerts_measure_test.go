package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// TestMeasureAlerts runs the alerting path of a running aicoo on a demo
// company twice: every analyzer over the company, the rules over each
// result, the notification tick, and delivery by the app's own River
// workers (in-app, email to an in-process SMTP server and the signed
// webhook to a local receiver, which the built-in rules are set to). It
// logs the alerts raised per run by priority, the notifications sent, the
// duplicates of the second run (must be 0) and the delivery latency. It
// runs only with AICOO_ALERTS_MEASURE=small, medium or large:
//
//	AICOO_ALERTS_MEASURE=medium go test -run TestMeasureAlerts -v ./internal/cli
func TestMeasureAlerts(t *testing.T) {
	size := os.Getenv("AICOO_ALERTS_MEASURE")
	if size == "" {
		t.Skip("set AICOO_ALERTS_MEASURE=small|medium|large to measure")
	}
	ctx := context.Background()
	today := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.Size(size), Seed: 7, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated the %s company in %s", size, time.Since(start).Round(time.Millisecond))

	var hooks atomic.Int64
	var hookMu sync.Mutex
	seen := map[string]int{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.VerifySignature(testWebhookSecret, r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		hookMu.Lock()
		seen[r.Header.Get(notify.HeaderDelivery)]++
		hookMu.Unlock()
		hooks.Add(1)
	}))
	defer recv.Close()
	mb, port := startMailbox(t)
	cfg, err := config.Load("", []string{"AICOO_STORE_DATA_DIR=" + t.TempDir(),
		"AICOO_SMTP_HOST=127.0.0.1", "AICOO_SMTP_PORT=" + strconv.Itoa(port), "AICOO_SMTP_SECURITY=none", "AICOO_SMTP_FROM=aicoo <coo@example.com>",
		"AICOO_WEBHOOK_URL=" + recv.URL + "/hook", "AICOO_WEBHOOK_SECRET=" + testWebhookSecret, "AICOO_LOG_LEVEL=error"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := startApp(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.stop(sctx)
	}()
	conn, err := a.store.ConnectionByName(ctx, cfg.Odoo.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ name, role string }{{"ceo", store.RoleCEO}, {"cfo", store.RoleCFO}, {"ops", store.RoleOps}} {
		if _, err := a.store.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: u.name, Email: u.name + "@example.com", Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	// The engine of the app, on a clock the test moves past the group wait.
	clk := &measureClock{t: time.Now()}
	eng := alerts.New(a.store, alerts.Config{Notifier: outboxNotifier{a}, Now: clk.Now, BaseURL: cfg.PublicURL()})
	rules, err := eng.RuleList(ctx, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		sp := alerts.SpecOf(r)
		sp.Channels = []string{"in_app", "email", "webhook"}
		if _, err := eng.RuleUpdate(ctx, conn.ID, r.ID, sp, alerts.Actor{}); err != nil {
			t.Fatal(err)
		}
	}

	run := func(n int) (raised int, tick alerts.TickResult) {
		t.Helper()
		began := time.Now()
		env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(today)}
		var er alerts.EvalResult
		for _, an := range areaAnalyzers() {
			res, err := an.Analyze(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			r, err := eng.Evaluate(ctx, conn.ID, res)
			if err != nil {
				t.Fatal(err)
			}
			er.Raised, er.Updated, er.Resolved, er.Pending, er.NoData = er.Raised+r.Raised, er.Updated+r.Updated, er.Resolved+r.Resolved, er.Pending+r.Pending, er.NoData+r.NoData
			er.Errors = append(er.Errors, r.Errors...)
		}
		analyzed := time.Since(began)
		clk.Add(time.Minute) // past the group wait
		tickStart := time.Now()
		tick, err := eng.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d: analyzed and evaluated in %s, tick in %s: raised %d, updated %d, resolved %d, pending %d, no data %d, rule errors %d; tick: %+v",
			n, analyzed.Round(time.Millisecond), time.Since(tickStart).Round(time.Millisecond), er.Raised, er.Updated, er.Resolved, er.Pending, er.NoData, len(er.Errors), tick)
		return er.Raised, tick
	}
	waitDelivered := func() []*store.Notification {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		for {
			unsent, err := a.store.NotificationCountUnsent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			busy := false
			for _, c := range unsent {
				busy = busy || c.Status != store.NotificationDead
			}
			if !busy {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not delivered within 3 minutes: %+v", unsent)
			}
			time.Sleep(100 * time.Millisecond)
		}
		var all []*store.Notification
		before := int64(0)
		for {
			page, err := a.store.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Limit: 1000, BeforeID: before})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if len(page) < 1000 {
				return all
			}
			before = page[len(page)-1].ID
		}
	}

	raised1, tick1 := run(1)
	rows1 := waitDelivered()
	open1, err := a.store.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: conn.ID, OpenOnly: true, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	byPriority := map[string]int{}
	for _, al := range open1 {
		byPriority[al.Priority]++
	}
	t.Logf("run 1: %d open alerts by priority: %v", len(open1), byPriority)
	report(t, "run 1", rows1)

	clk.Add(10 * time.Minute) // a second analysis run, within the repeat interval
	raised2, tick2 := run(2)
	rows2 := waitDelivered()
	open2, err := a.store.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: conn.ID, OpenOnly: true, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	fps := map[string]int{}
	for _, al := range open2 {
		fps[al.Fingerprint]++
	}
	dups := len(open2) - len(fps)
	first := map[string]bool{}
	for _, al := range open1 {
		first[al.Fingerprint] = true
	}
	reRaised := 0
	for _, al := range open2 {
		if first[al.Fingerprint] && !slices.ContainsFunc(open1, func(o *store.AlertDetail) bool { return o.ID == al.ID }) {
			reRaised++
		}
	}
	t.Logf("run 2: raised %d (of which %d for a subject already alerted in run 1), %d open alerts, %d duplicate open alerts, %d new outbox rows (tick handed over %d)",
		raised2, reRaised, len(open2), dups, len(rows2)-len(rows1), tick2.Notifications)
	hookMu.Lock()
	repeats := 0
	for _, n := range seen {
		repeats += n - 1
	}
	hookMu.Unlock()
	mb.mu.Lock()
	emails := len(mb.data)
	mb.mu.Unlock()
	t.Logf("peers: %d emails, %d webhook deliveries (%d repeated delivery ids)", emails, hooks.Load(), repeats)
	if raised1 == 0 || tick1.Notifications == 0 {
		t.Fatalf("the demo company raised %d alerts and %d notifications", raised1, tick1.Notifications)
	}
	if dups != 0 || reRaised != 0 || len(rows2) != len(rows1) || repeats != 0 {
		t.Fatalf("duplicates: %d open, %d re-raised, %d new rows, %d repeated webhook deliveries", dups, reRaised, len(rows2)-len(rows1), repeats)
	}
}

// report logs the outbox rows by channel and status and the delivery
// latency (enqueued to sent).
func report(t *testing.T, label string, rows []*store.Notification) {
	t.Helper()
	count := map[string]int{}
	var lat []time.Duration
	for _, n := range rows {
		count[n.Channel+"/"+n.Status]++
		if n.Status == store.NotificationSent {
			lat = append(lat, n.SentAt.Sub(n.CreatedAt))
		}
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	t.Logf("%s: %d notifications %v; delivery latency p50 %s, p95 %s, max %s", label, len(rows), count,
		q(0.5).Round(time.Millisecond), q(0.95).Round(time.Millisecond), q(1).Round(time.Millisecond))
}

// measureClock is a settable clock for the alerts engine.
type measureClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *measureClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *measureClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
