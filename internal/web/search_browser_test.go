package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// TestBrowserSearchBox: Ctrl+K puts the cursor in the header's search box;
// typing an invoice number shows it among the live results; Enter opens
// the results page; a result chosen with the arrow keys opens its page.
func TestBrowserSearchBox(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	seedSearchRecords(t, f.store, f.conn.ID)
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

	eval := func(js string) string {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(c, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	step(t, ctx, "press Ctrl+K", chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if id := eval(`document.activeElement.id`); id != "search-q" {
		t.Fatalf("Ctrl+K focused %q, want the search box", id)
	}
	option := `#search-suggest li[role=option]`
	step(t, ctx, "type an invoice number",
		chromedp.SendKeys(chromedp.CSS("#search-q"), "INV/2026/00042"),
		chromedp.WaitVisible(chromedp.CSS(`#search-suggest[data-q="INV/2026/00042"] li[role=option]`)),
	)
	if got := text(t, ctx, option); !strings.Contains(got, "Invoice INV/2026/00042 — Alpen Industrieservice <KG> — 1,234.50 EUR") {
		t.Fatalf("first live result %q", got)
	}
	if exp := eval(`document.getElementById("search-q").getAttribute("aria-expanded")`); exp != "true" {
		t.Fatalf("aria-expanded %q", exp)
	}
	shoot(t, ctx, "search-box")

	step(t, ctx, "press Enter for every result",
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS("#search-list")),
	)
	if got := text(t, ctx, "#search-list"); !strings.Contains(got, "Invoice INV/2026/00042") {
		t.Fatalf("results page %q", got)
	}
	if q := eval(`new URLSearchParams(location.search).get("q")`); q != "INV/2026/00042" {
		t.Fatalf("results page query %q", q)
	}
	shoot(t, ctx, "search-page")

	// A figure chosen with the arrow keys opens its page in aicoo.
	step(t, ctx, "choose a figure with the keyboard",
		chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.SendKeys(chromedp.CSS("#search-q"), "cash runwy"),
		// The list of the whole query, not of its first letters.
		chromedp.WaitVisible(chromedp.CSS(`#search-suggest[data-q="cash runwy"] li[role=option]`)),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.WaitVisible(chromedp.CSS(option+`[aria-selected="true"]`)),
		chromedp.KeyEvent("\r"),
	)
	// The page changes under the evaluation while it navigates: errors
	// until then are expected.
	want := "/analytics/finance/cash-runway"
	var at string
	for deadline := time.Now().Add(30 * time.Second); at != want && time.Now().Before(deadline); {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		at, _ = chromedp.Run(c, chromedp.Evaluate[string](`location.pathname`))
		cancel()
		time.Sleep(100 * time.Millisecond)
	}
	if at != want {
		t.Fatalf("Enter on the figure led to %q, want %q", at, want)
	}
}
