package forecast

import (
	"math"
	"sort"
)

// HabitWindowDays is how far back paid documents shape a payment habit.
const HabitWindowDays = 365

// HabitMinPaid is how many paid invoices a customer needs for its own
// habit; with fewer, the company's habit stands in.
const HabitMinPaid = 3

// Habit is a payer's record: days late (payment day minus due day;
// negative when early) of the documents fully paid in the last
// HabitWindowDays, sorted.
type Habit struct {
	Late []int `json:"late"`

	// memo holds expect's answers by days elapsed: a company's habit has
	// thousands of payments and is asked once per open invoice.
	memo   map[int]expectation
	spread float64
}

type expectation struct {
	offset int
	sd     float64
	ok     bool
}

// Median returns the median days late (0 without history).
func (h *Habit) Median() float64 { return medianInt(h.Late) }

// Spread returns 1.4826 times the median absolute deviation of the days
// late: the standard deviation of a normal habit, robust to a few odd
// payments. At least one day.
func (h *Habit) Spread() float64 {
	if h.spread == 0 {
		h.spread = spreadInt(h.Late)
	}
	return h.spread
}

// expect returns when a document due on due, still open at the end of t,
// should be paid: the median of the past delays longer than those already
// elapsed (t - due), that is the habit conditioned on "not paid yet", and
// the spread of those delays. ok is false when no past payment was ever
// that late: the document is beyond the habit.
func (h *Habit) expect(due, t day) (d day, sd float64, ok bool) {
	elapsed := int(t - due)
	e, seen := h.memo[elapsed]
	if !seen {
		i := sort.SearchInts(h.Late, elapsed+1)
		if rest := h.Late[i:]; len(rest) > 0 {
			e = expectation{offset: int(math.Round(medianInt(rest))), sd: spreadInt(rest), ok: true}
		}
		if h.memo == nil {
			h.memo = map[int]expectation{}
		}
		h.memo[elapsed] = e
	}
	if !e.ok {
		return 0, 0, false
	}
	return due + day(e.offset), e.sd, true
}

func medianInt(xs []int) float64 {
	n := len(xs)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}

func spreadInt(xs []int) float64 {
	if len(xs) < 2 {
		return 1
	}
	m := medianInt(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(float64(x) - m)
	}
	sort.Float64s(dev)
	var mad float64
	if n := len(dev); n%2 == 1 {
		mad = dev[n/2]
	} else {
		mad = (dev[n/2-1] + dev[n/2]) / 2
	}
	return math.Max(1, 1.4826*mad)
}

// habits holds one company's payment habits as of a day.
type habits struct {
	customer map[int64]*Habit // by commercial partner
	company  Habit            // every customer together
	paying   Habit            // the company paying its vendors
}

// computeHabits gathers the habits of company cid from the documents fully
// paid in the HabitWindowDays up to t (as known at t).
func computeHabits(docs []*doc, cid int64, t day) *habits {
	h := &habits{customer: map[int64]*Habit{}}
	for _, d := range docs {
		if d.company != cid || d.created > t || d.due == noDay || d.absorbed {
			continue
		}
		invoice := d.kind == customerDoc && d.amount > 0
		bill := d.kind == vendorDoc && d.amount < 0
		if !invoice && !bill {
			continue
		}
		p := d.paidDay(t)
		if p == noDay || p <= t-HabitWindowDays {
			continue
		}
		late := int(p - d.due)
		if bill {
			h.paying.Late = append(h.paying.Late, late)
			continue
		}
		h.company.Late = append(h.company.Late, late)
		c := h.customer[d.partner]
		if c == nil {
			c = &Habit{}
			h.customer[d.partner] = c
		}
		c.Late = append(c.Late, late)
	}
	sort.Ints(h.company.Late)
	sort.Ints(h.paying.Late)
	for _, c := range h.customer {
		sort.Ints(c.Late)
	}
	return h
}

// of returns the habit a customer's invoices follow: its own with enough
// history, else the company's.
func (h *habits) of(partner int64) (*Habit, bool) {
	if c := h.customer[partner]; c != nil && len(c.Late) >= HabitMinPaid {
		return c, true
	}
	return &h.company, false
}
