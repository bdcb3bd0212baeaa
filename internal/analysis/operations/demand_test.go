package operations

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/seasonal"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// TestOverLead checks the expected consumption over a lead time and the
// half-width of its 80% band on hand-made weekly totals.
func TestOverLead(t *testing.T) {
	today, _ := odoo.ParseDate("2026-12-07")
	steady := seasonal.NewDaily(today.AddDays(-200), today)
	alternating := seasonal.NewDaily(today.AddDays(-200), today)
	for i := range steady.Values {
		steady.Values[i] = 10
		// Weeks (ending on today) of 70 and 140: sd of the 13 weekly
		// totals 36.23 (7 of 70, 6 of 140).
		if (len(steady.Values)-1-i)/7%2 == 0 {
			alternating.Values[i] = 10
		} else {
			alternating.Values[i] = 20
		}
	}
	dm := &demand{products: map[int64]seasonal.Daily{1: steady, 2: alternating}, profile: seasonal.Flat()}
	sd := math.Sqrt((7*math.Pow(70-1330.0/13, 2) + 6*math.Pow(140-1330.0/13, 2)) / 12)
	tests := []struct {
		name         string
		product      int64
		lead         int
		need, spread float64
		ok           bool
	}{
		{"steady demand has no spread", 1, 14, 140, 0, true},
		{"weekly swings", 2, 14, 14 * 1330.0 / 91, bandZ * sd * math.Sqrt(2+4/13.0), true},
		{"four weeks", 2, 28, 28 * 1330.0 / 91, bandZ * sd * math.Sqrt(4+16/13.0), true},
		{"unknown product", 3, 14, 0, 0, false},
		{"no lead time", 1, 0, 0, 0, false},
	}
	for _, tc := range tests {
		need, spread, ok := dm.overLead(tc.product, today, tc.lead)
		if ok != tc.ok || math.Abs(need-tc.need) > 1e-6 || math.Abs(spread-tc.spread) > 1e-6 {
			t.Errorf("%s: need %.4f spread %.4f ok %v, want %.4f %.4f %v", tc.name, need, spread, ok, tc.need, tc.spread, tc.ok)
		}
	}
}

// TestDemandOnDemo backtests the weekly demand forecast of the small demo
// company (seed 1, books ending on a Monday in December) and checks the
// stock-out insights read it: the model chosen is the one with the lower
// MAPE, the seasonal forecast beats the naive and seasonal-naive
// baselines at every horizon, and a product at risk has its days of cover
// at the forecast and, shorter, at the top of the band.
func TestDemandOnDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	src := analysis.DatasetSource{DS: ds}
	tabs, err := DemandBacktests(ctx, src, odoo.DateOf(today))
	if err != nil || len(tabs) != 1 {
		t.Fatalf("backtests %v: %v", tabs, err)
	}
	tab := tabs[0]
	if tab.Origins < 40 || tab.Seasonal != tab.Origins || len(tab.Scores) != 3 {
		t.Fatalf("%d origins, %d seasonal, %d horizons", tab.Origins, tab.Seasonal, len(tab.Scores))
	}
	var s, r float64
	for _, sc := range tab.Scores {
		for _, m := range []seasonal.Model{seasonal.Naive, seasonal.SeasonalNaive} {
			if sc.MAPE[seasonal.Seasonal] >= sc.MAPE[m] || sc.MAE[seasonal.Seasonal] >= sc.MAE[m] {
				t.Errorf("%d weeks: seasonal MAPE %.3f MAE %.2f, %v MAPE %.3f MAE %.2f", sc.Horizon, sc.MAPE[seasonal.Seasonal],
					sc.MAE[seasonal.Seasonal], m, sc.MAPE[m], sc.MAE[m])
			}
		}
		s, r = s+sc.MAPE[seasonal.Seasonal], r+sc.MAPE[seasonal.RunRate]
	}
	if model, why := tab.Choose(); (model == seasonal.Seasonal) != (s < r) {
		t.Errorf("chose %v (%s) with MAPE sums %.3f seasonal, %.3f run-rate", model, why, s, r)
	}
	res, err := New().Analyze(ctx, &analysis.Env{Source: src, Today: odoo.DateOf(today)})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, in := range res.Insights {
		if in.Kind != KindStockoutRisk || in.Facts["forecast_qty"] <= 0 {
			continue
		}
		cover, high, ok := in.Facts["days_of_cover"], in.Facts["days_of_cover_high_demand"], in.Facts["need_over_lead_high"] > 0
		if !ok || high > cover || high < 0 {
			t.Errorf("%s: days of cover %.2f, at high demand %.2f (facts %v)", in.Title, cover, high, in.Facts)
		}
		if s < r && in.Facts["forecast_need_over_lead"] <= 0 {
			t.Errorf("%s: the seasonal model is chosen but no forecast_need_over_lead in %v", in.Title, in.Facts)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no stock-out insight with stock left to check")
	}
}
