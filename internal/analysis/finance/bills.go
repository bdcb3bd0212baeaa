package finance

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/robust"
	"github.com/aicoo/aicoo/internal/odoo"
)

// bill is a posted vendor bill with its amount in company currency.
type bill struct {
	rec     *move
	company int64
	vendor  int64
	account int64 // the account of its largest product line: its category
	date    odoo.Date
	amount  float64
	// products and fromPO count its product lines and those that bill a
	// purchase order line.
	products, fromPO int
}

// poBacked reports whether every product line of the bill bills a purchase
// order line: its amount was approved with the order and is checked
// against it (Odoo's bill control on received or ordered quantities).
func (b *bill) poBacked() bool { return b.products > 0 && b.fromPO == b.products }

// vendorBills returns the posted vendor bills (in_invoice) with a positive
// total.
func vendorBills(d *data) []*bill {
	var out []*bill
	idx := map[int64]*bill{}
	for i := range d.moves {
		m := &d.moves[i]
		if m.typ != "in_invoice" || !m.posted {
			continue
		}
		amt := math.Abs(m.totalSigned)
		if amt <= 0 {
			continue
		}
		b := &bill{rec: m, company: m.company, vendor: m.vendor, date: m.docDate(), amount: amt}
		out = append(out, b)
		idx[m.id] = b
	}
	largest := map[int64]float64{}
	for i := range d.lines {
		l := &d.lines[i]
		if l.displayType != "product" {
			continue
		}
		b := idx[l.move]
		if b == nil {
			continue
		}
		b.products++
		if l.fromPO {
			b.fromPO++
		}
		if v := math.Abs(l.balance); v > largest[b.rec.id] {
			largest[b.rec.id] = v
			b.account = l.account
		}
	}
	return out
}

// unusualBills raises an unusual_transaction insight for each vendor bill
// dated in the lookback window whose amount is at least the factor times
// the median of the vendor's other bills, at least the robust z-score
// above them (log amounts, median and MAD) and at least the tail factor
// times their 90th percentile. Bills that only bill purchase order lines
// are not judged by default: their amounts were approved with the order
// (they still shape the vendor's distribution). A vendor with too few other
// bills is compared with the other bills booked on the same expense
// account instead; with too few of those too, the bill is not judged (a
// first or yearly bill has no "usual" amount). Expenses are judged by the
// expenses analyzer, never here.
func unusualBills(env *analysis.Env, d *data, res *analysis.Result) {
	factor := env.Threshold(ThresholdBillFactor, BillFactorDefault)
	zMin := env.Threshold(ThresholdBillZ, BillZDefault)
	tail := env.Threshold(ThresholdBillTailFactor, BillTailFactorDefault)
	judgePO := env.Threshold(ThresholdBillJudgePO, BillJudgePODefault) != 0
	minHist := int(env.Threshold(ThresholdBillMinHistory, BillMinHistoryDefault))
	from := env.Today.AddDays(-int(env.Threshold(ThresholdBillLookbackDays, BillLookbackDaysDefault)) + 1)
	bills := vendorBills(d)
	type key struct{ company, id int64 }
	byVendor := map[key][]float64{}
	byAccount := map[key][]float64{}
	for _, b := range bills {
		byVendor[key{b.company, b.vendor}] = append(byVendor[key{b.company, b.vendor}], b.amount)
		if b.account != 0 {
			byAccount[key{b.company, b.account}] = append(byAccount[key{b.company, b.account}], b.amount)
		}
	}
	for _, m := range []map[key][]float64{byVendor, byAccount} {
		for _, xs := range m {
			sort.Float64s(xs)
		}
	}
	for _, b := range bills {
		if b.date.Before(from) || env.Today.Before(b.date) || b.poBacked() && !judgePO {
			continue
		}
		// The group holds the bill itself: judge it against the others.
		basis := "the vendor's other bills"
		group := byVendor[key{b.company, b.vendor}]
		if len(group)-1 < minHist {
			basis = "other bills on the same account"
			group = byAccount[key{b.company, b.account}]
			if len(group)-1 < minHist {
				continue
			}
		}
		med := robust.QuantileWithout(group, b.amount, 0.5)
		if med <= 0 {
			continue
		}
		ratio := b.amount / med
		p90 := robust.QuantileWithout(group, b.amount, 0.9)
		if ratio < factor || b.amount < tail*p90 {
			continue
		}
		xs := robust.WithoutOne(group, b.amount)
		z := robust.Z(b.amount, xs, 0.1)
		if z < zMin {
			continue
		}
		cur := d.currency(b.company)
		m := b.rec.rec
		vendor := d.partners.Of(m, "partner_id")
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindUnusualTransaction, Priority: "high", CompanyID: b.company,
			Title: fmt.Sprintf("%s from %s is %.1f times the usual amount", fields.String(m, "name"), vendor, ratio),
			Detail: fmt.Sprintf("%s of %s is %.2f %s; the median of %s (%d) is %.2f %s.",
				fields.String(m, "name"), b.date, b.amount, cur, basis, len(xs), med, cur),
			Subject: "account.move:" + strconv.FormatInt(m.ID(), 10),
			Refs:    []analysis.Ref{env.Ref("account.move", m.ID()), env.Ref("res.partner", b.vendor)},
			Facts: map[string]float64{"amount_total": fields.Round2(b.amount), "median": fields.Round2(med), "ratio": fields.Round2(ratio),
				"robust_z": fields.Round2(z), "p90": fields.Round2(p90), "history": float64(len(xs))},
			Score: fields.Clamp01(ratio / (4 * factor)),
		})
	}
}

// vendorSpend adds the cost-optimization figures: vendors whose spend over
// the cash window grew faster than revenue against the same window a year
// earlier (vendor_spend_growth insights), and the recurring monthly spend of
// vendors billing in at least five of the last six complete months.
// Spend is the total of posted vendor bills minus vendor credit notes in
// company currency, by bill date; revenue that of customer invoices minus
// credit notes.
func vendorSpend(env *analysis.Env, d *data, res *analysis.Result) {
	window := int(env.Threshold(ThresholdCashWindowDays, CashWindowDaysDefault))
	margin := env.Threshold(ThresholdSpendGrowthMargin, SpendGrowthMarginDefault)
	minShare := env.Threshold(ThresholdSpendMinShare, SpendMinShareDefault)
	recentFrom := env.Today.AddDays(-window + 1)
	priorTo := env.Today.AddDays(-365)
	priorFrom := priorTo.AddDays(-window + 1)
	in := func(dt, a, b odoo.Date) bool { return !dt.Before(a) && !b.Before(dt) }
	type key struct{ company, vendor int64 }
	type spend struct {
		recent, prior float64
		bills         []int64
		months        map[int]bool
		last3         float64
	}
	vend := map[key]*spend{}
	revRecent, revPrior := map[int64]float64{}, map[int64]float64{}
	totalRecent := map[int64]float64{}
	monthIdx := func(dt odoo.Date) int { return dt.Year*12 + int(dt.Month) - 1 }
	thisMonth := monthIdx(env.Today)
	for i := range d.moves {
		m := &d.moves[i]
		if !m.posted {
			continue
		}
		t, cid, dt, amt := m.typ, m.company, m.docDate(), m.totalSigned
		switch t {
		case "out_invoice", "out_refund":
			if in(dt, recentFrom, env.Today) {
				revRecent[cid] += amt
			} else if in(dt, priorFrom, priorTo) {
				revPrior[cid] += amt
			}
		case "in_invoice", "in_refund":
			k := key{cid, m.vendor}
			s := vend[k]
			if s == nil {
				s = &spend{months: map[int]bool{}}
				vend[k] = s
			}
			if in(dt, recentFrom, env.Today) {
				s.recent -= amt
				totalRecent[cid] -= amt
				s.bills = append(s.bills, m.id)
			} else if in(dt, priorFrom, priorTo) {
				s.prior -= amt
			}
			if mi := monthIdx(dt); mi < thisMonth && mi >= thisMonth-6 && t == "in_invoice" {
				s.months[mi] = true
				if mi >= thisMonth-3 {
					s.last3 -= amt
				}
			}
		}
	}
	recurring := map[int64]float64{}
	recurringVendors := map[int64][]int64{}
	keys := make([]key, 0, len(vend))
	for k := range vend {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].company != keys[j].company {
			return keys[i].company < keys[j].company
		}
		return keys[i].vendor < keys[j].vendor
	})
	for _, k := range keys {
		s := vend[k]
		if len(s.months) >= 5 {
			recurring[k.company] += s.last3 / 3
			recurringVendors[k.company] = append(recurringVendors[k.company], k.vendor)
		}
		if s.prior <= 0 || revPrior[k.company] <= 0 || s.recent < minShare*totalRecent[k.company] {
			continue
		}
		gv := s.recent/s.prior - 1
		gr := revRecent[k.company]/revPrior[k.company] - 1
		if gv-gr < margin {
			continue
		}
		cur := d.currency(k.company)
		name := d.partners[k.vendor]
		if name == "" {
			name = "#" + strconv.FormatInt(k.vendor, 10)
		}
		refs := []analysis.Ref{env.Ref("res.partner", k.vendor)}
		if len(s.bills) > 0 {
			refs = append(refs, env.Ref("account.move", s.bills...))
		}
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindVendorSpendGrowth, Priority: "low", CompanyID: k.company,
			Title: fmt.Sprintf("Spend with %s grew %.0f%% while revenue changed %+.0f%%", name, gv*100, gr*100),
			Detail: fmt.Sprintf("%.2f %s billed in the last %d days against %.2f in the same days a year ago; a candidate to renegotiate or review.",
				s.recent, cur, window, s.prior),
			Subject: "res.partner:" + strconv.FormatInt(k.vendor, 10) + ":spend_growth",
			Refs:    refs,
			Facts: map[string]float64{"spend_recent": fields.Round2(s.recent), "spend_prior": fields.Round2(s.prior), "spend_growth": fields.Round2(gv),
				"revenue_growth": fields.Round2(gr)},
			Score: fields.Clamp01((gv - gr) / 2),
		})
	}
	for cid := range d.companies {
		m := metric("finance.costs.recurring_monthly", recurring[cid], d.currency(cid), cid)
		if ids := recurringVendors[cid]; len(ids) > 0 {
			m.Refs = []analysis.Ref{env.Ref("res.partner", ids...)}
			m.Note = fmt.Sprintf("%d vendors billing in at least 5 of the last 6 months", len(ids))
		}
		res.Metrics = append(res.Metrics, m)
		res.Metrics = append(res.Metrics, metric("finance.costs.vendor_spend_window", totalRecent[cid], d.currency(cid), cid))
	}
}
