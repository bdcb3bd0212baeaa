package demodata

import (
	"math"
	"sort"
	"testing"

	"github.com/aicoo/aicoo/internal/dataset"
)

// c100 converts an amount to cents.
func c100(x float64) int64 { return int64(math.Round(x * 100)) }

// linesByMove groups journal items by move.
func linesByMove(ds *dataset.Dataset) map[int64][]dataset.Record {
	out := map[int64][]dataset.Record{}
	for _, l := range ds.Records("account.move.line") {
		out[l.M2O("move_id")] = append(out[l.M2O("move_id")], l)
	}
	return out
}

func accountIDs(ds *dataset.Dataset, types ...string) map[int64]bool {
	out := map[int64]bool{}
	for _, a := range ds.Records("account.account") {
		for _, t := range types {
			if a.Str("account_type") == t {
				out[a.ID()] = true
			}
		}
	}
	return out
}

func forEachScenario(t *testing.T, f func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth)) {
	t.Helper()
	for name := range scenarios {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ds, gt := generated(t, name)
			f(t, ds, gt)
		})
	}
}

func TestMovesBalanced(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, _ *GroundTruth) {
		lines := linesByMove(ds)
		for _, m := range ds.Records("account.move") {
			ls := lines[m.ID()]
			if len(ls) < 2 {
				t.Errorf("%s has %d lines", m.Str("name"), len(ls))
				continue
			}
			var debit, credit int64
			for _, l := range ls {
				d, c, b := c100(l.Float("debit")), c100(l.Float("credit")), c100(l.Float("balance"))
				if d < 0 || c < 0 || d != 0 && c != 0 || b != d-c {
					t.Errorf("%s line %d: debit %d credit %d balance %d", m.Str("name"), l.ID(), d, c, b)
				}
				if l.Str("parent_state") != m.Str("state") || l.Str("move_name") != m.Str("name") || l.Str("date") != m.Str("date") {
					t.Errorf("%s line %d does not mirror its move", m.Str("name"), l.ID())
				}
				debit += d
				credit += c
			}
			if debit != credit {
				t.Errorf("%s is not balanced: debit %d credit %d", m.Str("name"), debit, credit)
			}
		}
	})
}

func TestInvoiceResiduals(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, _ *GroundTruth) {
		lines := linesByMove(ds)
		recpay := accountIDs(ds, "asset_receivable", "liability_payable")
		for _, m := range ds.Records("account.move") {
			typ := m.Str("move_type")
			if typ == "entry" {
				if m.Float("amount_residual") != 0 {
					t.Errorf("entry %s has a residual", m.Str("name"))
				}
				continue
			}
			var resCur, resComp, untaxed, tax, term int64
			for _, l := range lines[m.ID()] {
				switch {
				case recpay[l.M2O("account_id")]:
					resCur += c100(l.Float("amount_residual_currency"))
					resComp += c100(l.Float("amount_residual"))
					term += c100(l.Float("amount_currency"))
					if l.Bool("reconciled") != (l.Float("amount_residual_currency") == 0) {
						t.Errorf("%s: reconciled flag disagrees with the residual", m.Str("name"))
					}
				case l.Str("display_type") == "tax":
					tax += c100(l.Float("amount_currency"))
				default:
					untaxed += c100(l.Float("price_subtotal"))
				}
			}
			if got := c100(m.Float("amount_residual")); got != abs64(resCur) {
				t.Errorf("%s: amount_residual %d, receivable/payable lines %d", m.Str("name"), got, resCur)
			}
			if got := c100(m.Float("amount_residual_signed")); got != resComp {
				t.Errorf("%s: amount_residual_signed %d, lines %d", m.Str("name"), got, resComp)
			}
			total := c100(m.Float("amount_total"))
			if total != abs64(term) || c100(m.Float("amount_untaxed")) != untaxed || c100(m.Float("amount_tax")) != abs64(tax) {
				t.Errorf("%s: totals %d/%d/%d do not match lines %d/%d/%d", m.Str("name"), c100(m.Float("amount_untaxed")),
					c100(m.Float("amount_tax")), total, untaxed, tax, term)
			}
			sign := int64(1)
			if typ == "in_invoice" || typ == "out_refund" {
				sign = -1
			}
			if c100(m.Float("amount_total_signed"))*sign < 0 {
				t.Errorf("%s: amount_total_signed has the wrong sign", m.Str("name"))
			}
			res := c100(m.Float("amount_residual"))
			switch st := m.Str("payment_state"); st {
			case "paid", "in_payment":
				if res != 0 {
					t.Errorf("%s is %s with %d due", m.Str("name"), st, res)
				}
			case "partial":
				if res <= 0 || res >= total {
					t.Errorf("%s is partial with %d of %d due", m.Str("name"), res, total)
				}
			case "not_paid":
				if res != total {
					t.Errorf("%s is not_paid with %d of %d due", m.Str("name"), res, total)
				}
			default:
				t.Errorf("%s: unexpected payment_state %s", m.Str("name"), st)
			}
		}
	})
}

func TestReconciliation(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, _ *GroundTruth) {
		recpay := accountIDs(ds, "asset_receivable", "liability_payable")
		type key struct{ partner, account int64 }
		balance, residual := map[key]int64{}, map[key]int64{}
		matching := map[string]int{}
		for _, l := range ds.Records("account.move.line") {
			if !recpay[l.M2O("account_id")] {
				if l.Float("amount_residual") != 0 || l.Str("matching_number") != "" {
					t.Errorf("line %d on a non-reconcilable account has residual or matching", l.ID())
				}
				continue
			}
			k := key{l.M2O("partner_id"), l.M2O("account_id")}
			balance[k] += c100(l.Float("balance"))
			residual[k] += c100(l.Float("amount_residual"))
			if n := l.Str("matching_number"); n != "" {
				matching[n]++
			}
		}
		// Reconciliation only moves residuals between lines: per partner and
		// account, what is open equals the balance.
		for k, b := range balance {
			if residual[k] != b {
				t.Errorf("partner %d account %d: balance %d but open residual %d", k.partner, k.account, b, residual[k])
			}
		}
		for n, c := range matching {
			if c < 2 {
				t.Errorf("matching number %s is on one line only", n)
			}
		}
	})
}

func TestBankBalancesAgreeWithPayments(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, _ *GroundTruth) {
		journals := map[string]dataset.Record{}
		for _, j := range ds.Records("account.journal") {
			journals[j.Str("type")] = j
		}
		outstanding := accountIDs(ds, "asset_current")
		for _, typ := range []string{"bank", "cash"} {
			j := journals[typ]
			acc := j.M2O("default_account_id")
			var ledger, opening, paid int64
			for _, l := range ds.Records("account.move.line") {
				if l.M2O("account_id") != acc {
					continue
				}
				ledger += c100(l.Float("balance"))
				if l.M2O("payment_id") == 0 {
					opening += c100(l.Float("balance"))
				}
			}
			var unmatched int64
			for _, p := range ds.Records("account.payment") {
				if p.M2O("journal_id") != j.ID() {
					continue
				}
				amt := c100(p.Float("amount_company_currency_signed"))
				if (p.Str("payment_type") == "inbound") != (amt > 0) {
					t.Errorf("payment %s: sign disagrees with its type", p.Str("name"))
				}
				if p.Bool("is_matched") {
					paid += amt
				} else {
					unmatched += amt
				}
			}
			if ledger != opening+paid {
				t.Errorf("%s journal: account balance %d, opening %d + matched payments %d", typ, ledger, opening, paid)
			}
			if ledger <= 0 {
				t.Errorf("%s journal balance is %d at Today", typ, ledger)
			}
			if typ == "bank" {
				var out int64
				for _, l := range ds.Records("account.move.line") {
					if outstanding[l.M2O("account_id")] && l.M2O("payment_id") != 0 {
						out += c100(l.Float("balance"))
					}
				}
				if out != unmatched {
					t.Errorf("outstanding accounts hold %d, unmatched payments %d", out, unmatched)
				}
			}
		}
	})
}

func TestForeignCurrency(t *testing.T) {
	t.Parallel()
	ds, _ := generated(t, "healthy")
	var usd int64
	for _, c := range ds.Records("res.currency") {
		if c.Str("name") == "USD" {
			usd = c.ID()
		}
	}
	rates := map[string]float64{}
	var dates []string
	for _, r := range ds.Records("res.currency.rate") {
		if r.M2O("currency_id") == usd {
			rates[r.Str("name")] = r.Float("rate")
			dates = append(dates, r.Str("name"))
		}
	}
	sort.Strings(dates)
	rateOn := func(d string) float64 {
		i := sort.SearchStrings(dates, d)
		if i < len(dates) && dates[i] == d {
			return rates[d]
		}
		if i == 0 {
			return rates[dates[0]]
		}
		return rates[dates[i-1]]
	}
	var foreign, invoices int
	moves := map[int64]dataset.Record{}
	for _, m := range ds.Records("account.move") {
		moves[m.ID()] = m
		if m.M2O("currency_id") == usd && m.Str("move_type") != "entry" {
			invoices++
		}
	}
	for _, l := range ds.Records("account.move.line") {
		if l.M2O("currency_id") != usd || l.Float("amount_currency") == 0 {
			continue
		}
		foreign++
		want := l.Float("amount_currency") / rateOn(l.Str("date"))
		tol := 0.011
		if l.Str("display_type") == "payment_term" {
			tol = 0.05 // the balancing line carries the rounding of the others
		}
		if math.Abs(want-l.Float("balance")) > tol {
			t.Errorf("line %d of %s: balance %.2f, amount_currency %.2f at rate %.6f gives %.2f", l.ID(), l.Str("move_name"),
				l.Float("balance"), l.Float("amount_currency"), rateOn(l.Str("date")), want)
		}
	}
	if foreign == 0 || invoices == 0 {
		t.Errorf("no foreign-currency documents (%d lines, %d invoices)", foreign, invoices)
	}
	var exch int
	for _, m := range moves {
		if m.Str("name")[:4] == "EXCH" {
			exch++
		}
	}
	if exch == 0 {
		t.Errorf("no exchange difference entries")
	}
}

func TestStockConsistency(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, _ *GroundTruth) {
		internal := map[int64]bool{}
		for _, l := range ds.Records("stock.location") {
			internal[l.ID()] = l.Str("usage") == "internal"
		}
		net := map[int64]float64{}
		for _, m := range ds.Records("stock.move") {
			if m.Str("state") != "done" {
				continue
			}
			q := m.Float("quantity")
			if q != m.Float("product_uom_qty") {
				t.Errorf("done move %d: quantity %v, demand %v", m.ID(), q, m.Float("product_uom_qty"))
			}
			if internal[m.M2O("location_dest_id")] {
				net[m.M2O("product_id")] += q
			}
			if internal[m.M2O("location_id")] {
				net[m.M2O("product_id")] -= q
			}
		}
		quants := map[int64]float64{}
		for _, q := range ds.Records("stock.quant") {
			quants[q.M2O("product_id")] += q.Float("quantity")
			if q.Float("quantity") < 0 {
				t.Errorf("negative quant for product %d", q.M2O("product_id"))
			}
			if math.Abs(q.Float("available_quantity")+q.Float("reserved_quantity")-q.Float("quantity")) > 1e-9 {
				t.Errorf("quant %d: available + reserved != quantity", q.ID())
			}
		}
		for p, n := range net {
			if math.Abs(quants[p]-n) > 1e-9 {
				t.Errorf("product %d: quant %v, done moves net %v", p, quants[p], n)
			}
		}
		for _, pk := range ds.Records("stock.picking") {
			done := pk.Str("state") == "done"
			if done == (pk.Str("date_done") == "") {
				t.Errorf("picking %s: state %s but date_done %q", pk.Str("name"), pk.Str("state"), pk.Str("date_done"))
			}
		}
	})
}

func TestOrderConsistency(t *testing.T) {
	t.Parallel()
	ds, _ := generated(t, "healthy")
	lines := map[int64][]dataset.Record{}
	for _, l := range ds.Records("sale.order.line") {
		lines[l.M2O("order_id")] = append(lines[l.M2O("order_id")], l)
	}
	for _, so := range ds.Records("sale.order") {
		var sum int64
		for _, l := range lines[so.ID()] {
			sum += c100(l.Float("price_subtotal"))
		}
		if sum != c100(so.Float("amount_untaxed")) {
			t.Errorf("%s: untaxed %v, lines %d", so.Str("name"), so.Float("amount_untaxed"), sum)
		}
		if so.Str("invoice_status") == "invoiced" {
			if len(so.IDs("invoice_ids")) != 1 {
				t.Errorf("%s is invoiced without invoice", so.Str("name"))
			}
			for _, l := range lines[so.ID()] {
				if l.Float("qty_invoiced") != l.Float("product_uom_qty") || l.Float("qty_delivered") != l.Float("product_uom_qty") {
					t.Errorf("%s line %d: delivered %v invoiced %v of %v", so.Str("name"), l.ID(), l.Float("qty_delivered"),
						l.Float("qty_invoiced"), l.Float("product_uom_qty"))
				}
			}
		}
	}
	for _, po := range ds.Records("purchase.order") {
		if po.Str("receipt_status") == "full" && po.Str("effective_date") == "" {
			t.Errorf("%s received without effective_date", po.Str("name"))
		}
	}
}

// TestValuationLayers checks that every done move of a storable product has
// one layer with its signed quantity valued at the product's cost, that
// the layers of a product add up to its quant, and that Odoo 19, which has
// no stock.valuation.layer, gets none.
func TestValuationLayers(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, _ *GroundTruth) {
		cost := map[int64]float64{}
		tmplStorable := map[int64]bool{}
		for _, p := range ds.Records("product.template") {
			tmplStorable[p.ID()] = p.Bool("is_storable")
		}
		for _, p := range ds.Records("product.product") {
			if tmplStorable[p.M2O("product_tmpl_id")] {
				cost[p.ID()] = p.Float("standard_price")
			}
		}
		internal := map[int64]bool{}
		for _, l := range ds.Records("stock.location") {
			internal[l.ID()] = l.Str("usage") == "internal"
		}
		byMove := map[int64]dataset.Record{}
		qty := map[int64]float64{}
		var prev string
		for _, l := range ds.Records("stock.valuation.layer") {
			if _, dup := byMove[l.M2O("stock_move_id")]; dup {
				t.Errorf("move %d has two layers", l.M2O("stock_move_id"))
			}
			byMove[l.M2O("stock_move_id")] = l
			qty[l.M2O("product_id")] += l.Float("quantity")
			if c := cost[l.M2O("product_id")]; c100(l.Float("value")) != c100(l.Float("quantity")*c) || l.Float("unit_cost") != c {
				t.Errorf("layer %d: value %v, unit cost %v, want quantity %v x cost %v", l.ID(), l.Float("value"), l.Float("unit_cost"), l.Float("quantity"), c)
			}
			if l.Str("create_date") < prev {
				t.Errorf("layer %d created %s, before the previous layer's %s", l.ID(), l.Str("create_date"), prev)
			}
			prev = l.Str("create_date")
		}
		done := 0
		for _, m := range ds.Records("stock.move") {
			if m.Str("state") != "done" || cost[m.M2O("product_id")] == 0 {
				continue
			}
			done++
			l, ok := byMove[m.ID()]
			if !ok {
				continue
			}
			want := m.Float("quantity")
			if internal[m.M2O("location_id")] {
				want = -want
			}
			if l.Float("quantity") != want || l.Str("create_date") != m.Str("date") {
				t.Errorf("move %d: layer quantity %v at %s, want %v at %s", m.ID(), l.Float("quantity"), l.Str("create_date"), want, m.Str("date"))
			}
		}
		if dataset.MajorVersion(ds.Meta.OdooVersion) >= 19 {
			if n := ds.Len("stock.valuation.layer"); n != 0 {
				t.Errorf("Odoo %s: %d layers, want none", ds.Meta.OdooVersion, n)
			}
			return
		}
		if done == 0 || len(byMove) != done {
			t.Errorf("%d layers for %d done moves of storable products", len(byMove), done)
		}
		for _, q := range ds.Records("stock.quant") {
			if math.Abs(qty[q.M2O("product_id")]-q.Float("quantity")) > 1e-9 {
				t.Errorf("product %d: layers hold %v, quant %v", q.M2O("product_id"), qty[q.M2O("product_id")], q.Float("quantity"))
			}
		}
	})
}
