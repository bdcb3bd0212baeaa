package web

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// rawText is what must never show on a page: raw metric keys
// (finance.ar.partner.1205.overdue@1) and float artefacts (1.036179887e+07,
// 320.84999999999997).
var rawText = regexp.MustCompile(`\d\.\d{6,}|e\+\d|@\d\b|\b[a-z]+\.[a-z_]+\.[a-z_]+\b`)

// TestBrowserFinishNoRawTextNoSidewaysScroll visits the main pages at a
// desktop and a phone width: no raw key or float artefact is visible, and
// no page is wider than the window.
func TestBrowserFinishNoRawTextNoSidewaysScroll(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	ctx := context.Background()
	// A newer finance result with the keys and floats real analyzers write.
	metrics := map[string]analysis.Metric{
		"finance.cash.position":             {Name: "finance.cash.position", Value: 1.036179887e+07, Unit: "EUR", Available: true},
		"finance.ar.partner.1205.overdue@1": {Name: "finance.ar.partner.1205.overdue@1", Value: 320.84999999999997, Unit: "EUR", Available: true},
		"finance.ar.overdue_ratio":          {Name: "finance.ar.overdue_ratio", Value: 0.123456789, Available: true},
	}
	m, _ := json.Marshal(metrics)
	ins, _ := json.Marshal([]analysis.Insight{{Kind: "k", Priority: "high", Title: "Overdue receivables", Subject: "res.partner:1205"}})
	at := time.Now().UTC().Truncate(time.Second)
	if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: f.jobIDs["finance"], ScheduledAt: at, RunAt: at,
		Status: store.ResultSuccess, Metrics: m, Insights: ins}); err != nil {
		t.Fatal(err)
	}
	// An alert and an action whose facts are such floats.
	facts := map[string]float64{"residual": 320.84999999999997, "amount_total": 1.036179887e+07}
	data, _ := json.Marshal(map[string]any{"facts": facts})
	alert, _, err := f.store.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: f.conn.ID, Fingerprint: "fp-floats", Type: "finance", Priority: store.PriorityMedium,
		Title: "Overdue receivables", Description: "Partner 1205", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: f.conn.ID, IdempotencyKey: "payment_reminder:floats", ActionType: "payment_reminder",
		Subject: "res.partner:1205", GroupKey: "payment_reminder:floats", Description: "Remind the customer", Reasoning: "Overdue", Evidence: data,
		PolicyMode: "approve", Status: store.ActionPending}); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UserSetPassword(ctx, f.users[store.RoleAdmin].ID, hash); err != nil {
		t.Fatal(err)
	}
	session := open()
	screenshotOnFailure(t, map[string]context.Context{"session": session})
	login(t, session, f.srv.URL, "admin-user", "correct horse battery")
	shots := os.Getenv("AICOO_SCREENSHOT_DIR")
	pages := []string{"/", "/operations", "/alerts", "/actions", "/analytics", "/analytics/finance", "/analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205",
		"/alerts/" + strconv.FormatInt(alert.ID, 10), "/briefings", "/jobs", "/rules", "/settings"}
	for _, width := range []int64{1440, 390} {
		for _, path := range pages {
			var body string
			var scrollWidth, innerWidth int64
			var outside []string
			step(t, session, "open "+path,
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(f.srv.URL+path),
				chromedp.WaitVisible(chromedp.CSS("main")),
			)
			rctx, cancel := context.WithTimeout(session, 30*time.Second)
			body, err = chromedp.Run(rctx, chromedp.Evaluate[string](`document.body.innerText`))
			if err == nil {
				scrollWidth, err = chromedp.Run(rctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
			}
			if err == nil {
				innerWidth, err = chromedp.Run(rctx, chromedp.Evaluate[int64](`window.innerWidth`))
			}
			if err == nil {
				// A table inside a scrolling box keeps the document narrow
				// but hides its buttons: nothing may reach past the window.
				outside, err = chromedp.Run(rctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main *")).filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + (e.id ? "#" + e.id : "") + " " + (e.innerText || "").slice(0, 30))`))
			}
			cancel()
			if err != nil {
				t.Fatalf("read %s at %d px: %v", path, width, err)
			}
			// Host names an administrator typed are not raw keys.
			for _, host := range []string{"acme.odoo.com", "smtp.example.com"} {
				body = strings.ReplaceAll(body, host, "host")
			}
			if raw := rawText.FindAllString(body, -1); len(raw) > 0 {
				t.Errorf("%s at %d px shows raw keys or floats: %q", path, width, raw)
			}
			if scrollWidth > innerWidth {
				t.Errorf("%s at %d px scrolls sideways: document %d px, window %d px", path, width, scrollWidth, innerWidth)
			}
			if len(outside) > 0 {
				t.Errorf("%s at %d px has elements past the window's right edge: %q", path, width, outside)
			}
			if shots != "" {
				rctx, cancel := context.WithTimeout(session, 30*time.Second)
				png, err := chromedp.Run(rctx, chromedp.FullScreenshot(100))
				cancel()
				if err == nil {
					name := strings.Trim(strings.NewReplacer("/", "_", "@", "_").Replace(path), "_")
					if name == "" {
						name = "overview"
					}
					_ = os.WriteFile(filepath.Join(shots, name+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644)
				}
			}
		}
	}
}
