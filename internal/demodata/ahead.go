package demodata

import (
	"math/rand/v2"

	"github.com/aicoo/aicoo/internal/dataset"
)

// invoicesAhead posts up to three customer invoices for services to recent
// customers, dated
// two to six days after Today and created on Today: invoices prepared
// ahead, as an accountant does for work booked for next week. An entry is
// in the books from its date, so they change no receivable, overdue, DSO or
// cash figure of Today and the ground truth leaves them out (none is
// overdue); the cash forecast takes them at their due date. No payment is
// planned: nothing after Today is simulated.
func (g *gen) invoicesAhead() {
	if len(g.services) == 0 {
		return
	}
	// An own stream, so that the other areas' draws do not move.
	r := rand.New(rand.NewPCG(g.opt.Seed, 0xA4EAD))
	n := 0
	for _, c := range g.customers {
		if n == 3 {
			break
		}
		// Work is booked ahead for customers who ordered in the last 30
		// days: not for one drifting away (a churn case of the truth).
		if c.habit == habitDefaulter || c.usd || len(c.orderDays) == 0 || g.today-c.orderDays[len(c.orderDays)-1] > 30 || !chance(r, 0.25) {
			continue
		}
		p := g.services[r.IntN(len(g.services))]
		d := (g.today + day(between(r, 2, 6))).nextWorkday()
		sub := cents(p.typQty * p.list)
		g.postInvoice(invoiceSpec{moveType: "out_invoice", partner: c.id, day: d, dueDays: c.termDays, termID: g.ref.terms[c.termDays],
			journal: g.ref.jr.sale, user: c.userID, ref: "Work booked for " + timeOf(d).Format(dataset.DateLayout), created: g.dt(g.today, workTime(r)),
			lines: []invLine{{account: p.income, name: p.name, productID: p.id, uom: p.uom, qty: p.typQty, price: p.list, subtotal: sub, taxID: c.taxID}}})
		n++
	}
}
