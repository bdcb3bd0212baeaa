package operations

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Insight kinds. stockout_risk and supplier_late are scored against the
// ground truth; the others are informational.
const (
	KindStockoutRisk   = "stockout_risk"
	KindSupplierLate   = "supplier_late"
	KindLateDeliveries = "late_deliveries"
	KindBottleneck     = "bottleneck"
)

// Threshold names (Env.Thresholds keys) and their defaults.
const (
	// ThresholdConsumptionWindow is the trailing window, in days, over which
	// average daily consumption is measured.
	ThresholdConsumptionWindow   = "operations.consumption_window_days"
	ConsumptionWindowDaysDefault = 90
	// ThresholdMinHistory is the fewest days a recently stocked product's
	// consumption is averaged over.
	ThresholdMinHistory   = "operations.min_history_days"
	MinHistoryDaysDefault = 30
	// ThresholdStockoutCritical makes a stock-out risk critical when stock
	// runs out before this fraction of the vendor lead time.
	ThresholdStockoutCritical       = "operations.stockout_critical_fraction"
	StockoutCriticalFractionDefault = 0.5
	// ThresholdStockoutCriticalRevenue is the revenue at risk (open order
	// lines plus sales over the lead time, company currency) from which an
	// urgent stock-out risk is critical; ThresholdStockoutHighRevenue the
	// amount from which it is high (medium below).
	ThresholdStockoutCriticalRevenue = "operations.stockout_critical_revenue"
	StockoutCriticalRevenueDefault   = 10000
	ThresholdStockoutHighRevenue     = "operations.stockout_high_revenue"
	StockoutHighRevenueDefault       = 1000

	// ThresholdSupplierRecent is the recent window of the on-time rate.
	ThresholdSupplierRecent   = "operations.supplier_recent_days"
	SupplierRecentDaysDefault = 90
	// ThresholdSupplierHistory is the whole window; the prior rate covers
	// its days before the recent window.
	ThresholdSupplierHistory   = "operations.supplier_history_days"
	SupplierHistoryDaysDefault = 365
	// ThresholdSupplierDrop is how far the recent on-time rate must fall
	// below the prior one.
	ThresholdSupplierDrop     = "operations.supplier_on_time_drop"
	SupplierOnTimeDropDefault = 0.25
	// ThresholdSupplierMinZ is the smallest two-proportion z statistic of
	// the fall, so that a handful of unlucky receipts is not a trend.
	ThresholdSupplierMinZ = "operations.supplier_min_z"
	SupplierMinZDefault   = 2.0
	// ThresholdSupplierMinRecent and ThresholdSupplierMinPrior are the
	// fewest receipts each window needs.
	ThresholdSupplierMinRecent       = "operations.supplier_min_recent_receipts"
	SupplierMinRecentReceiptsDefault = 5
	ThresholdSupplierMinPrior        = "operations.supplier_min_prior_receipts"
	SupplierMinPriorReceiptsDefault  = 8
	ThresholdSupplierGrace           = "operations.supplier_grace_days"
	SupplierGraceDaysDefault         = 0
	ThresholdFulfillmentWindow       = "operations.fulfillment_window_days"
	FulfillmentWindowDaysDefault     = 90
	ThresholdLateDeliveryRate        = "operations.late_delivery_rate"
	LateDeliveryRateDefault          = 0.2
	ThresholdMinDeliveries           = "operations.late_delivery_min_deliveries"
	LateDeliveryMinDeliveriesDefault = 10
	ThresholdThroughputDays          = "operations.throughput_days"
	ThroughputDaysDefault            = 30
	ThresholdBacklogDays             = "operations.bottleneck_backlog_days"
	BottleneckBacklogDaysDefault     = 5
	ThresholdMinQueue                = "operations.bottleneck_min_open"
	BottleneckMinOpenDefault         = 5
	ThresholdTaskStageDays           = "operations.task_stage_days"
	TaskStageDaysDefault             = 14
)

// Analyzer is the operations analyzer.
type Analyzer struct{}

// New returns the operations analyzer.
func New() analysis.Analyzer { return Analyzer{} }

// Area implements analysis.Analyzer.
func (Analyzer) Area() string { return "operations" }

// run holds one analysis run's inputs, settings and result.
type run struct {
	env   *analysis.Env
	today odoo.Date
	d     *data
	res   *analysis.Result

	sellersByTmpl    map[int64][]seller
	pickingsSorted   []*picking
	purchaseReceipts bool

	window, minHistory                           int
	criticalFraction                             float64
	criticalRevenue, highRevenue                 float64
	recentDays, historyDays, minRecent, minPrior int
	grace                                        int
	onTimeDrop, minZ                             float64
	fulfillmentDays, minDeliveries               int
	lateRate                                     float64
	throughputDays, minQueue                     int
	backlogDays, taskStageDays                   float64
}

func intThreshold(env *analysis.Env, name string, def int) int {
	return int(math.Round(env.Threshold(name, float64(def))))
}

// Analyze implements analysis.Analyzer.
func (Analyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	window := max(1, intThreshold(env, ThresholdConsumptionWindow, ConsumptionWindowDaysDefault))
	d, err := load(ctx, env.Source, env.Today.AddDays(-window))
	if err != nil {
		return nil, err
	}
	if d.valuation, _, err = LoadValuation(ctx, env.Source); err != nil {
		return nil, err
	}
	if d.valuation != nil {
		d.valueToday = d.valuation.AsOf(env.Today)
		if d.currencies, err = fields.Currencies(ctx, env.Source); err != nil {
			return nil, fmt.Errorf("operations: %w", err)
		}
	}
	a := &run{env: env, today: env.Today, d: d, res: &analysis.Result{Area: "operations"},
		window:           window,
		minHistory:       max(1, intThreshold(env, ThresholdMinHistory, MinHistoryDaysDefault)),
		criticalFraction: env.Threshold(ThresholdStockoutCritical, StockoutCriticalFractionDefault),
		criticalRevenue:  env.Threshold(ThresholdStockoutCriticalRevenue, StockoutCriticalRevenueDefault),
		highRevenue:      env.Threshold(ThresholdStockoutHighRevenue, StockoutHighRevenueDefault),
		recentDays:       max(1, intThreshold(env, ThresholdSupplierRecent, SupplierRecentDaysDefault)),
		historyDays:      intThreshold(env, ThresholdSupplierHistory, SupplierHistoryDaysDefault),
		minRecent:        intThreshold(env, ThresholdSupplierMinRecent, SupplierMinRecentReceiptsDefault),
		minPrior:         intThreshold(env, ThresholdSupplierMinPrior, SupplierMinPriorReceiptsDefault),
		grace:            intThreshold(env, ThresholdSupplierGrace, SupplierGraceDaysDefault),
		onTimeDrop:       env.Threshold(ThresholdSupplierDrop, SupplierOnTimeDropDefault),
		minZ:             env.Threshold(ThresholdSupplierMinZ, SupplierMinZDefault),
		fulfillmentDays:  max(1, intThreshold(env, ThresholdFulfillmentWindow, FulfillmentWindowDaysDefault)),
		minDeliveries:    intThreshold(env, ThresholdMinDeliveries, LateDeliveryMinDeliveriesDefault),
		lateRate:         env.Threshold(ThresholdLateDeliveryRate, LateDeliveryRateDefault),
		throughputDays:   max(1, intThreshold(env, ThresholdThroughputDays, ThroughputDaysDefault)),
		minQueue:         intThreshold(env, ThresholdMinQueue, BottleneckMinOpenDefault),
		backlogDays:      env.Threshold(ThresholdBacklogDays, BottleneckBacklogDaysDefault),
		taskStageDays:    env.Threshold(ThresholdTaskStageDays, TaskStageDaysDefault),
	}
	a.historyDays = max(a.historyDays, a.recentDays+1)
	a.sellersByTmpl = map[int64][]seller{}
	for _, s := range d.sellers {
		a.sellersByTmpl[s.tmpl] = append(a.sellersByTmpl[s.tmpl], s)
	}
	for _, ss := range a.sellersByTmpl {
		sort.SliceStable(ss, func(i, j int) bool {
			if ss[i].sequence != ss[j].sequence {
				return ss[i].sequence < ss[j].sequence
			}
			return ss[i].id < ss[j].id
		})
	}
	a.pickingsSorted = make([]*picking, 0, len(d.pickings))
	for _, p := range d.pickings {
		a.pickingsSorted = append(a.pickingsSorted, p)
		a.purchaseReceipts = a.purchaseReceipts || p.purchase
	}
	sort.Slice(a.pickingsSorted, func(i, j int) bool { return a.pickingsSorted[i].id < a.pickingsSorted[j].id })

	seen := map[int64]bool{}
	for _, q := range d.quants {
		seen[q.company] = true
	}
	for _, p := range a.pickingsSorted {
		seen[p.company] = true
	}
	if d.valuation != nil {
		for _, c := range d.valuation.Companies() {
			seen[c] = true
		}
	}
	companies := d.companyList(seen)
	var pos map[pkey]*stockPos
	if d.stock {
		pos = a.positions()
	}
	for _, c := range companies {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a.valueFigure(c)
		if !d.stock {
			a.unavailable(c, "stock module not installed", "operations.stock.stockout_risk", "operations.suppliers.on_time_rate",
				"operations.fulfillment.late_delivery_rate", "operations.fulfillment.backlog_pickings")
			continue
		}
		a.stockFigures(c, pos)
		a.supplierFigures(c)
		a.fulfillmentFigures(c)
		a.bottleneckFigures(c)
	}
	a.res.Sort()
	return a.res, nil
}

// metric appends a metric and returns it for adjustments made before the
// next one is added. NaN values are reported as unavailable.
func (a *run) metric(c int64, name string, v float64, unit, note string, refs []analysis.Ref) *analysis.Metric {
	avail := !math.IsNaN(v) && !math.IsInf(v, 0)
	if !avail {
		v = 0
	}
	a.res.Metrics = append(a.res.Metrics, analysis.Metric{Name: name, Value: v, Unit: unit, CompanyID: c, Available: avail, Note: note, Refs: refs})
	return &a.res.Metrics[len(a.res.Metrics)-1]
}

func (a *run) unavailable(c int64, why string, names ...string) {
	for _, n := range names {
		a.res.Metrics = append(a.res.Metrics, analysis.Metric{Name: n, CompanyID: c, Available: false, Note: why})
	}
}

// refs cites records behind a metric; none when ids is empty.
func (a *run) refs(model string, ids []int64) []analysis.Ref {
	if len(ids) == 0 {
		return nil
	}
	return []analysis.Ref{a.env.Ref(model, ids...)}
}
