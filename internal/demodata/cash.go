package demodata

import (
	"math"
)

// openingEntry books the opening balances of the bank and cash accounts on
// the first day against share capital. The amounts are set by
// calibrateCash once the whole history is known.
func (g *gen) openingEntry() {
	created := g.dt(g.start, 6*3600)
	uid := g.ref.accountant
	for _, acc := range []int64{g.ref.acc.bank, g.ref.acc.cash} {
		move := g.moveRec(g.seqName("MISC", g.start), "entry", g.ref.jr.misc, g.start, 0, false)
		move["ref"] = "Opening balance"
		g.add("account.move", stamp(move, created, uid))
		l1 := g.lineRec(move, acc, 0, "Opening balance", 0, 0, g.ref.eur)
		l2 := g.lineRec(move, g.ref.acc.capital, 0, "Opening balance", 0, 0, g.ref.eur)
		g.add("account.move.line", stamp(l1, created, uid))
		g.add("account.move.line", stamp(l2, created, uid))
		lines := []Record{move, l1, l2}
		if acc == g.ref.acc.bank {
			g.opening.bank = lines
		} else {
			g.opening.cash = lines
		}
	}
}

func setOpening(lines []Record, amount int64) {
	move, l1, l2 := lines[0], lines[1], lines[2]
	move["amount_total"] = money(amount)
	move["amount_total_signed"] = money(amount)
	move["amount_total_in_currency_signed"] = money(amount)
	l1["debit"], l1["balance"], l1["amount_currency"] = money(amount), money(amount), money(amount)
	l2["credit"], l2["balance"], l2["amount_currency"] = money(amount), money(-amount), money(-amount)
}

// flows returns, per day offset, the net company-currency cents that matched
// payments moved on the journal's liquidity account.
func (g *gen) flows(journal int64) []int64 {
	out := make([]int64, HistoryDays+1)
	for _, p := range g.payments {
		if p.journal == journal && p.matched {
			out[g.off(p.day)] += p.comp
		}
	}
	return out
}

// runway holds the cash figures at Today.
type runway struct {
	cash, out90, in90 int64
	days, netDays     float64
}

// computeRunway measures cash on the bank and cash accounts at Today and
// the money that moved on them in the last 90 days (Today included): the
// payments matched with the bank, whose line is on the liquidity account.
// A payment not matched yet sits on an outstanding account: neither cash
// nor a flow. No generated entry moves money between the two journals, so
// there is nothing to net.
func (g *gen) computeRunway() runway {
	var rw runway
	for _, lines := range [][]Record{g.opening.bank, g.opening.cash} {
		rw.cash += cents(lines[1].Float("balance"))
	}
	for _, p := range g.payments {
		if !p.matched || p.day > g.today {
			continue
		}
		rw.cash += p.comp
		if p.day > g.today-90 {
			if p.comp < 0 {
				rw.out90 -= p.comp
			} else {
				rw.in90 += p.comp
			}
		}
	}
	daily := float64(rw.out90) / 90
	rw.days = math.Inf(1)
	if daily > 0 {
		rw.days = float64(rw.cash) / daily
	}
	rw.netDays = math.Inf(1)
	if net := float64(rw.out90-rw.in90) / 90; net > 0 {
		rw.netDays = float64(rw.cash) / net
	}
	return rw
}

// calibrateCash sets the opening balances so that cash never runs out and,
// at Today, covers 150 days of outflows; with LowRunway it adds a large
// equipment purchase paid shortly before Today that leaves about 38 days.
func (g *gen) calibrateCash() {
	cashFlows := g.flows(g.ref.jr.cash)
	var cum, lowest int64
	for _, f := range cashFlows {
		cum += f
		lowest = min(lowest, cum)
	}
	setOpening(g.opening.cash, roundUp(max(150000, 50000-lowest), 10000))

	bank := g.flows(g.ref.jr.bank)
	cumBank := make([]int64, len(bank))
	cum, lowest = 0, 0
	for i, f := range bank {
		cum += f
		cumBank[i] = cum
		lowest = min(lowest, cum)
	}
	rw := g.computeRunway()
	dailyOut := float64(rw.out90) / 90
	buffer := int64(20 * dailyOut)
	opening := roundUp(buffer-lowest, 100000)
	if !g.opt.LowRunway {
		target := int64(150*dailyOut) - cum
		if net := float64(rw.out90-rw.in90) / 90; net > 0 {
			target = max(target, int64(120*net)-cum)
		}
		setOpening(g.opening.bank, roundUp(max(opening, target), 100000))
		return
	}
	const k = 38.0
	payDay := (g.today - 18).nextWorkday()
	for range 4 {
		setOpening(g.opening.bank, opening)
		rw = g.computeRunway()
		c, s := float64(rw.cash), float64(rw.out90)
		x := int64((90*c - k*s) / (90 + k))
		if x <= 0 {
			return
		}
		// Cash from the payment day on must stay positive after paying x.
		low := int64(math.MaxInt64)
		for i := g.off(payDay); i < len(cumBank); i++ {
			low = min(low, opening+cumBank[i])
		}
		if low-x >= buffer {
			g.equipmentPurchase(x, payDay)
			return
		}
		opening += buffer - (low - x)
	}
	setOpening(g.opening.bank, opening)
}

// equipmentPurchase posts and pays the LowRunway scenario's machine bill
// (company cents, no VAT).
func (g *gen) equipmentPurchase(amount int64, payDay day) {
	v := g.overheadByKey["equipment"]
	billDay := (payDay - 14).nextWorkday()
	item := g.postInvoice(invoiceSpec{moveType: "in_invoice", partner: v.id, day: billDay, dueDays: v.termDays, termID: g.ref.terms[v.termDays],
		journal: g.ref.jr.purchase, user: g.ref.buyer, ref: "RE-" + itoa(g.year(billDay)) + "-0042",
		lines: []invLine{{account: g.ref.acc.equipment, name: "Automated small-parts storage system (AKL), delivered and installed",
			qty: 1, price: money(amount), subtotal: amount}}})
	item.vendor = v
	g.registerPayment(item, payDay, amount, g.ref.jr.bank)
	g.setResidual(item)
	item.move["payment_state"] = "paid"
	g.matchSeq++
	num := "A" + itoa(g.matchSeq)
	item.line["matching_number"] = num
	for _, l := range item.group {
		l["matching_number"] = num
	}
}

func roundUp(x, step int64) int64 {
	if x <= 0 {
		return step
	}
	return (x + step - 1) / step * step
}
