package demodata

import (
	"fmt"
	"math"
	"sort"

	"github.com/aicoo/aicoo/internal/dataset"
)

func (g *gen) item(kind dataset.Kind, model string, ids []int64, prio dataset.Priority, near bool, desc string, facts map[string]float64) {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	g.truth = append(g.truth, Item{Kind: kind, CompanyID: g.ref.company, Model: model, RecordIDs: ids, Priority: prio,
		Description: desc, NearMiss: near, Facts: facts})
}

func (g *gen) partnerName(id int64) string { return g.ds.Get("res.partner", id).Str("name") }

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// overdueTruth lists every posted customer invoice unpaid 60+ days after its
// due date, and the planted 53-57 day near misses.
func (g *gen) overdueTruth() {
	for _, it := range g.openItems {
		if it.move.Str("move_type") != "out_invoice" || it.resCur == 0 {
			continue
		}
		late := int(g.today - it.due)
		if late < OverdueDays {
			continue
		}
		prio := dataset.PriorityMedium
		if late >= 90 {
			prio = dataset.PriorityHigh
		}
		g.item(dataset.KindOverdueInvoice, "account.move", []int64{it.move.ID()}, prio, false,
			fmt.Sprintf("%s of %s is %d days overdue with %.2f %s unpaid.", it.move.Str("name"), g.partnerName(it.partner), late,
				money(it.resCur), g.currencyName(it.usd)),
			map[string]float64{"days_overdue": float64(late), "amount_residual": money(it.resCur), "amount_residual_signed": money(it.resComp),
				"partner_id": float64(it.partner)})
	}
	for _, it := range g.inj.nearOverdue {
		late := int(g.today - it.due)
		g.item(dataset.KindOverdueInvoice, "account.move", []int64{it.move.ID()}, dataset.PriorityLow, true,
			fmt.Sprintf("%s of %s is %d days overdue: late, but not yet 60 days.", it.move.Str("name"), g.partnerName(it.partner), late),
			map[string]float64{"days_overdue": float64(late), "amount_residual": money(it.resCur), "partner_id": float64(it.partner)})
	}
}

func (g *gen) currencyName(usd bool) string {
	if usd {
		return "USD"
	}
	return "EUR"
}

// runwayTruth states the cash runway: a problem with LowRunway, a near miss
// otherwise.
func (g *gen) runwayTruth() {
	rw := g.computeRunway()
	facts := map[string]float64{"cash": money(rw.cash), "outflow_90d": money(rw.out90), "inflow_90d": money(rw.in90),
		"runway_days": round2(math.Min(rw.days, 9999))}
	if !math.IsInf(rw.netDays, 1) {
		facts["net_runway_days"] = round2(rw.netDays)
	}
	ids := []int64{g.ref.jr.bank, g.ref.jr.cash}
	if rw.days < RunwayDays {
		prio := dataset.PriorityHigh
		if rw.days < 30 {
			prio = dataset.PriorityCritical
		}
		g.item(dataset.KindLowCashRunway, "account.journal", ids, prio, false,
			fmt.Sprintf("Cash of %.0f EUR covers %.0f days of outflows (last 90 days average), below %d days.", money(rw.cash), rw.days, RunwayDays), facts)
		return
	}
	g.item(dataset.KindLowCashRunway, "account.journal", ids, dataset.PriorityLow, true,
		fmt.Sprintf("Cash of %.0f EUR covers %.0f days of outflows: healthy.", money(rw.cash), rw.days), facts)
}

// stalledTruth lists the planted stalled deals and slow near misses.
func (g *gen) stalledTruth() {
	for _, l := range g.leads {
		if l.stallAt < 0 || !l.open {
			continue
		}
		age := int(g.today - l.stageSince)
		normal := crmStages[l.stage].dwell
		facts := map[string]float64{"days_in_stage": float64(age), "normal_days": normal, "expected_revenue": l.rec.Float("expected_revenue")}
		if l.slow {
			g.item(dataset.KindStalledDeal, "crm.lead", []int64{l.rec.ID()}, dataset.PriorityLow, true,
				fmt.Sprintf("%q has sat %d days in %s (normal %.0f) but has a meeting planned.", l.rec.Str("name"), age, crmStages[l.stage].name, normal), facts)
			continue
		}
		prio := dataset.PriorityMedium
		if l.rec.Float("expected_revenue") >= 30000 {
			prio = dataset.PriorityHigh
		}
		g.item(dataset.KindStalledDeal, "crm.lead", []int64{l.rec.ID()}, prio, false,
			fmt.Sprintf("%q has sat %d days in %s (normal %.0f) with no activity planned.", l.rec.Str("name"), age, crmStages[l.stage].name, normal), facts)
	}
}

// stockTruth lists the goods whose forecast (on hand + open receipts - open
// deliveries) will not cover the average consumption of the last 90 days
// over the vendor lead time, and as near misses those whose stock on hand
// is below it but whose open receipts cover it.
func (g *gen) stockTruth() {
	out := map[int64]float64{}
	for _, m := range g.ds.Records("stock.move") {
		if m.Str("state") != "done" || m.M2O("location_dest_id") != g.ref.locCustomers {
			continue
		}
		if d := dayOfDatetime(g, m, "date"); d > g.today-90 {
			out[m.M2O("product_id")] += m.Float("quantity")
		}
	}
	for _, p := range g.goods {
		daily := out[p.id] / 90
		need := daily * float64(p.lead)
		forecast := p.onHand + p.incoming - p.waiting
		if daily == 0 && p.waiting == 0 {
			continue
		}
		cover := func(q float64) float64 {
			if daily == 0 {
				return 0
			}
			return round2(q / daily)
		}
		facts := map[string]float64{"qty_on_hand": p.onHand, "incoming_qty": p.incoming, "outgoing_qty": p.waiting, "forecast_qty": forecast,
			"avg_daily_out_90d": round2(daily), "lead_days": float64(p.lead), "days_of_cover": cover(forecast)}
		switch {
		case forecast < need:
			prio := dataset.PriorityHigh
			if forecast < need/2 {
				prio = dataset.PriorityCritical
			}
			g.item(dataset.KindStockoutRisk, "product.product", []int64{p.id}, prio, false,
				fmt.Sprintf("[%s] %s: %.0f on hand, %.0f incoming and %.0f to deliver leave %.1f days of cover; the vendor needs %d.",
					p.code, p.name, p.onHand, p.incoming, p.waiting, cover(forecast), p.lead), facts)
		case p.onHand < need:
			g.item(dataset.KindStockoutRisk, "product.product", []int64{p.id}, dataset.PriorityLow, true,
				fmt.Sprintf("[%s] %s is low (%.0f on hand, %.1f days of cover) but %.0f are on order.", p.code, p.name, p.onHand, cover(p.onHand), p.incoming), facts)
		}
	}
}

func dayOfDatetime(g *gen, r Record, field string) day {
	t, ok := r.Datetime(field)
	if !ok {
		return g.today + 1
	}
	return dayOf(t)
}

// onTime returns the on-time rates of the receipts of vendor v done in the
// last 90 days and in the 275 days before, with their counts.
func (g *gen) onTime(v int64) (recent, prior float64, nRecent, nPrior int) {
	var okR, okP int
	for _, p := range g.ds.Records("stock.picking") {
		if p.M2O("partner_id") != v || p.Str("state") != "done" || p.M2O("picking_type_id") != g.ref.ptIn {
			continue
		}
		done := dayOfDatetime(g, p, "date_done")
		sched := dayOfDatetime(g, p, "scheduled_date")
		on := done <= sched
		switch {
		case done > g.today-90:
			nRecent++
			if on {
				okR++
			}
		case done > g.today-365:
			nPrior++
			if on {
				okP++
			}
		}
	}
	if nRecent > 0 {
		recent = float64(okR) / float64(nRecent)
	}
	if nPrior > 0 {
		prior = float64(okP) / float64(nPrior)
	}
	return recent, prior, nRecent, nPrior
}

// supplierTruth names the vendor whose on-time rate fell and, as a near
// miss, the steady but mediocre one.
func (g *gen) supplierTruth() {
	for _, v := range g.vendors {
		if v.kind == vendorReliable {
			continue
		}
		recent, prior, nr, np := g.onTime(v.id)
		facts := map[string]float64{"on_time_rate_90d": round2(recent), "on_time_rate_prior": round2(prior),
			"receipts_90d": float64(nr), "receipts_prior": float64(np)}
		if v.kind == vendorSliding {
			g.item(dataset.KindSupplierLate, "res.partner", []int64{v.id}, dataset.PriorityHigh, false,
				fmt.Sprintf("%s delivered %.0f%% on time in the last 90 days, down from %.0f%%.", v.name, recent*100, prior*100), facts)
			continue
		}
		g.item(dataset.KindSupplierLate, "res.partner", []int64{v.id}, dataset.PriorityLow, true,
			fmt.Sprintf("%s is often a little late (%.0f%% on time) but no worse than before (%.0f%%).", v.name, recent*100, prior*100), facts)
	}
}

// orderGaps returns the confirmed order days of each customer from the data.
func (g *gen) orderDays() map[int64][]day {
	out := map[int64][]day{}
	for _, so := range g.ds.Records("sale.order") {
		if so.Str("state") != "sale" {
			continue
		}
		out[so.M2O("partner_id")] = append(out[so.M2O("partner_id")], dayOfDatetime(g, so, "date_order"))
	}
	return out
}

// churnTruth lists the customers with at least ChurnMinOrders orders whose
// time since the last order exceeds ChurnFactor median gaps, and the
// long-rhythm customers as near misses.
func (g *gen) churnTruth() {
	days := g.orderDays()
	for _, c := range g.customers {
		ds := days[c.id]
		if len(ds) < ChurnMinOrders {
			continue
		}
		median := medianGap(ds)
		since := float64(g.today - ds[len(ds)-1])
		facts := map[string]float64{"days_since_last_order": since, "median_gap_days": median, "orders": float64(len(ds))}
		switch {
		case since > ChurnFactor*median && since >= 45:
			prio := dataset.PriorityMedium
			if len(ds) >= 15 {
				prio = dataset.PriorityHigh
			}
			g.item(dataset.KindChurnRisk, "res.partner", []int64{c.id}, prio, false,
				fmt.Sprintf("%s ordered every %.0f days but not for %.0f days.", c.name, median, since), facts)
		case c.longGap:
			g.item(dataset.KindChurnRisk, "res.partner", []int64{c.id}, dataset.PriorityLow, true,
				fmt.Sprintf("%s has not ordered for %.0f days, which is normal for its %.0f-day rhythm.", c.name, since, median), facts)
		}
	}
}

// medianGap returns the median of the gaps between sorted days.
func medianGap(ds []day) float64 {
	gaps := make([]float64, 0, len(ds)-1)
	for i := 1; i < len(ds); i++ {
		gaps = append(gaps, float64(ds[i]-ds[i-1]))
	}
	sort.Float64s(gaps)
	n := len(gaps)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return gaps[n/2]
	}
	return (gaps[n/2-1] + gaps[n/2]) / 2
}

// expenseTruth lists the duplicate pairs, the anomalous expense and the
// expense near misses.
func (g *gen) expenseTruth(all []*expense) {
	pairs := map[int][]*expense{}
	var order []int
	var phone []*expense
	for _, e := range all {
		switch e.injected {
		case "dup":
			if _, ok := pairs[e.pairIndex]; !ok {
				order = append(order, e.pairIndex)
			}
			pairs[e.pairIndex] = append(pairs[e.pairIndex], e)
		case "anomaly", "nearbig":
			med := g.expenseMedian(all, e.prod.id)
			facts := map[string]float64{"amount": money(e.amount()), "category_median": med, "ratio": round2(money(e.amount()) / med)}
			if e.injected == "anomaly" {
				g.item(dataset.KindUnusualTransaction, "hr.expense", []int64{e.rec.ID()}, dataset.PriorityHigh, false,
					fmt.Sprintf("%s claimed %.2f EUR for %q, %.0f times the category median.", e.emp.name, money(e.amount()), e.name, money(e.amount())/med), facts)
			} else {
				g.item(dataset.KindUnusualTransaction, "hr.expense", []int64{e.rec.ID()}, dataset.PriorityLow, true,
					fmt.Sprintf("%q (%.2f EUR) is large but usual for conference tickets.", e.name, money(e.amount())), facts)
			}
		}
		if e.prod.key == "phone" && e.emp == g.firstPhoneUser() {
			phone = append(phone, e)
		}
	}
	for _, k := range order {
		p := pairs[k]
		g.item(dataset.KindDuplicateExpense, "hr.expense", []int64{p[0].rec.ID(), p[1].rec.ID()}, dataset.PriorityMedium, false,
			fmt.Sprintf("%s filed %q twice (%.2f and %.2f EUR, %s and %s).", p[0].emp.name, p[0].name, money(p[0].amount()), money(p[1].amount()),
				p[0].rec.Str("date"), p[1].rec.Str("date")),
			map[string]float64{"amount": money(p[0].amount()), "days_apart": math.Abs(float64(p[1].d - p[0].d))})
	}
	var near []int64
	for _, e := range all {
		if e.injected == "near" {
			near = append(near, e.rec.ID())
		}
	}
	if len(near) == 2 {
		g.item(dataset.KindDuplicateExpense, "hr.expense", near, dataset.PriorityLow, true,
			"Two colleagues claimed the same train ticket on the same day: a shared trip, not a duplicate.", map[string]float64{"amount": 89.90})
	}
	if n := len(phone); n >= 2 {
		a, b := phone[n-2], phone[n-1]
		g.item(dataset.KindDuplicateExpense, "hr.expense", []int64{a.rec.ID(), b.rec.ID()}, dataset.PriorityLow, true,
			fmt.Sprintf("%s's monthly phone plan: same amount every month, not a duplicate.", a.emp.name), map[string]float64{"amount": a.price})
	}
}

func (g *gen) firstPhoneUser() *employee {
	for _, e := range g.employees {
		if e.phonePlan {
			return e
		}
	}
	return nil
}

// expenseMedian returns the median amount (EUR) of the expenses of a
// category, excluding planted ones.
func (g *gen) expenseMedian(all []*expense, prod int64) float64 {
	var xs []float64
	for _, e := range all {
		if e.prod.id == prod && e.injected == "" {
			xs = append(xs, money(e.amount()))
		}
	}
	sort.Float64s(xs)
	if len(xs) == 0 {
		return 1
	}
	return xs[len(xs)/2]
}

// billTruth names the anomalous energy bill and, as a near miss, the latest
// annual insurance premium.
func (g *gen) billTruth() {
	if g.inj.anomalousBill != 0 {
		bill := g.ds.Get("account.move", g.inj.anomalousBill)
		med := g.vendorMedian(bill.M2O("partner_id"), bill.ID())
		amt := bill.Float("amount_total")
		g.item(dataset.KindUnusualTransaction, "account.move", []int64{bill.ID()}, dataset.PriorityHigh, false,
			fmt.Sprintf("%s from %s is %.2f EUR, %.1f times the vendor's usual bill.", bill.Str("name"), g.partnerName(bill.M2O("partner_id")), amt, amt/med),
			map[string]float64{"amount_total": amt, "vendor_median": med, "ratio": round2(amt / med)})
	}
	ins := g.overheadByKey["insurance"]
	var last Record
	for _, m := range g.ds.Records("account.move") {
		if m.M2O("partner_id") == ins.id && m.Str("move_type") == "in_invoice" {
			last = m
		}
	}
	if last != nil {
		g.item(dataset.KindUnusualTransaction, "account.move", []int64{last.ID()}, dataset.PriorityLow, true,
			fmt.Sprintf("%s is the annual insurance premium (%.2f EUR): large but expected every January.", last.Str("name"), last.Float("amount_total")),
			map[string]float64{"amount_total": last.Float("amount_total")})
	}
}

// vendorMedian returns the median amount_total of a vendor's bills other
// than except.
func (g *gen) vendorMedian(partner, except int64) float64 {
	var xs []float64
	for _, m := range g.ds.Records("account.move") {
		if m.M2O("partner_id") == partner && m.Str("move_type") == "in_invoice" && m.ID() != except {
			xs = append(xs, m.Float("amount_total"))
		}
	}
	sort.Float64s(xs)
	if len(xs) == 0 {
		return 1
	}
	return xs[len(xs)/2]
}

// budgetTruth lists every budget line whose actual exceeds the plan and the
// planted just-under-budget near miss.
func (g *gen) budgetTruth(lines []*budgetLine) {
	qs := g.quarters()
	for _, b := range lines {
		planned := b.planned
		ratio := float64(b.actual) / float64(planned)
		facts := map[string]float64{"actual": money(b.actual), "planned": money(planned), "ratio": round2(ratio)}
		name := b.name
		switch {
		case b.actual > planned:
			prio := dataset.PriorityMedium
			if ratio >= 1.25 {
				prio = dataset.PriorityHigh
			}
			g.item(dataset.KindBudgetOverrun, b.model, []int64{b.rec.ID()}, prio, false,
				fmt.Sprintf("%s: %.0f EUR spent against %.0f planned (%.0f%%).", name, money(b.actual), money(planned), ratio*100), facts)
		case b.q == len(qs)-2 && b.account == g.ref.acc.it:
			g.item(dataset.KindBudgetOverrun, b.model, []int64{b.rec.ID()}, dataset.PriorityLow, true,
				fmt.Sprintf("%s: %.0f EUR spent against %.0f planned (%.0f%%), close but within budget.", name, money(b.actual), money(planned), ratio*100), facts)
		}
	}
}
