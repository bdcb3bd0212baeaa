package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// chromiumPath finds Chromium, or skips the test (fails it when CI=true,
// where Chromium is installed by .ci/run).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("browser tests need Chromium (Debian package chromium); CI must install it")
	}
	t.Skip("skipping browser test: no Chromium found (install the Debian package chromium)")
	return ""
}

// browser starts a headless Chromium for the test and returns a function
// that opens a fresh session (its own cookies) in it.
func browser(t *testing.T) func() context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	if err := chromedp.Do(root); err != nil { // starts the browser
		cancelRoot()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	return func() context.Context {
		ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(ctx); err != nil {
			t.Fatalf("open a browser session: %v", err)
		}
		return ctx
	}
}

// screenshotOnFailure saves a screenshot of each session when the test has
// failed, in $AICOO_SCREENSHOT_DIR or the system's temporary folder.
func screenshotOnFailure(t *testing.T, sessions map[string]context.Context) {
	t.Helper()
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		dir := os.Getenv("AICOO_SCREENSHOT_DIR")
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "aicoo-browser-failures")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Logf("screenshots: %v", err)
			return
		}
		for name, ctx := range sessions {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
			cancel()
			if err != nil {
				t.Logf("screenshot of %s: %v", name, err)
				continue
			}
			p := filepath.Join(dir, fmt.Sprintf("%s-%s.png", strings.ReplaceAll(t.Name(), "/", "_"), name))
			if err := os.WriteFile(p, png, 0o644); err != nil {
				t.Logf("screenshot of %s: %v", name, err)
				continue
			}
			t.Logf("screenshot of %s saved to %s", name, p)
		}
	})
}

// step runs browser actions with a time limit (the browser itself outlives
// it).
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func login(t *testing.T, ctx context.Context, base, username, password string) {
	t.Helper()
	step(t, ctx, "sign in as "+username,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".cards")),
	)
}

// TestBrowserLoginOverviewAcknowledgeLive signs in with a real browser, sees
// the overview's figures, acknowledges an alert, watches the change arrive
// live in a second browser session, and opens a briefing in a third.
func TestBrowserLoginOverviewAcknowledgeLive(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	ctx := context.Background()
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*store.User{f.users[store.RoleCFO], f.users[store.RoleCEO]} {
		if err := f.store.UserSetPassword(ctx, u.ID, hash); err != nil {
			t.Fatal(err)
		}
	}
	first, second := open(), open()
	screenshotOnFailure(t, map[string]context.Context{"first": first, "second": second})

	login(t, first, f.srv.URL, "cfo-user", "correct horse battery")
	cards := text(t, first, ".cards")
	if !strings.Contains(cards, "Cash") || !strings.Contains(cards, "1,234 EUR") {
		t.Fatalf("overview cards lack the cash figure: %q", cards)
	}
	if title := text(t, first, "main h1"); title != "Overview" {
		t.Fatalf("overview heading %q", title)
	}

	login(t, second, f.srv.URL, "ceo-user", "correct horse battery")
	id := f.alerts["finance"]
	row := fmt.Sprintf("#alert-%d", id)
	step(t, second, "open the alerts page and its live feed",
		chromedp.Navigate(f.srv.URL+"/alerts"),
		chromedp.WaitVisible(chromedp.CSS(row+`[data-status="new"]`)),
		chromedp.WaitReady(chromedp.CSS(`#live[data-state="open"]`)),
	)
	if txt := text(t, second, row); !strings.Contains(txt, "finance alert <script>alert(1)</script>") {
		t.Fatalf("the alert title must show as text, got %q", txt)
	}

	step(t, first, "acknowledge the alert",
		chromedp.Navigate(f.srv.URL+"/alerts"),
		chromedp.WaitVisible(chromedp.CSS(row+` button[aria-label^="Acknowledge"]`)),
		chromedp.Click(chromedp.CSS(row+` button[aria-label^="Acknowledge"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+`[data-status="acknowledged"]`)),
	)
	// The second session did not reload: the change arrives over SSE.
	step(t, second, "see the acknowledgement arrive live",
		chromedp.WaitVisible(chromedp.CSS(row+`[data-status="acknowledged"]`)),
	)
	if live := text(t, second, "#live"); !strings.Contains(live, "acknowledged") {
		t.Fatalf("live status line %q", live)
	}

	// Open today's briefing from the archive, rendered from its Markdown
	// by the real generator: a server with it over the same store.
	bsrv, err := New(Config{Store: f.store, Briefings: newGenerator(t, f.store), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	bts := httptest.NewServer(bsrv.Handler())
	t.Cleanup(bts.Close)
	third := open()
	screenshotOnFailure(t, map[string]context.Context{"briefing": third})
	login(t, third, bts.URL, "cfo-user", "correct horse battery")
	link := fmt.Sprintf(`a[href="/briefings/%d"]`, f.briefings[store.RoleCFO])
	step(t, third, "open today's briefing from the archive",
		chromedp.Navigate(bts.URL+"/briefings"),
		chromedp.WaitVisible(chromedp.CSS(link)),
		chromedp.Click(chromedp.CSS(link)),
		chromedp.WaitVisible(chromedp.CSS("article.briefing strong")),
	)
	if h := text(t, third, "article.briefing h1"); h != "Briefing for cfo" {
		t.Fatalf("briefing heading %q", h)
	}
	if b := text(t, third, "article.briefing strong"); b != "1,234 EUR" {
		t.Fatalf("briefing figure %q", b)
	}
	// The Markdown's <script> is removed by the sanitiser, not run.
	ectx, cancel := context.WithTimeout(third, 30*time.Second)
	defer cancel()
	scripts, err := chromedp.Run(ectx, chromedp.Evaluate[int](`document.querySelectorAll("article.briefing script").length`))
	if err != nil {
		t.Fatalf("count scripts in the briefing: %v", err)
	}
	if scripts != 0 {
		t.Fatalf("the briefing kept %d script elements", scripts)
	}
}
