// Package seasonal forecasts a daily business quantity (a company's
// invoiced revenue, a product's demand) over a coming period: a level
// measured over the last LevelDays, carried forward with the month-of-year
// factors and the weekday profile learnt from the history before the
// forecast, and the growth of the last year over the one before. It also
// backtests the forecast against the naive, seasonal-naive and run-rate
// baselines (backtest.go), as the cash forecast is (docs/forecast.md).
//
// Everything is a pure function of a Daily series and an as-of day: a
// forecast as of day t reads no value after t.
package seasonal

import (
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

const (
	// MinMonths is how many complete calendar months of history a profile
	// needs: a year to see every month once, and one more so the year is
	// not all the history there is.
	MinMonths = 13
	// LevelDays is the window the level (and the run-rate) is measured
	// over: the 90 days the analyzers' run-rates have always used.
	LevelDays = 91
	// minWeekdayWeeks is how many weeks the weekday profile needs.
	minWeekdayWeeks = 8
	// growthMin and growthMax bound the yearly growth carried forward: a
	// year that doubled or halved is not a trend to extrapolate.
	growthMin, growthMax = 0.5, 2
)

// Daily is a daily series: Values[i] is the total of day Start+i. Days
// before Start are unknown (the business had not started), not zero.
type Daily struct {
	Start  odoo.Date
	Values []float64
}

// NewDaily returns a zero series covering from to to (inclusive).
func NewDaily(from, to odoo.Date) Daily {
	return Daily{Start: from, Values: make([]float64, max(0, analysis.DaysBetween(from, to)+1))}
}

// Add adds v on day d; days outside the series are ignored.
func (s Daily) Add(d odoo.Date, v float64) {
	if i := analysis.DaysBetween(s.Start, d); i >= 0 && i < len(s.Values) {
		s.Values[i] += v
	}
}

// Sum returns the total of the days from..to (inclusive) the series holds.
func (s Daily) Sum(from, to odoo.Date) float64 {
	i, j := max(0, analysis.DaysBetween(s.Start, from)), min(len(s.Values)-1, analysis.DaysBetween(s.Start, to))
	t := 0.0
	for ; i <= j; i++ {
		t += s.Values[i]
	}
	return t
}

// Profile is what a series' history says about its seasons as of a day.
type Profile struct {
	// Month is the month-of-year factor (index month−1, mean 1).
	Month [12]float64
	// Weekday is the weekday weight (index time.Weekday, mean 1): a
	// business closed on Sundays weighs them 0.
	Weekday [7]float64
	// Growth is the yearly growth (1 with less than two years of months).
	Growth float64
	// Months is the number of complete months the factors were learnt on
	// (0 when too few).
	Months int
	// OK is false when the history is shorter than MinMonths: the factors
	// (weekdays too) are then all 1 and the forecast is the run-rate.
	OK bool
}

// Flat is the profile of a series without seasons: the run-rate.
func Flat() Profile {
	p := Profile{Growth: 1}
	for i := range p.Month {
		p.Month[i] = 1
	}
	for i := range p.Weekday {
		p.Weekday[i] = 1
	}
	return p
}

// Learn returns the profile of s from the complete calendar months that
// end on or before asOf. The months' totals are detrended by a
// log-linear trend fitted over all of them (a growing business would
// otherwise read its growth as a season: the last months of the year
// high, the first low); a month-of-year factor is the mean of its months'
// ratios to the trend, normalised to a mean of 1; the yearly growth is
// the trend's. The weekday profile comes from the last year of days up to
// asOf.
func Learn(s Daily, asOf odoo.Date) Profile {
	p := Flat()
	months := monthTotals(s, asOf)
	if len(months) < MinMonths {
		return p
	}
	p.Months = len(months)
	// A month's rate is its total per weekday weight of its days: months
	// differ in workdays, which are the weekday profile's part.
	p.Weekday = weekdays(s, asOf)
	for k := range months {
		w := 0.0
		for d := months[k].first; !months[k].last.Before(d); d = d.AddDays(1) {
			w += p.Weekday[d.In(time.UTC).Weekday()]
		}
		if w <= 0 {
			return Flat()
		}
		months[k].total /= w
	}
	var sx, sy, sxx, sxy, n float64
	for k, m := range months {
		if m.total <= 0 {
			continue // a month without business has no log; it still counts as a low ratio below
		}
		x, y := float64(k), math.Log(m.total)
		sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
	}
	if n < MinMonths || n*sxx-sx*sx == 0 {
		return p
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	icept := (sy - slope*sx) / n
	var sum [12]float64
	var cnt [12]int
	for k, m := range months {
		sum[m.month-1] += m.total / math.Exp(icept+slope*float64(k))
		cnt[m.month-1]++
	}
	mean := 0.0
	for i := range sum {
		p.Month[i] = sum[i] / float64(cnt[i])
		mean += p.Month[i] / 12
	}
	if mean <= 0 {
		return Flat()
	}
	for i := range p.Month {
		p.Month[i] /= mean
	}
	p.Growth = math.Min(growthMax, math.Max(growthMin, math.Exp(12*slope)))
	p.OK = true
	return p
}

type monthTotal struct {
	month       time.Month
	first, last odoo.Date
	total       float64
}

// monthTotals returns the totals of the complete calendar months of s
// ending on or before asOf, oldest first.
func monthTotals(s Daily, asOf odoo.Date) []monthTotal {
	if len(s.Values) == 0 {
		return nil
	}
	t := s.Start.In(time.UTC)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(t) {
		first = first.AddDate(0, 1, 0) // the series starts within a month
	}
	var out []monthTotal
	for m := first; ; m = m.AddDate(0, 1, 0) {
		last := odoo.DateOf(m.AddDate(0, 1, -1))
		if asOf.Before(last) || analysis.DaysBetween(s.Start, last) >= len(s.Values) {
			return out
		}
		out = append(out, monthTotal{month: m.Month(), first: odoo.DateOf(m), last: last, total: s.Sum(odoo.DateOf(m), last)})
	}
}

// weekdays returns the weekday profile of the last year up to asOf, flat
// with fewer than minWeekdayWeeks weeks or no total.
func weekdays(s Daily, asOf odoo.Date) [7]float64 {
	w := [7]float64{1, 1, 1, 1, 1, 1, 1}
	end := min(analysis.DaysBetween(s.Start, asOf), len(s.Values)-1)
	start := max(0, end-364+1)
	days := end - start + 1
	if days < 7*minWeekdayWeeks {
		return w
	}
	days -= days % 7 // whole weeks, so every weekday counts as often
	var tot [7]float64
	all := 0.0
	for i := end - days + 1; i <= end; i++ {
		tot[s.Start.AddDays(i).In(time.UTC).Weekday()] += s.Values[i]
		all += s.Values[i]
	}
	if all <= 0 {
		return w
	}
	for i := range w {
		w[i] = 7 * tot[i] / all
	}
	return w
}

// factor is the weight of day d, i days after asOf (negative: before).
func (p Profile) factor(d odoo.Date, i int) float64 {
	t := d.In(time.UTC)
	return p.Month[t.Month()-1] * p.Weekday[t.Weekday()] * math.Pow(p.Growth, float64(i)/365)
}

// Level returns the series' rate per unit of factor as of asOf: the total
// of the last LevelDays over the sum of their factors. The run-rate is the
// Level of the Flat profile (the mean per day).
func (p Profile) Level(s Daily, asOf odoo.Date) float64 {
	from := levelFrom(s, asOf)
	return levelOf(s, asOf, from, p.Weight(asOf, from, asOf))
}

// levelFrom is the first day of the level's window: LevelDays back, or the
// series' start.
func levelFrom(s Daily, asOf odoo.Date) odoo.Date {
	from := asOf.AddDays(-LevelDays + 1)
	if from.Before(s.Start) {
		return s.Start
	}
	return from
}

func levelOf(s Daily, asOf, from odoo.Date, weight float64) float64 {
	if weight <= 0 {
		return 0
	}
	return s.Sum(from, asOf) / weight
}

// Weight returns the sum of the factors of the days from..to, after asOf.
func (p Profile) Weight(asOf, from, to odoo.Date) float64 {
	w := 0.0
	for d := from; !to.Before(d); d = d.AddDays(1) {
		w += p.factor(d, analysis.DaysBetween(asOf, d))
	}
	return w
}

// Forecast returns the expected total of the days from..to, as of asOf.
func (p Profile) Forecast(s Daily, asOf, from, to odoo.Date) float64 {
	return p.Level(s, asOf) * p.Weight(asOf, from, to)
}

// Damped returns p with its month factors moved toward 1: beta 0 gives
// no season, 1 the factors unchanged.
func (p Profile) Damped(beta float64) Profile {
	for i := range p.Month {
		p.Month[i] = 1 + beta*(p.Month[i]-1)
	}
	return p
}

// Response measures how strongly the series, one by one, follow p's
// month factors (learnt on their total): the least-squares slope, through
// the origin, of a month's rate over its series' mean rate, minus 1, on
// the month's factor minus 1, pooled over the series with MinMonths of
// complete months up to asOf; clamped to 0..1, and 1 without data. A
// business whose small products sell a few whole units a week sees its
// seasons in the big ones: their total has them, each small one barely.
func Response(ss []Daily, p Profile, asOf odoo.Date) float64 {
	var sxy, sxx float64
	for _, s := range ss {
		months := monthTotals(s, asOf)
		if len(months) < MinMonths {
			continue
		}
		mean := 0.0
		for k := range months {
			w := 0.0
			for d := months[k].first; !months[k].last.Before(d); d = d.AddDays(1) {
				w += p.Weekday[d.In(time.UTC).Weekday()]
			}
			if w > 0 {
				months[k].total /= w
			}
			mean += months[k].total / float64(len(months))
		}
		if mean <= 0 {
			continue
		}
		for _, m := range months {
			x := p.Month[m.month-1] - 1
			sxy += x * (m.total/mean - 1)
			sxx += x * x
		}
	}
	if sxx == 0 {
		return 1
	}
	return math.Min(1, math.Max(0, sxy/sxx))
}
