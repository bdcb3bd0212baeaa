package forecast

import (
	"math"
)

// lagModel is the new-business layer of one side (sales or purchases):
// the daily rate of business placed over the rate window, and the share
// of it that reaches the bank within k days of being placed.
type lagModel struct {
	rate float64   // company currency per day, unsigned
	cdf  []float64 // cdf[k]: share paid within k days of the order (or invoice)
	// weekly is the business placed in each of the last 26 weeks (0 is
	// the week ending at the forecast's day).
	weekly []float64
}

// newBusinessVariance returns the variance of the new-business layers'
// cumulative net flow through week h: each future week's net business
// (sales minus purchases) varies by sd, and the share of it paid by the
// end of week h is the lag distribution at that age (the mean of the two
// sides').
func newBusinessVariance(sales, buying *lagModel, sd float64, h int) float64 {
	at := func(m *lagModel, k int) float64 {
		if m == nil || len(m.cdf) == 0 {
			return 0
		}
		return m.cdf[min(k, len(m.cdf)-1)]
	}
	sq, sum := 0.0, 0.0
	for s := 1; s <= h; s++ {
		k := 7*(h-s) + 3
		f := (at(sales, k) + at(buying, k)) / 2
		sq += f * f
		sum += f
	}
	// The rate itself is a mean of rateWeeks weeks: its error moves every
	// future week the same way.
	return sd * sd * (sq + sum*sum/rateWeeks)
}

// rateWeeks is the number of weeks the new-business rate averages.
const rateWeeks = RateWindowDaysDefault / 7

// cumulative returns the layer's expected flow from day 1 through day n.
func (m *lagModel) cumulative(n int) float64 {
	s := 0.0
	for j := 1; j <= n; j++ {
		s += m.expected(j)
	}
	return s
}

// netWeeklySD is the week-to-week variability of net business placed
// (sales minus purchases) over the 26 weeks up to the forecast: the robust
// variance of its four-week sums, divided by four, so that weeks that
// offset each other (an order pulled forward from the next week) do not
// count as variability.
func netWeeklySD(sales, buying *lagModel) float64 {
	if sales == nil || buying == nil {
		return 0
	}
	var sums []float64
	for i := 0; i+4 <= len(sales.weekly); i++ {
		s := 0.0
		for j := i; j < i+4; j++ {
			s += sales.weekly[j] - buying.weekly[j]
		}
		sums = append(sums, s)
	}
	sd4 := 1.4826 * madFloat(sums, medianFloat(sums))
	return sd4 / 2
}

// expected returns the flow expected j days after t from business placed
// after t: an order placed on day t+s is paid s+k days later with
// probability pmf(k), so day t+j receives rate * cdf[j-1].
func (m *lagModel) expected(j int) float64 {
	if m == nil || len(m.cdf) == 0 || j < 1 {
		return 0
	}
	k := min(j-1, len(m.cdf)-1)
	return m.rate * m.cdf[k]
}

// medianLag returns the days within which half of what is eventually paid
// (within the horizon) is paid.
func (m *lagModel) medianLag() int {
	if m == nil || len(m.cdf) == 0 {
		return 30
	}
	top := m.cdf[len(m.cdf)-1]
	for k, v := range m.cdf {
		if v >= top/2 {
			return k
		}
	}
	return len(m.cdf) - 1
}

// businessLag measures the new-business layer of company cid as of t for
// one side. Business is a confirmed order (by its date) or an invoice or
// bill billing no order; on the purchase side, bills of vendors with a
// recurring flow are left out (the recurring layer projects them). The
// rate averages the business placed in the last RateWindowDays. The lag
// distribution comes from the business placed in the year up to t, each
// lag k measured on the business at least k+1 days old (as an actuarial
// life table does), so short lags reflect the most recent habits.
func (b *book) businessLag(cid int64, t day, kind docKind, exclude map[int64]bool, opt Options, end day) *lagModel {
	horizon := int(end - t)
	from := t - day(opt.RateWindowDays)
	lagFrom := t - HabitWindowDays
	// num[k] and den[k] are difference arrays: paid within k days and
	// placed, over the business old enough to tell (age > k).
	num := make([]float64, horizon+1)
	den := make([]float64, horizon+1)
	var placed float64
	sign := 1.0
	if kind == vendorDoc {
		sign = -1
	}
	const sdWeeks = 26
	weekly := make([]float64, sdWeeks)
	event := func(origin day, amount float64, docs []*doc) {
		if origin > from && origin <= t {
			placed += amount
		}
		if origin > t-7*sdWeeks && origin <= t {
			weekly[int(t-origin)/7] += amount
		}
		if origin < lagFrom || origin >= t {
			return
		}
		age := min(int(t-origin), horizon) // lags 0..age-1 are observed
		w := math.Exp2(-float64(t-origin) / lagHalfLifeDays)
		amount *= w
		den[0] += amount
		den[age] -= amount
		for _, d := range docs {
			for _, s := range d.settle {
				if s.credit || s.d > t || s.created > t {
					continue
				}
				k := int(s.d - origin)
				if k < 0 {
					k = 0
				}
				if k < age {
					num[k] += -sign * s.amt * w
					num[age] -= -sign * s.amt * w
				}
			}
		}
	}
	orders := b.sales
	if kind == vendorDoc {
		orders = b.purchases
	}
	for _, o := range orders {
		if o.company != cid || o.created > t || o.date > t {
			continue
		}
		var docs []*doc
		for _, d := range o.docs {
			if d.created <= t {
				docs = append(docs, d)
			}
		}
		event(o.date, o.amount, docs)
	}
	for _, d := range b.docs {
		if d.company != cid || d.kind != kind || d.order != 0 || d.created > t || d.date > t || sign*d.amount <= 0 {
			continue
		}
		if exclude[d.partner] {
			continue
		}
		event(d.date, sign*d.amount, []*doc{d})
	}
	m := &lagModel{rate: placed / float64(opt.RateWindowDays), weekly: weekly}
	if den[0] <= 0 {
		return m
	}
	m.cdf = make([]float64, horizon)
	var n, dd, prev float64
	for k := range m.cdf {
		n += num[k]
		dd += den[k]
		f := prev
		if dd > 0 {
			f = math.Min(1, math.Max(prev, n/dd))
		}
		m.cdf[k], prev = f, f
	}
	return m
}

// lagHalfLifeDays is the age at which a past order weighs half in the lag
// distribution: payment habits drift (a customer paying ever later), and
// the recent ones say more about the next weeks.
const lagHalfLifeDays = 60.0
