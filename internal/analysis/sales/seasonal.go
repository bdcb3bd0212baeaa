package sales

import (
	"context"
	"fmt"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/seasonal"
	"github.com/aicoo/aicoo/internal/odoo"
)

// RevenueHorizons are the horizons (months) the revenue backtest scores.
var RevenueHorizons = []int{1, 3, 6}

// revenueSeries returns company c's daily invoiced revenue (untaxed,
// company currency, credit notes negative) from its first invoice to
// today: as the books stand (actual) and, when known is not zero, only
// the invoices dated and entered by known.
func revenueSeries(invoices []invoice, c int64, today, known odoo.Date) seasonal.Daily {
	var first odoo.Date
	for _, inv := range invoices {
		if inv.company == c && !inv.day.IsZero() && (first.IsZero() || inv.day.Before(first)) {
			first = inv.day
		}
	}
	if first.IsZero() {
		return seasonal.Daily{Start: today}
	}
	s := seasonal.NewDaily(first, today)
	for _, inv := range invoices {
		if inv.company != c {
			continue
		}
		if !known.IsZero() && (known.Before(inv.day) || !inv.entered.IsZero() && known.Before(inv.entered)) {
			continue
		}
		s.Add(inv.day, inv.untaxed)
	}
	return s
}

// revenueBacktest forecasts company c's revenue of the months after every
// month end with MinMonths of history before it, each from the invoices
// entered by then, and scores them against the books.
func revenueBacktest(invoices []invoice, c int64, cur string, today odoo.Date) *seasonal.Table {
	actual := revenueSeries(invoices, c, today, odoo.Date{})
	b := seasonal.Backtest{Title: fmt.Sprintf("revenue per month, company %d", c), Unit: cur, Period: seasonal.Month,
		Horizons: RevenueHorizons, Today: today, Origins: seasonal.MonthEnds(actual.Start, today),
		Input: func(asOf odoo.Date) ([]seasonal.Pair, seasonal.Profile) {
			known := revenueSeries(invoices, c, today, asOf)
			known.Start = actual.Start
			return []seasonal.Pair{{Known: known, Actual: actual}}, seasonal.Learn(known, asOf)
		}}
	return b.Run()
}

// RevenueBacktests backtests the monthly revenue forecast of every company
// of src with books ending today (`aicoo eval forecast`).
func RevenueBacktests(ctx context.Context, src analysis.Source, today odoo.Date) ([]*seasonal.Table, error) {
	invoices, ok, err := loadInvoices(ctx, src)
	if err != nil || !ok {
		return nil, err
	}
	currency, err := fields.Currencies(ctx, src)
	if err != nil {
		return nil, err
	}
	companies := map[int64]bool{}
	for _, inv := range invoices {
		companies[inv.company] = true
	}
	ids := make([]int64, 0, len(companies))
	for c := range companies {
		ids = append(ids, c)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []*seasonal.Table
	for _, c := range ids {
		out = append(out, revenueBacktest(invoices, c, currency[c], today))
	}
	return out, nil
}

// seasonalRevenue returns company c's revenue expected over the horizon
// days after Today by the model its backtest chooses, the model and why.
func seasonalRevenue(env *analysis.Env, d *data, c int64, horizon int) (float64, seasonal.Model, string) {
	tab := revenueBacktest(d.invoices, c, d.currency[c], env.Today)
	model, why := tab.Choose()
	s := revenueSeries(d.invoices, c, env.Today, odoo.Date{})
	prof := seasonal.Flat()
	if model == seasonal.Seasonal {
		prof = seasonal.Learn(s, env.Today)
	}
	return prof.Forecast(s, env.Today, env.Today.AddDays(1), env.Today.AddDays(horizon)), model, why
}
