package forecast

import (
	"math"
	"sort"
)

// lagModel is the new-business layer of one side (sales or purchases):
// the daily rate of business placed over the rate window, and the share
// of it that reaches the bank within k days of being placed.
type lagModel struct {
	rate float64   // company currency per day, unsigned
	cdf  []float64 // cdf[k]: share paid within k days of the order (or invoice)
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
// rate averages the business placed in the last RateWindowDays; the lag
// distribution comes from the business placed in the year before, old
// enough to have been paid over the whole horizon.
func (b *book) businessLag(cid int64, t day, kind docKind, exclude map[int64]bool, opt Options, end day) *lagModel {
	horizon := int(end - t)
	from := t - day(opt.RateWindowDays)
	lagFrom, lagTo := t-HabitWindowDays, t-day(horizon)-1
	pmf := make([]float64, horizon)
	var placed, lagTotal float64
	sign := 1.0
	if kind == vendorDoc {
		sign = -1
	}
	event := func(origin day, amount float64, docs []*doc) {
		if origin > from && origin <= t {
			placed += amount
		}
		if origin < lagFrom || origin > lagTo {
			return
		}
		lagTotal += amount
		for _, d := range docs {
			for _, s := range d.settle {
				if s.credit || s.d > t || s.created > t {
					continue
				}
				k := int(s.d - origin)
				if k < 0 {
					k = 0
				}
				if k < horizon {
					pmf[k] += -sign * s.amt
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
	m := &lagModel{rate: placed / float64(opt.RateWindowDays)}
	if lagTotal <= 0 {
		return m
	}
	m.cdf = make([]float64, horizon)
	cum := 0.0
	for k := range pmf {
		cum += pmf[k]
		m.cdf[k] = math.Min(1, cum/lagTotal)
	}
	return m
}

// flowSD is the week-to-week variability of the bank's net flow: the
// robust standard deviation (1.4826 MAD) of the weekly net flows of the 26
// weeks up to t. The band adds its square once per week of horizon.
func (b *book) flowSD(cid int64, t day) float64 {
	const weeks = 26
	nets := make([]float64, weeks)
	lo := t - 7*weeks
	for _, l := range b.cash[cid] {
		if l.d <= lo || l.d > t || l.created > t {
			continue
		}
		w := int(t-l.d) / 7
		nets[w] += l.amt
	}
	sort.Float64s(nets)
	m := medianFloat(nets)
	return 1.4826 * madFloat(nets, m)
}
