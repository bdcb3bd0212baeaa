package customers

import (
	"context"
	"math"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

var today = odoo.Date{Year: 2025, Month: 3, Day: 31}

func at(days int) string { return today.AddDays(days).String() + " 10:00:00" }
func on(days int) string { return today.AddDays(days).String() }

func baseSource() analysis.MapSource {
	return analysis.MapSource{
		"res.company":  {{"id": int64(1), "currency_id": int64(1)}, {"id": int64(2), "currency_id": int64(2)}},
		"res.currency": {{"id": int64(1), "name": "EUR"}, {"id": int64(2), "name": "USD"}},
		"res.partner": {
			{"id": int64(10), "name": "Acme GmbH", "is_company": true, "active": true, "commercial_partner_id": false, "parent_id": false},
			{"id": int64(11), "name": "Anna", "active": true, "commercial_partner_id": false, "parent_id": int64(10)},
			{"id": int64(20), "name": "Old Co", "active": false, "commercial_partner_id": false, "parent_id": false},
			{"id": int64(50), "name": "Pay Co", "active": true, "commercial_partner_id": int64(50), "parent_id": false},
			{"id": int64(51), "name": "Ben", "active": true, "commercial_partner_id": int64(10), "parent_id": int64(10)},
		},
		"sale.order":      {},
		"account.move":    {},
		"helpdesk.ticket": {},
	}
}

var nextID int64 = 1000

func order(partner int64, day int, state string, company int64) odoo.Record {
	nextID++
	return odoo.Record{"id": nextID, "partner_id": partner, "state": state, "date_order": at(day), "company_id": company, "invoice_status": "invoiced"}
}

// orders returns n confirmed orders of partner, gap days apart, the last
// since days before Today.
func orders(partner int64, n, gap, since int) []odoo.Record {
	var out []odoo.Record
	for i := n - 1; i >= 0; i-- {
		out = append(out, order(partner, -since-i*gap, "sale", 1))
	}
	return out
}

func run(t *testing.T, src analysis.MapSource, th map[string]float64) *analysis.Result {
	t.Helper()
	res, err := New().Analyze(context.Background(), &analysis.Env{Source: src, Today: today, Thresholds: th})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func findMetric(res *analysis.Result, name string, company int64) (analysis.Metric, bool) {
	for _, m := range res.Metrics {
		if m.Name == name && m.CompanyID == company {
			return m, true
		}
	}
	return analysis.Metric{}, false
}

func TestChurn(t *testing.T) {
	withDuplicates := orders(10, 5, 20, 55)
	withDuplicates = append(withDuplicates, order(10, -55, "sale", 1), order(10, -75, "sale", 1))
	tests := []struct {
		name    string
		orders  []odoo.Record
		noSale  bool
		invoice []odoo.Record
		th      map[string]float64
		want    string // priority, "" when no churn risk
		wantRef string
	}{
		{name: "every 10 days, none for 80", orders: orders(10, 5, 10, 80), want: "medium"},
		{name: "draft and cancelled orders do not count", orders: append(orders(10, 5, 10, 80), order(10, -5, "draft", 1),
			order(10, -3, "cancel", 1)), want: "medium"},
		{name: "Odoo 16 done orders count", orders: append(orders(10, 4, 10, 90), order(10, -80, "done", 1)), want: "medium"},
		{name: "exactly the limit (3 × 15 = 45)", orders: orders(10, 5, 15, 45)},
		{name: "one day beyond the limit", orders: orders(10, 5, 15, 46), want: "medium"},
		{name: "minimum days: every 5 days, none for 40", orders: orders(10, 5, 5, 40)},
		{name: "four orders are not a rhythm", orders: orders(10, 4, 10, 80)},
		{name: "long rhythm, 61 days is normal", orders: orders(10, 5, 60, 61)},
		{name: "long rhythm, 181 days is not", orders: orders(10, 5, 60, 181), want: "medium"},
		{name: "lost for more than a year", orders: orders(10, 5, 10, 366)},
		{name: "archived customer", orders: orders(20, 5, 10, 80)},
		{name: "established customer", orders: orders(10, 15, 10, 80), want: "high"},
		{name: "orders of a contact count for its company", orders: orders(11, 5, 10, 80), want: "medium"},
		{name: "same-day orders do not shorten the rhythm", orders: withDuplicates},
		{name: "factor 10", orders: orders(10, 5, 10, 80), th: map[string]float64{ThresholdChurnFactor: 10}},
		{name: "invoices without the sale app", noSale: true, invoice: func() []odoo.Record {
			var out []odoo.Record
			for i := range 5 {
				out = append(out, odoo.Record{"id": int64(700 + i), "move_type": "out_invoice", "state": "posted", "partner_id": int64(11),
					"commercial_partner_id": int64(10), "company_id": int64(1), "invoice_date": on(-80 - 10*(4-i)), "amount_untaxed_signed": 100.0,
					"amount_residual": 0.0})
			}
			return out
		}(), want: "medium", wantRef: "account.move"},
		{name: "an invoice prepared ahead is not an order", noSale: true, invoice: func() []odoo.Record {
			var out []odoo.Record
			for i := range 6 {
				day := on(-80 - 10*(4-i))
				if i == 5 {
					day = on(3)
				}
				out = append(out, odoo.Record{"id": int64(710 + i), "move_type": "out_invoice", "state": "posted", "partner_id": int64(11),
					"commercial_partner_id": int64(10), "company_id": int64(1), "invoice_date": day, "amount_untaxed_signed": 100.0,
					"amount_residual": 0.0})
			}
			return out
		}(), want: "medium", wantRef: "account.move"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := baseSource()
			src["sale.order"] = tt.orders
			if tt.noSale {
				delete(src, "sale.order")
			}
			src["account.move"] = tt.invoice
			res := run(t, src, tt.th)
			var got string
			for _, in := range res.Insights {
				if in.Kind != KindChurnRisk {
					continue
				}
				got = in.Priority
				if in.Refs[0].Model != "res.partner" || in.Refs[0].IDs[0] != 10 {
					t.Errorf("refs %+v, want res.partner 10", in.Refs)
				}
				want := "sale.order"
				if tt.wantRef != "" {
					want = tt.wantRef
				}
				if len(in.Refs) < 2 || in.Refs[1].Model != want {
					t.Errorf("refs %+v, want the last %s", in.Refs, want)
				}
			}
			if got != tt.want {
				t.Errorf("churn priority %q, want %q", got, tt.want)
			}
		})
	}
}

// paySource has Pay Co: an invoice paid 10 days late, an open foreign
// currency invoice not yet due, a partly paid invoice 60 days overdue, a
// credit note and a draft; two orders; one open ticket.
func paySource() analysis.MapSource {
	src := baseSource()
	mv := func(id int64, typ, state string, invDay, dueDay int, untaxed, residual float64) odoo.Record {
		return odoo.Record{"id": id, "move_type": typ, "state": state, "partner_id": int64(50), "commercial_partner_id": int64(50),
			"company_id": int64(1), "invoice_date": on(invDay), "invoice_date_due": on(dueDay), "amount_untaxed_signed": untaxed,
			"amount_residual": residual, "amount_residual_signed": residual}
	}
	src["account.move"] = []odoo.Record{
		mv(100, "out_invoice", "posted", -88, -58, 1000, 0), // due 2025-02-01, paid 2025-02-11
		mv(101, "out_invoice", "posted", -30, 0, 900, 1190), // 1000 USD booked as 900 EUR, due Today: not overdue
		mv(102, "out_invoice", "posted", -120, -60, 500, 200),
		mv(103, "out_refund", "posted", -44, -44, -200, 0),
		mv(104, "out_invoice", "draft", -1, 30, 99999, 99999),
	}
	line := func(id, move int64, typ, day, match string) odoo.Record {
		return odoo.Record{"id": id, "move_id": move, "account_type": typ, "date": day, "matching_number": match, "full_reconcile_id": false}
	}
	src["account.move.line"] = []odoo.Record{
		line(1, 100, "asset_receivable", on(-88), "A1"),
		line(2, 100, "income", on(-88), ""),
		line(3, 900, "asset_receivable", "2025-02-11", "A1"),
		line(4, 102, "asset_receivable", on(-120), "P2"),
		line(5, 901, "asset_receivable", on(-40), "P2"),
	}
	src["sale.order"] = []odoo.Record{order(50, -88, "sale", 1), order(50, -30, "sale", 1)}
	src["helpdesk.ticket"] = []odoo.Record{
		{"id": int64(1), "partner_id": int64(50), "company_id": int64(1), "create_date": at(-1), "close_date": false, "sla_deadline": at(1),
			"sla_fail": false, "sla_reached_late": false, "active": true},
	}
	return src
}

func TestHealth(t *testing.T) {
	res := run(t, paySource(), nil)
	// payment 100 - 50×10/60 - 50×60/90 = 58.33; recency 100 (30 days, no
	// rhythm); trend 50 + 25 + 25 (all business is new); support 80.
	want := 0.35*(100-50.0*10/60-50.0*60/90) + 0.25*100 + 0.25*100 + 0.15*80
	m, ok := findMetric(res, "customers.health.partner.50", 1)
	if !ok || math.Abs(m.Value-want) > 0.005 {
		t.Fatalf("health = %+v, want %.2f", m, want)
	}
	d, err := load(context.Background(), &analysis.Env{Source: paySource(), Today: today})
	if err != nil {
		t.Fatal(err)
	}
	c := d.customers[key{1, 50}]
	// 1000 + 900 (booked EUR of the USD invoice) + 500 - 200 (credit note).
	if c.recentValue != 2200 || c.priorValue != 0 || c.overdueDays != 60 || len(c.paidLate) != 1 || c.paidLate[0] != 10 {
		t.Errorf("customer %+v", c)
	}
}

func TestScoreComponents(t *testing.T) {
	d := &data{hasMoves: true, support: &support{}}
	c := &customer{key: key{1, 1}, paidLate: []float64{30}, overdueDays: 45, recentValue: 1200, priorValue: 1000, openTickets: 1}
	for i := 4; i >= 0; i-- {
		c.orderDays = append(c.orderDays, today.AddDays(-15-10*i))
	}
	h := score(&analysis.Env{Today: today}, d, c)
	// payment 100-25-25; recency: 15 days = 1.5 gaps → 100; trend 50 + 25×0.2
	// + 25×(5 orders vs none) = 80; support 80.
	if h.payment != 50 || h.recency != 100 || math.Abs(h.trend-80) > 1e-9 || h.support != 80 || math.Abs(h.score-74.5) > 1e-9 {
		t.Errorf("health %+v, want payment 50, recency 100, trend 80, support 80, score 74.5", h)
	}
	// Without invoicing and support the other components are reweighted.
	h = score(&analysis.Env{Today: today}, &data{}, c)
	if math.Abs(h.score-90) > 1e-9 {
		t.Errorf("score without payment and support = %v, want 90", h.score)
	}
}

func TestTickets(t *testing.T) {
	tk := func(id int64, created, closed, deadline string, active bool) odoo.Record {
		r := odoo.Record{"id": id, "partner_id": int64(51), "company_id": int64(1), "create_date": created, "close_date": false,
			"sla_deadline": deadline, "sla_fail": false, "sla_reached_late": false, "active": active}
		if closed != "" {
			r["close_date"] = closed
		}
		return r
	}
	src := baseSource()
	src["helpdesk.ticket"] = []odoo.Record{
		tk(1, at(-1), "", at(1), true),
		tk(2, at(-31), "", at(-29), true),
		tk(3, at(-6), at(-5), at(-4), true),
		tk(4, at(-10), at(-8), at(-9), true),
		tk(5, at(-3), "", at(-2), false),
		tk(6, at(-101), at(-100), at(-99), true),
	}
	res := run(t, src, nil)
	for name, want := range map[string]float64{
		"customers.tickets.open": 2, "customers.tickets.opened_30d": 3, "customers.tickets.closed_30d": 2,
		"customers.tickets.open.age_0_2d": 1, "customers.tickets.open.age_3_7d": 0, "customers.tickets.open.age_8_30d": 0,
		"customers.tickets.open.age_31d_plus": 1, "customers.tickets.open.median_age_days": 16, "customers.tickets.open.sla_breached": 1,
		"customers.tickets.sla_compliance_90d": 0.5, "customers.tickets.resolution_hours.median_90d": 36,
	} {
		m, ok := findMetric(res, name, 1)
		if !ok || !m.Available || m.Value != want {
			t.Errorf("%s = %+v, want %v", name, m, want)
		}
	}
}

func TestSupportProjectFallback(t *testing.T) {
	src := baseSource()
	delete(src, "helpdesk.ticket")
	src["project.project"] = []odoo.Record{{"id": int64(1), "name": "IT Support", "active": true}, {"id": int64(2), "name": "Website", "active": true}}
	task := func(id, project int64, deadline string, end string, parent int64) odoo.Record {
		r := odoo.Record{"id": id, "project_id": project, "partner_id": int64(50), "company_id": int64(1), "create_date": at(-3),
			"date_deadline": deadline, "date_end": false, "parent_id": parent, "active": true}
		if end != "" {
			r["date_end"] = end
		}
		return r
	}
	src["project.task"] = []odoo.Record{
		task(1, 1, on(-1), "", 0),         // Odoo 16 date deadline: past the end of yesterday
		task(2, 1, on(-2), at(-2), 0),     // closed at 10:00 on its deadline day: met
		task(3, 2, on(-10), "", 0),        // another project
		task(4, 1, on(-10), "", int64(1)), // a subtask
		task(5, 1, at(5), "", 0),          // 17+ datetime deadline to come
	}
	res := run(t, src, nil)
	for name, want := range map[string]float64{"customers.tickets.open": 2, "customers.tickets.open.sla_breached": 1,
		"customers.tickets.sla_compliance_90d": 1} {
		if m, _ := findMetric(res, name, 1); !m.Available || m.Value != want || m.Note != "tasks of IT Support" {
			t.Errorf("%s = %+v, want %v", name, m, want)
		}
	}
	// Without a support project (or project at all) ticket figures are
	// unavailable, not zero.
	src["project.project"] = src["project.project"][1:]
	for _, s := range []analysis.MapSource{src, baseSource()} {
		delete(s, "helpdesk.ticket")
		s["sale.order"] = orders(10, 2, 10, 10)
		res := run(t, s, nil)
		if m, ok := findMetric(res, "customers.tickets.open", 1); !ok || m.Available {
			t.Errorf("without support: %+v", m)
		}
	}
	// A configured project id wins.
	src["project.project"] = nil
	res = run(t, src, map[string]float64{ThresholdSupportProjectID: 2})
	if m, _ := findMetric(res, "customers.tickets.open", 1); !m.Available || m.Value != 1 {
		t.Errorf("configured project: %+v", m)
	}
}

func TestMultiCompany(t *testing.T) {
	src := baseSource()
	src["sale.order"] = append(orders(10, 5, 10, 80), order(10, -5, "sale", 2))
	res := run(t, src, nil)
	var churn []int64
	for _, in := range res.Insights {
		if in.Kind == KindChurnRisk {
			churn = append(churn, in.CompanyID)
		}
	}
	// In company 1 Acme stopped; in company 2 it just ordered once.
	if len(churn) != 1 || churn[0] != 1 {
		t.Errorf("churn in companies %v, want [1]", churn)
	}
	if m, _ := findMetric(res, "customers.current", 2); m.Value != 1 {
		t.Errorf("company 2 current customers %+v", m)
	}
	if m, _ := findMetric(res, "customers.churn_risk.count", 1); m.Value != 1 {
		t.Errorf("company 1 churn count %+v", m)
	}
}
