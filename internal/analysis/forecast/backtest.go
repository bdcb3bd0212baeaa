package forecast

import (
	"context"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// HorizonsDefault are the horizons (weeks) a backtest scores.
var HorizonsDefault = []int{1, 4, 8, 13}

// Backtest defaults.
const (
	// BacktestHistoryDaysDefault is the history a forecast needs before
	// its as-of day: a year, for habits and lags.
	BacktestHistoryDaysDefault = 365
	// BandTargetLow and BandTargetHigh bound the wanted coverage of the
	// 80% band.
	BandTargetLow, BandTargetHigh = 0.75, 0.85
)

// BacktestOptions configure a backtest.
type BacktestOptions struct {
	// Today is the last day of the books: the last as-of day is Today
	// minus the longest horizon. Required.
	Today odoo.Date
	// Horizons are scored in weeks. Defaults to HorizonsDefault.
	Horizons []int
	// HistoryDays is how much history the first as-of day has. Defaults to
	// BacktestHistoryDaysDefault.
	HistoryDays int
	// Forecast configures each forecast (Pipeline is ignored: the backtest
	// measures the base case).
	Forecast Options
}

// HorizonScore is a backtest's score at one horizon: errors of closing
// cash against what the books show happened.
type HorizonScore struct {
	Weeks int `json:"weeks"`
	// N is the number of forecasts scored.
	N int `json:"n"`
	// MAPE is the mean absolute percentage error (a fraction) and MAE the
	// mean absolute error in currency, of the model and of the naive
	// (cash stays flat) and run-rate (the last 13 weeks' average weekly
	// net flow continues) baselines.
	MAPE, MAE               float64
	NaiveMAPE, NaiveMAE     float64
	RunRateMAPE, RunRateMAE float64
	// Coverage is the share of actual closing cash inside the 80% band.
	Coverage float64
}

// BeatsBaselines reports whether the model's MAPE and MAE are below both
// baselines'.
func (s HorizonScore) BeatsBaselines() bool {
	return s.MAPE < s.NaiveMAPE && s.MAPE < s.RunRateMAPE && s.MAE < s.NaiveMAE && s.MAE < s.RunRateMAE
}

// BacktestReport is one company's backtest.
type BacktestReport struct {
	CompanyID int64          `json:"company_id"`
	Currency  string         `json:"currency"`
	From      odoo.Date      `json:"from"`
	To        odoo.Date      `json:"to"`
	Origins   int            `json:"origins"`
	Horizons  []HorizonScore `json:"horizons"`
	// Elapsed is the time the forecasts took (loading excluded).
	Elapsed time.Duration `json:"elapsed"`
}

// Backtest makes a forecast as of every seventh day from HistoryDays
// after the books start to Today minus the longest horizon, each from
// what was known that day, and compares closing cash with what happened.
func (m *Model) Backtest(opt BacktestOptions) []*BacktestReport {
	if len(opt.Horizons) == 0 {
		opt.Horizons = HorizonsDefault
	}
	if opt.HistoryDays <= 0 {
		opt.HistoryDays = BacktestHistoryDaysDefault
	}
	longest := 0
	for _, h := range opt.Horizons {
		longest = max(longest, h)
	}
	fopt := opt.Forecast
	fopt.Pipeline = false
	fopt.Weeks = max(fopt.Weeks, longest)
	fopt = fopt.withDefaults()
	today := dayOfDate(opt.Today)
	var out []*BacktestReport
	for _, cid := range m.b.companyIDs() {
		ls := m.b.cash[cid]
		if len(ls) == 0 {
			continue
		}
		first := ls[0].d
		rep := &BacktestReport{CompanyID: cid}
		if co := m.b.companies[cid]; co != nil {
			rep.Currency = co.Currency
		}
		type acc struct{ ape, ae, nape, nae, rape, rae, in float64 }
		sums := make([]acc, len(opt.Horizons))
		n := 0
		start := time.Now()
		last := today - day(7*longest)
		for t := last; t >= first+day(opt.HistoryDays); t -= 7 {
			c := m.forecast(cid, t, fopt)
			open := c.OpeningCash
			runRate := 0.0
			for _, l := range ls {
				if l.d > t-91 && l.d <= t && l.created <= t {
					runRate += l.amt
				}
			}
			runRate /= 13
			for i, h := range opt.Horizons {
				actual := m.b.cashActual(cid, t+day(7*h))
				wk := c.Weeks[h-1]
				s := &sums[i]
				s.ae += math.Abs(wk.Closing - actual)
				s.nae += math.Abs(open - actual)
				s.rae += math.Abs(open + float64(h)*runRate - actual)
				den := math.Max(math.Abs(actual), 1)
				s.ape += math.Abs(wk.Closing-actual) / den
				s.nape += math.Abs(open-actual) / den
				s.rape += math.Abs(open+float64(h)*runRate-actual) / den
				if actual >= wk.Low && actual <= wk.High {
					s.in++
				}
			}
			if n == 0 {
				rep.To = t.date()
			}
			rep.From = t.date()
			n++
		}
		rep.Elapsed = time.Since(start)
		rep.Origins = n
		for i, h := range opt.Horizons {
			s := sums[i]
			if n == 0 {
				break
			}
			k := float64(n)
			rep.Horizons = append(rep.Horizons, HorizonScore{Weeks: h, N: n, MAPE: s.ape / k, MAE: s.ae / k, NaiveMAPE: s.nape / k,
				NaiveMAE: s.nae / k, RunRateMAPE: s.rape / k, RunRateMAE: s.rae / k, Coverage: s.in / k})
		}
		out = append(out, rep)
	}
	return out
}

// Write prints the report as a table.
func (r *BacktestReport) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "company %d (%s): %d weekly forecasts as of %s to %s, forecasts took %s\n",
		r.CompanyID, r.Currency, r.Origins, r.From, r.To, r.Elapsed.Round(time.Millisecond)); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "weeks\tMAPE\tnaive\trun-rate\tMAE\tnaive\trun-rate\tband 80%\tbeats both\t")
	for _, s := range r.Horizons {
		beats := "yes"
		if !s.BeatsBaselines() {
			beats = "NO"
		}
		fmt.Fprintf(tw, "%d\t%.2f%%\t%.2f%%\t%.2f%%\t%.0f\t%.0f\t%.0f\t%.0f%%\t%s\t\n", s.Weeks, 100*s.MAPE, 100*s.NaiveMAPE, 100*s.RunRateMAPE,
			s.MAE, s.NaiveMAE, s.RunRateMAE, 100*s.Coverage, beats)
	}
	return tw.Flush()
}

// EvalDemo generates the demo company of size and seed with its books
// ending on today, backtests the forecast on it and writes the table to
// w. It is what `aicoo eval forecast --size medium --seed N` runs.
func EvalDemo(ctx context.Context, w io.Writer, size demodata.Size, seed uint64, today time.Time) ([]*BacktestReport, error) {
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: size, Seed: seed, Today: today})
	if err != nil {
		return nil, fmt.Errorf("forecast: generate the demo company: %w", err)
	}
	m, err := Load(ctx, analysis.DatasetSource{DS: ds})
	if err != nil {
		return nil, err
	}
	reps := m.Backtest(BacktestOptions{Today: odoo.DateOf(today)})
	if _, err := fmt.Fprintf(w, "cash forecast backtest, demo company %s seed %d, books ending %s\n", size, seed, today.Format(time.DateOnly)); err != nil {
		return nil, err
	}
	for _, r := range reps {
		if err := r.Write(w); err != nil {
			return nil, err
		}
	}
	return reps, nil
}
