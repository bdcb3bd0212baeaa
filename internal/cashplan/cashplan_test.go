package cashplan_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

var today = time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)

// synced generates the small demo company and copies every model into a
// fresh SQLite store, as a completed sync leaves it.
func synced(t *testing.T) (*store.Store, int64, *dataset.Dataset) {
	t.Helper()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	s := storetest.Open(t, store.SQLite)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo", OdooURL: "http://odoo.test", OdooDatabase: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, s, conn.ID, ds, today)
	return s, conn.ID, ds
}

func TestPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, conn, ds := synced(t)
	svc := cashplan.New(s, func() time.Time { return today })

	if _, err := svc.Plan(ctx, conn+1, false); !errors.Is(err, analysis.ErrUnavailable) {
		t.Fatalf("a connection never synced: %v", err)
	}
	plan, err := svc.Plan(ctx, conn, false)
	if err != nil {
		t.Fatal(err)
	}
	// The served forecast is the forecast of the records themselves.
	want, err := forecast.Compute(ctx, analysis.DatasetSource{DS: ds}, odoo.DateOf(today), forecast.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, w := plan.Company(0), want.Companies[0]
	if len(c.Weeks) != 13 || c.OpeningCash != w.OpeningCash || c.Weeks[12].Closing != w.Weeks[12].Closing {
		t.Fatalf("served %v / %v, computed %v / %v", c.OpeningCash, c.Weeks[12].Closing, w.OpeningCash, w.Weeks[12].Closing)
	}
	if again, _ := svc.Plan(ctx, conn, false); again.Forecast != plan.Forecast {
		t.Error("the same day's plan was computed again before a new sync")
	}
	named := 0
	for _, it := range c.Items {
		if it.PartnerID != 0 && plan.Partners[it.PartnerID] != "" {
			named++
		}
	}
	if named == 0 {
		t.Error("no item's partner is named")
	}

	// Switching a recurring flow off removes its projections.
	if len(c.Recurring) == 0 {
		t.Fatal("the demo company has no recurring flow")
	}
	flow := c.Recurring[0]
	if err := svc.SwitchFlow(ctx, conn, "partner:999999", true, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown flow: %v", err)
	}
	if err := svc.SwitchFlow(ctx, conn, flow.ID, true, 1); err != nil {
		t.Fatal(err)
	}
	off, err := svc.Plan(ctx, conn, false)
	if err != nil {
		t.Fatal(err)
	}
	oc := off.Company(0)
	if oc.Recurring[0].Enabled || oc.Weeks[12].Closing == c.Weeks[12].Closing || len(off.Off) != 1 {
		t.Fatalf("switched off %s: enabled %v, closing %v (was %v)", flow.ID, oc.Recurring[0].Enabled, oc.Weeks[12].Closing, c.Weeks[12].Closing)
	}

	// A newer sync loads the records again.
	if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn, Model: "account.move", Status: store.OdooSyncOK, LastSuccessAt: today.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if later, _ := svc.Plan(ctx, conn, false); later.Forecast == off.Forecast || !later.SyncedAt.Equal(today.Add(time.Hour)) {
		t.Error("a newer sync did not reload the forecast")
	}
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, conn, _ := synced(t)
	svc := cashplan.New(s, func() time.Time { return today })
	plan, err := svc.Plan(ctx, conn, false)
	if err != nil {
		t.Fatal(err)
	}
	c := plan.Company(0)
	var customer int64
	for _, it := range c.Items {
		if it.Layer == forecast.LayerInvoice && it.Amount > 0 {
			customer = it.PartnerID
			break
		}
	}
	bad := []forecast.Scenario{
		{Name: "", Changes: []forecast.Change{{Kind: forecast.ChangeCustomerNever, PartnerID: customer}}},
		{Name: "no changes"},
		{Name: "no customer", Changes: []forecast.Change{{Kind: forecast.ChangeCustomerDelay, Days: 30}}},
		{Name: "too late", Changes: []forecast.Change{{Kind: forecast.ChangeCustomerDelay, PartnerID: customer, Days: 900}}},
		{Name: "hire without cost", Changes: []forecast.Change{{Kind: forecast.ChangeHire, Date: odoo.DateOf(today)}}},
		{Name: "teleport", Changes: []forecast.Change{{Kind: "teleport"}}},
	}
	for _, sc := range bad {
		var ce *cashplan.CheckError
		if _, err := svc.SaveScenario(ctx, conn, 0, sc, 1); !errors.As(err, &ce) {
			t.Errorf("%q saved: %v", sc.Name, err)
		}
	}
	sc := forecast.Scenario{Name: "Customer never pays, hire in July", MinCash: c.OpeningCash,
		Changes: []forecast.Change{{Kind: forecast.ChangeCustomerNever, PartnerID: customer},
			{Kind: forecast.ChangeHire, Amount: 6000, Date: odoo.DateOf(today.AddDate(0, 0, 14))}}}
	saved, err := svc.SaveScenario(ctx, conn, 0, sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveScenario(ctx, conn, 0, sc, 1); err == nil {
		t.Error("a second scenario of the same name saved")
	}
	got, err := svc.ScenarioByID(ctx, conn, saved.ID)
	if err != nil || len(got.Changes) != 2 || got.Changes[1].Amount != 6000 {
		t.Fatalf("read back %+v %v", got, err)
	}
	res, err := cashplan.Run(c, got.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	if res.Weeks[12].Closing >= c.Weeks[12].Closing || res.Matched[0] == 0 || res.Breach == nil {
		t.Errorf("scenario: closing %v vs base %v, matched %v, breach %v", res.Weeks[12].Closing, c.Weeks[12].Closing, res.Matched, res.Breach)
	}
	if err := svc.DeleteScenario(ctx, conn, saved.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := svc.Scenarios(ctx, conn); len(list) != 0 {
		t.Errorf("left after delete: %v", list)
	}
}

func TestTool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, conn, _ := synced(t)
	svc := cashplan.New(s, func() time.Time { return today })
	reg := ask.NewRegistry(access.New(areas.Catalogue()))
	if err := reg.Add(cashplan.Tool(svc)); err != nil {
		t.Fatal(err)
	}
	cfo := ask.Caller{Role: store.RoleCFO, ConnectionID: conn}
	out, err := reg.Call(ctx, cfo, "cash_forecast", json.RawMessage(`{"scenario": {"min_cash": 10000000, "changes": [{"kind": "hire", "amount": 8000, "date": "2025-07-01"}, {"kind": "customer_never", "partner_id": 999999}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Text, "Cash ") || !strings.Contains(out.Text, "under 10,000,000") || len(out.Sources) != 1 {
		t.Errorf("text %q", out.Text)
	}
	b, _ := json.Marshal(out.Data)
	if !strings.Contains(string(b), `"changes_matching_nothing":[2]`) || !strings.Contains(string(b), `"first_week_under_min_cash":1`) {
		t.Errorf("data %s", b)
	}
	if _, err := reg.Call(ctx, ask.Caller{Role: store.RoleSales, ConnectionID: conn}, "cash_forecast", nil); err == nil {
		t.Error("sales reads the cash forecast")
	}
	var in *ask.InputError
	if _, err := reg.Call(ctx, cfo, "cash_forecast", json.RawMessage(`{"scenario": {"changes": [{"kind": "hire"}]}}`)); !errors.As(err, &in) {
		t.Errorf("a hire without cost: %v", err)
	}
}
