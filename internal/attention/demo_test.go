package attention_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/attention"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// TestDemoLargestStakeFirst runs every analyzer over the demo company and
// ranks its findings: the first must be the ground truth's problem with the
// most money at stake, computed here independently from the generator's
// labelled facts and the raw records (not from the analyzers' facts): unpaid
// overdue amounts, sales at risk of stock-outs, churning customers' margin,
// budget overruns and unusual bills.
func TestDemoLargestStakeFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a company")
	}
	for _, tc := range []struct {
		size demodata.Size
		seed uint64
	}{{demodata.SizeSmall, 1}, {demodata.SizeSmall, 2}, {demodata.SizeMedium, 1}} {
		t.Run(fmt.Sprint(tc.size, " seed ", tc.seed), func(t *testing.T) {
			ctx := context.Background()
			today := time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)
			ds, gt, err := demodata.Generate(ctx, demodata.Options{Size: tc.size, Seed: tc.seed, Today: today})
			if err != nil {
				t.Fatal(err)
			}
			env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(today)}
			var items []attention.Item
			for _, a := range areas.Analyzers() {
				res, err := a.Analyze(ctx, env)
				if err != nil {
					t.Fatal(err)
				}
				for _, in := range res.Insights {
					if in.Priority == "low" {
						continue // context, not alarms: no built-in rule raises them
					}
					items = append(items, attention.Item{Kind: in.Kind, Area: res.Area, Priority: in.Priority, Title: in.Title,
						Subject: in.Subject, Facts: in.Facts, Currency: "EUR"})
				}
			}
			ranked := attention.Rank(items)
			if len(ranked) == 0 {
				t.Fatal("no findings")
			}
			best, bestMoney := truthLargest(t, ds, gt, today)
			for i, it := range ranked[:min(5, len(ranked))] {
				t.Logf("%d. %s %s: %s (score %.0f)", i+1, it.Kind, it.Subject, it.Stake.Driver, it.Stake.Score)
			}
			t.Logf("ground truth: largest stake %.2f EUR: %s", bestMoney, best)
			if ranked[0].Subject != best {
				t.Errorf("first item %s (%s), want the ground truth's largest stake %s (%.2f EUR)", ranked[0].Subject, ranked[0].Stake.Driver, best, bestMoney)
			}
		})
	}
}

// truthLargest returns the subject of the ground-truth problem with the
// most money at stake, times the same urgency rules as the package doc
// states (overdue: 1 + days/180 up to 360 days; stock-out: 1 + the share
// of the lead time not covered).
func truthLargest(t *testing.T, ds *dataset.Dataset, gt *demodata.GroundTruth, today time.Time) (string, float64) {
	t.Helper()
	rate := map[int64]float64{}
	for _, r := range ds.Records("res.currency.rate") {
		rate[r.M2O("currency_id")] = r.Float("rate") // the generator writes one rate per currency
	}
	eur := func(amount float64, cur int64) float64 {
		if r := rate[cur]; r > 0 {
			return amount / r
		}
		return amount
	}
	orders := map[int64]dataset.Record{}
	for _, o := range ds.Records("sale.order") {
		orders[o.ID()] = o
	}
	type stake struct {
		subject string
		money   float64
	}
	var all []stake
	for _, it := range gt.Items {
		if it.NearMiss || it.Priority == dataset.PriorityLow {
			continue
		}
		f := it.Facts
		subject := fmt.Sprintf("%s:%d", it.Model, it.RecordIDs[0])
		switch it.Kind {
		case dataset.KindOverdueInvoice:
			all = append(all, stake{subject, f["amount_residual_signed"] * (1 + math.Min(f["days_overdue"], 360)/180)})
		case dataset.KindBudgetOverrun:
			all = append(all, stake{subject, math.Max(0, f["actual"]-f["planned"])})
		case dataset.KindUnusualTransaction:
			// A bill above the vendor's usual amount, half weighted: it may
			// be right.
			if usual, ok := f["vendor_median"]; ok {
				all = append(all, stake{subject, math.Max(0, f["amount_total"]-usual) * 0.5})
			} else if usual, ok := f["category_median"]; ok {
				all = append(all, stake{subject, math.Max(0, f["amount"]-usual) * 0.5})
			}
		case dataset.KindStockoutRisk:
			product := it.RecordIDs[0]
			var open, recent float64
			for _, l := range ds.Records("sale.order.line") {
				o := orders[l.M2O("order_id")]
				if l.M2O("product_id") != product || (o.Str("state") != "sale" && o.Str("state") != "done") {
					continue
				}
				sub := eur(l.Float("price_subtotal"), l.M2O("currency_id"))
				if q := l.Float("product_uom_qty"); q > 0 {
					open += sub * math.Max(0, q-l.Float("qty_delivered")) / q
				}
				if d, ok := o.Datetime("date_order"); ok && !d.Before(today.AddDate(0, 0, -90)) {
					recent += sub
				}
			}
			lead := f["lead_days"]
			cover := math.Max(0, f["days_of_cover"])
			all = append(all, stake{subject, (open + recent/90*lead) * (1 + math.Max(0, math.Min(1, 1-cover/lead)))})
		}
	}
	// Churn: the customer's margin over the last 365 days from the posted
	// invoice lines and the products' cost, at the analyzer's default
	// likelihood (0.5, doubled beyond twice the limit of 3 median gaps,
	// at least 45 days).
	cost := map[int64]float64{}
	for _, p := range ds.Records("product.product") {
		cost[p.ID()] = p.Float("standard_price")
	}
	margin := map[int64]float64{}
	moves := map[int64]dataset.Record{}
	for _, m := range ds.Records("account.move") {
		moves[m.ID()] = m
	}
	for _, l := range ds.Records("account.move.line") {
		m := moves[l.M2O("move_id")]
		typ := m.Str("move_type")
		if m.Str("state") != "posted" || (typ != "out_invoice" && typ != "out_refund") || l.Str("display_type") != "product" {
			continue
		}
		d, ok := m.Date("invoice_date")
		if !ok || d.After(today) || !d.After(today.AddDate(0, 0, -365)) {
			continue
		}
		sign := 1.0
		if typ == "out_refund" {
			sign = -1
		}
		margin[m.M2O("commercial_partner_id")] += -l.Float("balance") - sign*l.Float("quantity")*cost[l.M2O("product_id")]
	}
	for _, it := range gt.Items {
		if it.Kind != dataset.KindChurnRisk || it.NearMiss {
			continue
		}
		limit := math.Max(45, 3*it.Facts["median_gap_days"])
		all = append(all, stake{fmt.Sprintf("res.partner:%d", it.RecordIDs[0]),
			margin[it.RecordIDs[0]] * 0.5 * math.Min(2, math.Max(1, it.Facts["days_since_last_order"]/limit))})
	}
	slices.SortFunc(all, func(a, b stake) int { return int(math.Copysign(1, b.money-a.money)) })
	if len(all) == 0 {
		t.Fatal("no ground truth problems with money")
	}
	return all[0].subject, all[0].money
}
