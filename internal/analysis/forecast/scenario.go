package forecast

import (
	"errors"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
)

// Kinds of Change.
const (
	// ChangeCustomerDelay: customer PartnerID pays Days later (its open
	// invoices and confirmed orders).
	ChangeCustomerDelay = "customer_delay"
	// ChangeCustomerNever: customer PartnerID never pays.
	ChangeCustomerNever = "customer_never"
	// ChangeDealSlip: opportunity LeadID (and its confirmed order) comes
	// Days later.
	ChangeDealSlip = "deal_slip"
	// ChangeDealLost: opportunity LeadID (and its confirmed order) is lost.
	ChangeDealLost = "deal_lost"
	// ChangeBillEarly: vendor bill MoveID is paid on Date (or Days
	// earlier when Date is empty).
	ChangeBillEarly = "bill_early"
	// ChangeHire: a new hire costs Amount (positive) a month from Date,
	// paid on Date's day of the month.
	ChangeHire = "hire"
	// ChangeOneOff: a one-off flow of Amount (negative for a payment) on
	// Date.
	ChangeOneOff = "one_off"
)

// Change is one assumption of a scenario.
type Change struct {
	Kind      string    `json:"kind"`
	PartnerID int64     `json:"partner_id,omitempty"`
	LeadID    int64     `json:"lead_id,omitempty"`
	MoveID    int64     `json:"move_id,omitempty"`
	Days      int       `json:"days,omitempty"`
	Date      odoo.Date `json:"date,omitzero"`
	Amount    float64   `json:"amount,omitempty"`
	Label     string    `json:"label,omitempty"`
}

// Scenario is a named set of changes to the base forecast, with the
// minimum cash the user wants to keep.
type Scenario struct {
	Name    string   `json:"name"`
	Changes []Change `json:"changes"`
	// MinCash is the threshold: the result reports the first week whose
	// closing cash falls under it.
	MinCash float64 `json:"min_cash"`
}

// ScenarioResult is a scenario applied to one company's base forecast.
type ScenarioResult struct {
	Name      string `json:"name"`
	CompanyID int64  `json:"company_id"`
	Weeks     []Week `json:"weeks"`
	// Delta is, per week, the scenario's closing cash minus the base's.
	Delta  []float64 `json:"delta"`
	Lowest Week      `json:"lowest"`
	// Breach is the first week whose closing cash is under MinCash (nil
	// when none); BandBreach the first whose band's low end is.
	Breach     *Week `json:"breach,omitempty"`
	BandBreach *Week `json:"band_breach,omitempty"`
	// Matched counts, per change, the forecast items it changed or added;
	// a change that matched nothing (an unknown partner) shows 0.
	Matched []int `json:"matched"`
	// Items are the scenario's flows.
	Items []Item `json:"items"`
}

// ErrBadChange reports a change that cannot be applied.
var ErrBadChange = errors.New("forecast: bad scenario change")

// Apply applies s to the base forecast c and recomputes the weeks and
// band. The base is not modified.
func (c *Company) Apply(s Scenario) (*ScenarioResult, error) {
	sc := *c
	sc.Items = append([]Item(nil), c.Items...)
	matched := make([]int, len(s.Changes))
	end := c.t + day(7*len(c.Weeks))
	for i, ch := range s.Changes {
		n, err := sc.apply(ch, end)
		if err != nil {
			return nil, fmt.Errorf("%w %d (%s): %w", ErrBadChange, i+1, ch.Kind, err)
		}
		matched[i] = n
	}
	kept := sc.Items[:0]
	for _, it := range sc.Items {
		if it.d <= c.t {
			it.d = c.t + 1
		}
		if it.d <= end {
			kept = append(kept, it)
		}
	}
	sc.Items = kept
	sortItems(sc.Items)
	sc.aggregate(len(c.Weeks))
	res := &ScenarioResult{Name: s.Name, CompanyID: c.CompanyID, Weeks: sc.Weeks, Lowest: sc.Lowest, Matched: matched, Items: sc.Items}
	for w := range sc.Weeks {
		res.Delta = append(res.Delta, sc.Weeks[w].Closing-c.Weeks[w].Closing)
	}
	res.Breach = firstBelow(sc.Weeks, s.MinCash, false)
	res.BandBreach = firstBelow(sc.Weeks, s.MinCash, true)
	return res, nil
}

// FirstBelow returns the first week of the base forecast whose closing
// cash is under min, or nil.
func (c *Company) FirstBelow(min float64) *Week { return firstBelow(c.Weeks, min, false) }

func firstBelow(weeks []Week, min float64, low bool) *Week {
	for i := range weeks {
		v := weeks[i].Closing
		if low {
			v = weeks[i].Low
		}
		if v < min {
			w := weeks[i]
			return &w
		}
	}
	return nil
}

// apply makes one change and returns how many items it touched.
func (c *Company) apply(ch Change, end day) (int, error) {
	n := 0
	switch ch.Kind {
	case ChangeCustomerDelay, ChangeCustomerNever:
		if ch.PartnerID == 0 {
			return 0, errors.New("partner_id is required")
		}
		kept := c.Items[:0]
		for _, it := range c.Items {
			if it.PartnerID == ch.PartnerID && it.Amount > 0 && (it.Layer == LayerInvoice || it.Layer == LayerSaleOrder || it.Layer == LayerPipeline) {
				n++
				if ch.Kind == ChangeCustomerNever {
					continue
				}
				it.d += day(ch.Days)
			}
			kept = append(kept, it)
		}
		c.Items = kept
	case ChangeDealSlip, ChangeDealLost:
		if ch.LeadID == 0 {
			return 0, errors.New("lead_id is required")
		}
		kept := c.Items[:0]
		for _, it := range c.Items {
			if it.LeadID == ch.LeadID {
				n++
				if ch.Kind == ChangeDealLost {
					continue
				}
				it.d += day(ch.Days)
			}
			kept = append(kept, it)
		}
		c.Items = kept
	case ChangeBillEarly:
		if ch.MoveID == 0 {
			return 0, errors.New("move_id is required")
		}
		for i := range c.Items {
			it := &c.Items[i]
			if it.Layer != LayerBill || it.ID != ch.MoveID {
				continue
			}
			n++
			if !ch.Date.IsZero() {
				it.d = dayOfDate(ch.Date)
			} else {
				it.d -= day(ch.Days)
			}
		}
	case ChangeHire:
		if ch.Amount <= 0 || ch.Date.IsZero() {
			return 0, errors.New("a hire needs a positive monthly amount and a start date")
		}
		label := ch.Label
		if label == "" {
			label = "new hire"
		}
		start := ch.Date.In(time.UTC)
		for k := 0; ; k++ {
			d := dayOfDate(addMonthsClamped(start, k))
			if d > end {
				break
			}
			if d <= c.t {
				continue
			}
			c.Items = append(c.Items, Item{Layer: LayerScenario, Name: label, Amount: -ch.Amount, d: d})
			n++
		}
	case ChangeOneOff:
		if ch.Amount == 0 || ch.Date.IsZero() {
			return 0, errors.New("a one-off needs an amount and a date")
		}
		label := ch.Label
		if label == "" {
			label = "one-off"
		}
		c.Items = append(c.Items, Item{Layer: LayerScenario, Name: label, Amount: ch.Amount, d: dayOfDate(ch.Date)})
		n++
	default:
		return 0, fmt.Errorf("unknown kind %q", ch.Kind)
	}
	return n, nil
}
