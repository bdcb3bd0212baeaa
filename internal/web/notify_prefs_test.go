package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestNotifyPrefsPage: a person saves their channels, a minimum priority
// for SMS, quiet hours that critical alerts break, and areas; reads them
// back from the API; a quiet window that starts when it ends is refused.
func TestNotifyPrefsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	form := url.Values{"channels": {"email", "sms"}, "min_sms": {"critical"}, "min_email": {"low"}, "quiet": {"1"}, "quiet_start": {"22:00"},
		"quiet_end": {"07:00"}, "critical_breaks": {"1"}, "areas": {"finance"}}
	if resp := f.form(t, store.RoleCFO, "/account/notifications", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, readAll(t, resp))
	}
	got := decode[store.NotifyPrefs](t, f.do(t, store.RoleCFO, "GET", "/api/v1/me/notifications", ""))
	if strings.Join(got.Channels, ",") != "email,sms" || got.MinPriority["sms"] != "critical" || got.MinPriority["email"] != "" ||
		got.QuietStart != "22:00" || !got.CriticalBreaksQuiet || strings.Join(got.Areas, ",") != "finance" || got.Digest {
		t.Fatalf("saved %+v", got)
	}
	page := readAll(t, f.do(t, store.RoleCFO, "GET", "/account/notifications", ""))
	if !strings.Contains(page, `name="critical_breaks" value="1" checked`) || !strings.Contains(page, `value="22:00"`) {
		t.Error("the page does not show the saved preferences")
	}
	// The sales user is offered only the areas their role sees.
	if sales := readAll(t, f.do(t, store.RoleSales, "GET", "/account/notifications", "")); strings.Contains(sales, `value="finance"`) {
		t.Error("sales is offered the finance area")
	}
	form.Set("quiet_end", "22:00")
	if resp := f.form(t, store.RoleCFO, "/account/notifications", form); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an empty quiet window: %d", resp.StatusCode)
	}
	if resp := f.do(t, store.RoleCFO, "POST", "/api/v1/me/notifications", `{"channels": ["pager"]}`); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown channel: %d", resp.StatusCode)
	}
}
