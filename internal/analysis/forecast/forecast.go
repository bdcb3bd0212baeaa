package forecast

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Defaults of Options.
const (
	// WeeksDefault is the forecast's length.
	WeeksDefault = 13
	// RateWindowDaysDefault is the trailing window over which the rate of
	// new business (orders and invoices not yet placed) is averaged.
	RateWindowDaysDefault = 91
	// BandZ is the normal quantile of an 80% band (10% to 90%).
	BandZ = 1.2816
)

// Layers of an Item: where an expected flow comes from.
const (
	LayerBank      = "bank"       // a bank line dated after the as-of day
	LayerInProcess = "in_process" // a registered payment not on the bank yet
	LayerInvoice   = "invoice"    // an open customer invoice or credit note
	LayerBill      = "bill"       // an open vendor bill or refund
	LayerSaleOrder = "sale_order" // a confirmed sale order not yet invoiced
	LayerPurchase  = "purchase"   // a confirmed purchase order not yet billed
	LayerRecurring = "recurring"  // a projected recurring flow
	LayerNewSales  = "new_sales"  // receipts from orders not yet placed
	LayerNewBuying = "new_buying" // payments for purchases not yet ordered
	LayerPipeline  = "pipeline"   // weighted open opportunities (optional)
	LayerScenario  = "scenario"   // added by a scenario
	LayerDoubtful  = "doubtful"   // invoices later than any past payment: not counted
)

// Options configure a forecast.
type Options struct {
	// Weeks is the number of weeks forecast. Defaults to WeeksDefault.
	Weeks int
	// Pipeline counts the weighted pipeline in receipts and closing cash;
	// by default it is reported per week (Week.Pipeline) but not counted.
	Pipeline bool
	// Disabled lists recurring flow IDs switched off.
	Disabled []string
	// RateWindowDays is the window of the new-business rate. Defaults to
	// RateWindowDaysDefault.
	RateWindowDays int
	// CommittedOnly leaves out the new-business layers: only what is
	// documented today (bank lines, open invoices and bills, confirmed
	// orders, recurring flows) is counted.
	CommittedOnly bool
}

func (o Options) withDefaults() Options {
	if o.Weeks <= 0 {
		o.Weeks = WeeksDefault
	}
	if o.RateWindowDays <= 0 {
		o.RateWindowDays = RateWindowDaysDefault
	}
	return o
}

// Week is one week of the forecast: Start to End inclusive.
type Week struct {
	Week     int       `json:"week"`
	Start    odoo.Date `json:"start"`
	End      odoo.Date `json:"end"`
	Opening  float64   `json:"opening"`
	Receipts float64   `json:"receipts"`
	// Payments are negative.
	Payments float64 `json:"payments"`
	Closing  float64 `json:"closing"`
	// Low and High bound the 80% band of Closing.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Pipeline is the weighted pipeline expected in the week (counted in
	// Receipts only with Options.Pipeline).
	Pipeline float64 `json:"pipeline"`
}

// Item is one expected flow behind a week's figure.
type Item struct {
	Layer string `json:"layer"`
	// Model and ID name the record (account.move, sale.order, ...); empty
	// for the new-business layers.
	Model     string    `json:"model,omitempty"`
	ID        int64     `json:"id,omitempty"`
	PartnerID int64     `json:"partner_id,omitempty"`
	Name      string    `json:"name"`
	Date      odoo.Date `json:"date"`
	// Amount is signed, company currency: positive into the bank.
	Amount float64 `json:"amount"`
	// SpreadDays is the standard deviation of the date, from the payer's
	// habit.
	SpreadDays  float64 `json:"spread_days,omitempty"`
	RecurringID string  `json:"recurring_id,omitempty"`
	LeadID      int64   `json:"lead_id,omitempty"`
	// Week is the forecast week (1-based) the item falls in.
	Week int `json:"week"`
	d    day
}

// Company is one company's forecast, in its currency.
type Company struct {
	CompanyID   int64     `json:"company_id"`
	Currency    string    `json:"currency"`
	AsOf        odoo.Date `json:"as_of"`
	OpeningCash float64   `json:"opening_cash"`
	Weeks       []Week    `json:"weeks"`
	// Items are the counted flows, by date.
	Items []Item `json:"items"`
	// Doubtful are open invoices later than any payment in the customer's
	// or the company's habit: not counted.
	Doubtful  []Item       `json:"doubtful,omitempty"`
	Recurring []*Recurring `json:"recurring"`
	// Habits summarise the payment habits used.
	CustomerHabitDays float64 `json:"customer_habit_days"`
	PayingHabitDays   float64 `json:"paying_habit_days"`
	// NetWeeklySD is the week-to-week standard deviation of net business
	// placed (sales minus purchases), which the band carries forward.
	NetWeeklySD float64 `json:"net_weekly_sd"`
	// Lowest is the week with the lowest closing cash.
	Lowest Week `json:"lowest"`
	// ModelSD is, per week, the standard deviation of closing cash the
	// model derives (habits, new-business variability and drift).
	ModelSD []float64 `json:"model_sd"`
	// BandScale is, per week, the factor applied to ModelSD so that the
	// 80% band held 80% of actual closing cash over the company's last
	// CalibrationOrigins weekly forecasts (1 without that track record).
	BandScale []float64 `json:"band_scale"`

	pipeline      bool
	t             day
	sales, buying *lagModel
	drift         []float64
}

// Forecast is the forecast of every company.
type Forecast struct {
	AsOf      odoo.Date  `json:"as_of"`
	Companies []*Company `json:"companies"`
}

// Model holds the decoded records, so forecasts as of several days (a
// backtest, scenarios) read the records once. It is safe for concurrent
// use; it keeps past forecasts' closing cash for the band's calibration.
type Model struct {
	b *book

	mu     sync.Mutex
	tracks map[trackKey]*track
}

// Load reads what the forecast needs from src. It returns an error
// wrapping analysis.ErrUnavailable without the accounting module.
func Load(ctx context.Context, src analysis.Source) (*Model, error) {
	b, ok, err := load(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("forecast: the accounting module is not installed: %w", analysis.ErrUnavailable)
	}
	return &Model{b: b}, nil
}

// Compute reads src and forecasts as of asOf.
func Compute(ctx context.Context, src analysis.Source, asOf odoo.Date, opt Options) (*Forecast, error) {
	m, err := Load(ctx, src)
	if err != nil {
		return nil, err
	}
	return m.At(asOf, opt), nil
}

// At forecasts as of the end of asOf, using only what was known then:
// records created after asOf are left out, settlements dated or created
// after it have not happened.
func (m *Model) At(asOf odoo.Date, opt Options) *Forecast {
	opt = opt.withDefaults()
	t := dayOfDate(asOf)
	f := &Forecast{AsOf: asOf}
	for _, cid := range m.b.companyIDs() {
		f.Companies = append(f.Companies, m.forecast(cid, t, opt))
	}
	return f
}

func (b *book) companyIDs() []int64 {
	set := map[int64]bool{}
	for id := range b.companies {
		set[id] = true
	}
	for id := range b.liquidity {
		set[id] = true
	}
	var out []int64
	for id := range set {
		if b.liquidity[id] != nil {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// cashAt returns the bank and cash balance of cid at the end of t as it was
// known then (lines created after t are left out).
func (b *book) cashAt(cid int64, t day) float64 {
	s := 0.0
	for _, l := range b.cash[cid] {
		if l.d > t {
			break
		}
		if l.created <= t {
			s += l.amt
		}
	}
	return s
}

// cashActual returns the balance at the end of t as the books say today.
func (b *book) cashActual(cid int64, t day) float64 {
	s := 0.0
	for _, l := range b.cash[cid] {
		if l.d > t {
			break
		}
		s += l.amt
	}
	return s
}

func (b *book) companyForecast(cid int64, t day, opt Options) *Company {
	c := &Company{CompanyID: cid, AsOf: t.date(), OpeningCash: b.cashAt(cid, t), pipeline: opt.Pipeline, t: t}
	if co := b.companies[cid]; co != nil {
		c.Currency = co.Currency
	}
	end := t + day(7*opt.Weeks)
	h := computeHabits(b.docs, cid, t)
	c.CustomerHabitDays = h.company.Median()
	c.PayingHabitDays = h.paying.Median()
	add := func(it Item) {
		if it.d <= t {
			it.d = t + 1
		}
		if it.d > end {
			return
		}
		c.Items = append(c.Items, it)
	}
	// Bank lines dated after t are not cash at t: they come on their day.
	for _, l := range b.cash[cid] {
		if l.d > t && l.d <= end && l.created <= t {
			add(Item{Layer: LayerBank, Model: "account.move", ID: l.move, PartnerID: l.partner, Name: l.name, Amount: l.amt, d: l.d})
		}
	}
	for i, p := range b.inProcess {
		if b.inProcCo[i] == cid && p.d <= t && p.created <= t {
			add(Item{Layer: LayerInProcess, Name: "payment in process", Amount: p.amt, d: t + 1, SpreadDays: 1})
		}
	}
	b.openDocuments(c, h, t, add)
	b.openOrders(c, h, t, add)
	rec := b.detectRecurring(cid, t)
	disabled := map[string]bool{}
	for _, id := range opt.Disabled {
		disabled[id] = true
	}
	recurringPartner := map[int64]bool{}
	for _, r := range rec {
		if p, ok := partnerOf(r.ID); ok {
			recurringPartner[p] = true
		}
		if disabled[r.ID] {
			r.Enabled = false
			continue
		}
		for _, f := range r.projections(t, end) {
			add(Item{Layer: LayerRecurring, Name: r.Label, Amount: f.amt, d: f.d, RecurringID: r.ID, SpreadDays: 2})
		}
	}
	c.Recurring = rec
	// New business: orders and invoices not placed yet, at the rate of the
	// last RateWindowDays, paid with the lags seen over the last year.
	sales := b.businessLag(cid, t, customerDoc, nil, opt, end)
	buying := b.businessLag(cid, t, vendorDoc, recurringPartner, opt, end)
	for j := day(1); t+j <= end && !opt.CommittedOnly; j++ {
		if v := sales.expected(int(j)); v != 0 {
			add(Item{Layer: LayerNewSales, Name: "sales not yet ordered", Amount: v, d: t + j})
		}
		if v := buying.expected(int(j)); v != 0 {
			add(Item{Layer: LayerNewBuying, Name: "purchases not yet ordered", Amount: -v, d: t + j})
		}
	}
	b.pipelineItems(c, sales, t, add)
	c.sales, c.buying = sales, buying
	// How far the new-business layer moved in a quarter: the same layer
	// measured 13 weeks earlier, over the same horizon.
	prevS := b.businessLag(cid, t-91, customerDoc, nil, opt, end-91)
	prevB := b.businessLag(cid, t-91, vendorDoc, recurringPartner, opt, end-91)
	c.drift = make([]float64, opt.Weeks)
	for w := range c.drift {
		n := 7 * (w + 1)
		c.drift[w] = (sales.cumulative(n) - buying.cumulative(n)) - (prevS.cumulative(n) - prevB.cumulative(n))
	}
	c.NetWeeklySD = netWeeklySD(sales, buying)
	sortItems(c.Items)
	c.aggregate(opt.Weeks)
	return c
}

func sortItems(items []Item) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].d < items[j].d })
}

// partnerOf returns the partner id of a "partner:<id>" recurring id.
func partnerOf(id string) (int64, bool) {
	var p int64
	if _, err := fmt.Sscanf(id, "partner:%d", &p); err != nil {
		return 0, false
	}
	return p, true
}

// openDocuments adds the open invoices and bills as of t.
func (b *book) openDocuments(c *Company, h *habits, t day, add func(Item)) {
	for _, d := range b.docs {
		if d.company != c.CompanyID || d.created > t || d.absorbed {
			continue
		}
		res := d.residualAt(t)
		if res == 0 {
			continue
		}
		it := Item{Model: "account.move", ID: d.id, PartnerID: d.partner, Name: d.name, Amount: res}
		due := d.due
		if due == noDay {
			due = d.date
		}
		switch {
		case d.kind == customerDoc && res > 0:
			it.Layer = LayerInvoice
			hab, _ := h.of(d.partner)
			when, sd, ok := hab.expect(due, t)
			if !ok && hab != &h.company {
				when, sd, ok = h.company.expect(due, t)
			}
			if !ok {
				if len(hab.Late) == 0 && len(h.company.Late) == 0 {
					when, sd, ok = max(due, t+1), 3, true // no history at all: on its due date
				} else {
					it.Layer = LayerDoubtful
					it.d = due
					it.Date = due.date()
					c.Doubtful = append(c.Doubtful, it)
					continue
				}
			}
			it.d, it.SpreadDays = when, sd
		case d.kind == vendorDoc && res < 0:
			it.Layer = LayerBill
			when, sd, ok := h.paying.expect(due, t)
			if !ok {
				when, sd = max(due, t+1), 3
			}
			it.d, it.SpreadDays = when, sd
		default:
			// An open credit note or vendor refund: settled on its due date.
			it.Layer = LayerInvoice
			if d.kind == vendorDoc {
				it.Layer = LayerBill
			}
			it.d, it.SpreadDays = max(due, t+1), 7
		}
		add(it)
	}
}

// openOrders adds the confirmed sale and purchase orders not yet fully
// invoiced or billed at t: invoiced after the usual order-to-invoice lag
// (or on the promised date), then paid on terms as the payer usually pays.
func (b *book) openOrders(c *Company, h *habits, t day, add func(Item)) {
	for _, side := range []struct {
		orders []*order
		kind   docKind
		layer  string
		model  string
	}{{b.sales, customerDoc, LayerSaleOrder, "sale.order"}, {b.purchases, vendorDoc, LayerPurchase, "purchase.order"}} {
		var lags, terms []int
		for _, o := range side.orders {
			if o.company != c.CompanyID || o.date > t || o.date <= t-HabitWindowDays {
				continue
			}
			first := noDay
			for _, d := range o.docs {
				if d.created <= t && d.date <= t && d.date < first {
					first = d.date
				}
				if d.created <= t && d.due != noDay {
					terms = append(terms, int(d.due-d.date))
				}
			}
			if first != noDay {
				lags = append(lags, int(first-o.date))
			}
		}
		sort.Ints(lags)
		sort.Ints(terms)
		lagHabit := Habit{Late: lags}
		for _, o := range side.orders {
			if o.company != c.CompanyID || o.created > t || o.date > t || o.date <= t-HabitWindowDays {
				continue
			}
			rest := o.amount
			for _, d := range o.docs {
				if d.created <= t && d.date <= t {
					rest -= math.Abs(d.amount)
				}
			}
			if rest <= 0.01*o.amount || rest < 0.01 {
				continue
			}
			inv := o.planned
			sd := 2.0
			if inv == noDay || inv <= t {
				var ok bool
				inv, sd, ok = lagHabit.expect(o.date, t)
				if !ok {
					inv, sd = t+1, 2
				}
			}
			term := o.termDays
			if !o.hasTerm {
				term = int(medianInt(terms))
			}
			var hab *Habit
			if side.kind == customerDoc {
				hab, _ = h.of(o.partner)
			} else {
				hab = &h.paying
			}
			when := inv + day(term) + day(math.Round(hab.Median()))
			amt := rest
			if side.kind == vendorDoc {
				amt = -rest
			}
			add(Item{Layer: side.layer, Model: side.model, ID: o.id, PartnerID: o.partner, Name: o.name, Amount: amt, d: when,
				SpreadDays: math.Hypot(sd, hab.Spread()), LeadID: o.lead})
		}
	}
}

// pipelineItems adds the weighted open opportunities: probability times
// expected revenue, at the expected closing plus the usual order-to-cash
// lag. Opportunities without a closing date after t are left out.
func (b *book) pipelineItems(c *Company, sales *lagModel, t day, add func(Item)) {
	lag := day(sales.medianLag())
	for _, l := range b.leads {
		if l.company != c.CompanyID || l.created > t || l.closed != noDay && l.closed <= t || l.won || l.prob <= 0 || l.prob >= 100 {
			continue
		}
		if l.closing == noDay || l.closing <= t || l.revenue <= 0 {
			continue
		}
		add(Item{Layer: LayerPipeline, Model: "crm.lead", ID: l.id, PartnerID: l.partner, Name: l.name, Amount: l.revenue * l.prob / 100,
			d: l.closing + lag, SpreadDays: 14, LeadID: l.id})
	}
}

// aggregate sums the items into weeks and computes the band.
func (c *Company) aggregate(weeks int) {
	t := c.t
	c.Weeks = make([]Week, weeks)
	open := c.OpeningCash
	for w := range c.Weeks {
		wk := &c.Weeks[w]
		wk.Week = w + 1
		wk.Start, wk.End = (t + day(7*w+1)).date(), (t + day(7*w+7)).date()
	}
	for i := range c.Items {
		it := &c.Items[i]
		it.Date = it.d.date()
		w := int(it.d-t-1) / 7
		it.Week = w + 1
		wk := &c.Weeks[w]
		if it.Layer == LayerPipeline {
			wk.Pipeline += it.Amount
			if !c.pipeline {
				continue
			}
		}
		if it.Amount >= 0 {
			wk.Receipts += it.Amount
		} else {
			wk.Payments += it.Amount
		}
	}
	c.ModelSD = make([]float64, weeks)
	for w := range c.Weeks {
		wk := &c.Weeks[w]
		wk.Opening = open
		wk.Closing = open + wk.Receipts + wk.Payments
		open = wk.Closing
		c.ModelSD[w] = c.bandSD(w + 1)
	}
	c.applyBand()
}

// applyBand sets each week's Low and High from the model's standard
// deviation times the calibration scale (1 until calibrated).
func (c *Company) applyBand() {
	for w := range c.Weeks {
		wk := &c.Weeks[w]
		scale := 1.0
		if w < len(c.BandScale) {
			scale = c.BandScale[w]
		}
		sd := c.ModelSD[w] * scale
		wk.Low, wk.High = wk.Closing-BandZ*sd, wk.Closing+BandZ*sd
	}
	c.Lowest = c.Weeks[0]
	for _, wk := range c.Weeks {
		if wk.Closing < c.Lowest.Closing {
			c.Lowest = wk
		}
	}
}

// bandSD is the model's standard deviation of closing cash after h weeks:
// the timing of each dated item (its payer's spread: it may land on either
// side of the week's end), the week-to-week variability of new business,
// and how far the new-business layer moved over the last quarter.
func (c *Company) bandSD(h int) float64 {
	end := float64(c.t) + float64(7*h) + 0.5
	v := newBusinessVariance(c.sales, c.buying, c.NetWeeklySD, h)
	if h-1 < len(c.drift) {
		v += c.drift[h-1] * c.drift[h-1]
	}
	for _, it := range c.Items {
		if it.SpreadDays <= 0 || it.Layer == LayerPipeline && !c.pipeline {
			continue
		}
		p := normCDF((end - float64(it.d)) / it.SpreadDays)
		v += it.Amount * it.Amount * p * (1 - p)
	}
	return math.Sqrt(v)
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

var bandVariant = 3
