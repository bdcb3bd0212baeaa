package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// TestBrowserBudgetTableOnAPhone: a CFO opens the expenses page of a demo
// company with budgets at 1440 and at 390 pixels wide: the budget table and
// its chart show, nothing reaches past the window (below 700 px the rows
// are cards), and the over-budget lines say so. With AICOO_SCREENSHOT_DIR
// set it keeps screenshots.
func TestBrowserBudgetTableOnAPhone(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	seedBudgets(t, f, "17.0")
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UserSetPassword(context.Background(), f.users[store.RoleCFO].ID, hash); err != nil {
		t.Fatal(err)
	}
	ctx := open()
	screenshotOnFailure(t, map[string]context.Context{"cfo": ctx})
	login(t, ctx, f.srv.URL, "cfo-user", "correct horse battery")
	for _, width := range []int64{1440, 390} {
		step(t, ctx, "open the expenses page",
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(f.srv.URL+"/analytics/expenses"),
			chromedp.WaitVisible(chromedp.CSS("table.budget")),
			chromedp.WaitVisible(chromedp.CSS("#chart-budget svg")),
		)
		var scrollWidth, innerWidth, over int64
		var outside []string
		var display string
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		scrollWidth, err = chromedp.Run(rctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		if err == nil {
			innerWidth, err = chromedp.Run(rctx, chromedp.Evaluate[int64](`window.innerWidth`))
		}
		if err == nil {
			outside, err = chromedp.Run(rctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main *")).filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + " " + (e.innerText || "").slice(0, 30))`))
		}
		if err == nil {
			over, err = chromedp.Run(rctx, chromedp.Evaluate[int64](`Array.from(document.querySelectorAll("table.budget tr.over")).filter(r => r.innerText.includes("over budget") && r.innerText.includes("over by")).length`))
		}
		if err == nil {
			display, err = chromedp.Run(rctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table.budget tbody tr")).display`))
		}
		cancel()
		if err != nil {
			t.Fatalf("read the page at %d px: %v", width, err)
		}
		if scrollWidth > innerWidth || len(outside) > 0 {
			t.Errorf("at %d px: document %d px in a %d px window; past the edge: %q", width, scrollWidth, innerWidth, outside)
		}
		if over == 0 {
			t.Errorf("at %d px: no line says it is over budget", width)
		}
		if wantCards := width < 700; (display == "block") != wantCards {
			t.Errorf("at %d px: rows display %q", width, display)
		}
	}
	shoot(t, ctx, "budget")
}
