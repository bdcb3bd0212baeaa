package demodata

import (
	"math"
)

// expectedRevenue estimates the monthly revenue (EUR) of the initial
// customers; overheads are sized from it so the company earns a modest
// profit at every size.
func (g *gen) expectedRevenue() float64 {
	total, orders := 0.0, 0.0
	for _, c := range g.customers {
		var goods []*product
		var services []*product
		for _, p := range c.prefs {
			if p.service {
				services = append(services, p)
			} else {
				goods = append(goods, p)
			}
		}
		if len(goods) == 0 {
			continue
		}
		meanLines := (1 + math.Min(float64(g.p.maxLines), float64(len(goods)))) / 2
		order := 0.0
		for _, p := range goods {
			order += meanLines / float64(len(goods)) * p.typQty * c.valueScale * p.list
		}
		for _, p := range services {
			order += 0.4 * p.typQty * p.list
		}
		total += 30.4 / c.gap * order
		orders += 30.4 / c.gap
	}
	g.avgOrder = total / orders
	return total * 1.1
}

// overheadBill posts a bill of the overhead vendor key with one line.
func (g *gen) overheadBill(key string, d day, account int64, label string, amount float64, taxed bool) *openItem {
	v := g.overheadByKey[key]
	if v == nil || amount <= 0 {
		return nil
	}
	tax := g.ref.tax.purch0
	if taxed && v.country == "DE" {
		tax = g.ref.tax.purch19
	}
	price := f2(amount)
	if v.usd {
		price = f2(amount * g.usdRate(d))
	}
	ref := "R-" + itoa(g.year(d)) + "-" + pad4(g.next("ref/"+key))
	return g.vendorBill(v, d, []invLine{{account: account, name: label, qty: 1, price: price, subtotal: cents(price), taxID: tax}}, "", ref)
}

// overheadDay posts the recurring bills due on d: rent, energy, software,
// telecom, marketing, freight, fees, insurance, payroll, office supplies and
// the monthly VAT settlement.
func (g *gen) overheadDay(d day) {
	if d.weekend() {
		return
	}
	r := g.rAcc
	R := g.revenue
	years := float64(d-g.start) / 365
	month := g.monthName(d)
	a := &g.ref.acc
	dom := g.dom(d)
	first := dom <= 3 && g.firstWorkdayOfMonth(d)
	switch {
	case first:
		rent := math.Round(0.035*R/100) * 100
		if years >= 1 {
			rent = math.Round(rent*1.03/100) * 100
		}
		g.overheadBill("rent", d, a.rent, "Rent "+month+" - Hafenweg 12 warehouse and offices", rent, true)
	case dom == 5 || (dom == 6 || dom == 7) && d.weekday() == 1:
		season := map[int]float64{1: 1.3, 2: 1.25, 3: 1.1, 4: 0.95, 5: 0.85, 6: 0.8, 7: 0.8, 8: 0.8, 9: 0.9, 10: 1.05, 11: 1.2, 12: 1.3}[g.month(d)]
		amt := 0.012 * R * season * uniform(r, 0.92, 1.08)
		label := "Electricity and gas " + month
		if g.inj.anomalousBillMonth(g, d) {
			amt *= 8.5
			label = "Electricity and gas " + month
		}
		it := g.overheadBill("utilities", d, a.utilities, label, amt, true)
		if it != nil && g.inj.anomalousBillMonth(g, d) {
			g.inj.anomalousBill = it.move.ID()
		}
	case dom == 8 || (dom == 9 || dom == 10) && d.weekday() == 1:
		g.overheadBill("telecom", d, a.it, "Phone and internet lines "+month, 0.003*R*uniform(r, 0.97, 1.03), true)
	case dom == 15 || (dom == 16 || dom == 17) && d.weekday() == 1:
		usd := 0.009 * R * (1 + 0.1*math.Floor(years))
		g.overheadBill("software", d, a.it, "ERP and CRM subscriptions "+month, usd, false)
	case dom == 20 || (dom == 21 || dom == 22) && d.weekday() == 1:
		amt := 0.02 * R * uniform(r, 0.7, 1.3)
		label := "Online campaigns and print " + month
		if m := g.month(d); m == 3 || m == 9 {
			amt *= 2.5
			label = "Trade fair stand and campaigns " + month
		}
		g.overheadBill("marketing", d, a.marketing, label, amt, true)
	case dom >= 25 && g.isPayrollDay(d):
		g.overheadBill("payroll", d, a.salaries, "Net salaries and social charges "+month, 0.2*R*(1+0.03*years)*uniform(r, 0.99, 1.01), false)
	}
	if dom >= 26 && g.lastWorkdayOfMonth(d) {
		n := g.deliveredInMonth[g.monthIndex(d)]
		if n > 0 {
			g.overheadBill("freight", d, a.freight, "Freight "+month+" ("+itoa(n)+" deliveries)", float64(n)*0.012*g.avgOrder*uniform(r, 0.9, 1.1), true)
		}
	}
	if dom == 10 || (dom == 11 || dom == 12) && d.weekday() == 1 {
		if m := g.month(d); m == 1 || m == 4 || m == 7 || m == 10 {
			g.overheadBill("fees", d, a.fees, "Bookkeeping and tax advice, quarter ending "+g.monthName(g.addMonths(d, -1)), 0.015*R*uniform(r, 0.95, 1.05), true)
		}
		g.vatSettlement(d)
	}
	if dom == 15 && g.month(d) == 1 || dom == 16 && g.month(d) == 1 && d.weekday() == 1 {
		g.overheadBill("insurance", d, a.insurance, "Annual premium "+itoa(g.year(d))+": property, liability and goods in transit", 0.08*R, false)
	}
	if d.weekday() == 3 && chance(r, 0.45) {
		g.overheadBill("office", d, a.office, pick(r, officeItems), uniform(r, 40, 180), true)
	}
}

var officeItems = []string{"Printer paper and toner", "Packaging tape and labels", "Coffee and kitchen supplies", "Folders and stationery",
	"Cleaning supplies", "Batteries and small parts"}

func (g *gen) firstWorkdayOfMonth(d day) bool {
	for x := g.monthStart(d); ; x++ {
		if !x.weekend() {
			return x == d
		}
	}
}

func (g *gen) lastWorkdayOfMonth(d day) bool {
	for x := g.addMonths(d, 1) - 1; ; x-- {
		if !x.weekend() {
			return x == d
		}
	}
}

// isPayrollDay reports whether d is the payroll day: the 25th, or the next
// working day when the 25th is a weekend day.
func (g *gen) isPayrollDay(d day) bool {
	d25 := g.monthStart(d) + 24
	return d25.nextWorkday() == d
}

// vatSettlement posts, on the 10th, the VAT return of the previous month:
// output VAT minus input VAT, payable to the tax office. A credit is carried
// over to the next month.
func (g *gen) vatSettlement(d day) {
	m := g.monthIndex(d) - 1
	if m < 0 {
		return
	}
	out, in := g.vatOut[m], g.vatIn[m]
	if out-in <= 0 {
		g.vatOut[m+1] += out
		g.vatIn[m+1] += in
		return
	}
	v := g.overheadByKey["tax"]
	label := "VAT return " + g.monthName(g.addMonths(d, -1))
	lines := []invLine{
		{account: g.ref.acc.vatOut, name: label + ": output VAT", qty: 1, price: money(out), subtotal: out, taxID: 0},
		{account: g.ref.acc.vatIn, name: label + ": input VAT", qty: 1, price: -money(in), subtotal: -in, taxID: 0},
	}
	g.vendorBill(v, d, lines, "", "VAT-"+itoa(g.year(d))+"-"+itoa(g.month(g.addMonths(d, -1))))
}
