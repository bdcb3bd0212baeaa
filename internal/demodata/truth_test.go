package demodata

import (
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// view gives the truth tests date arithmetic relative to the dataset's Today.
type view struct {
	ds    *dataset.Dataset
	today time.Time
}

func newView(ds *dataset.Dataset) view {
	t, _ := time.Parse(dataset.DateLayout, ds.Meta.Today)
	return view{ds: ds, today: t}
}

// daysAgo returns how many days before Today a date or datetime value is.
func (v view) daysAgo(value string) float64 {
	if len(value) > 10 {
		value = value[:10]
	}
	t, err := time.Parse(dataset.DateLayout, value)
	if err != nil {
		return math.NaN()
	}
	return math.Round(v.today.Sub(t).Hours() / 24)
}

// truthSet returns the record ids of the problems (near false) or near
// misses (near true) of kind.
func truthSet(gt *GroundTruth, kind dataset.Kind, near bool) map[int64]dataset.Item {
	out := map[int64]dataset.Item{}
	for _, it := range gt.ByKind(kind, near) {
		for _, id := range it.RecordIDs {
			out[id] = it
		}
	}
	return out
}

// checkExact fails unless the flagged ids equal the ids the rule finds.
func checkExact(t *testing.T, what string, truth map[int64]dataset.Item, found map[int64]bool) {
	t.Helper()
	for id := range found {
		if _, ok := truth[id]; !ok {
			t.Errorf("%s: record %d shows the problem but is not in the ground truth", what, id)
		}
	}
	for id := range truth {
		if !found[id] {
			t.Errorf("%s: record %d is in the ground truth but does not show the problem", what, id)
		}
	}
}

func TestGroundTruthRecordsExist(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		if gt == nil || ds.GroundTruth != gt || gt.Today != ds.Meta.Today {
			t.Fatalf("ground truth not attached to the dataset")
		}
		kinds := map[dataset.Kind][2]int{}
		for _, it := range gt.Items {
			if len(it.RecordIDs) == 0 || it.CompanyID != 1 || it.Description == "" {
				t.Errorf("incomplete item %+v", it)
			}
			for _, id := range it.RecordIDs {
				if ds.Get(it.Model, id) == nil {
					t.Errorf("%s: %s id %d does not exist", it.Kind, it.Model, id)
				}
			}
			c := kinds[it.Kind]
			if it.NearMiss {
				c[1]++
			} else {
				c[0]++
			}
			kinds[it.Kind] = c
		}
		low := ds.Meta.Scenarios != nil && len(ds.Meta.Scenarios) > 0
		for _, k := range kindOrder {
			c := kinds[k]
			if c[0] == 0 && (k != dataset.KindLowCashRunway || low) {
				t.Errorf("no %s problem", k)
			}
			if c[1] == 0 && (k != dataset.KindLowCashRunway || !low) {
				t.Errorf("no %s near miss", k)
			}
		}
	})
}

func TestTruthOverdueInvoices(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		found, near := map[int64]bool{}, map[int64]bool{}
		for _, m := range ds.Records("account.move") {
			if m.Str("move_type") != "out_invoice" || m.Str("state") != "posted" || m.Float("amount_residual") == 0 {
				continue
			}
			late := v.daysAgo(m.Str("invoice_date_due"))
			if late >= OverdueDays {
				found[m.ID()] = true
			} else if late >= 50 {
				near[m.ID()] = true
			}
		}
		checkExact(t, "overdue", truthSet(gt, dataset.KindOverdueInvoice, false), found)
		for id := range truthSet(gt, dataset.KindOverdueInvoice, true) {
			if !near[id] {
				t.Errorf("near miss invoice %d is not 50-59 days overdue and unpaid", id)
			}
		}
	})
}

func TestTruthCashRunway(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		// Cash and flows are the posted items on the bank and cash
		// journals' default accounts dated by Today; flows are netted per
		// entry and dated in the last 90 days.
		cashAcc := map[int64]bool{}
		for _, j := range ds.Records("account.journal") {
			if t := j.Str("type"); t == "bank" || t == "cash" {
				cashAcc[j.M2O("default_account_id")] = true
			}
		}
		var cash, out int64
		net := map[int64]int64{}
		for _, l := range ds.Records("account.move.line") {
			ago := v.daysAgo(l.Str("date"))
			if !cashAcc[l.M2O("account_id")] || l.Str("parent_state") != "posted" || ago < 0 {
				continue
			}
			cash += c100(l.Float("balance"))
			if ago < 90 {
				net[l.M2O("move_id")] += c100(l.Float("balance"))
			}
		}
		for _, n := range net {
			if n < 0 {
				out -= n
			}
		}
		days := float64(cash) / (float64(out) / 90)
		problems, near := gt.ByKind(dataset.KindLowCashRunway, false), gt.ByKind(dataset.KindLowCashRunway, true)
		low := len(ds.Meta.Scenarios) > 0
		switch {
		case low && (len(problems) != 1 || days >= RunwayDays || days < 10):
			t.Errorf("LowRunway: runway %.1f days, %d problem items", days, len(problems))
		case !low && (len(near) != 1 || len(problems) != 0 || days < 90):
			t.Errorf("healthy: runway %.1f days, %d problems, %d near misses", days, len(problems), len(near))
		}
		for _, it := range append(problems, near...) {
			if math.Abs(it.Facts["runway_days"]-days) > 0.5 {
				t.Errorf("runway fact %.2f, data gives %.2f", it.Facts["runway_days"], days)
			}
		}
	})
}

func TestTruthStalledDeals(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		normal := map[int64]float64{}
		won := map[int64]bool{}
		for i, s := range ds.Records("crm.stage") {
			normal[s.ID()] = crmStages[i].dwell
			won[s.ID()] = s.Bool("is_won")
		}
		activities := map[int64]int{}
		for _, a := range ds.Records("mail.activity") {
			if a.Str("res_model") == "crm.lead" && a.Bool("active") {
				activities[a.Int("res_id")]++
			}
		}
		found, slow := map[int64]bool{}, map[int64]bool{}
		for _, l := range ds.Records("crm.lead") {
			if !l.Bool("active") || won[l.M2O("stage_id")] || l.Str("type") != "opportunity" {
				continue
			}
			if v.daysAgo(l.Str("date_last_stage_update")) <= StallFactor*normal[l.M2O("stage_id")] {
				continue
			}
			if activities[l.ID()] == 0 {
				found[l.ID()] = true
			} else {
				slow[l.ID()] = true
			}
		}
		checkExact(t, "stalled", truthSet(gt, dataset.KindStalledDeal, false), found)
		checkExact(t, "slow deal near miss", truthSet(gt, dataset.KindStalledDeal, true), slow)
	})
}

func TestTruthStockouts(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		usage := map[int64]string{}
		for _, l := range ds.Records("stock.location") {
			usage[l.ID()] = l.Str("usage")
		}
		onHand := map[int64]float64{}
		for _, q := range ds.Records("stock.quant") {
			onHand[q.M2O("product_id")] += q.Float("quantity")
		}
		out90, incoming, outgoing := map[int64]float64{}, map[int64]float64{}, map[int64]float64{}
		for _, m := range ds.Records("stock.move") {
			p := m.M2O("product_id")
			src, dst := usage[m.M2O("location_id")], usage[m.M2O("location_dest_id")]
			open := m.Str("state") != "done" && m.Str("state") != "cancel"
			switch {
			case m.Str("state") == "done" && dst == "customer" && v.daysAgo(m.Str("date")) < 90:
				out90[p] += m.Float("quantity")
			case open && dst == "internal" && src != "internal":
				incoming[p] += m.Float("product_uom_qty")
			case open && src == "internal" && dst != "internal":
				outgoing[p] += m.Float("product_uom_qty")
			}
		}
		lead := map[int64]float64{}
		seq := map[int64]int64{}
		for _, s := range ds.Records("product.supplierinfo") {
			p := s.M2O("product_id")
			if _, ok := seq[p]; !ok || s.Int("sequence") < seq[p] {
				seq[p], lead[p] = s.Int("sequence"), float64(s.Int("delay"))
			}
		}
		// The rule on Odoo's own figures: forecast = qty_available +
		// incoming_qty - outgoing_qty against 90-day consumption times lead.
		risk, covered := map[int64]bool{}, map[int64]bool{}
		for p, q := range onHand {
			need := out90[p] / 90 * lead[p]
			forecast := q + incoming[p] - outgoing[p]
			switch {
			case out90[p] == 0 && outgoing[p] == 0:
			case forecast < need:
				risk[p] = true
			case q < need:
				covered[p] = true
			}
		}
		checkExact(t, "stock-out", truthSet(gt, dataset.KindStockoutRisk, false), risk)
		checkExact(t, "covered low stock", truthSet(gt, dataset.KindStockoutRisk, true), covered)
		manual := 0
		for _, op := range ds.Records("stock.warehouse.orderpoint") {
			if op.Str("trigger") == "manual" {
				manual++
				if !risk[op.M2O("product_id")] {
					t.Errorf("product %d with a manual rule is not at risk", op.M2O("product_id"))
				}
			}
		}
		if manual == 0 {
			t.Errorf("no reordering rule was switched to manual")
		}
	})
}

func TestTruthSupplierLate(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		type counts struct{ recent, recentOK, prior, priorOK int }
		c := map[int64]*counts{}
		for _, p := range ds.Records("stock.picking") {
			if p.Str("state") != "done" || p.Str("picking_type_code") != "incoming" {
				continue
			}
			x := c[p.M2O("partner_id")]
			if x == nil {
				x = &counts{}
				c[p.M2O("partner_id")] = x
			}
			ok := p.Str("date_done")[:10] <= p.Str("scheduled_date")[:10]
			switch ago := v.daysAgo(p.Str("date_done")); {
			case ago < 90:
				x.recent++
				if ok {
					x.recentOK++
				}
			case ago < 365:
				x.prior++
				if ok {
					x.priorOK++
				}
			}
		}
		rate := func(ok, n int) float64 { return float64(ok) / math.Max(1, float64(n)) }
		for id := range truthSet(gt, dataset.KindSupplierLate, false) {
			x := c[id]
			if x == nil || x.recent < 4 || rate(x.recentOK, x.recent) > rate(x.priorOK, x.prior)-OnTimeDrop {
				t.Errorf("vendor %d: on-time rate did not fall enough: %+v", id, x)
			}
		}
		for id := range truthSet(gt, dataset.KindSupplierLate, true) {
			x := c[id]
			if x == nil || rate(x.recentOK, x.recent) <= rate(x.priorOK, x.prior)-OnTimeDrop || rate(x.recentOK, x.recent) > 0.9 {
				t.Errorf("near-miss vendor %d should be mediocre but stable: %+v", id, x)
			}
		}
		// Vendors with enough recent receipts show no other big fall.
		for id, x := range c {
			if _, ok := truthSet(gt, dataset.KindSupplierLate, false)[id]; ok || x.recent < 8 || x.prior < 8 {
				continue
			}
			if rate(x.recentOK, x.recent) <= rate(x.priorOK, x.prior)-OnTimeDrop {
				t.Errorf("vendor %d also shows a falling on-time rate: %+v", id, x)
			}
		}
	})
}

func TestTruthChurn(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		orders := map[int64][]float64{}
		for _, so := range ds.Records("sale.order") {
			if so.Str("state") == "sale" {
				orders[so.M2O("partner_id")] = append(orders[so.M2O("partner_id")], v.daysAgo(so.Str("date_order")))
			}
		}
		found, rhythm := map[int64]bool{}, map[int64]float64{}
		for p, ago := range orders {
			if len(ago) < ChurnMinOrders {
				continue
			}
			sort.Sort(sort.Reverse(sort.Float64Slice(ago)))
			var gaps []float64
			for i := 1; i < len(ago); i++ {
				gaps = append(gaps, ago[i-1]-ago[i])
			}
			sort.Float64s(gaps)
			med := gaps[len(gaps)/2]
			if len(gaps)%2 == 0 {
				med = (gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2
			}
			since := ago[len(ago)-1]
			rhythm[p] = since / med
			if since > ChurnFactor*med && since >= 45 {
				found[p] = true
			}
		}
		checkExact(t, "churn", truthSet(gt, dataset.KindChurnRisk, false), found)
		for id := range truthSet(gt, dataset.KindChurnRisk, true) {
			if r, ok := rhythm[id]; !ok || r > 2 {
				t.Errorf("near-miss customer %d: %.1f gaps since the last order", id, r)
			}
		}
	})
}

func TestTruthExpenses(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		exps := ds.Records("hr.expense")
		dup := truthSet(gt, dataset.KindDuplicateExpense, false)
		pairs := map[[2]int64]bool{}
		for _, it := range gt.ByKind(dataset.KindDuplicateExpense, false) {
			pairs[[2]int64{it.RecordIDs[0], it.RecordIDs[1]}] = true
		}
		day := func(r dataset.Record) day {
			t, _ := r.Date("date")
			return dayOf(t)
		}
		found := map[int64]bool{}
		for i, a := range exps {
			for _, b := range exps[i+1:] {
				if a.M2O("employee_id") != b.M2O("employee_id") ||
					!looksDuplicate(a.M2O("product_id"), b.M2O("product_id"), day(a), day(b), c100(a.Float("total_amount")), c100(b.Float("total_amount"))) {
					continue
				}
				found[a.ID()], found[b.ID()] = true, true
				if !pairs[[2]int64{a.ID(), b.ID()}] {
					t.Errorf("expenses %d and %d look duplicate but are not a ground-truth pair", a.ID(), b.ID())
				}
			}
		}
		checkExact(t, "duplicate expenses", dup, found)
		for _, it := range gt.ByKind(dataset.KindDuplicateExpense, true) {
			a, b := ds.Get("hr.expense", it.RecordIDs[0]), ds.Get("hr.expense", it.RecordIDs[1])
			if a.M2O("employee_id") == b.M2O("employee_id") && math.Abs(float64(day(a)-day(b))) <= 3 {
				t.Errorf("near-miss pair %v is a real duplicate", it.RecordIDs)
			}
			if a.Float("total_amount") != b.Float("total_amount") {
				t.Errorf("near-miss pair %v should have the same amount", it.RecordIDs)
			}
		}
		// Unusual expenses: at least AnomalyFactor times the category median.
		byCat := map[int64][]float64{}
		for _, e := range exps {
			byCat[e.M2O("product_id")] = append(byCat[e.M2O("product_id")], e.Float("total_amount"))
		}
		median := map[int64]float64{}
		for p, xs := range byCat {
			sort.Float64s(xs)
			median[p] = xs[len(xs)/2]
		}
		unusual := map[int64]bool{}
		for _, e := range exps {
			if e.Float("total_amount") >= AnomalyFactor*median[e.M2O("product_id")] {
				unusual[e.ID()] = true
			}
		}
		truth := map[int64]dataset.Item{}
		for id, it := range truthSet(gt, dataset.KindUnusualTransaction, false) {
			if it.Model == "hr.expense" {
				truth[id] = it
			}
		}
		checkExact(t, "unusual expenses", truth, unusual)
	})
}

func TestTruthUnusualBills(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		expense := accountIDs(ds, "expense")
		onExpense := map[int64]bool{}
		for _, l := range ds.Records("account.move.line") {
			if expense[l.M2O("account_id")] {
				onExpense[l.M2O("move_id")] = true
			}
		}
		bills := map[int64][]dataset.Record{}
		for _, m := range ds.Records("account.move") {
			if m.Str("move_type") == "in_invoice" && onExpense[m.ID()] {
				bills[m.M2O("partner_id")] = append(bills[m.M2O("partner_id")], m)
			}
		}
		found := map[int64]bool{}
		for _, bs := range bills {
			if len(bs) < 6 {
				continue
			}
			xs := make([]float64, len(bs))
			for i, b := range bs {
				xs[i] = b.Float("amount_total")
			}
			sort.Float64s(xs)
			med := xs[len(xs)/2]
			for _, b := range bs {
				if b.Float("amount_total") >= AnomalyFactor*med {
					found[b.ID()] = true
				}
			}
		}
		truth := map[int64]dataset.Item{}
		for id, it := range truthSet(gt, dataset.KindUnusualTransaction, false) {
			if it.Model == "account.move" {
				truth[id] = it
			}
		}
		checkExact(t, "unusual bills", truth, found)
	})
}

func TestTruthBudgets(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v18 := dataset.MajorVersion(ds.Meta.OdooVersion) >= 18
		if n := ds.Len("aicoo.budget"); n > 0 {
			t.Errorf("%d aicoo.budget records: the demo writes Odoo's budget models", n)
		}
		lines := ds.Records("account.move.line")
		posted := map[int64]bool{}
		for _, l := range lines {
			posted[l.ID()] = l.Str("parent_state") == "posted"
		}
		found := map[int64]bool{}
		ratio := map[int64]float64{}
		var budgets []dataset.Record
		if v18 {
			budgets = ds.Records("budget.line")
			if ds.Len("crossovered.budget.lines") > 0 {
				t.Error("an 18 dataset has crossovered.budget.lines")
			}
		} else {
			budgets = ds.Records("crossovered.budget.lines")
			if ds.Len("budget.line") > 0 {
				t.Error("a 16/17 dataset has budget.line")
			}
		}
		if len(budgets) == 0 {
			t.Fatal("no budget lines")
		}
		for _, b := range budgets {
			var actual, planned int64
			in := func(date string) bool { return date >= b.Str("date_from") && date <= b.Str("date_to") }
			if v18 {
				// Analytic lines of the line's analytic account, costs negative.
				for _, a := range ds.Records("account.analytic.line") {
					if a.M2O("account_id") == b.M2O("account_id") && in(a.Str("date")) && posted[a.M2O("move_line_id")] {
						actual -= c100(a.Float("amount"))
					}
				}
				planned = c100(b.Float("budget_amount"))
			} else {
				accs := ds.Get("account.budget.post", b.M2O("general_budget_id")).IDs("account_ids")
				for _, l := range lines {
					if slices.Contains(accs, l.M2O("account_id")) && in(l.Str("date")) && l.Str("parent_state") == "posted" {
						actual += c100(l.Float("balance"))
					}
				}
				planned = -c100(b.Float("planned_amount"))
			}
			ratio[b.ID()] = float64(actual) / float64(planned)
			if actual > planned {
				found[b.ID()] = true
			}
		}
		checkExact(t, "budget overrun", truthSet(gt, dataset.KindBudgetOverrun, false), found)
		for id := range truthSet(gt, dataset.KindBudgetOverrun, true) {
			if r := ratio[id]; r > 1 || r < 0.85 {
				t.Errorf("near-miss budget %d at %.0f%% of plan", id, r*100)
			}
		}
	})
}
