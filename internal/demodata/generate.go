package demodata

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aicoo/aicoo/internal/dataset"
)

// kindOrder is the order of the ground truth items.
var kindOrder = []dataset.Kind{
	dataset.KindOverdueInvoice, dataset.KindLowCashRunway, dataset.KindStalledDeal, dataset.KindStockoutRisk,
	dataset.KindSupplierLate, dataset.KindChurnRisk, dataset.KindDuplicateExpense, dataset.KindUnusualTransaction,
	dataset.KindBudgetOverrun, dataset.KindSeriesAnomaly,
}

// Generate builds a demo company: two years of history ending at
// opt.Today, with known problems injected, and the ground truth that lists
// them. The dataset's GroundTruth is set too, so Save writes it. The same
// options always give the same dataset. Generate returns ctx's error if ctx
// is cancelled while it runs.
func Generate(ctx context.Context, opt Options) (*dataset.Dataset, *GroundTruth, error) {
	if opt.Today.IsZero() {
		return nil, nil, errors.New("demodata: Options.Today is required")
	}
	if opt.Size == "" {
		opt.Size = SizeSmall
	}
	if opt.OdooVersion == "" {
		opt.OdooVersion = OdooVersionDefault
	}
	p, err := paramsFor(opt.Size)
	if err != nil {
		return nil, nil, err
	}
	g := newGen(opt, p)
	edition := "enterprise"
	if opt.NoHelpdesk {
		edition = "community"
	}
	scenarios := []string{}
	if opt.LowRunway {
		scenarios = append(scenarios, "low_runway")
	}
	g.ds = dataset.New(dataset.Meta{
		OdooVersion: opt.OdooVersion, Edition: edition, Database: "nordwind_demo", Modules: g.modules(),
		Companies: []dataset.Company{{ID: 1, Name: companyName, Currency: "EUR"}}, Today: timeOf(g.today).Format(dataset.DateLayout),
		Seed: opt.Seed, Size: string(opt.Size), Scenarios: scenarios, Generator: "aicoo demodata",
	}, nil)
	for _, m := range g.ds.Schema().ModelNames() {
		if opt.NoHelpdesk && (m == "helpdesk.ticket" || m == "helpdesk.team" || m == "helpdesk.stage") {
			continue
		}
		if err := g.ds.Ensure(m); err != nil {
			return nil, nil, fmt.Errorf("demodata: %w", err)
		}
	}
	steps := []struct {
		name string
		run  func()
	}{
		{"setup", func() {
			g.setup()
			g.productsSetup()
			g.vendorsSetup()
			g.assignVendors()
			g.customersSetup()
			for _, c := range g.customers {
				g.assignPreferences(c, g.rSales)
			}
			g.employeesSetup()
			g.plan()
			g.revenue = g.expectedRevenue()
			g.demandRates()
			g.openingEntry()
		}},
	}
	for _, s := range steps {
		g.progress(s.name, 0, 1)
		s.run()
		if g.err != nil {
			return nil, nil, g.err
		}
	}
	total := int(g.today-g.start) + 1
	for d := g.start; d <= g.today; d++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("demodata: %w", err)
		}
		g.simulate(d)
		if g.err != nil {
			return nil, nil, g.err
		}
		if i := int(d-g.start) + 1; i%30 == 0 || i == total {
			g.progress("simulate", i, total)
		}
	}
	finish := []struct {
		name string
		run  func()
	}{
		{"finalize", func() {
			g.invoicesAhead()
			g.finishAccounting()
			g.collections()
			g.finishStock()
			g.valuationLayers()
			g.finishCRM()
			g.finishPartners()
			g.calibrateCash()
		}},
		{"expenses", g.expenses},
		{"problems", func() {
			lines := g.budgets()
			g.overdueTruth()
			g.runwayTruth()
			g.stalledTruth()
			g.stockTruth()
			g.supplierTruth()
			g.churnTruth()
			g.billTruth()
			g.budgetTruth(lines)
			g.seriesTruth()
			g.dropTruth()
		}},
	}
	for i, s := range finish {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("demodata: %w", err)
		}
		g.progress(s.name, i, len(finish))
		s.run()
		if g.err != nil {
			return nil, nil, g.err
		}
	}
	g.ds.FillDefaults()
	rank := map[dataset.Kind]int{}
	for i, k := range kindOrder {
		rank[k] = i
	}
	sort.SliceStable(g.truth, func(i, j int) bool {
		if rank[g.truth[i].Kind] != rank[g.truth[j].Kind] {
			return rank[g.truth[i].Kind] < rank[g.truth[j].Kind]
		}
		return g.truth[i].NearMiss != g.truth[j].NearMiss && !g.truth[i].NearMiss
	})
	gt := &GroundTruth{Today: g.ds.Meta.Today, Items: g.truth}
	g.ds.GroundTruth = gt
	return g.ds, gt, nil
}

// simulate runs one day of the company's life.
func (g *gen) simulate(d day) {
	g.stockoutSwitch(d)
	g.markManualRules(d)
	g.stallsDay(d)
	g.crmDay(d)
	g.salesDay(d)
	g.seriesDay(d)
	g.arrivalsDay(d)
	g.deliveriesDay(d)
	g.replenishDay(d)
	g.billsDay(d)
	g.overheadDay(d)
	g.paymentsDay(d)
	g.supportDay(d)
}

// finishPartners sets the customer ranks from the orders.
func (g *gen) finishPartners() {
	counts := map[int64]int64{}
	for _, so := range g.orders {
		counts[so.cust.id]++
	}
	for _, c := range g.customers {
		g.ds.Get("res.partner", c.id)["customer_rank"] = counts[c.id]
	}
}
