package attention_test

import (
	"math"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/attention"
	"github.com/aicoo/aicoo/internal/numfmt"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func TestAssess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind       string
		subject    string
		facts      map[string]float64
		money, urg float64
		driver     string
	}{
		{"overdue_invoice", "", map[string]float64{"amount_residual_signed": 34456, "amount_residual": 37000, "days_overdue": 122},
			34456, 1 + 122.0/180, "34,456.00 EUR unpaid, 122 days overdue"},
		{"overdue_invoice", "", map[string]float64{"amount_residual": 500, "days_overdue": 900}, 500, 3, "500.00 EUR unpaid, 900 days overdue"},
		// A stock-out is worth its revenue at risk, never the part's price.
		{"stockout_risk", "", map[string]float64{"revenue_at_risk": 12000, "open_order_value": 4000, "sales_over_lead": 8000,
			"lead_days": 20, "days_of_cover": 5, "forecast_qty": 10}, 12000, 1.75,
			"12,000.00 EUR of sales at risk (4,000.00 EUR in open orders, 8,000.00 EUR of sales over the 20-day lead time); stock lasts 5 days"},
		{"stockout_risk", "", map[string]float64{"revenue_at_risk": 0, "open_order_value": 0, "sales_over_lead": 0, "lead_days": 10, "forecast_qty": -3},
			0, 2, "0.00 EUR of sales at risk (0.00 EUR in open orders, 0.00 EUR of sales over the 10-day lead time); already short"},
		{"stockout_risk", "", map[string]float64{"lead_days": 10, "days_of_cover": 2.5, "forecast_qty": 5}, 0, 1.75,
			"Stock lasts 2 days; the vendor needs 10 days (sales at risk unknown)"},
		{"churn_risk", "", map[string]float64{"revenue_365d": 20000, "days_since_last_order": 120, "limit_days": 60, "median_gap_days": 30}, 20000, 1,
			"20,000.00 EUR of revenue in the last 12 months; no order for 120 days (usually every 30 days)"},
		{"churn_risk", "", map[string]float64{"margin_365d": 6000, "revenue_365d": 20000, "days_since_last_order": 70, "limit_days": 70, "median_gap_days": 30}, 6000, 0.5,
			"6,000.00 EUR of margin in the last 12 months; no order for 70 days (usually every 30 days)"},
		{"low_cash_runway", "", map[string]float64{"cash": 50000, "outflow_window": 180000, "window_days": 90, "runway_days": 25, "threshold_days": 60}, 70000, 1 + 2*35.0/60,
			"Cash 50,000.00 EUR covers 25 days of outflows: 70,000.00 EUR short of 60 days"},
		{"stalled_deal", "", map[string]float64{"expected_revenue": 40000, "probability": 25, "idle_days": 90, "limit_days": 30}, 10000, 1,
			"40,000.00 EUR deal at 25% (10,000.00 EUR weighted), idle 90 days"},
		{"duplicate_expense", "", map[string]float64{"duplicated_amount": 120.5}, 120.5, 1, "120.50 EUR may be claimed twice"},
		{"budget_overrun", "", map[string]float64{"actual": 1200, "planned": 1000}, 200, 1, "200.00 EUR over a budget of 1,000.00 EUR"},
		{"payables_due_soon", "", map[string]float64{"amount_due": 1000, "cash": 4000, "horizon_days": 14}, 0, 1, "1,000.00 EUR due within 14 days, cash 4,000.00 EUR"},
		{"late_deliveries", "", map[string]float64{"late_rate": 0.3}, 0, 1, ""},
		// A week of revenue far above its range is good news: nothing at stake.
		{"series_anomaly", "series:revenue:2025-W25", map[string]float64{"observed": 214818, "expected": 24697, "expected_low": 20000, "expected_high": 30000}, 0, 1, ""},
		{"series_anomaly", "series:revenue:2025-W25", map[string]float64{"observed": 5000, "expected": 24697, "expected_low": 20000, "expected_high": 30000}, 15000, 0.5,
			"5,000.00 EUR this week against an expected 24,697.00 EUR: 15,000.00 EUR outside the usual range"},
		{"series_anomaly", "series:expenses.4:2025-W25:company:2", map[string]float64{"observed": 5000, "expected": 1000, "expected_low": 500, "expected_high": 1500}, 3500, 0.5,
			"5,000.00 EUR this week against an expected 1,000.00 EUR: 3,500.00 EUR outside the usual range"},
		{"series_anomaly", "series:orders:2025-W25", map[string]float64{"observed": 1, "expected": 20, "expected_low": 15, "expected_high": 25}, 0, 1, ""},
	} {
		got := attention.Assess(tc.kind, tc.subject, tc.facts, "EUR")
		if !near(got.Money, tc.money) || !near(got.Urgency, tc.urg) || !near(got.Score, tc.money*tc.urg) || got.Driver != tc.driver {
			t.Errorf("%s %v:\n got %.2f × %.3f = %.2f %q\nwant %.2f × %.3f %q", tc.kind, tc.facts, got.Money, got.Urgency, got.Score, got.Driver,
				tc.money, tc.urg, tc.driver)
		}
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	items := []attention.Item{
		{AlertID: 1, Kind: "stockout_risk", Priority: "critical", Facts: map[string]float64{"revenue_at_risk": 300, "lead_days": 10, "forecast_qty": -1}},
		{AlertID: 2, Kind: "overdue_invoice", Priority: "high", Facts: map[string]float64{"amount_residual_signed": 34456, "days_overdue": 122}},
		{AlertID: 3, Kind: "late_deliveries", Priority: "high", Since: day},
		{AlertID: 4, Kind: "monitoring_job_failing", Priority: "critical", Since: day.Add(-time.Hour)},
		{AlertID: 5, Kind: "overdue_invoice", Priority: "critical", Snoozed: true, Facts: map[string]float64{"amount_residual_signed": 1e6, "days_overdue": 400}},
		{ActionID: 9, Kind: "stalled_deal", Priority: "medium", Facts: map[string]float64{"expected_revenue": 100000, "probability": 50, "idle_days": 10, "limit_days": 5}},
		{AlertID: 6, Kind: "late_deliveries", Priority: "high", Since: day.Add(time.Hour)},
	}
	got := attention.Rank(items)
	var order []int64
	for _, it := range got {
		order = append(order, it.AlertID*100+it.ActionID)
	}
	// 2: 34,456 × 1.68 = 57,8xx; action 9: 50,000 × 1 = 50,000; 1: 300 × 2;
	// then no money: critical 4, then the high ones newest first (6, 3);
	// the snoozed 5 leaves the list.
	want := []int64{200, 9, 100, 400, 600, 300}
	if len(order) != len(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    float64
		cur  string
		want string
	}{
		{0, "EUR", "0.00 EUR"}, {1234567.891, "USD", "1,234,567.89 USD"}, {-1000, "", "-1,000.00"}, {320.84999999999997, "EUR", "320.85 EUR"}, {-0.001, "EUR", "0.00 EUR"},
	} {
		if got := numfmt.Money(tc.v, tc.cur); got != tc.want {
			t.Errorf("Money(%v, %q) = %q, want %q", tc.v, tc.cur, got, tc.want)
		}
	}
}
