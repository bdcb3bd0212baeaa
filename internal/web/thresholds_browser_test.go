package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// TestBrowserCFOChangesOverdueThreshold: a CFO opens Settings → Thresholds,
// previews 45 days instead of 60 (one more overdue invoice on the synced
// data), saves, and sees the saved value. With AICOO_SCREENSHOT_DIR set it
// keeps screenshots of the page at 1440 and 390 pixels wide.
func TestBrowserCFOChangesOverdueThreshold(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	seedInvoices(t, f.store, f.conn.ID, time.Now().UTC())
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
	input := `input[id="v-finance.overdue_days"]`
	row := `tr[id="t-finance.overdue_days"]`
	step(t, ctx, "open the thresholds page from Analytics",
		chromedp.Click(chromedp.CSS(`nav a[href="/analytics"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/settings/thresholds"]`)),
		chromedp.Click(chromedp.CSS(`main a[href="/settings/thresholds"]`)),
		chromedp.WaitVisible(chromedp.CSS(input)),
	)
	shoot(t, ctx, "thresholds")
	step(t, ctx, "preview 45 days",
		chromedp.SetValue(chromedp.CSS(input), "45"),
		chromedp.Click(chromedp.CSS(row+` button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.CSS("#preview")),
	)
	if got := text(t, ctx, "#preview"); !strings.Contains(got, "With 45 instead of 60, 1 more finance finding (4 instead of 3).") {
		t.Fatalf("preview %q", got)
	}
	shoot(t, ctx, "thresholds-preview")
	// The form keeps the proposed value, so Save saves what was previewed.
	step(t, ctx, "save",
		chromedp.Click(chromedp.CSS(row+` button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+` button[value="reset"]`)),
	)
	if got := text(t, ctx, row+" .notice"); !strings.Contains(got, "Saved; the next analysis uses it.") {
		t.Fatalf("notice %q", got)
	}
	if got := text(t, ctx, row+" td:nth-child(2)"); !strings.Contains(got, "45 days") {
		t.Fatalf("value cell %q", got)
	}
}

// shoot saves full-page screenshots at desktop and phone widths into
// $AICOO_SCREENSHOT_DIR, when set, for people to look at.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("AICOO_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	for _, w := range []int64{1440, 390} {
		step(t, ctx, "resize", chromedp.EmulateViewport(w, 900))
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		png, err := chromedp.Run(c, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
		cancel()
		if err != nil {
			t.Fatalf("screenshot %s at %d: %v", name, w, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+strconv.FormatInt(w, 10)+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step(t, ctx, "restore the viewport", chromedp.EmulateViewport(1280, 900))
}

// TestBrowserAdminSchedulesAndTokens: an administrator is refused a too
// frequent schedule on the Jobs page with the reason in the job's row, saves
// a valid one, then creates an API token on their own page and sees it once.
func TestBrowserAdminSchedulesAndTokens(t *testing.T) {
	t.Parallel()
	open := browser(t)
	f := newFixture(t, Config{})
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UserSetPassword(context.Background(), f.users[store.RoleAdmin].ID, hash); err != nil {
		t.Fatal(err)
	}
	ctx := open()
	screenshotOnFailure(t, map[string]context.Context{"admin": ctx})
	login(t, ctx, f.srv.URL, "admin-user", "correct horse battery")
	input := fmt.Sprintf("#s-%d", f.jobIDs["finance"])
	row := `tr[id="job-finance"]`
	step(t, ctx, "a too frequent schedule",
		chromedp.Navigate(f.srv.URL+"/jobs"),
		chromedp.WaitVisible(chromedp.CSS(input)),
		chromedp.SetValue(chromedp.CSS(input), "@every 1m"),
		chromedp.Click(chromedp.CSS(row+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+" .error")),
	)
	if got := text(t, ctx, row+" .error"); !strings.Contains(got, "may run at most every 5 minutes") {
		t.Fatalf("error %q", got)
	}
	shoot(t, ctx, "jobs-refused")
	step(t, ctx, "a valid schedule",
		chromedp.SetValue(chromedp.CSS(input), "@every 30m"),
		chromedp.Click(chromedp.CSS(row+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+" .notice")),
	)
	step(t, ctx, "create a token",
		chromedp.Click(chromedp.CSS(`a[href="/account/tokens"]`)),
		chromedp.WaitVisible(chromedp.CSS("#token-name")),
		chromedp.SendKeys(chromedp.CSS("#token-name"), "grafana"),
		chromedp.Click(chromedp.CSS(`form[action="/account/tokens"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#new-token")),
	)
	if got := text(t, ctx, "#new-token"); !strings.HasPrefix(got, APITokenPrefix) {
		t.Fatalf("token %q", got)
	}
	shoot(t, ctx, "tokens-created")
}
