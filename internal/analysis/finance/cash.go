package finance

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Liquidity holds a company's bank and cash journals and their accounts.
type Liquidity struct {
	// Journals are the bank and cash journal ids, ascending.
	Journals []int64
	// Accounts are the journals' default (liquidity) accounts.
	Accounts map[int64]bool
}

// LiquidityAccounts returns, per company, the bank and cash journals and
// their default (liquidity) accounts. Archived journals count: money on
// them is still the company's. The cash position is the balance of posted
// journal items on these accounts.
func LiquidityAccounts(journals []odoo.Record) map[int64]*Liquidity {
	out := map[int64]*Liquidity{}
	for _, j := range journals {
		if t := fields.String(j, "type"); t != "bank" && t != "cash" {
			continue
		}
		cid := fields.M2OID(j, "company_id")
		lq := out[cid]
		if lq == nil {
			lq = &Liquidity{Accounts: map[int64]bool{}}
			out[cid] = lq
		}
		lq.Journals = append(lq.Journals, j.ID())
		if acc := fields.M2OID(j, "default_account_id"); acc != 0 {
			lq.Accounts[acc] = true
		}
	}
	for _, lq := range out {
		sort.Slice(lq.Journals, func(i, j int) bool { return lq.Journals[i] < lq.Journals[j] })
	}
	return out
}

func liquidityAccounts(d *data) map[int64]*Liquidity { return LiquidityAccounts(d.journals) }

// cashByCompany returns the cash position per company at the end of
// today: the balance (company currency) of the journal items on the
// liquidity accounts of the bank and cash journals in the books by today
// (line.bookedBy: posted, dated today or before), which is the "balance in
// general ledger" Odoo's accounting dashboard shows per journal, summed.
// A bank line dated after today is not cash yet (Ledger.CashAsOf).
func cashByCompany(d *data, today odoo.Date) map[int64]float64 {
	lq := liquidityAccounts(d)
	out := map[int64]float64{}
	for cid := range lq {
		out[cid] = 0
	}
	for i := range d.lines {
		l := &d.lines[i]
		q := lq[l.company]
		if q == nil || !q.Accounts[l.account] || !l.bookedBy(today) {
			continue
		}
		out[l.company] += l.balance
	}
	return out
}

// cashFlow is the money that left and entered the bank and cash journals in
// the window, in company currency, both positive.
type cashFlow struct{ out, in float64 }

// cashFlows measures, per company, the outflows and inflows of the cash
// window (Today and the window-1 days before) from the same journal items
// as the cash position: the posted items on the liquidity accounts dated
// in the window, credits out and debits in. They are netted per journal
// entry first, so an entry moving money between two of the company's bank
// and cash journals (both legs on liquidity accounts) is neither. A payment
// the bank has not matched yet sits on an outstanding account: it is not
// a flow until its bank line is, as it is not cash.
func cashFlows(env *analysis.Env, d *data) map[int64]*cashFlow {
	window := int(env.Threshold(ThresholdCashWindowDays, CashWindowDaysDefault))
	from := env.Today.AddDays(-window + 1)
	lq := liquidityAccounts(d)
	out := map[int64]*cashFlow{}
	for cid := range lq {
		out[cid] = &cashFlow{}
	}
	type entry struct {
		company int64
		net     float64
	}
	entries := map[int64]*entry{}
	var order []*entry // first seen first: sums do not depend on map order
	for i := range d.lines {
		l := &d.lines[i]
		q := lq[l.company]
		if q == nil || !q.Accounts[l.account] || !l.bookedBy(env.Today) || l.date.Before(from) {
			continue
		}
		e := entries[l.move]
		if e == nil {
			e = &entry{company: l.company}
			entries[l.move] = e
			order = append(order, e)
		}
		e.net += l.balance
	}
	for _, e := range order {
		f := out[e.company]
		if e.net < 0 {
			f.out -= e.net
		} else {
			f.in += e.net
		}
	}
	return out
}

// Runway returns the days of outflows cash covers: cash divided by the
// average daily outflow of the window. ok is false without outflows.
func Runway(cash, outflows float64, windowDays int) (days float64, ok bool) {
	if outflows <= 0 || windowDays <= 0 {
		return 0, false
	}
	return cash / (outflows / float64(windowDays)), true
}

// cashFigures adds cash position, burn rate and runway per company, and a
// low_cash_runway insight when the runway is below the threshold.
func cashFigures(env *analysis.Env, d *data, res *analysis.Result) {
	window := int(env.Threshold(ThresholdCashWindowDays, CashWindowDaysDefault))
	low := env.Threshold(ThresholdRunwayDays, RunwayDaysDefault)
	critical := env.Threshold(ThresholdRunwayCriticalDays, RunwayCriticalDaysDefault)
	lq := liquidityAccounts(d)
	cash := cashByCompany(d, env.Today)
	flows := cashFlows(env, d)
	seen := map[int64]bool{}
	for cid := range lq {
		seen[cid] = true
	}
	months := float64(window) / 30.4375
	for _, cid := range d.companyIDs(seen) {
		cur := d.currency(cid)
		q := lq[cid]
		if q == nil {
			for _, n := range []string{"finance.cash.position", "finance.cash.runway_days", "finance.cash.burn_monthly"} {
				res.Metrics = append(res.Metrics, analysis.Metric{Name: n, CompanyID: cid, Unit: cur, Available: false, Note: "no bank or cash journal"})
			}
			continue
		}
		jref := env.Ref("account.journal", q.Journals...)
		f := flows[cid]
		pos := metric("finance.cash.position", cash[cid], cur, cid)
		pos.Refs = []analysis.Ref{jref}
		res.Metrics = append(res.Metrics,
			pos,
			metric("finance.cash.outflows_window", f.out, cur, cid),
			metric("finance.cash.inflows_window", f.in, cur, cid),
			metric("finance.cash.gross_burn_monthly", f.out/months, cur, cid),
			metric("finance.cash.burn_monthly", (f.out-f.in)/months, cur, cid),
		)
		days, ok := Runway(cash[cid], f.out, window)
		rm := analysis.Metric{Name: "finance.cash.runway_days", Unit: "days", CompanyID: cid, Available: true, Refs: []analysis.Ref{jref}}
		if ok {
			rm.Value = fields.Round2(days)
		} else {
			rm.Value = 9999
			rm.Note = "no outflows in the window: the runway is unbounded"
		}
		res.Metrics = append(res.Metrics, rm)
		if net := (f.out - f.in) / float64(window); net > 0 {
			res.Metrics = append(res.Metrics, metric("finance.cash.net_runway_days", cash[cid]/net, "days", cid))
		}
		if !ok || days >= low {
			continue
		}
		prio := "high"
		if days < critical {
			prio = "critical"
		}
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindLowCashRunway, Priority: prio, CompanyID: cid,
			Title: fmt.Sprintf("Cash covers %.0f days of outflows", days),
			Detail: fmt.Sprintf("Cash on bank and cash journals is %.2f %s; outflows over the last %d days were %.2f %s (%.2f a day, inflows %.2f), so cash covers %.0f days, below %.0f.",
				cash[cid], cur, window, f.out, cur, f.out/float64(window), f.in, days, low),
			Subject: "res.company:" + strconv.FormatInt(cid, 10) + ":cash_runway",
			Refs:    []analysis.Ref{jref},
			Facts: map[string]float64{"cash": fields.Round2(cash[cid]), "outflow_window": fields.Round2(f.out), "inflow_window": fields.Round2(f.in),
				"runway_days": fields.Round2(days), "window_days": float64(window), "threshold_days": low},
			Score: fields.Clamp01(1 - days/low),
		})
	}
}
