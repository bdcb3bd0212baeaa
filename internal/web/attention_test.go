package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// TestOverviewAttention: the overview ranks open alerts by money at stake,
// not by priority (a critical stock-out of a part with little sales comes
// after a large overdue invoice), shows the driving figure in words, and a
// snoozed alert leaves the list and says until when on the API.
func TestOverviewAttention(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	raise := func(fp, prio, title, kind string, facts map[string]float64) int64 {
		data, _ := json.Marshal(map[string]any{"kind": kind, "facts": facts})
		a, _, err := f.store.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: f.conn.ID, Fingerprint: fp, Type: "finance", Priority: prio, Title: title, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	part := raise("fp-part", store.PriorityCritical, "Cheap part runs short", "stockout_risk",
		map[string]float64{"revenue_at_risk": 120, "open_order_value": 0, "sales_over_lead": 120, "lead_days": 10, "forecast_qty": -1})
	inv := raise("fp-inv", store.PriorityHigh, "Large invoice overdue", "overdue_invoice",
		map[string]float64{"amount_residual_signed": 34456, "days_overdue": 122})
	snoozed := raise("fp-snoozed", store.PriorityHigh, "Snoozed invoice", "overdue_invoice",
		map[string]float64{"amount_residual_signed": 1e6, "days_overdue": 200})
	if _, err := f.store.AlertSnooze(ctx, store.AlertActParams{ConnectionID: f.conn.ID, AlertID: snoozed, Actor: "test", At: f.server.cfg.NowFunc()},
		f.server.cfg.NowFunc().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.server.overview.invalidate(f.conn.ID)
	body := read(t, f.do(t, "cfo", "GET", "/", ""))
	i, j := strings.Index(body, "Large invoice overdue"), strings.Index(body, "Cheap part runs short")
	if i < 0 || j < 0 || i > j {
		t.Fatalf("overview order: invoice at %d, part at %d; want the invoice first", i, j)
	}
	if !strings.Contains(body, "34,456.00") || !strings.Contains(body, "unpaid, 122 days overdue") {
		t.Errorf("overview lacks the driving figure of the invoice")
	}
	if strings.Contains(body, "Snoozed invoice") {
		t.Errorf("a snoozed alert is on the attention list")
	}
	got := read(t, f.do(t, "cfo", "GET", fmt.Sprintf("/api/v1/alerts/%d", snoozed), ""))
	if !strings.Contains(got, `"snoozed_until":"`) {
		t.Errorf("API alert lacks snoozed_until: %s", got)
	}
	if page := read(t, f.do(t, "cfo", "GET", fmt.Sprintf("/alerts/%d", snoozed), "")); !strings.Contains(page, "snoozed until") {
		t.Errorf("alert page does not say until when it is snoozed")
	}
	ov := decode[overviewJSON](t, f.do(t, "cfo", "GET", "/api/v1/overview", ""))
	if len(ov.Attention) < 2 || ov.Attention[0].AlertID != inv || ov.Attention[0].Money != 34456 || ov.Attention[0].Driver != "34,456.00 EUR unpaid, 122 days overdue" || ov.Attention[0].Currency != "EUR" {
		t.Errorf("API attention: %+v", ov.Attention)
	}
	if !strings.Contains(body, `action="/alerts/acknowledge"`) {
		t.Errorf("the cfo's overview lacks the bulk acknowledge form")
	}
	if v := read(t, f.do(t, "viewer", "GET", "/", "")); strings.Contains(v, `action="/alerts/acknowledge"`) || !strings.Contains(v, "Large invoice overdue") {
		t.Errorf("the viewer's overview: want the list without the bulk acknowledge form")
	}
	// Sales sees no finance alert on its overview; admins reach operations.
	if body := read(t, f.do(t, "sales", "GET", "/", "")); strings.Contains(body, "Large invoice overdue") {
		t.Errorf("sales sees a finance alert on the overview")
	}
	if ops := read(t, f.do(t, "admin", "GET", "/operations", "")); !strings.Contains(ops, "Data from Odoo") || !strings.Contains(ops, "Monitoring jobs") {
		t.Errorf("operations page lacks its sections")
	}
	// Bulk acknowledge: the new ones are acknowledged, once.
	body = read(t, f.do(t, "cfo", "POST", "/api/v1/alerts/acknowledge", fmt.Sprintf(`{"ids": [%d, %d, 99999]}`, inv, part)))
	if want := fmt.Sprintf(`{"acknowledged":[%d,%d]}`, inv, part); strings.TrimSpace(body) != want {
		t.Errorf("bulk acknowledge: %s, want %s", body, want)
	}
	if body = read(t, f.do(t, "cfo", "POST", "/api/v1/alerts/acknowledge", fmt.Sprintf(`{"ids": [%d]}`, inv))); strings.TrimSpace(body) != `{"acknowledged":[]}` {
		t.Errorf("second bulk acknowledge: %s", body)
	}
	if resp := f.do(t, "viewer", "POST", "/api/v1/alerts/acknowledge", fmt.Sprintf(`{"ids": [%d]}`, inv)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer bulk acknowledge: %d, want 403", resp.StatusCode)
	}
}

func read(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSinceYouLastLooked: the first visit has nothing to compare with; a
// visit more than sinceGap later lists what was raised and resolved in
// between, among the alerts the role sees; a reload keeps the comparison.
func TestSinceYouLastLooked(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	f := newFixture(t, Config{NowFunc: clock})
	ctx := context.Background()
	if body := read(t, f.do(t, "sales", "GET", "/", "")); strings.Contains(body, "Since you last looked") {
		t.Fatal("first visit shows a since-you-last-looked section")
	}
	advance(time.Second)
	for _, typ := range []string{"finance", "sales"} {
		if _, err := f.store.AlertRaiseWithEvent(ctx, store.AlertFireParams{AlertRaiseParams: store.AlertRaiseParams{ConnectionID: f.conn.ID,
			Fingerprint: "since-" + typ, Type: typ, Priority: "high", Title: "Raised meanwhile in " + typ}, At: clock()}); err != nil {
			t.Fatal(err)
		}
	}
	advance(45 * time.Minute)
	body := read(t, f.do(t, "sales", "GET", "/", ""))
	if !strings.Contains(body, "Since you last looked") || !strings.Contains(body, "Raised meanwhile in sales") {
		i := strings.Index(body, "<main")
		t.Fatalf("second visit lacks the section or the new sales alert: %s", body[i:min(len(body), i+3000)])
	}
	if strings.Contains(body, "Raised meanwhile in finance") {
		t.Errorf("sales sees a finance alert in the since section")
	}
	advance(time.Minute) // a reload after the cache: same comparison
	if body := read(t, f.do(t, "sales", "GET", "/", "")); !strings.Contains(body, "Raised meanwhile in sales") {
		t.Errorf("a reload lost the comparison")
	}
}
