// Package history computes key figures as of past dates from the synced
// Odoo records, so the day aicoo connects it already shows two years:
// cash, receivables and payables with their aging, overdue receivables and
// DSO as of each day of the last 90 days and each month end before that,
// the stock value (Odoo 16-18's valuation layers) on the same days, and
// revenue, gross margin, expenses, new pipeline and won/lost deals per
// month. The figures use the analyzers' own definitions (package finance's
// Ledger, package sales's deals), so today's point equals the live figure.
//
// The points are stored once (store.MetricPoint) and extended after each
// sync (Updater): only the points from the first day a changed record can
// move are recomputed; see Updater.Update for the rule.
package history

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// Balances as of a day: the live analyzer's metric names, so a stored point
// and a live figure of the same name mean the same thing.
const (
	Cash      = "finance.cash.position"
	ARTotal   = "finance.ar.total"
	AROverdue = "finance.ar.overdue"
	APTotal   = "finance.ap.total"
	APOverdue = "finance.ap.overdue"
	DSO       = "finance.dso_days"
	// StockValue is the stock value from the valuation layers (Odoo
	// 16-18; none on 19, which removed them).
	StockValue = operations.StockValue
	arPrefix   = "finance.ar."
	apPrefix   = "finance.ap."
)

// Flows per month, keyed by the month's first day.
const (
	Revenue            = "history.revenue"
	GrossMargin        = "history.gross_margin"
	Expenses           = "history.expenses"
	PipelineNewCount   = "history.pipeline.new_count"
	PipelineNewRevenue = "history.pipeline.new_revenue"
	WonCount           = "history.deals.won_count"
	WonRevenue         = "history.deals.won_revenue"
	LostCount          = "history.deals.lost_count"
	LostRevenue        = "history.deals.lost_revenue"
)

// The cash forecast as of the last update (package forecast), at the end of
// each of its weeks: days after Today.
const (
	ForecastCash = "forecast.cash"
	ForecastLow  = "forecast.cash_low"
	ForecastHigh = "forecast.cash_high"
)

// Buckets is the number of aging buckets (finance.NumBuckets), so that a
// reader of the points (package chartset) need not import the analyzer.
const Buckets = finance.NumBuckets

// ARBucket and APBucket return the metric of an aging bucket
// (finance.BucketNotDue ... finance.BucketOver90).
func ARBucket(b int) string { return arPrefix + finance.BucketNames[b] }

// APBucket is ARBucket for payables.
func APBucket(b int) string { return apPrefix + finance.BucketNames[b] }

// Defaults of Options.
const (
	DefaultMonths     = 24
	DefaultDailyDays  = 90
	DefaultWindowDays = finance.CashWindowDaysDefault
)

// Options shape a computation.
type Options struct {
	// Today is the last day computed.
	Today odoo.Date
	// From, when set, limits the result to balances as of From or later
	// and months starting on From or later (an incremental update).
	From odoo.Date
	// Months back with month-end points (DefaultMonths when 0) and days
	// with daily points up to Today (DefaultDailyDays when 0).
	Months, DailyDays int
	// WindowDays is the DSO window (finance.cash_window_days; the
	// default when 0).
	WindowDays int
}

func (o *Options) defaults() {
	if o.Months <= 0 {
		o.Months = DefaultMonths
	}
	if o.DailyDays <= 0 {
		o.DailyDays = DefaultDailyDays
	}
	if o.WindowDays <= 0 {
		o.WindowDays = DefaultWindowDays
	}
}

// FirstMonth returns the first day of the earliest month with points.
func (o Options) FirstMonth() odoo.Date {
	o.defaults()
	t := time.Date(o.Today.Year, o.Today.Month-time.Month(o.Months), 1, 0, 0, 0, 0, time.UTC)
	return odoo.DateOf(t)
}

// Days returns the as-of days of balances, ascending: the month ends of
// the Months months before Today's month, then every day of the last
// DailyDays days up to Today (a month end among them counted once).
func Days(o Options) []odoo.Date {
	o.defaults()
	seen := map[odoo.Date]bool{}
	var out []odoo.Date
	add := func(d odoo.Date) {
		if !seen[d] && !o.Today.Before(d) {
			seen[d] = true
			out = append(out, d)
		}
	}
	first := o.FirstMonth()
	for m := 0; m < o.Months; m++ {
		t := time.Date(first.Year, first.Month+time.Month(m+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		add(odoo.DateOf(t))
	}
	for i := o.DailyDays - 1; i >= 0; i-- {
		add(o.Today.AddDays(-i))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// Compute returns the points of Options from the records of src.
func Compute(ctx context.Context, src analysis.Source, o Options) ([]store.MetricPoint, error) {
	o.defaults()
	src = &memo{src: src, recs: map[string]memoEntry{}}
	var out []store.MetricPoint
	ledger, ok, err := finance.LoadLedger(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if ok {
		out = append(out, balances(ledger, o)...)
		out = append(out, flows(ledger, o)...)
		fc, err := cashForecast(ctx, src, o.Today)
		if err != nil {
			return nil, err
		}
		out = append(out, fc...)
	}
	sv, err := stockValues(ctx, src, ledger, o)
	if err != nil {
		return nil, err
	}
	out = append(out, sv...)
	deals, ok, err := sales.LoadDeals(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if ok {
		currency := func(cid int64) string { return "" }
		if ledger != nil {
			currency = ledger.Currency
		} else if cur, err := fields.Currencies(ctx, src); err == nil {
			currency = func(cid int64) string { return cur[cid] }
		}
		out = append(out, pipeline(deals, currency, o)...)
	}
	return out, nil
}

// stockValues returns the stock value as of each day of o from o.From,
// for the companies with valuation layers, in company currency; none when
// the layers are not available.
func stockValues(ctx context.Context, src analysis.Source, l *finance.Ledger, o Options) ([]store.MetricPoint, error) {
	v, ok, err := operations.LoadValuation(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if !ok {
		return nil, nil
	}
	currency := func(int64) string { return "" }
	if l != nil {
		currency = l.Currency
	} else if cur, err := fields.Currencies(ctx, src); err == nil {
		currency = func(cid int64) string { return cur[cid] }
	}
	var days []odoo.Date
	for _, d := range Days(o) {
		if o.From.IsZero() || !d.Before(o.From) {
			days = append(days, d)
		}
	}
	series := v.Series(days)
	var out []store.MetricPoint
	for _, cid := range v.Companies() {
		cur := currency(cid)
		for i, d := range days {
			out = append(out, point(cid, StockValue, d, series[cid][i], cur))
		}
	}
	return out, nil
}

// cashForecast returns the 13-week cash forecast as of today with its 80%
// band, a point per week end.
func cashForecast(ctx context.Context, src analysis.Source, today odoo.Date) ([]store.MetricPoint, error) {
	m, err := forecast.Load(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var out []store.MetricPoint
	for _, c := range m.At(today, forecast.Options{}).Companies {
		for _, w := range c.Weeks {
			out = append(out, point(c.CompanyID, ForecastCash, w.End, w.Closing, c.Currency),
				point(c.CompanyID, ForecastLow, w.End, w.Low, c.Currency),
				point(c.CompanyID, ForecastHigh, w.End, w.High, c.Currency))
		}
	}
	return out, nil
}

// memo reads each model once per computation: the ledger, the deals and
// the forecast read some of the same models.
type memo struct {
	src  analysis.Source
	recs map[string]memoEntry
}

type memoEntry struct {
	recs []odoo.Record
	err  error
}

// Records implements analysis.Source.
func (m *memo) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	if e, ok := m.recs[model]; ok {
		return e.recs, e.err
	}
	recs, err := m.src.Records(ctx, model)
	m.recs[model] = memoEntry{recs, err}
	return recs, err
}

func point(cid int64, metric string, d odoo.Date, v float64, unit string) store.MetricPoint {
	return store.MetricPoint{CompanyID: cid, Metric: metric, Day: d.String(), Value: fields.Round2(v), Unit: unit}
}

// balances computes the as-of figures for each day of o from o.From.
func balances(l *finance.Ledger, o Options) []store.MetricPoint {
	var out []store.MetricPoint
	companies := l.Companies()
	for _, d := range Days(o) {
		if !o.From.IsZero() && d.Before(o.From) {
			continue
		}
		cash := l.CashAsOf(d)
		ar := l.AgingAsOf("asset_receivable", d)
		ap := l.AgingAsOf("liability_payable", d)
		sales := l.CreditSales(d.AddDays(-o.WindowDays+1), d)
		for _, cid := range companies {
			cur := l.Currency(cid)
			if v, ok := cash[cid]; ok {
				out = append(out, point(cid, Cash, d, v, cur))
			}
			for _, side := range []struct {
				total, overdue string
				bucket         func(int) string
				ag             *finance.Aging
			}{{ARTotal, AROverdue, ARBucket, ar[cid]}, {APTotal, APOverdue, APBucket, ap[cid]}} {
				ag := side.ag
				if ag == nil {
					ag = &finance.Aging{}
				}
				for b := range finance.NumBuckets {
					out = append(out, point(cid, side.bucket(b), d, ag.Buckets[b], cur))
				}
				out = append(out, point(cid, side.total, d, ag.Total, cur),
					point(cid, side.overdue, d, ag.Total-ag.Buckets[finance.BucketNotDue], cur))
			}
			if ar[cid] != nil {
				if v, ok := finance.DSO(ar[cid].Total, sales[cid], o.WindowDays); ok {
					out = append(out, point(cid, DSO, d, v, "days"))
				}
			}
		}
	}
	return out
}

// months returns the first days of the months with flows, ascending, from
// o.From's month (or the first month) to Today's.
func months(o Options) []odoo.Date {
	first := o.FirstMonth()
	if !o.From.IsZero() && first.Before(finance.MonthKey(o.From)) {
		first = finance.MonthKey(o.From)
	}
	var out []odoo.Date
	for m := first; !o.Today.Before(m); m = odoo.DateOf(time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, time.UTC)) {
		out = append(out, m)
	}
	return out
}

// flows computes revenue, gross margin and expenses per month.
func flows(l *finance.Ledger, o Options) []store.MetricPoint {
	var out []store.MetricPoint
	byCompany := l.Months()
	for _, cid := range l.Companies() {
		cur := l.Currency(cid)
		for _, m := range months(o) {
			f := byCompany[cid][m]
			if f == nil {
				f = &finance.Month{}
			}
			out = append(out, point(cid, Revenue, m, f.Revenue, cur),
				point(cid, GrossMargin, m, f.Revenue-f.DirectCost, cur),
				point(cid, Expenses, m, f.Expenses, cur))
		}
	}
	return out
}

// pipeline computes new opportunities (created in the month, archived
// ones left out as the analyzer does) and deals won and lost (closed in
// the month) per month.
func pipeline(deals []sales.Deal, currency func(int64) string, o Options) []store.MetricPoint {
	type agg struct{ newN, newV, wonN, wonV, lostN, lostV float64 }
	by := map[int64]map[odoo.Date]*agg{}
	get := func(cid int64, t time.Time) *agg {
		m := by[cid]
		if m == nil {
			m = map[odoo.Date]*agg{}
			by[cid] = m
		}
		k := finance.MonthKey(fields.Day(t))
		a := m[k]
		if a == nil {
			a = &agg{}
			m[k] = a
		}
		return a
	}
	for _, d := range deals {
		if !d.Created.IsZero() && d.State != sales.DealHidden {
			a := get(d.Company, d.Created)
			a.newN++
			a.newV += d.Expected
		}
		if d.Closed.IsZero() {
			continue
		}
		switch d.State {
		case sales.DealWon:
			a := get(d.Company, d.Closed)
			a.wonN++
			a.wonV += d.Expected
		case sales.DealLost:
			a := get(d.Company, d.Closed)
			a.lostN++
			a.lostV += d.Expected
		}
	}
	cids := make([]int64, 0, len(by))
	for cid := range by {
		cids = append(cids, cid)
	}
	sort.Slice(cids, func(i, j int) bool { return cids[i] < cids[j] })
	var out []store.MetricPoint
	for _, cid := range cids {
		cur := currency(cid)
		for _, m := range months(o) {
			a := by[cid][m]
			if a == nil {
				a = &agg{}
			}
			out = append(out, point(cid, PipelineNewCount, m, a.newN, "count"), point(cid, PipelineNewRevenue, m, a.newV, cur),
				point(cid, WonCount, m, a.wonN, "count"), point(cid, WonRevenue, m, a.wonV, cur),
				point(cid, LostCount, m, a.lostN, "count"), point(cid, LostRevenue, m, a.lostV, cur))
		}
	}
	return out
}
