package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// TestBrowserAsk asks on the Ask page with a real browser: the answer
// appears while it is written (before its sources), then shows the tools
// used and its source links; the new thread is listed, the address names
// it, and the page fits a phone's width.
func TestBrowserAsk(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	model := &scriptModel{enabled: true, delay: 150 * time.Millisecond,
		answer: "Cash is 1,200.50 EUR today, and the invoice below is the largest one still open on the books."}
	srv, err := New(Config{Store: f.store, Ask: newAsker(t, f.store, model), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	base := newServer(t, srv)
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UserSetPassword(context.Background(), f.users[store.RoleCFO].ID, hash); err != nil {
		t.Fatal(err)
	}
	ctx := open()
	screenshotOnFailure(t, map[string]context.Context{"ask": ctx})
	login(t, ctx, base, "cfo-user", "correct horse battery")
	step(t, ctx, "ask a question",
		chromedp.Navigate(base+"/ask"),
		chromedp.WaitVisible(chromedp.CSS("#ask-question")),
		chromedp.SendKeys(chromedp.CSS("#ask-question"), "How much cash do we have?"),
		chromedp.Click(chromedp.CSS(`#ask-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ask-user .ask-q")),
	)
	// Streaming: part of the answer is on the page before it is complete.
	sawPartial := false
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && !sawPartial {
		ectx, cancel := context.WithTimeout(ctx, 10*time.Second)
		partial, err := chromedp.Run(ectx, chromedp.Evaluate[bool](`(() => {
			const a = document.querySelector(".ask-assistant .ask-a");
			return !!a && a.textContent.startsWith("Cash") && !a.textContent.includes("books.") && !document.querySelector(".ask-assistant .ask-sources");
		})()`))
		cancel()
		if err != nil {
			t.Fatalf("read the answer: %v", err)
		}
		sawPartial = partial
		time.Sleep(50 * time.Millisecond)
	}
	if !sawPartial {
		t.Fatal("the answer did not appear while it was written")
	}
	step(t, ctx, "see the complete answer with its sources",
		chromedp.WaitVisible(chromedp.CSS(`.ask-assistant .ask-sources a[href="/analytics/finance/metrics/finance.cash.position"]`)),
	)
	if a := text(t, ctx, ".ask-assistant .ask-a"); a != model.answer {
		t.Fatalf("answer %q", a)
	}
	if tools := text(t, ctx, ".ask-assistant .ask-tools"); tools != "Tools used: metric" {
		t.Fatalf("tools line %q", tools)
	}
	ectx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	odoo, err := chromedp.Run(ectx, chromedp.Evaluate[string](`document.querySelector('.ask-assistant .ask-sources a[target="_blank"]').href`))
	if err != nil || odoo != "https://acme.odoo.com/web#id=42&model=account.move&view_type=form" {
		t.Fatalf("Odoo link %q, %v", odoo, err)
	}
	loc, err := chromedp.Run(ectx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil || !strings.HasPrefix(loc, "/ask?thread=") {
		t.Fatalf("address %q, %v", loc, err)
	}
	if list := text(t, ctx, "#ask-thread-list"); !strings.Contains(list, "How much cash do we have?") {
		t.Fatalf("thread list %q", list)
	}
	// The stored thread, reloaded, shows the same answer; on a phone the
	// page does not scroll sideways.
	step(t, ctx, "reload the thread at phone width",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+loc),
		chromedp.WaitVisible(chromedp.CSS(".ask-assistant .ask-sources")),
	)
	wide, err := chromedp.Run(ectx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Fatalf("the page scrolls sideways at 390 px (%v)", err)
	}
	if a := text(t, ctx, ".ask-assistant .ask-a"); a != model.answer {
		t.Fatalf("stored answer %q", a)
	}
}
