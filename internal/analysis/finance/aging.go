package finance

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Aging buckets, as in Odoo's Aged Receivable and Aged Payable reports:
// days past due is Today minus the item's due date (date_maturity, else
// date); zero or less is not due.
const (
	BucketNotDue = iota
	Bucket1To30
	Bucket31To60
	Bucket61To90
	BucketOver90
	NumBuckets
)

// BucketNames are the metric suffixes of the buckets.
var BucketNames = [NumBuckets]string{"not_due", "1_30", "31_60", "61_90", "over_90"}

// BucketOf returns the bucket of an item daysPastDue days past its due date.
func BucketOf(daysPastDue int) int {
	switch {
	case daysPastDue <= 0:
		return BucketNotDue
	case daysPastDue <= 30:
		return Bucket1To30
	case daysPastDue <= 60:
		return Bucket31To60
	case daysPastDue <= 90:
		return Bucket61To90
	}
	return BucketOver90
}

// AgingRow is one partner's open balance in one company, in company
// currency, split by bucket. Receivables are positive when the customer
// owes; payables are positive when the company owes (the sign of Odoo's
// Aged Payable). Credit notes and unreconciled payments count with their
// sign, so a partner can have negative buckets.
type AgingRow struct {
	CompanyID int64
	PartnerID int64
	Buckets   [NumBuckets]float64
	Total     float64
	// MoveIDs are the entries with open items, for references.
	MoveIDs []int64
}

// Aging is the aged balance of one account type (receivable or payable)
// in one company.
type Aging struct {
	CompanyID int64
	Buckets   [NumBuckets]float64
	Total     float64
	Partners  map[int64]*AgingRow
}

// ComputeAging ages the open journal items of posted entries on accounts of
// accountType ("asset_receivable" or "liability_payable") at today, per
// company. It uses amount_residual (company currency), so partial
// payments, credit notes and foreign-currency items (revalued at their
// booking rate, as Odoo's report does) come out as Odoo shows them. Items
// dated after today are not in it, nor are settlements dated after today
// (the item they settle is open today): it is Ledger.AgingAsOf today.
func ComputeAging(lines []odoo.Record, accountType string, today odoo.Date) map[int64]*Aging {
	return aging(decodeLines(lines, nil), accountType, today)
}

func aging(lines []line, accountType string, today odoo.Date) map[int64]*Aging {
	return agingAt(lines, reconcileGroups(lines, accountType), accountType, today)
}

// agingFigures adds the AR and AP aging metrics, the per-partner overdue
// metrics of the largest debtors, DSO and the payables-due-soon figure.
func agingFigures(env *analysis.Env, d *data, res *analysis.Result) {
	ar := agingAt(d.lines, d.reconcileGroups("asset_receivable"), "asset_receivable", env.Today)
	ap := agingAt(d.lines, d.reconcileGroups("liability_payable"), "liability_payable", env.Today)
	seen := map[int64]bool{}
	for id := range ar {
		seen[id] = true
	}
	for id := range ap {
		seen[id] = true
	}
	sales := creditSales(env, d)
	for _, cid := range d.companyIDs(seen) {
		cur := d.currency(cid)
		for _, side := range []struct {
			prefix string
			ag     *Aging
		}{{"finance.ar.", ar[cid]}, {"finance.ap.", ap[cid]}} {
			ag := side.ag
			if ag == nil {
				ag = &Aging{CompanyID: cid}
			}
			for b, n := range BucketNames {
				res.Metrics = append(res.Metrics, metric(side.prefix+n, ag.Buckets[b], cur, cid))
			}
			res.Metrics = append(res.Metrics, metric(side.prefix+"total", ag.Total, cur, cid))
			res.Metrics = append(res.Metrics, metric(side.prefix+"overdue", ag.Total-ag.Buckets[BucketNotDue], cur, cid))
			res.Metrics = append(res.Metrics, partnerMetrics(env, side.prefix, ag, cur)...)
		}
		// DSO: open receivables over the credit sales of the window, times
		// the window length.
		window := int(env.Threshold(ThresholdCashWindowDays, CashWindowDaysDefault))
		m := analysis.Metric{Name: "finance.dso_days", Unit: "days", CompanyID: cid, Available: true}
		if s := sales[cid]; s > 0 && ar[cid] != nil {
			m.Value = fields.Round2(ar[cid].Total / s * float64(window))
		} else {
			m.Note = "no customer invoices in the window"
		}
		res.Metrics = append(res.Metrics, m)
	}
	apDueSoon(env, d, res)
}

// partnerMetrics returns, for the partners with the largest overdue
// balances (at most ten), their overdue and total balances.
func partnerMetrics(env *analysis.Env, prefix string, ag *Aging, cur string) []analysis.Metric {
	rows := make([]*AgingRow, 0, len(ag.Partners))
	for _, r := range ag.Partners {
		if r.Total-r.Buckets[BucketNotDue] > 0.005 {
			rows = append(rows, r)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		oi, oj := rows[i].Total-rows[i].Buckets[BucketNotDue], rows[j].Total-rows[j].Buckets[BucketNotDue]
		if oi != oj {
			return oi > oj
		}
		return rows[i].PartnerID < rows[j].PartnerID
	})
	var out []analysis.Metric
	for i, r := range rows {
		if i == 10 {
			break
		}
		name := prefix + "partner." + strconv.FormatInt(r.PartnerID, 10) + ".overdue"
		m := metric(name, r.Total-r.Buckets[BucketNotDue], cur, ag.CompanyID)
		m.Refs = []analysis.Ref{env.Ref("res.partner", r.PartnerID)}
		out = append(out, m)
	}
	return out
}

// creditSales returns, per company, the invoiced revenue of the cash window:
// amount_total_signed of posted customer invoices minus credit notes dated
// (invoice_date, else date) in the window.
func creditSales(env *analysis.Env, d *data) map[int64]float64 {
	window := int(env.Threshold(ThresholdCashWindowDays, CashWindowDaysDefault))
	from := env.Today.AddDays(-window + 1)
	out := map[int64]float64{}
	for i := range d.moves {
		m := &d.moves[i]
		if (m.typ != "out_invoice" && m.typ != "out_refund") || !m.bookedBy(env.Today) {
			continue
		}
		if dt := m.docDate(); dt.Before(from) || env.Today.Before(dt) {
			continue
		}
		out[m.company] += m.totalSigned
	}
	return out
}

// apDueSoon reports payables falling due in the next days (not yet due
// today, due within the horizon) against the cash position: informational,
// medium when they exceed cash.
func apDueSoon(env *analysis.Env, d *data, res *analysis.Result) {
	horizon := int(env.Threshold(ThresholdAPDueSoonDays, APDueSoonDaysDefault))
	due := map[int64]float64{}
	moves := map[int64][]int64{}
	for i := range d.lines {
		l := &d.lines[i]
		if l.accountType != "liability_payable" || !l.bookedBy(env.Today) || l.residual >= 0 {
			continue
		}
		days := analysis.DaysBetween(env.Today, l.due())
		if days < 0 || days > horizon {
			continue
		}
		due[l.company] -= l.residual
		moves[l.company] = append(moves[l.company], l.move)
	}
	cash := cashByCompany(d, env.Today)
	for cid, amt := range due {
		cur := d.currency(cid)
		res.Metrics = append(res.Metrics, metric(fmt.Sprintf("finance.ap.due_next_%dd", horizon), amt, cur, cid))
		prio := "low"
		if amt > cash[cid] {
			prio = "medium"
		}
		ids := moves[cid]
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindAPDueSoon, Priority: prio, CompanyID: cid,
			Title:   fmt.Sprintf("%.2f %s of vendor bills fall due in the next %d days", amt, cur, horizon),
			Detail:  fmt.Sprintf("%d open payable items are due by %s; cash on bank and cash journals is %.2f %s.", len(ids), env.Today.AddDays(horizon), cash[cid], cur),
			Subject: "res.company:" + strconv.FormatInt(cid, 10) + ":ap_due_soon",
			Refs:    []analysis.Ref{env.Ref("account.move", ids...)},
			Facts:   map[string]float64{"amount_due": fields.Round2(amt), "cash": fields.Round2(cash[cid]), "horizon_days": float64(horizon)},
			Score:   fields.Clamp01(amt / max(cash[cid], 1)),
		})
	}
}

// overdueInvoices raises one overdue_invoice insight per posted customer
// invoice with an amount still due whose due date is at least the
// threshold days before Today, and one top_overdue_invoices summary per
// company.
func overdueInvoices(env *analysis.Env, d *data, res *analysis.Result) {
	minDays := int(env.Threshold(ThresholdOverdueDays, OverdueDaysDefault))
	highDays := int(env.Threshold(ThresholdOverdueHighDays, OverdueHighDaysDefault))
	criticalAmount := env.Threshold(ThresholdOverdueCriticalAmount, OverdueCriticalAmountDefault)
	topN := int(env.Threshold(ThresholdTopOverdue, TopOverdueDefault))
	type overdue struct {
		move      *move
		days      int
		amount    float64 // company currency
		amountCur float64 // document currency
	}
	// What is open today: Odoo's residual already counts a payment dated
	// after Today that is reconciled with the invoice, which is not paid
	// today (as in the aging).
	openToday := map[int64]float64{}
	openAt(d.lines, d.reconcileGroups("asset_receivable"), env.Today, func(l *line, v float64) { openToday[l.move] += v })
	byCompany := map[int64][]overdue{}
	for i := range d.moves {
		m := &d.moves[i]
		if m.typ != "out_invoice" || !m.bookedBy(env.Today) {
			continue
		}
		amount, amountCur := m.residualSigned, m.residual
		if v, ok := openToday[m.id]; ok && math.Abs(v-amount) >= 0.005 {
			// In document currency at the invoice's own rate.
			amountCur = v
			if total := fields.Float(m.rec, "amount_total"); total != 0 && m.totalSigned != 0 {
				amountCur = v * total / m.totalSigned
			}
			amount = v
		}
		if amountCur <= 0.005 {
			continue
		}
		due := m.due
		if due.IsZero() {
			due = m.docDate()
		}
		days := analysis.DaysBetween(due, env.Today)
		if days <= 0 {
			continue
		}
		byCompany[m.company] = append(byCompany[m.company], overdue{move: m, days: days, amount: amount, amountCur: amountCur})
	}
	for cid, list := range byCompany {
		cur := d.currency(cid)
		var total float64
		for _, o := range list {
			total += o.amount
		}
		for _, o := range list {
			if o.days < minDays {
				continue
			}
			prio := "medium"
			switch {
			case o.days >= highDays && o.amount >= criticalAmount:
				prio = "critical"
			case o.days >= highDays:
				prio = "high"
			}
			m := o.move.rec
			partner := d.partners.Of(m, "partner_id")
			docCur := fields.M2OName(m, "currency_id")
			detail := fmt.Sprintf("%s of %s was due on %s and is %d days overdue; %.2f %s is unpaid",
				fields.String(m, "name"), partner, fields.Date(m, "invoice_date_due"), o.days, o.amount, cur)
			if docCur != "" && docCur != cur {
				detail += fmt.Sprintf(" (%.2f %s)", o.amountCur, docCur)
			}
			refs := []analysis.Ref{env.Ref("account.move", m.ID())}
			if pid := fields.M2OID(m, "partner_id"); pid != 0 {
				refs = append(refs, env.Ref("res.partner", pid))
			}
			res.Insights = append(res.Insights, analysis.Insight{
				Kind: KindOverdueInvoice, Priority: prio, CompanyID: cid,
				Title:   fmt.Sprintf("%s: %.2f %s overdue %d days", fields.String(m, "name"), o.amount, cur, o.days),
				Detail:  detail + ".",
				Subject: "account.move:" + strconv.FormatInt(m.ID(), 10),
				Refs:    refs,
				Facts: map[string]float64{"days_overdue": float64(o.days), "amount_residual": fields.Round2(o.amountCur),
					"amount_residual_signed": fields.Round2(o.amount), "partner_id": float64(fields.M2OID(m, "partner_id"))},
				Score: 0.6*fields.Clamp01(float64(o.days)/180) + 0.4*fields.Clamp01(o.amount/max(total, 1)),
			})
		}
		// The largest overdue invoices, whatever their age.
		sort.Slice(list, func(i, j int) bool {
			if list[i].amount != list[j].amount {
				return list[i].amount > list[j].amount
			}
			return list[i].move.id < list[j].move.id
		})
		if len(list) > topN {
			list = list[:topN]
		}
		ids := make([]int64, len(list))
		var top float64
		for i, o := range list {
			ids[i] = o.move.id
			top += o.amount
		}
		if len(ids) == 0 {
			continue
		}
		res.Metrics = append(res.Metrics, analysis.Metric{Name: "finance.ar.top_overdue", Value: fields.Round2(top), Unit: cur, CompanyID: cid,
			Available: true, Note: fmt.Sprintf("the %d largest overdue customer invoices", len(ids)), Refs: []analysis.Ref{env.Ref("account.move", ids...)}})
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindTopOverdue, Priority: "low", CompanyID: cid,
			Title:   fmt.Sprintf("The %d largest overdue invoices total %.2f %s", len(ids), top, cur),
			Detail:  fmt.Sprintf("Of %.2f %s overdue on customer invoices, the largest is %s (%.2f %s, %d days).", total, cur, list[0].move.name, list[0].amount, cur, list[0].days),
			Subject: "res.company:" + strconv.FormatInt(cid, 10) + ":top_overdue",
			Refs:    []analysis.Ref{env.Ref("account.move", ids...)},
			Facts:   map[string]float64{"overdue_total": fields.Round2(total), "top_total": fields.Round2(top)},
			Score:   fields.Clamp01(top / max(total, 1)),
		})
	}
}
