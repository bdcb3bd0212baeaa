package series

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/robust"
	"github.com/aicoo/aicoo/internal/anomaly"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Detection parameters.
const (
	// RecentDays is how far back (Today included) a detector alert may lie
	// to become an insight; older alerts are history (a metric).
	RecentDays = 14
	// refWeeks is how many earlier weeks give the expected range.
	refWeeks = 8
	// rangeK is how many standard deviations the expected range spans on
	// each side of the expected value.
	rangeK = 2.5
	// lastYear is the shift, in days, to the same weekdays one year back.
	lastYear = 364
)

// Config is the detector's configuration: anomaly.Daily, with a spatial
// tolerance of 10% instead of 20%, because its input is a seven-day total,
// smoother than the daily points Daily was tuned on, so a bad week leaves
// a narrower range.
func Config() anomaly.Config {
	c := anomaly.Daily()
	c.SpatialTolerance = 0.1
	return c
}

// Series is one daily business series of one company.
type Series struct {
	// Name is stable and dotted ("orders", "expenses.42": the expenses of
	// product 42).
	Name string
	// Label names it in a sentence ("Orders", "Travel expenses").
	Label string
	// Unit is "count" or the company currency.
	Unit      string
	CompanyID int64
	// Stock marks a balance (cash): weeks compare by their change.
	Stock bool
	// Start is the date of Values[0]; Values has one point per day up to
	// Today.
	Start  odoo.Date
	Values []float64
	// sum and sumSq accumulate the records' absolute amounts and their
	// squares (see typical).
	sum, sumSq float64
	// Model and IDs (per day index) are the records behind the values.
	Model string
	IDs   map[int][]int64
}

// typical is the mean square over the mean of the records' amounts: the
// size of record that dominates the series' variance (1 for a count).
func (s *Series) typical() float64 {
	if s.sum == 0 {
		return 0
	}
	return s.sumSq / s.sum
}

// day returns the date of index i.
func (s *Series) day(i int) odoo.Date { return s.Start.AddDays(i) }

// Finding is one unusual week of a series.
type Finding struct {
	// Week is the ISO week ("2025-W24"); From and To the days compared
	// (Monday to Sunday, or to Today for the current week).
	Week     string
	From, To odoo.Date
	// AlertDay is the first day the detector alerted in the week.
	AlertDay odoo.Date
	Score    float64
	// Observed is the week's total (its change, for a balance); Expected,
	// Low and High the expected value and range.
	Observed, Expected, Low, High float64
	// Yearly is the factor (flows) or shift (balances) taken from the same
	// weeks last year; YearlyUsed is false with less than a year and
	// eight weeks of history.
	Yearly     float64
	YearlyUsed bool
	IDs        []int64
}

// Scan runs anomaly.Daily over s and returns the weeks with an alert in
// the last RecentDays whose value also leaves the expected range, at most
// one per week, and the number of alerts in the year before those days
// (history).
func Scan(s *Series) (found []Finding, history int) {
	n := len(s.Values)
	det := anomaly.New(Config())
	seen := map[string]bool{}
	for i := range s.Values {
		score := det.Step(s.day(i).In(time.UTC), s.input(i))
		if score < Config().AlertLevel {
			continue
		}
		if i < n-RecentDays {
			if i >= n-RecentDays-365 {
				history++
			}
			continue
		}
		// An alert on a point inside its expected range is the detector
		// noticing the return to normal after an excursion (or a novel but
		// harmless sequence): not reported.
		if math.Abs(s.input(i)) < rangeK {
			continue
		}
		// The detector's point spans the seven days up to i, which may
		// straddle two ISO weeks: the week reported is the one of those
		// two that left its expected range the most.
		var best Finding
		bestDev := 0.0
		for _, j := range []int{max(0, i-6), i} {
			f, ok := s.week(j)
			if !ok || seen[f.Week] {
				continue
			}
			if dev := f.outside(); dev > bestDev {
				best, bestDev = f, dev
			}
		}
		if bestDev == 0 {
			continue
		}
		seen[best.Week] = true
		best.AlertDay, best.Score = s.day(i), score
		found = append(found, best)
	}
	return found, history
}

// input is the detector's point for day index i: how far the seven days
// ending on i lie from what was expected of them, in standard deviations
// (see compare). On seven-day spans the weekday profile cancels out, and
// a bad week is one excursion rather than seven ordinary-looking days; the
// detector then learns how far this series usually strays and alerts on
// what is new. NaN (skipped) while the history is too short.
func (s *Series) input(i int) float64 {
	f, ok := s.compare(i-6, i)
	if !ok {
		return math.NaN()
	}
	sd := (f.High - f.Low) / (2 * rangeK)
	if sd <= 0 {
		return math.NaN()
	}
	return (f.Observed - f.Expected) / sd
}

// outside returns how far the observed value lies outside the expected
// range, in half-widths of the range; 0 inside it.
func (f Finding) outside() float64 {
	half := (f.High - f.Low) / 2
	if half <= 0 {
		half = 1
	}
	switch {
	case f.Observed > f.High:
		return (f.Observed - f.High) / half
	case f.Observed < f.Low:
		return (f.Low - f.Observed) / half
	}
	return 0
}

// span returns the value of days [a, b] (indexes): their sum for a flow,
// the balance change over them for a stock. ok is false before the start.
func (s *Series) span(a, b int) (float64, bool) {
	if a < 0 || b >= len(s.Values) || (s.Stock && a < 1) {
		return 0, false
	}
	if s.Stock {
		return s.Values[b] - s.Values[a-1], true
	}
	sum := 0.0
	for i := a; i <= b; i++ {
		sum += s.Values[i]
	}
	return sum, true
}

// lastYear returns the mean value of the same weekdays as [a, b] one year
// back and in the weeks just before and after (three weeks, so that one
// noisy week last year does not set this year's expectation).
func (s *Series) lastYear(a, b int) (float64, bool) {
	var out []float64
	for _, k := range []int{-7, 0, 7} {
		v, ok := s.span(a-lastYear+k, b-lastYear+k)
		if !ok {
			return 0, false
		}
		out = append(out, v)
	}
	return mean(out), true
}

// refs returns the values of the refWeeks spans before [a, b], or false
// when the history is too short.
func (s *Series) refs(a, b int) ([]float64, bool) {
	out := make([]float64, 0, refWeeks)
	for k := 1; k <= refWeeks; k++ {
		v, ok := s.span(a-7*k, b-7*k)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// week computes the finding for the ISO week of day index i: the days of
// the week up to Today, compared as compare does.
func (s *Series) week(i int) (Finding, bool) {
	d := s.day(i).In(time.UTC)
	wd := (int(d.Weekday()) + 6) % 7 // Monday 0
	a := i - wd
	f, ok := s.compare(a, min(a+6, len(s.Values)-1))
	if !ok {
		return Finding{}, false
	}
	y, w := d.AddDate(0, 0, -wd).ISOWeek()
	f.Week = fmt.Sprintf("%04d-W%02d", y, w)
	return f, true
}

// compare compares days [a, b] with the same weekdays of the eight weeks
// before, adjusted for the season by the ratio (a balance: the difference)
// the same weeks showed last year, when the history reaches that far. The
// expected range is the median plus or minus rangeK robust standard deviations
// (1.4826 MAD) of those eight, at least the Poisson spread for a count and 5% of the mean.
func (s *Series) compare(a, b int) (Finding, bool) {
	obs, ok := s.span(a, b)
	if !ok {
		return Finding{}, false
	}
	refs, ok := s.refs(a, b)
	if !ok {
		return Finding{}, false
	}
	f := Finding{From: s.day(a), To: s.day(b), Observed: obs, Yearly: 1}
	if s.Stock {
		f.Yearly = 0
	}
	if ly, ok := s.lastYear(a, b); ok {
		if lyRefs, ok := s.refs(a-lastYear-7, b-lastYear-7); ok {
			m := mean(lyRefs)
			switch {
			case s.Stock:
				f.Yearly, f.YearlyUsed = ly-m, true
			case m > 0:
				f.Yearly, f.YearlyUsed = math.Min(2, math.Max(0.5, ly/m)), true
			}
		}
	}
	for k := range refs {
		if s.Stock {
			refs[k] += f.Yearly
		} else {
			refs[k] *= f.Yearly
		}
	}
	// Median and MAD, so that one odd week among the eight (an earlier
	// anomaly) neither moves the expectation nor widens the range.
	f.Expected = robust.Median(refs)
	sd := 1.4826 * robust.MAD(refs, f.Expected)
	// A total of records varies at least as a compound Poisson sum does:
	// variance = expected records × mean square amount = Expected × Typical
	// (for a count, Typical is 1), and by at least one typical record.
	if t := s.typical(); t > 0 {
		sd = math.Max(sd, math.Sqrt(math.Max(math.Abs(f.Expected), t)*t))
	}
	sd = math.Max(sd, 0.05*math.Abs(f.Expected))
	f.Low, f.High = f.Expected-rangeK*sd, f.Expected+rangeK*sd
	if !s.Stock {
		f.Low = math.Max(0, f.Low)
	}
	for j := a; j <= b; j++ {
		f.IDs = append(f.IDs, s.IDs[j]...)
	}
	sort.Slice(f.IDs, func(x, y int) bool { return f.IDs[x] < f.IDs[y] })
	return f, true
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
