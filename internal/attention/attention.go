// Package attention ranks what needs a person now: each open alert and each
// action waiting for approval, scored by the money at stake times how
// urgent it is, with the figure that drives the score in words.
//
// The money at stake of a finding comes from its facts (the insight's
// figures, in company currency):
//
//	overdue_invoice      the unpaid amount; urgency grows with the days overdue
//	stockout_risk        revenue at risk: open order lines of the product plus its
//	                     sales over the vendor lead time (not the part's unit price);
//	                     urgency grows as the days of cover fall below the lead time
//	churn_risk           the customer's trailing-12-month margin (their revenue when
//	                     the margin is unknown), weighted as a likelihood
//	low_cash_runway      the cash missing to cover the runway threshold's days of
//	                     outflows; urgency grows as the runway shrinks
//	stalled_deal         the deal's expected revenue weighted by its probability
//	duplicate_expense    the amount claimed twice
//	budget_overrun       spending above the budget
//	expense_budget_risk  the expected overrun (actual + pending - planned)
//	unusual_transaction  the amount above the usual one
//	payables_due_soon    the bills due beyond the cash on hand
//	series_anomaly       how far revenue, receipts or cash fell below their usual
//	                     range, or an expense category rose above it
//
// Findings without money (late deliveries, bottlenecks, a failing job) rank
// after those with money, by priority.
package attention

import (
	"cmp"
	"fmt"
	"github.com/aicoo/aicoo/internal/numfmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Stake is what a finding puts at risk.
type Stake struct {
	// Money is the amount at stake in company currency; 0 when the finding
	// carries none.
	Money float64
	// Urgency multiplies Money: 1 is ordinary, up to 3 for the most
	// pressing, below 1 for what is only likely to happen.
	Urgency float64
	// Score is Money × Urgency, the rank.
	Score float64
	// Driver says, in words and money, the figure behind the score.
	Driver string
}

// Item is one thing that may need a person: an open alert or an action
// waiting for approval.
type Item struct {
	AlertID  int64 // 0 for an action
	ActionID int64 // the waiting action (alone, or behind the alert)
	Kind     string
	Area     string
	Priority string
	Title    string
	Subject  string
	Currency string // company currency code
	Facts    map[string]float64
	Since    time.Time
	Snoozed  bool
	Stake    Stake
}

// Assess computes the stake of a finding of kind about subject from its
// facts.
func Assess(kind, subject string, f map[string]float64, cur string) Stake {
	m := func(v float64) string { return numfmt.Money(v, cur) }
	var s Stake
	switch kind {
	case "overdue_invoice":
		amt := f["amount_residual_signed"]
		if amt == 0 {
			amt = f["amount_residual"]
		}
		days := f["days_overdue"]
		s = Stake{Money: amt, Urgency: 1 + math.Min(days, 360)/180,
			Driver: fmt.Sprintf("%s unpaid, %s overdue", m(amt), plural(days, "day"))}
	case "stockout_risk":
		risk, lead := f["revenue_at_risk"], f["lead_days"]
		cover, hasCover := f["days_of_cover"]
		if !hasCover || f["forecast_qty"] <= 0 {
			cover = 0
		}
		urg := 1.0
		if lead > 0 {
			urg = 1 + clamp01(1-cover/lead)
		}
		when := "already short"
		if cover > 0 {
			when = "stock lasts " + plural(math.Floor(cover), "day")
		}
		if _, ok := f["revenue_at_risk"]; !ok {
			s = Stake{Urgency: urg, Driver: fmt.Sprintf("%s; the vendor needs %s (sales at risk unknown)", capital(when), plural(lead, "day"))}
			break
		}
		s = Stake{Money: risk, Urgency: urg, Driver: fmt.Sprintf("%s of sales at risk (%s in open orders, %s of sales over the %s lead time); %s",
			m(risk), m(f["open_order_value"]), m(f["sales_over_lead"]), plural(lead, "-day"), when)}
	case "churn_risk":
		amt, what := f["margin_365d"], "margin"
		if _, ok := f["margin_365d"]; !ok {
			amt, what = f["revenue_365d"], "revenue"
		}
		ratio := 1.0
		if f["limit_days"] > 0 {
			ratio = math.Min(2, math.Max(1, f["days_since_last_order"]/f["limit_days"]))
		}
		s = Stake{Money: amt, Urgency: 0.5 * ratio,
			Driver: fmt.Sprintf("%s of %s in the last 12 months; no order for %s (usually every %s)", m(amt), what,
				plural(f["days_since_last_order"], "day"), plural(math.Round(f["median_gap_days"]), "day"))}
	case "low_cash_runway":
		days, limit := f["runway_days"], f["threshold_days"]
		if limit <= 0 {
			limit = 60
		}
		daily := 0.0
		if f["window_days"] > 0 {
			daily = f["outflow_window"] / f["window_days"]
		}
		short := math.Max(0, limit-days) * daily
		s = Stake{Money: short, Urgency: 1 + 2*clamp01(1-days/limit),
			Driver: fmt.Sprintf("Cash %s covers %s of outflows: %s short of %s", m(f["cash"]), plural(math.Floor(days), "day"), m(short), plural(limit, "day"))}
	case "stalled_deal":
		exp, p := f["expected_revenue"], f["probability"]
		w := exp * p / 100
		ratio := 1.0
		if f["limit_days"] > 0 {
			ratio = math.Min(2, math.Max(1, f["idle_days"]/f["limit_days"]))
		}
		s = Stake{Money: w, Urgency: 0.5 * ratio,
			Driver: fmt.Sprintf("%s deal at %.0f%% (%s weighted), idle %s", m(exp), p, m(w), plural(f["idle_days"], "day"))}
	case "duplicate_expense":
		s = Stake{Money: f["duplicated_amount"], Urgency: 1, Driver: fmt.Sprintf("%s may be claimed twice", m(f["duplicated_amount"]))}
	case "budget_overrun":
		over := math.Max(0, f["actual"]-f["planned"])
		s = Stake{Money: over, Urgency: 1, Driver: fmt.Sprintf("%s over a budget of %s", m(over), m(f["planned"]))}
	case "expense_budget_risk":
		over := math.Max(0, f["actual"]+f["pending"]-f["planned"])
		s = Stake{Money: over, Urgency: 0.75, Driver: fmt.Sprintf("%s expected over a budget of %s", m(over), m(f["planned"]))}
	case "unusual_transaction":
		amt := f["amount_total"]
		if amt == 0 {
			amt = f["amount"]
		}
		usual := f["median"]
		if usual == 0 {
			usual = f["category_median"]
		}
		over := math.Max(0, amt-usual)
		s = Stake{Money: over, Urgency: 0.5, Driver: fmt.Sprintf("%s against a usual %s", m(amt), m(usual))}
	case "payables_due_soon":
		short := math.Max(0, f["amount_due"]-f["cash"])
		s = Stake{Money: short, Urgency: 1, Driver: fmt.Sprintf("%s due within %s, cash %s", m(f["amount_due"]), plural(f["horizon_days"], "day"), m(f["cash"]))}
	case "series_anomaly":
		// Only a fall of money coming in, or a rise of money going out,
		// is at stake; counts (orders) and good surprises carry none.
		name := strings.Split(subject, ":")[min(1, len(strings.Split(subject, ":"))-1)]
		var gap float64
		switch {
		case name == "revenue" || name == "receipts" || name == "cash":
			gap = f["expected_low"] - f["observed"]
		case strings.HasPrefix(name, "expenses"):
			gap = f["observed"] - f["expected_high"]
		}
		if gap <= 0 || (name != "revenue" && name != "receipts" && name != "cash" && !strings.HasPrefix(name, "expenses")) {
			s = Stake{Urgency: 1}
			break
		}
		s = Stake{Money: gap, Urgency: 0.5, Driver: fmt.Sprintf("%s this week against an expected %s: %s outside the usual range",
			m(f["observed"]), m(f["expected"]), m(gap))}
	default:
		s = Stake{Urgency: 1}
	}
	s.Money = math.Max(0, s.Money)
	s.Score = s.Money * s.Urgency
	return s
}

// priorityRank orders priorities, most urgent first.
func priorityRank(p string) int {
	switch p {
	case "critical":
		return 0
	case "high":
		return 1
	case "medium":
		return 2
	case "low":
		return 3
	}
	return 4
}

// Rank assesses the items (unless Stake is already set) and orders them:
// those with money at stake by score, then the others by priority, newest
// first; snoozed items are dropped.
func Rank(items []Item) []Item {
	out := make([]Item, 0, len(items))
	for _, it := range items {
		if it.Snoozed {
			continue
		}
		if it.Stake.Urgency == 0 {
			it.Stake = Assess(it.Kind, it.Subject, it.Facts, it.Currency)
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b Item) int {
		if c := cmp.Compare(b.Stake.Score, a.Stake.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(priorityRank(a.Priority), priorityRank(b.Priority)); c != 0 {
			return c
		}
		if c := b.Since.Compare(a.Since); c != 0 {
			return c
		}
		return cmp.Compare(a.AlertID*1e6+a.ActionID, b.AlertID*1e6+b.ActionID)
	})
	return out
}

// plural writes "1 day", "3 days", or for unit "-day" the adjective "20-day".
func plural(n float64, unit string) string {
	if strings.HasPrefix(unit, "-") {
		return fmt.Sprintf("%.0f%s", n, unit)
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%.0f %ss", n, unit)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
