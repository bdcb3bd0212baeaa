package history_test

import (
	"context"
	"math"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

var demoToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

var (
	demoOnce sync.Once
	demoDS   *dataset.Dataset
	demoErr  error
)

// demo is the small demo company, generated once for the package's tests.
func demo(t *testing.T) *dataset.Dataset {
	t.Helper()
	demoOnce.Do(func() {
		demoDS, _, demoErr = demodata.Generate(context.Background(), demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: demoToday})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoDS
}

// byKey indexes points by metric, company and day.
func byKey(pts []store.MetricPoint) map[[3]string]store.MetricPoint {
	out := map[[3]string]store.MetricPoint{}
	for _, p := range pts {
		out[[3]string{p.Metric, itoa(p.CompanyID), p.Day}] = p
	}
	return out
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestDays(t *testing.T) {
	t.Parallel()
	days := history.Days(history.Options{Today: odoo.DateOf(demoToday)})
	if got, want := days[0].String(), "2023-06-30"; got != want {
		t.Errorf("first day = %s, want the month end 24 months back %s", got, want)
	}
	if got := days[len(days)-1]; got != odoo.DateOf(demoToday) {
		t.Errorf("last day = %s, want today", got)
	}
	// 20 month ends before the daily window (2023-06 .. 2025-02), then 90
	// days; 2025-03-31 .. 2025-05-31 fall inside the window.
	if len(days) != 21+90 {
		t.Errorf("%d days, want 111", len(days))
	}
	for i := 1; i < len(days); i++ {
		if !days[i-1].Before(days[i]) {
			t.Fatalf("days not strictly ascending at %d: %s, %s", i, days[i-1], days[i])
		}
	}
}

// TestTodayEqualsLive checks that the backfilled point of today equals the
// live finance analyzer's figure to the cent.
func TestTodayEqualsLive(t *testing.T) {
	t.Parallel()
	ds := demo(t)
	src := analysis.DatasetSource{DS: ds}
	ctx := context.Background()
	today := odoo.DateOf(demoToday)
	res, err := finance.New().Analyze(ctx, &analysis.Env{Source: src, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := history.Compute(ctx, src, history.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(pts)
	names := []string{history.Cash, history.ARTotal, history.AROverdue, history.APTotal, history.APOverdue, history.DSO}
	for b := range finance.NumBuckets {
		names = append(names, history.ARBucket(b), history.APBucket(b))
	}
	checked := 0
	for _, m := range res.Metrics {
		for _, n := range names {
			if m.Name != n || !m.Available {
				continue
			}
			p, ok := got[[3]string{n, itoa(m.CompanyID), today.String()}]
			if !ok {
				t.Errorf("%s: no point for today", n)
				continue
			}
			if math.Abs(p.Value-m.Value) > 0.005 {
				t.Errorf("%s today: backfilled %.2f, live %.2f", n, p.Value, m.Value)
			}
			checked++
		}
	}
	if checked != len(names) {
		t.Errorf("compared %d figures, want %d", checked, len(names))
	}
	if p := got[[3]string{history.ARTotal, itoa(1), today.String()}]; p.Value <= 0 || p.Unit != "EUR" {
		t.Errorf("AR total today = %+v, want a positive EUR amount", p)
	}
}

// TestPastAgingIndependent checks AR aging as of past month ends against a
// computation from the raw journal items: what a receivable item still
// owed on day D is its amount less the items of its reconciliation group
// (matching_number) dated D or before, aged by its due date; and the
// total equals the general-ledger balance of the receivable accounts at D.
func TestPastAgingIndependent(t *testing.T) {
	t.Parallel()
	ds := demo(t)
	src := analysis.DatasetSource{DS: ds}
	ctx := context.Background()
	pts, err := history.Compute(ctx, src, history.Options{Today: odoo.DateOf(demoToday)})
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(pts)
	lines, err := src.Records(ctx, "account.move.line")
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2023-09-30", "2024-03-31", "2024-12-31", "2025-04-30"} {
		d, _ := odoo.ParseDate(day)
		var gl float64
		var buckets [finance.NumBuckets]float64
		groups := map[string][]odoo.Record{}
		for _, l := range lines {
			if fields.String(l, "account_type") != "asset_receivable" || fields.String(l, "parent_state") != "posted" || d.Before(fields.Date(l, "date")) {
				continue
			}
			gl += fields.Float(l, "balance")
			k := fields.String(l, "matching_number")
			if k == "" {
				k = "line" + itoa(l.ID())
			}
			groups[k] = append(groups[k], l)
		}
		for _, g := range groups {
			var net float64
			var item odoo.Record
			for _, l := range g {
				net += fields.Float(l, "balance")
			}
			for _, l := range g {
				// The invoice (or unreconciled) item is the one on the
				// side that is still open.
				if fields.Float(l, "balance")*net > 0 && (item == nil || fields.Date(l, "date_maturity").Before(fields.Date(item, "date_maturity"))) {
					item = l
				}
			}
			if item == nil || math.Abs(net) < 0.005 {
				continue
			}
			due := fields.Date(item, "date_maturity")
			if due.IsZero() {
				due = fields.Date(item, "date")
			}
			buckets[finance.BucketOf(int(d.In(time.UTC).Sub(due.In(time.UTC)).Hours()/24))] += net
		}
		total := got[[3]string{history.ARTotal, itoa(1), day}]
		if math.Abs(total.Value-gl) > 0.01 {
			t.Errorf("%s: AR total %.2f, general ledger %.2f", day, total.Value, gl)
		}
		if total.Value < 1000 {
			t.Errorf("%s: AR total %.2f: the demo company has open receivables at every month end", day, total.Value)
		}
		for b := range finance.NumBuckets {
			p := got[[3]string{history.ARBucket(b), itoa(1), day}]
			if math.Abs(p.Value-buckets[b]) > 0.01 {
				t.Errorf("%s %s: backfilled %.2f, from the raw lines %.2f", day, finance.BucketNames[b], p.Value, buckets[b])
			}
		}
	}
}

// TestSettle checks the as-of aging of one invoice paid in two parts, with
// an exchange difference, on hand-made lines.
func TestSettle(t *testing.T) {
	t.Parallel()
	line := func(id int64, date, due, matching string, balance, residual float64) odoo.Record {
		r := odoo.Record{"id": id, "move_id": id, "company_id": int64(1), "partner_id": int64(5), "account_id": int64(10),
			"account_type": "asset_receivable", "parent_state": "posted", "date": date, "balance": balance,
			"amount_residual": residual, "matching_number": matching}
		if due != "" {
			r["date_maturity"] = due
		}
		return r
	}
	lines := []odoo.Record{
		line(1, "2025-01-10", "2025-02-09", "A1", 1000, 0), // the invoice
		line(2, "2025-02-20", "", "A1", -400, 0),           // first payment
		line(3, "2025-03-15", "", "A1", -590, 0),           // the rest, in a currency
		line(4, "2025-03-15", "", "A1", -10, 0),            // its exchange difference
		line(5, "2025-03-01", "2025-03-31", "", 250, 250),  // an open invoice
	}
	led := finance.NewLedger(nil, nil, lines, nil, nil)
	cases := []struct {
		day     string
		buckets [finance.NumBuckets]float64
	}{
		{"2025-01-09", [finance.NumBuckets]float64{}},
		{"2025-01-31", [finance.NumBuckets]float64{1000, 0, 0, 0, 0}},
		{"2025-02-28", [finance.NumBuckets]float64{0, 600, 0, 0, 0}},
		{"2025-03-20", [finance.NumBuckets]float64{250, 0, 0, 0, 0}},
		{"2025-06-29", [finance.NumBuckets]float64{0, 0, 0, 250, 0}},
		{"2025-06-30", [finance.NumBuckets]float64{0, 0, 0, 0, 250}},
	}
	for _, tc := range cases {
		d, _ := odoo.ParseDate(tc.day)
		ag := led.AgingAsOf("asset_receivable", d)[1]
		var got [finance.NumBuckets]float64
		if ag != nil {
			got = ag.Buckets
		}
		if got != tc.buckets {
			t.Errorf("%s: buckets %v, want %v", tc.day, got, tc.buckets)
		}
	}
}

// TestFlowsAndPipeline checks monthly flows against sums over the raw
// records for one month.
func TestFlowsAndPipeline(t *testing.T) {
	t.Parallel()
	ds := demo(t)
	src := analysis.DatasetSource{DS: ds}
	ctx := context.Background()
	pts, err := history.Compute(ctx, src, history.Options{Today: odoo.DateOf(demoToday)})
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(pts)
	moves, _ := src.Records(ctx, "account.move")
	var revenue float64
	for _, m := range moves {
		typ := fields.String(m, "move_type")
		if (typ == "out_invoice" || typ == "out_refund") && fields.String(m, "state") == "posted" && fields.Date(m, "invoice_date").String()[:7] == "2024-05" {
			revenue += fields.Float(m, "amount_untaxed_signed")
		}
	}
	if p := got[[3]string{history.Revenue, itoa(1), "2024-05-01"}]; revenue <= 0 || math.Abs(p.Value-revenue) > 0.01 {
		t.Errorf("revenue May 2024 = %.2f, from the invoices %.2f", p.Value, revenue)
	}
	deals, _, err := sales.LoadDeals(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	var won float64
	for _, d := range deals {
		if d.State == sales.DealWon && d.Closed.Format("2006-01") == "2025-01" {
			won++
		}
	}
	if p := got[[3]string{history.WonCount, itoa(1), "2025-01-01"}]; p.Value != won {
		t.Errorf("deals won in January 2025 = %v, want %v", p.Value, won)
	}
	// Every month of the 24 has its flows, none NaN.
	months := map[string]bool{}
	for _, p := range pts {
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			t.Fatalf("%+v is not a number", p)
		}
		if p.Metric == history.Revenue {
			months[p.Day] = true
		}
	}
	if len(months) != 25 {
		keys := make([]string, 0, len(months))
		for k := range months {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Errorf("revenue months %v, want the 24 before June 2025 and June", keys)
	}
}
