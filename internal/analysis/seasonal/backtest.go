package seasonal

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Model names a forecaster a backtest scores.
type Model int

// The seasonal model and its three baselines.
const (
	Seasonal      Model = iota // Profile.Forecast with the learnt profile
	Naive                      // the last period again
	SeasonalNaive              // the same period last year
	RunRate                    // the mean day of the last LevelDays
	nModels
)

var modelNames = [nModels]string{"seasonal", "naive", "seasonal naive", "run-rate"}

func (m Model) String() string { return modelNames[m] }

// Period is the unit a backtest forecasts: a calendar month or a week.
type Period int

// Periods.
const (
	Month Period = iota // forecasts as of a month's last day, of the months after it
	Week                // forecasts as of a day, of the seven-day weeks after it
)

// windows returns the days of the h-th period after asOf (from, to) and
// the days the naive and seasonal-naive baselines repeat: the period
// ending on asOf, and the target a year earlier (the same calendar month;
// for weeks 364 days, the same weekdays).
func (per Period) windows(asOf odoo.Date, h int) (from, to, nFrom, nTo, sFrom, sTo odoo.Date) {
	if per == Week {
		from, to = asOf.AddDays(7*(h-1)+1), asOf.AddDays(7*h)
		return from, to, asOf.AddDays(-6), asOf, from.AddDays(-364), to.AddDays(-364)
	}
	next := asOf.AddDays(1).In(time.UTC)
	f := next.AddDate(0, h-1, 0)
	a := asOf.In(time.UTC)
	from, to = odoo.DateOf(f), odoo.DateOf(f.AddDate(0, 1, -1))
	return from, to, odoo.DateOf(time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC)), asOf,
		odoo.DateOf(f.AddDate(-1, 0, 0)), odoo.DateOf(f.AddDate(-1, 1, -1))
}

// Pair is one series of a backtest: as known at the forecast's as-of day,
// and as it stands at the end of the books (what happened).
type Pair struct {
	Known, Actual Daily
}

// Backtest describes a backtest: forecasts as of every origin, each from
// what its Input says was known then, scored per horizon.
type Backtest struct {
	Title string
	Unit  string
	// Period is the unit of the horizons.
	Period   Period
	Horizons []int
	// Today is the end of the books: a target is scored once it has
	// ended by Today.
	Today odoo.Date
	// Origins are the as-of days, oldest first (month ends for Month).
	Origins []odoo.Date
	// Input returns, as of an origin, the series to forecast and the
	// profile to forecast them with (learnt from data known then).
	Input func(asOf odoo.Date) ([]Pair, Profile)
}

// Score is a backtest's score at one horizon.
type Score struct {
	Horizon int
	// N is the number of forecasts scored per model, NPct those with a
	// positive actual (the MAPE's).
	N, NPct int
	// MAPE (a fraction) and MAE, per Model.
	MAPE, MAE [nModels]float64
}

// Beats reports whether the seasonal model's MAPE and MAE are no worse
// than every baseline's.
func (s Score) Beats() bool {
	for m := Naive; m < nModels; m++ {
		if s.MAPE[Seasonal] > s.MAPE[m] || s.MAE[Seasonal] > s.MAE[m] {
			return false
		}
	}
	return true
}

// Table is the result of a backtest.
type Table struct {
	Title, Unit string
	Period      Period
	Origins     int
	From, To    odoo.Date // first and last origin scored
	// Seasonal counts the origins whose profile had the MinMonths of
	// history (the others forecast the run-rate).
	Seasonal int
	Scores   []Score
}

// Run makes the forecasts and scores them.
func (b Backtest) Run() *Table {
	t := &Table{Title: b.Title, Unit: b.Unit, Period: b.Period}
	type acc struct {
		abs, pct [nModels]float64
		n, nPct  int
	}
	accs := make([]acc, len(b.Horizons))
	for _, o := range b.Origins {
		pairs, prof := b.Input(o)
		flat := Flat()
		// The factors' sums depend on the days only: computed once per
		// origin (a demand backtest forecasts hundreds of products).
		full := o.AddDays(-LevelDays + 1)
		levelW, flatW := prof.Weight(o, full, o), flat.Weight(o, full, o)
		levels := make([][2]float64, len(pairs))
		for i, p := range pairs {
			from := levelFrom(p.Known, o)
			lw, fw := levelW, flatW
			if from != full {
				lw, fw = prof.Weight(o, from, o), flat.Weight(o, from, o)
			}
			levels[i] = [2]float64{levelOf(p.Known, o, from, lw), levelOf(p.Known, o, from, fw)}
		}
		scored := false
		for hi, h := range b.Horizons {
			from, to, nFrom, nTo, sFrom, sTo := b.Period.windows(o, h)
			if b.Today.Before(to) {
				continue
			}
			a := &accs[hi]
			ahead, days := prof.Weight(o, from, to), flat.Weight(o, from, to)
			for i, p := range pairs {
				if sFrom.Before(p.Known.Start) {
					continue // no year before: the seasonal-naive has nothing to repeat
				}
				var f [nModels]float64
				f[Seasonal] = levels[i][0] * ahead
				f[Naive] = p.Known.Sum(nFrom, nTo)
				f[SeasonalNaive] = p.Known.Sum(sFrom, sTo)
				f[RunRate] = levels[i][1] * days
				actual := p.Actual.Sum(from, to)
				for m := range f {
					a.abs[m] += math.Abs(f[m] - actual)
					if actual > 0 {
						a.pct[m] += math.Abs(f[m]-actual) / actual
					}
				}
				a.n++
				if actual > 0 {
					a.nPct++
				}
				scored = true
			}
		}
		if !scored {
			continue
		}
		if t.Origins == 0 {
			t.From = o
		}
		t.To = o
		t.Origins++
		if prof.OK {
			t.Seasonal++
		}
	}
	for hi, h := range b.Horizons {
		a := accs[hi]
		s := Score{Horizon: h, N: a.n, NPct: a.nPct}
		for m := range nModels {
			if a.n > 0 {
				s.MAE[m] = a.abs[m] / float64(a.n)
			}
			if a.nPct > 0 {
				s.MAPE[m] = a.pct[m] / float64(a.nPct)
			}
		}
		t.Scores = append(t.Scores, s)
	}
	return t
}

// Choose returns the model a forecast should use, Seasonal or RunRate,
// and why: the seasonal model when every origin had its history and its
// MAPE summed over the horizons is lower than the run-rate's.
func (t *Table) Choose() (Model, string) {
	if t.Origins == 0 {
		return RunRate, fmt.Sprintf("run-rate: under %d months of history, or too little to backtest a seasonal forecast", MinMonths)
	}
	if t.Seasonal < t.Origins {
		return RunRate, fmt.Sprintf("run-rate: %d of %d past forecasts had %d months of history", t.Seasonal, t.Origins, MinMonths)
	}
	var s, r float64
	for _, sc := range t.Scores {
		s += sc.MAPE[Seasonal]
		r += sc.MAPE[RunRate]
	}
	n := float64(max(1, len(t.Scores)))
	if s < r {
		return Seasonal, fmt.Sprintf("seasonal: backtested on %d past forecasts, MAPE %.1f%% against the run-rate's %.1f%%", t.Origins, 100*s/n, 100*r/n)
	}
	return RunRate, fmt.Sprintf("run-rate: the seasonal forecast backtested worse (MAPE %.1f%% against %.1f%% on %d past forecasts)", 100*s/n, 100*r/n, t.Origins)
}

// Write prints the table.
func (t *Table) Write(w io.Writer) error {
	unit := "months"
	if t.Period == Week {
		unit = "weeks"
	}
	if _, err := fmt.Fprintf(w, "%s: %d forecasts as of %s to %s (%d with a seasonal profile)\n", t.Title, t.Origins, t.From, t.To, t.Seasonal); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{unit, "n"}
	for _, kind := range []string{"MAPE", "MAE (" + t.Unit + ")"} {
		for m := range nModels {
			name := modelNames[m]
			if m == Seasonal {
				name = kind + " " + name
			}
			head = append(head, name)
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\tno worse\t")
	for _, s := range t.Scores {
		row := []string{fmt.Sprint(s.Horizon), fmt.Sprint(s.N)}
		for m := range nModels {
			row = append(row, fmt.Sprintf("%.1f%%", 100*s.MAPE[m]))
		}
		for m := range nModels {
			row = append(row, fmtNum(s.MAE[m]))
		}
		ok := "yes"
		if !s.Beats() {
			ok = "NO"
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t"+ok+"\t")
	}
	return tw.Flush()
}

func fmtNum(x float64) string {
	if math.Abs(x) >= 100 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// MonthEnds returns the last days of the months from the one MinMonths
// after start's month to the one before today's, oldest first: the
// origins of a monthly backtest.
func MonthEnds(start, today odoo.Date) []odoo.Date {
	s := start.In(time.UTC)
	m := time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, MinMonths+1, -1)
	var out []odoo.Date
	for ; analysis.DaysBetween(odoo.DateOf(m), today) > 0; m = time.Date(m.Year(), m.Month()+2, 0, 0, 0, 0, 0, time.UTC) {
		out = append(out, odoo.DateOf(m))
	}
	return out
}

// WeekOrigins returns today−7k for k ≥ 1, oldest first, back to the day
// MinMonths after start: the origins of a weekly backtest.
func WeekOrigins(start, today odoo.Date) []odoo.Date {
	first := odoo.DateOf(start.In(time.UTC).AddDate(0, MinMonths+1, 0))
	var out []odoo.Date
	for d := today.AddDays(-7); !d.Before(first); d = d.AddDays(-7) {
		out = append(out, d)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
