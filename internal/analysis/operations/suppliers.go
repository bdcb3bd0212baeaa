package operations

import (
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Supplier reliability: on-time rate and delay of receipts, and the
// detector of vendors whose on-time rate fell.

// receiptStats counts done receipts of one vendor in one window.
type receiptStats struct {
	n, onTime int
	lateDays  []float64 // days late of the late receipts
	lateIDs   []int64
}

func (s *receiptStats) add(p *picking, delay int, grace int) {
	s.n++
	if delay <= grace {
		s.onTime++
	} else {
		s.lateDays = append(s.lateDays, float64(delay))
		s.lateIDs = append(s.lateIDs, p.id)
	}
}

func (s *receiptStats) rate() float64 {
	if s.n == 0 {
		return math.NaN()
	}
	return float64(s.onTime) / float64(s.n)
}

// promised returns the date a receipt was promised: its deadline (set from
// the purchase line's expected arrival, and kept when the receipt is
// rescheduled), else its scheduled date.
func (p *picking) promised() (d odoo.Date, ok bool) {
	if !p.deadline.IsZero() {
		return p.deadline, true
	}
	return p.scheduled, !p.scheduled.IsZero()
}

// isVendorReceipt reports whether a done incoming picking is a vendor
// delivery: it comes from a purchase order (one of its moves has a
// purchase line), or, when no receipt of the database links to purchases
// (no purchase app), it has a partner. Customer returns, which are incoming
// too, are left out when purchase links exist.
func (a *run) isVendorReceipt(p *picking) bool {
	if p.code != "incoming" || p.state != "done" || p.partner == 0 || p.done.IsZero() {
		return false
	}
	if a.purchaseReceipts {
		return p.purchase
	}
	return true
}

// supplierFigures computes on-time metrics of company c and the
// supplier_late insights.
func (a *run) supplierFigures(c int64) {
	recentFrom := a.today.AddDays(-a.recentDays + 1)
	priorFrom := a.today.AddDays(-a.historyDays + 1)
	recent := map[int64]*receiptStats{}
	prior := map[int64]*receiptStats{}
	all := &receiptStats{}
	var vendors []int64
	for _, p := range a.pickingsSorted {
		if p.company != c && p.company != 0 || !a.isVendorReceipt(p) {
			continue
		}
		due, ok := p.promised()
		if !ok || a.today.Before(p.done) || p.done.Before(priorFrom) {
			continue
		}
		delay := analysis.DaysBetween(due, p.done)
		v := a.d.commercial(p.partner)
		w := prior
		if !p.done.Before(recentFrom) {
			w = recent
			all.add(p, delay, a.grace)
		}
		if recent[v] == nil {
			recent[v], prior[v] = &receiptStats{}, &receiptStats{}
			vendors = append(vendors, v)
		}
		w[v].add(p, delay, a.grace)
	}
	sortInt64(vendors)
	m := a.metric(c, "operations.suppliers.on_time_rate", fields.Round2(all.rate()), "ratio",
		fmt.Sprintf("vendor receipts of the last %d days done on or before their promised date", a.recentDays), nil)
	m.Available = all.n > 0
	m = a.metric(c, "operations.suppliers.avg_delay_days", fields.Round2(mean(all.lateDays)), "days",
		fmt.Sprintf("average days late of the late vendor receipts of the last %d days", a.recentDays), nil)
	m.Available = len(all.lateDays) > 0 || all.n > 0
	if len(all.lateDays) == 0 {
		m.Value = 0
	}
	a.metric(c, "operations.suppliers.receipts", float64(all.n), "count", fmt.Sprintf("vendor receipts done in the last %d days", a.recentDays), nil)
	for _, v := range vendors {
		r, p := recent[v], prior[v]
		if r.n < a.minRecent || p.n < a.minPrior {
			continue
		}
		drop := p.rate() - r.rate()
		z := twoProportionZ(p.onTime, p.n, r.onTime, r.n)
		if drop < a.onTimeDrop || z < a.minZ {
			continue
		}
		a.supplierInsight(c, v, r, p, drop, z)
	}
}

func (a *run) supplierInsight(c, v int64, r, p *receiptStats, drop, z float64) {
	name := a.d.partnerName(v)
	facts := map[string]float64{
		"on_time_rate_recent": fields.Round2(r.rate()), "on_time_rate_prior": fields.Round2(p.rate()), "drop": fields.Round2(drop), "z": fields.Round2(z),
		"receipts_recent": float64(r.n), "receipts_prior": float64(p.n), "recent_days": float64(a.recentDays),
	}
	delay := 0.0
	if len(r.lateDays) > 0 {
		delay = mean(r.lateDays)
		facts["avg_delay_days_recent"] = fields.Round2(delay)
	}
	if len(p.lateDays) > 0 {
		facts["avg_delay_days_prior"] = fields.Round2(mean(p.lateDays))
	}
	a.res.Insights = append(a.res.Insights, analysis.Insight{
		Kind: KindSupplierLate, Priority: "high", CompanyID: c,
		Title: fmt.Sprintf("%s delivers late more often: %.0f%% on time, down from %.0f%%", name, r.rate()*100, p.rate()*100),
		Detail: fmt.Sprintf("%s delivered %d of %d receipts on time in the last %d days (%.0f%%), against %d of %d (%.0f%%) in the %d days before; "+
			"late receipts arrived %.1f days late on average. Plan longer lead times or a second source for its products.",
			name, r.onTime, r.n, a.recentDays, r.rate()*100, p.onTime, p.n, p.rate()*100, a.historyDays-a.recentDays, delay),
		Subject: fmt.Sprintf("res.partner:%d", v),
		Refs:    []analysis.Ref{a.env.Ref("res.partner", v), a.env.Ref("stock.picking", r.lateIDs...)},
		Facts:   facts,
		Score:   fields.Clamp01(drop),
	})
}
