package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
)

// TestOverviewCharts: on a demo company whose records were just synced,
// the overview draws the figure history from 24 months back.
func TestOverviewCharts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	today := time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"res.company", "res.currency", "account.move", "account.move.line", "account.journal", "account.account", "crm.lead", "crm.stage"} {
		var params []store.OdooRecordParams
		for _, r := range ds.Records(m) {
			data, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			params = append(params, store.OdooRecordParams{OdooID: r.ID(), Active: true, Data: data})
		}
		if err := b.store.OdooRecordUpsertMany(ctx, b.conn.ID, m, params); err != nil {
			t.Fatal(err)
		}
		if err := b.store.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: b.conn.ID, Model: m, Status: store.OdooSyncOK}); err != nil {
			t.Fatal(err)
		}
	}
	u := &history.Updater{Store: b.store, Now: func() time.Time { return today },
		Source: func(id int64) analysis.Source { return analysis.StoreSource{Store: b.store, ConnectionID: id} }}
	if _, err := u.Update(ctx, b.conn.ID); err != nil {
		t.Fatal(err)
	}
	first, err := b.store.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: b.conn.ID, CompanyID: 1,
		Metrics: []string{history.Cash}, From: "2023-06-30", To: "2023-06-30"})
	if err != nil || len(first) != 1 {
		t.Fatalf("cash on 30 June 2023: %v, %v", first, err)
	}
	c := b.client(t)
	if _, err := c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(b.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	for _, want := range []string{
		`id="chart-cash"`, `id="chart-ar-aging"`, `id="chart-revenue"`, `id="chart-deals"`,
		// The first point is the month end 24 months back, with its value.
		"<title>Jun 2023: " + chart.Number(first[0].Value, 0) + " EUR</title>",
		`href="/analytics/finance/metrics/finance.cash.position"`,
		"Show the figures as a table",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(page, "NaN") || strings.Contains(page, "e+0") {
		t.Error("overview shows a non-number")
	}
}
