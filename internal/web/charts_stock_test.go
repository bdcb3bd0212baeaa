package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestStockValueChart: the operations page draws the backfilled stock
// value at each month end and today, with its table; a company without
// valuation layers (Odoo 19) gets no such chart.
func TestStockValueChart(t *testing.T) {
	t.Parallel()
	today := time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		version string
		drawn   bool
	}{{"17.0", true}, {"19.0", false}} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ctx := context.Background()
			ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today, OdooVersion: tc.version})
			if err != nil {
				t.Fatal(err)
			}
			models := []string{"res.company", "res.currency", "account.move", "account.move.line", "account.journal", "account.account"}
			if tc.drawn {
				models = append(models, "stock.valuation.layer")
			}
			storetest.CopyDataset(t, b.store, b.conn.ID, ds, today, models...)
			u := &history.Updater{Store: b.store, Now: func() time.Time { return today },
				Source: func(id int64) analysis.Source { return analysis.StoreSource{Store: b.store, ConnectionID: id} }}
			if _, err := u.Update(ctx, b.conn.ID); err != nil {
				t.Fatal(err)
			}
			srv, err := New(Config{Store: b.store})
			if err != nil {
				t.Fatal(err)
			}
			admin, err := b.store.UserByUsername(ctx, b.conn.ID, "admin")
			if err != nil {
				t.Fatal(err)
			}
			list, err := srv.historyCharts(ctx, admin, "operations")
			if err != nil {
				t.Fatal(err)
			}
			var c *chart.Chart
			for i := range list {
				if list[i].ID == "chart-stock-value" && !list[i].Empty() {
					c = &list[i]
				}
			}
			if !tc.drawn {
				if c != nil {
					t.Errorf("Odoo %s: a stock value chart %+v", tc.version, c)
				}
				return
			}
			if c == nil {
				t.Fatal("no stock value chart")
			}
			pts, err := b.store.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: b.conn.ID, CompanyID: 1,
				Metrics: []string{history.StockValue}, From: "2023-06-30", To: "2025-06-18"})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Labels) != 25 || len(pts) == 0 || c.Labels[0] != "Jun 2023" || c.Labels[24] != "18 Jun 2025" {
				t.Fatalf("labels %v (%d stored points), want the 24 month ends from June 2023 and today", c.Labels, len(pts))
			}
			first, last := pts[0], pts[len(pts)-1]
			if vals := c.Series[0].Values; vals[0] != first.Value || vals[24] != last.Value {
				t.Errorf("first and last values %v, %v, want the stored %v, %v", vals[0], vals[24], first.Value, last.Value)
			}
			html := string(c.HTML())
			for _, want := range []string{"Stock value over 24 months", "<table>",
				"<title>Jun 2023: " + numfmt.Number(first.Value, 0) + " EUR</title>", `href="/analytics/operations/stock-value"`} {
				if !strings.Contains(html, want) {
					t.Errorf("chart lacks %q", want)
				}
			}
		})
	}
}
