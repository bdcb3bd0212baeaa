package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/store"
)

// TestForecastPage: the CFO reads the 13 weeks of the demo company, opens
// what is behind a week, writes a scenario with a mistake and then right,
// compares it with the forecast and switches a recurring flow off; sales
// does not see the forecast and a viewer does not change it.
func TestForecastPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	syncedDemo(t, f.store, f.conn.ID)
	plans := cashplan.New(f.store, func() time.Time { return forecastDay })
	srv, err := New(Config{Store: f.store, CashPlan: plans, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()

	page := readAll(t, f.do(t, store.RoleCFO, "GET", "/forecast", ""))
	for _, want := range []string{"Cash forecast: the next 13 weeks", `id="cash-forecast"`, "Week 13", "Recurring flows", `href="/forecast?week=1#week-items"`} {
		if !strings.Contains(page, want) {
			t.Errorf("forecast page lacks %q", want)
		}
	}
	if week := readAll(t, f.do(t, store.RoleCFO, "GET", "/forecast?week=2", "")); !strings.Contains(week, "What is behind week 2") {
		t.Error("week 2's items are not listed")
	}
	if resp := f.do(t, store.RoleSales, "GET", "/forecast", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sales reads the forecast: %d", resp.StatusCode)
	}

	plan, err := plans.Plan(context.Background(), f.conn.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	c := plan.Company(0)
	var customer int64
	for _, it := range c.Items {
		if it.Layer == "invoice" && it.Amount > 0 {
			customer = it.PartnerID
			break
		}
	}
	form := url.Values{"name": {"Top customer never pays"}, "min_cash": {fmt.Sprint(c.OpeningCash)}, "kind0": {"customer_never"}}
	resp := f.form(t, store.RoleCFO, "/forecast/scenarios", form)
	if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "choose the customer") {
		t.Fatalf("a scenario without its customer: %d", resp.StatusCode)
	}
	form.Set("partner0", fmt.Sprint(customer))
	resp = f.form(t, store.RoleCFO, "/forecast/scenarios", form)
	readAll(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	compared := readAll(t, f.do(t, store.RoleCFO, "GET", resp.Header.Get("Location"), ""))
	for _, want := range []string{"The scenario is saved.", plan.Partners[customer] + " does not pay", "under the minimum of", "Top customer never pays</li>"} {
		if !strings.Contains(compared, want) {
			t.Errorf("compared page lacks %q", want)
		}
	}
	if resp := f.form(t, store.RoleViewer, "/forecast/scenarios", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer saves a scenario: %d", resp.StatusCode)
	}

	// The API: dates as strings, the scenario run on the forecast.
	api := readAll(t, f.do(t, store.RoleCEO, "GET", "/api/v1/forecast", ""))
	if !strings.Contains(api, `"as_of":"2025-06-18"`) || !strings.Contains(api, `"weeks":[{"week":1,"start":"2025-06-19"`) {
		t.Errorf("forecast API: %.300s", api)
	}
	list := decode[scenarioList](t, f.do(t, store.RoleCEO, "GET", "/api/v1/forecast/scenarios", ""))
	if len(list.Data) != 1 || list.Data[0].Result == nil || list.Data[0].Result.Breach == nil {
		t.Fatalf("scenarios: %+v", list)
	}

	flow := c.Recurring[0].ID
	if resp := f.form(t, store.RoleCFO, "/forecast/flows/"+flow+"/off", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch off: %d", resp.StatusCode)
	}
	if off := readAll(t, f.do(t, store.RoleCFO, "GET", "/forecast", "")); !strings.Contains(off, "switched off") {
		t.Error("the flow is not shown switched off")
	}
	if resp := f.do(t, store.RoleCFO, "DELETE", fmt.Sprintf("/api/v1/forecast/scenarios/%d", list.Data[0].ID), ""); resp.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", resp.StatusCode)
	}
}
