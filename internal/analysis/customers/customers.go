package customers

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Threshold names (settings of a connection) and their defaults.
const (
	// ThresholdChurnFactor is how many of a customer's median gaps between
	// orders must pass without an order for a churn risk.
	ThresholdChurnFactor = "customers.churn_factor"
	// ChurnFactorDefault is the default of ThresholdChurnFactor.
	ChurnFactorDefault = 3.0

	// ThresholdChurnMinOrders is how many orders (on distinct days) a
	// customer needs before their rhythm is trusted.
	ThresholdChurnMinOrders = "customers.churn_min_orders"
	// ChurnMinOrdersDefault is the default of ThresholdChurnMinOrders.
	ChurnMinOrdersDefault = 5.0

	// ThresholdChurnMinDays is the fewest days without an order that can
	// be a churn risk, however frequent the customer.
	ThresholdChurnMinDays = "customers.churn_min_days"
	// ChurnMinDaysDefault is the default of ThresholdChurnMinDays.
	ChurnMinDaysDefault = 45.0

	// ThresholdChurnHighOrders is how many orders make a customer an
	// established one whose churn risk has high priority.
	ThresholdChurnHighOrders = "customers.churn_high_orders"
	// ChurnHighOrdersDefault is the default of ThresholdChurnHighOrders.
	ChurnHighOrdersDefault = 15.0

	// ThresholdAtRiskHealth is the health score below which a customer
	// counts as at risk.
	ThresholdAtRiskHealth = "customers.at_risk_health"
	// AtRiskHealthDefault is the default of ThresholdAtRiskHealth.
	AtRiskHealthDefault = 65.0

	// ThresholdUpsellHealth is the health score an upsell candidate needs.
	ThresholdUpsellHealth = "customers.upsell_health"
	// UpsellHealthDefault is the default of ThresholdUpsellHealth.
	UpsellHealthDefault = 70.0

	// ThresholdUpsellGrowth is the growth of invoiced value (last 180 days
	// against the 180 before) an upsell candidate needs.
	ThresholdUpsellGrowth = "customers.upsell_growth"
	// UpsellGrowthDefault is the default of ThresholdUpsellGrowth.
	UpsellGrowthDefault = 0.2

	// ThresholdUpsellMax is the most upsell insights per company.
	ThresholdUpsellMax = "customers.upsell_max"
	// UpsellMaxDefault is the default of ThresholdUpsellMax.
	UpsellMaxDefault = 20.0

	// ThresholdSupportProjectID names the project.project whose tasks are
	// support tickets when helpdesk is not installed; 0 finds it by name.
	ThresholdSupportProjectID = "customers.support_project_id"
)

// Insight kinds of this analyzer.
const (
	KindChurnRisk = "churn_risk"
	KindUpsell    = "upsell_candidate"
)

const (
	modelPartner = "res.partner"
	modelOrder   = "sale.order"
	modelMove    = "account.move"
	modelLine    = "account.move.line"
	modelTicket  = "helpdesk.ticket"
	modelTask    = "project.task"
	modelProject = "project.project"
	trendDays    = 180
)

// New returns the customer success analyzer.
func New() analysis.Analyzer { return analyzer{} }

type analyzer struct{}

func (analyzer) Area() string { return "customers" }

// key identifies a customer: a commercial partner within a company.
type key struct{ company, partner int64 }

// customer is what the analyzer learns about one customer.
type customer struct {
	key
	name     string
	archived bool
	// orderDays are the distinct days of confirmed sale orders (or, for a
	// customer without sale orders, of posted invoices), sorted.
	orderDays []odoo.Date
	orderIDs  []int64
	source    string
	// Invoiced value (untaxed, company currency, credit notes negative)
	// and order counts of the last 180 days and the 180 before.
	recentValue, priorValue   float64
	recentOrders, priorOrders int
	value365                  float64
	// margin365 is value365 less the cost of the products invoiced (at
	// their current cost); valid when data.hasMargin.
	margin365 float64
	// Payment behaviour: the oldest overdue open invoice and the days late
	// of invoices paid in the last 365 days.
	overdueDays   int
	overdueAmount float64
	overdueIDs    []int64
	paidLate      []float64
	// Support: open tickets, and those past their SLA deadline.
	openTickets, breachedTickets int
	upsellOrders                 []int64
	health                       health
}

// data is what the analyzer reads.
type data struct {
	customers map[key]*customer
	currency  map[int64]string
	partners  map[int64]odoo.Record
	commCache map[int64]int64
	hasOrders bool
	hasMoves  bool
	hasLines  bool
	hasMargin bool
	support   *support
}

func (analyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	res := &analysis.Result{Area: "customers"}
	d, err := load(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	companies := map[int64]bool{}
	for k := range d.customers {
		companies[k.company] = true
	}
	if d.support != nil {
		for c := range d.support.companies() {
			companies[c] = true
		}
	}
	var ids []int64
	for c := range companies {
		ids = append(ids, c)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	list := sortedCustomers(d)
	for _, c := range list {
		c.health = score(env, d, c)
	}
	churned := detectChurn(env, d, list, res)
	for _, c := range ids {
		healthMetrics(env, d, c, list, churned, res)
		upsell(env, d, c, list, churned, res)
		supportMetrics(env, d, c, res)
	}
	res.Sort()
	return res, nil
}

func sortedCustomers(d *data) []*customer {
	list := make([]*customer, 0, len(d.customers))
	for _, c := range d.customers {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].company != list[j].company {
			return list[i].company < list[j].company
		}
		return list[i].partner < list[j].partner
	})
	return list
}

// commercial returns the commercial partner of a partner: its
// commercial_partner_id, else the top of its parent_id chain, else itself.
func (d *data) commercial(id int64) int64 {
	if id == 0 {
		return 0
	}
	if c, ok := d.commCache[id]; ok {
		return c
	}
	cur := id
	for range 16 {
		p, ok := d.partners[cur]
		if !ok {
			break
		}
		if cp := fields.M2OID(p, "commercial_partner_id"); cp != 0 {
			cur = cp
			break
		}
		parent := fields.M2OID(p, "parent_id")
		if parent == 0 || parent == cur {
			break
		}
		cur = parent
	}
	d.commCache[id] = cur
	return cur
}

func (d *data) customer(company, partner int64) *customer {
	k := key{company, d.commercial(partner)}
	c := d.customers[k]
	if c == nil {
		c = &customer{key: k}
		if p, ok := d.partners[k.partner]; ok {
			c.name = fields.String(p, "name")
			c.archived = !fields.Active(p)
		}
		d.customers[k] = c
	}
	return c
}

func load(ctx context.Context, env *analysis.Env) (*data, error) {
	src := env.Source
	d := &data{customers: map[key]*customer{}, partners: map[int64]odoo.Record{}, commCache: map[int64]int64{}}
	var err error
	if d.currency, err = fields.Currencies(ctx, src); err != nil {
		return nil, err
	}
	partners, _, err := analysis.Optional(ctx, src, modelPartner)
	if err != nil {
		return nil, err
	}
	for _, p := range partners {
		d.partners[p.ID()] = p
	}
	orders, hasOrders, err := analysis.Optional(ctx, src, modelOrder)
	if err != nil {
		return nil, err
	}
	d.hasOrders = hasOrders
	for _, o := range orders {
		if s := fields.String(o, "state"); s != "sale" && s != "done" {
			continue
		}
		p := fields.M2OID(o, "partner_id")
		if p == 0 {
			continue
		}
		c := d.customer(fields.M2OID(o, "company_id"), p)
		if c.name == "" {
			c.name = fields.M2OName(o, "partner_id")
		}
		day := fields.Day(fields.Datetime(o, "date_order"))
		c.orderDays = append(c.orderDays, day)
		c.orderIDs = append(c.orderIDs, o.ID())
		c.source = "sale orders"
		if fields.String(o, "invoice_status") == "upselling" && analysis.DaysBetween(day, env.Today) < 365 {
			c.upsellOrders = append(c.upsellOrders, o.ID())
		}
	}
	moves, hasMoves, err := analysis.Optional(ctx, src, modelMove)
	if err != nil {
		return nil, err
	}
	d.hasMoves = hasMoves
	invoices := map[int64]odoo.Record{}
	recent := map[int64]*customer{} // customer moves of the last 365 days
	for _, m := range moves {
		t := fields.String(m, "move_type")
		if fields.String(m, "state") != "posted" || (t != "out_invoice" && t != "out_refund") {
			continue
		}
		p := fields.M2OID(m, "commercial_partner_id")
		if p == 0 {
			p = fields.M2OID(m, "partner_id")
		}
		if p == 0 {
			continue
		}
		c := d.customer(fields.M2OID(m, "company_id"), p)
		if c.name == "" {
			c.name = fields.M2OName(m, "partner_id")
		}
		addInvoice(env, c, m, t)
		if age := analysis.DaysBetween(invoiceDay(m), env.Today); age >= 0 && age < 365 {
			recent[m.ID()] = c
		}
		if t == "out_invoice" {
			invoices[m.ID()] = m
		}
	}
	for _, c := range d.customers {
		finishRhythm(c)
	}
	if hasMoves {
		if err := paymentHistory(ctx, env, d, invoices); err != nil {
			return nil, err
		}
		if err := margins(ctx, env, d, recent); err != nil {
			return nil, err
		}
	}
	if d.support, err = loadSupport(ctx, env, d); err != nil {
		return nil, err
	}
	return d, nil
}

// addInvoice adds a posted customer invoice or credit note to c's value
// and payment behaviour.
func addInvoice(env *analysis.Env, c *customer, m odoo.Record, typ string) {
	day := invoiceDay(m)
	age := analysis.DaysBetween(day, env.Today)
	v := fields.Float(m, "amount_untaxed_signed")
	switch {
	case age < 0:
	case age < trendDays:
		c.recentValue += v
	case age < 2*trendDays:
		c.priorValue += v
	}
	if age >= 0 && age < 365 {
		c.value365 += v
	}
	if typ != "out_invoice" {
		return
	}
	if c.source != "sale orders" && age >= 0 {
		// Without sale orders the invoices give the rhythm; one dated after
		// Today (prepared ahead) is not an order yet.
		c.orderDays = append(c.orderDays, day)
		c.orderIDs = append(c.orderIDs, m.ID())
		c.source = "invoices"
	}
	due := fields.Date(m, "invoice_date_due")
	if due.IsZero() {
		due = day
	}
	if fields.Float(m, "amount_residual") > 0 {
		if late := analysis.DaysBetween(due, env.Today); late > 0 {
			c.overdueDays = max(c.overdueDays, late)
			c.overdueAmount += fields.Float(m, "amount_residual_signed")
			c.overdueIDs = append(c.overdueIDs, m.ID())
		}
	}
}

// finishRhythm sorts the order days, keeps one per day and counts the
// orders of the trend windows.
func finishRhythm(c *customer) {
	sort.Slice(c.orderDays, func(i, j int) bool { return c.orderDays[i].Before(c.orderDays[j]) })
	out := c.orderDays[:0]
	for i, x := range c.orderDays {
		if i == 0 || x != c.orderDays[i-1] {
			out = append(out, x)
		}
	}
	c.orderDays = out
	sort.Slice(c.orderIDs, func(i, j int) bool { return c.orderIDs[i] < c.orderIDs[j] })
}

// paymentHistory finds when each paid invoice was paid: the latest date of
// the other receivable items reconciled with it (same matching_number in
// 17+, same full_reconcile_id in 16), and records the days late of those
// paid in the last 365 days.
func paymentHistory(ctx context.Context, env *analysis.Env, d *data, invoices map[int64]odoo.Record) error {
	lines, ok, err := analysis.Optional(ctx, env.Source, modelLine)
	if err != nil || !ok {
		return err
	}
	d.hasLines = true
	type group struct {
		invoices []int64
		last     odoo.Date
	}
	groups := map[string]*group{}
	for _, l := range lines {
		if t := fields.String(l, "account_type"); t != "" && t != "asset_receivable" {
			continue
		}
		k := fields.String(l, "matching_number")
		if strings.HasPrefix(k, "P") {
			continue // partial: not paid in full
		}
		if k == "" {
			if f := fields.M2OID(l, "full_reconcile_id"); f != 0 {
				k = fmt.Sprintf("F%d", f)
			}
		}
		if k == "" {
			continue
		}
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		mv := fields.M2OID(l, "move_id")
		if _, isInv := invoices[mv]; isInv {
			g.invoices = append(g.invoices, mv)
			continue
		}
		if day := fields.Date(l, "date"); g.last.Before(day) {
			g.last = day
		}
	}
	for _, g := range groups {
		if g.last.IsZero() || analysis.DaysBetween(g.last, env.Today) >= 365 {
			continue
		}
		for _, id := range g.invoices {
			m := invoices[id]
			if fields.Float(m, "amount_residual") > 0 {
				continue
			}
			p := fields.M2OID(m, "commercial_partner_id")
			if p == 0 {
				p = fields.M2OID(m, "partner_id")
			}
			c := d.customer(fields.M2OID(m, "company_id"), p)
			due := fields.Date(m, "invoice_date_due")
			if due.IsZero() {
				due = fields.Date(m, "invoice_date")
			}
			c.paidLate = append(c.paidLate, float64(max(0, analysis.DaysBetween(due, g.last))))
		}
	}
	return nil
}

// metric builds an available metric.
func metric(name string, v float64, unit string, company int64, refs ...analysis.Ref) analysis.Metric {
	return analysis.Metric{Name: name, Value: fields.Round2(v), Unit: unit, CompanyID: company, Available: true, Refs: refs}
}

// invoiceDay is the invoice date of a customer move, else its accounting
// date.
func invoiceDay(m odoo.Record) odoo.Date {
	if day := fields.Date(m, "invoice_date"); !day.IsZero() {
		return day
	}
	return fields.Date(m, "date")
}

// margins sets each customer's margin of the last 365 days: the revenue of
// the product lines of their recent moves (company currency, credit notes
// negative) less quantity times the product's current cost. A churning
// customer puts this margin at risk, not their revenue.
func margins(ctx context.Context, env *analysis.Env, d *data, recent map[int64]*customer) error {
	lines, ok, err := analysis.Optional(ctx, env.Source, modelLine)
	if err != nil || !ok {
		return err
	}
	prods, ok, err := analysis.Optional(ctx, env.Source, "product.product")
	if err != nil || !ok {
		return err
	}
	cost := make(map[int64]float64, len(prods))
	for _, p := range prods {
		cost[p.ID()] = fields.Float(p, "standard_price")
	}
	d.hasMargin = true
	for _, l := range lines {
		c := recent[fields.M2OID(l, "move_id")]
		if c == nil {
			continue
		}
		dt, at := fields.String(l, "display_type"), fields.String(l, "account_type")
		if dt != "product" && !(dt == "" && strings.HasPrefix(at, "income")) {
			continue
		}
		revenue := -fields.Float(l, "balance")
		q := math.Abs(fields.Float(l, "quantity")) * cost[fields.M2OID(l, "product_id")]
		if revenue < 0 {
			q = -q // a credit note returns the cost with the revenue
		}
		c.margin365 += revenue - q
	}
	return nil
}
