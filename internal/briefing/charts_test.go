package briefing_test

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// live returns the first figure of an analysis result with that name.
func live(t *testing.T, res *analysis.Result, name string) float64 {
	t.Helper()
	for _, m := range res.Metrics {
		if m.Name == name {
			return m.Value
		}
	}
	t.Fatalf("no live figure %s", name)
	return 0
}

// lastValue returns a series' last value that is not missing.
func lastValue(s chart.Series) float64 {
	for i := len(s.Values) - 1; i >= 0; i-- {
		if !math.IsNaN(s.Values[i]) {
			return s.Values[i]
		}
	}
	return math.NaN()
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestRoleCharts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := analyzed(t, demodata.SizeSmall)
	s := openStore(t)
	conn, users := seed(t, s, d)
	g := newGenerator(t, s, nil)

	// Without a figure history, only the operations charts (from the
	// stored analysis results) have values; the others are left out.
	b, err := g.Build(ctx, conn.ID, store.RoleCEO, today())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Facts.Charts) != 0 {
		t.Fatalf("CEO charts without history: %+v", b.Facts.Charts)
	}

	pts, err := history.Compute(ctx, analysis.DatasetSource{DS: d.ds}, history.Options{Today: odoo.DateOf(demoToday)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MetricPointReplace(ctx, conn.ID, "", pts); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		store.RoleCEO:   {"chart-cash", "chart-revenue"},
		store.RoleCFO:   {"chart-cash", "chart-ar-aging"},
		store.RoleSales: {"chart-revenue", "chart-deals"},
		store.RoleOps:   {"chart-stock", "chart-late-deliveries"},
	}
	for _, role := range roles {
		b, err := g.Build(ctx, conn.ID, role, today())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range b.Facts.Charts {
			ids = append(ids, c.ID)
			if c.Empty() {
				t.Errorf("%s: chart %s has no values", role, c.ID)
			}
		}
		if !slices.Equal(ids, want[role]) {
			t.Errorf("%s: charts %v, want %v", role, ids, want[role])
		}
	}

	cfo, err := g.Build(ctx, conn.ID, store.RoleCFO, today())
	if err != nil {
		t.Fatal(err)
	}
	cash := cfo.Facts.Charts[0]
	// Month ends from March 2024 to February 2026, then today, then maybe
	// the forecast's three points.
	if len(cash.Labels) < 25 || cash.Labels[0] != "Mar 2024" || cash.Labels[23] != "Feb 2026" || cash.Labels[24] != "9 Mar 2026" {
		t.Errorf("cash labels %v", cash.Labels)
	}
	if got, want := lastValue(cash.Series[0]), live(t, d.results["finance"], "finance.cash.position"); !near(got, want) || cash.Unit != "EUR" {
		t.Errorf("cash today on the chart %v %s, live figure %v EUR", got, cash.Unit, want)
	}
	aging := cfo.Facts.Charts[1]
	if len(aging.Series) != 5 || len(aging.Labels) != 12 || aging.Labels[11] != "9 Mar 2026" {
		t.Errorf("aging: %d series, labels %v", len(aging.Series), aging.Labels)
	}

	ops, err := g.Build(ctx, conn.ID, store.RoleOps, today())
	if err != nil {
		t.Fatal(err)
	}
	stock := ops.Facts.Charts[0]
	// The seeded results are today's, a day's and a week's old: the chart
	// starts on the oldest's day (not with 22 empty days), and each day
	// has the figure of the latest result by its end.
	if len(stock.Labels) != 8 || stock.Labels[0] != "2 Mar" || stock.Labels[7] != "9 Mar" || stock.Unit != "count" {
		t.Fatalf("stock chart labels %v, unit %s", stock.Labels, stock.Unit)
	}
	risk := stock.Series[0].Values
	if slices.ContainsFunc(risk, math.IsNaN) || !near(risk[7], live(t, d.results["operations"], "operations.stock.stockout_risk")) {
		t.Errorf("stock-out risk by day %v", risk)
	}
	if late := ops.Facts.Charts[1]; late.Unit != "ratio" || !near(lastValue(late.Series[0]), live(t, d.results["operations"], "operations.fulfillment.late_delivery_rate")) {
		t.Errorf("late deliveries %+v", late)
	}

	// Stored with the briefing, read back for the email, drawn.
	stored, _, err := g.GenerateForUser(ctx, conn.ID, users[store.RoleCFO].ID, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := briefing.StoredCharts(stored)
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 2 || charts[0].ID != "chart-cash" || !slices.Equal(charts[0].Labels, cash.Labels) {
		t.Fatalf("stored charts %+v", charts)
	}
	for _, c := range charts {
		if _, err := c.PNG(chart.PNGOptions{Scale: 1}); err != nil {
			t.Errorf("draw %s: %v", c.ID, err)
		}
	}
	raw, _ := json.Marshal(charts)
	if len(raw) > 8000 {
		t.Errorf("the CFO's charts take %d bytes of JSON: values, a few kilobytes at most", len(raw))
	}
}
