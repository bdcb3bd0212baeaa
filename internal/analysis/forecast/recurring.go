package forecast

import (
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
)

// Recurring is a flow detected from history that repeats at a regular
// interval with a similar amount (payroll, rent, loan, tax,
// subscriptions), projected forward. A person can switch one off by its
// ID (Options.Disabled).
type Recurring struct {
	// ID is "partner:<id>" for bills of one vendor, "account:<id>" for
	// bank entries booked directly on one account.
	ID        string `json:"id"`
	CompanyID int64  `json:"company_id"`
	Label     string `json:"label"`
	// Interval is weekly, monthly, quarterly or yearly.
	Interval string `json:"interval"`
	// Amount is the projected amount of one occurrence, signed (negative
	// out of the bank), company currency: the median of the last three.
	Amount float64 `json:"amount"`
	// Occurrences is how many were seen in the detection window.
	Occurrences int `json:"occurrences"`
	// Last is the date of the last occurrence (bill or entry date).
	Last odoo.Date `json:"last"`
	// LagDays is the median days from the bill to its payment (0 for bank
	// entries).
	LagDays int `json:"lag_days"`
	// Enabled is false when switched off: its projections are not counted.
	Enabled bool `json:"enabled"`
	// RefModel and RefIDs name the records it was detected from.
	RefModel string  `json:"ref_model"`
	RefIDs   []int64 `json:"ref_ids"`
}

// occurrence is one past instance of a candidate recurring flow.
type occurrence struct {
	d      day
	amt    float64
	lag    int
	paid   bool
	ref    int64
	label  string
	direct bool
}

// interval classes: the median gap between occurrences, how far a gap may
// stray from the class's nominal gap, and how many occurrences prove it.
var intervalClasses = []struct {
	name          string
	lo, hi, tol   int
	minOcc        int
	months, weeks int
}{
	{"weekly", 5, 9, 2, 6, 0, 1},
	{"monthly", 26, 35, 5, 4, 1, 0},
	{"quarterly", 80, 100, 10, 3, 3, 0},
	{"yearly", 350, 380, 15, 2, 12, 0},
}

// Detection limits: see docs/forecast.md.
const (
	// recurringWindowDays is the history searched for recurring flows.
	recurringWindowDays = 800
	// recurringRegularShare is the share of gaps that must be within the
	// class's tolerance of the median gap.
	recurringRegularShare = 0.75
	// recurringAmountSpread is the largest relative spread (median
	// absolute deviation over median) of the last six amounts.
	recurringAmountSpread = 0.3
)

// detectRecurring finds the recurring flows of company cid as of t: vendor
// bills not billing a purchase order, grouped by vendor, and bank entries
// booked directly (no payment, no invoice), grouped by their other account.
func (b *book) detectRecurring(cid int64, t day) []*Recurring {
	groups := map[string][]occurrence{}
	var keys []string
	add := func(k string, o occurrence) {
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], o)
	}
	for _, d := range b.docs {
		if d.company != cid || d.kind != vendorDoc || d.amount >= 0 || d.fromPO || d.order != 0 || d.created > t || d.date > t || d.date <= t-recurringWindowDays {
			continue
		}
		o := occurrence{d: d.date, amt: d.amount, ref: d.id, label: b.partners[d.partner]}
		if p := d.paidDay(t); p != noDay {
			o.lag, o.paid = int(p-d.date), true
		}
		add("partner:"+strconv.FormatInt(d.partner, 10), o)
	}
	for _, l := range b.cash[cid] {
		if !l.direct || l.counter == 0 || l.created > t || l.d > t || l.d <= t-recurringWindowDays {
			continue
		}
		add("account:"+strconv.FormatInt(l.counter, 10), occurrence{d: l.d, amt: l.amt, ref: l.move, label: l.name, paid: true, direct: true})
	}
	var out []*Recurring
	for _, k := range keys {
		if r := classify(k, groups[k], t); r != nil {
			r.CompanyID = cid
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// classify decides whether occurrences (of one key) recur, and how.
func classify(key string, occ []occurrence, t day) *Recurring {
	sort.SliceStable(occ, func(i, j int) bool { return occ[i].d < occ[j].d })
	// Occurrences on one day are one (a bill split in two).
	merged := occ[:0:0]
	for _, o := range occ {
		if n := len(merged); n > 0 && merged[n-1].d == o.d {
			merged[n-1].amt += o.amt
			continue
		}
		merged = append(merged, o)
	}
	if len(merged) < 2 {
		return nil
	}
	gaps := make([]int, len(merged)-1)
	for i := 1; i < len(merged); i++ {
		gaps[i-1] = int(merged[i].d - merged[i-1].d)
	}
	sorted := append([]int(nil), gaps...)
	sort.Ints(sorted)
	med := medianInt(sorted)
	for _, c := range intervalClasses {
		if med < float64(c.lo) || med > float64(c.hi) || len(merged) < c.minOcc {
			continue
		}
		// Only the recent part of the history, sized to the class, must be
		// regular: a vendor may have changed rhythm long ago.
		n := min(len(gaps), max(c.minOcc, 400/c.hi+1))
		recent := gaps[len(gaps)-n:]
		ok := 0
		for _, g := range recent {
			if math.Abs(float64(g)-med) <= float64(c.tol) {
				ok++
			}
		}
		if float64(ok) < recurringRegularShare*float64(len(recent)) {
			return nil
		}
		last := merged[len(merged)-1]
		if int(t-last.d) > int(med)+c.tol {
			return nil // it stopped
		}
		k := min(len(merged), 6)
		amts := make([]float64, 0, k)
		for _, o := range merged[len(merged)-k:] {
			amts = append(amts, o.amt)
		}
		m := medianFloat(amts)
		if m == 0 || madFloat(amts, m)/math.Abs(m) > recurringAmountSpread {
			return nil
		}
		var lags []int
		var refs []int64
		for _, o := range merged[len(merged)-k:] {
			if o.paid {
				lags = append(lags, o.lag)
			}
		}
		for _, o := range occ {
			refs = append(refs, o.ref)
		}
		sort.Ints(lags)
		model := "account.move"
		r := &Recurring{ID: key, Label: last.label, Interval: c.name, Amount: medianFloat(amts[max(0, len(amts)-3):]),
			Occurrences: len(merged), Last: last.d.date(), LagDays: int(math.Round(medianInt(lags))), Enabled: true, RefModel: model, RefIDs: refs}
		return r
	}
	return nil
}

// projections returns the days (and amounts) at which r's next
// occurrences reach the bank after t and up to end.
func (r *Recurring) projections(t, end day) []flow {
	var c struct{ months, weeks int }
	for _, ic := range intervalClasses {
		if ic.name == r.Interval {
			c.months, c.weeks = ic.months, ic.weeks
		}
	}
	last := dayOfDate(r.Last)
	base := r.Last.In(time.UTC)
	var out []flow
	for k := 1; k < 200; k++ {
		var occ day
		if c.weeks > 0 {
			occ = last + day(7*c.weeks*k)
		} else {
			occ = dayOfDate(addMonthsClamped(base, c.months*k))
		}
		pay := occ + day(r.LagDays)
		if pay > end {
			break
		}
		if pay <= t {
			// Due before the forecast starts but not seen: it is late or
			// was skipped; it counts on the first day.
			if occ <= t {
				continue
			}
			pay = t + 1
		}
		out = append(out, flow{d: pay, amt: r.Amount})
	}
	return out
}

// addMonthsClamped adds n months keeping the day of the month, clamped to
// the month's last day (31 January + 1 month is 28 or 29 February).
func addMonthsClamped(t time.Time, n int) odoo.Date {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return odoo.DateOf(time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC))
}

func medianFloat(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func madFloat(xs []float64, m float64) float64 {
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - m)
	}
	return medianFloat(dev)
}
