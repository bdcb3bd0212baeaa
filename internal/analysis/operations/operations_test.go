package operations_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Today of the unit tests: 2025-03-31, so the 90-day window starts on
// 2025-01-01 (day 30 vs 31 of a month and a year boundary in one).
var today = odoo.Date{Year: 2025, Month: 3, Day: 31}

type rec = odoo.Record

func pair(id int64, name string) []any { return []any{id, name} }

// Locations: 1 WH/Stock (internal, company 1), 2 Customers, 3 Vendors,
// 4 Inventory adjustment, 5 WH2/Stock (internal, company 2).
func baseStock() analysis.MapSource {
	return analysis.MapSource{
		"res.company": {{"id": int64(1), "name": "One"}, {"id": int64(2), "name": "Two"}},
		"res.partner": {
			{"id": int64(100), "name": "Vendor One", "commercial_partner_id": int64(100), "active": true},
			{"id": int64(101), "name": "Jane at Vendor One", "commercial_partner_id": pair(100, "Vendor One"), "active": true},
			{"id": int64(200), "name": "Vendor Two", "commercial_partner_id": false, "active": true},
			{"id": int64(300), "name": "Customer", "active": true},
			{"id": int64(400), "name": "Archived Vendor", "active": false},
		},
		"uom.uom": {{"id": int64(1), "name": "Units", "factor": 1.0}, {"id": int64(2), "name": "Dozens", "factor": 1.0 / 12}},
		"stock.location": {
			{"id": int64(1), "usage": "internal", "company_id": int64(1)},
			{"id": int64(2), "usage": "customer", "company_id": false},
			{"id": int64(3), "usage": "supplier", "company_id": false},
			{"id": int64(4), "usage": "inventory", "company_id": int64(1)},
			{"id": int64(5), "usage": "internal", "company_id": int64(2)},
		},
		"stock.picking.type": {
			{"id": int64(1), "name": "Receipts", "code": "incoming"},
			{"id": int64(2), "name": "Delivery Orders", "code": "outgoing"},
		},
	}
}

func tmpl(id int64, name string, extra rec) rec {
	r := rec{"id": id, "name": name, "type": "consu", "is_storable": true, "uom_id": pair(1, "Units"), "active": true}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

func doneMove(id, product int64, qty float64, src, dst int64, when string, extra rec) rec {
	r := rec{"id": id, "product_id": product, "company_id": int64(1), "location_id": src, "location_dest_id": dst, "state": "done",
		"date": when, "product_uom_qty": qty, "quantity": qty, "product_uom": int64(1), "picking_id": false, "purchase_line_id": false,
		"is_inventory": false}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

func find(res *analysis.Result, name string, company int64) (analysis.Metric, bool) {
	for _, m := range res.Metrics {
		if m.Name == name && m.CompanyID == company {
			return m, true
		}
	}
	return analysis.Metric{}, false
}

func insights(res *analysis.Result, kind string) []analysis.Insight {
	var out []analysis.Insight
	for _, in := range res.Insights {
		if in.Kind == kind {
			out = append(out, in)
		}
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func analyze(t *testing.T, src analysis.MapSource, th map[string]float64) *analysis.Result {
	t.Helper()
	res, err := operations.New().Analyze(context.Background(), &analysis.Env{Source: src, Today: today, Thresholds: th, OdooURL: "https://odoo.test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// stockSource builds products:
//
//	10 A: storable (18+ is_storable); 10 on hand; consumption 90 over the window
//	      (60 on 01-01, 27 on 03-31, 1 dozen on 02-15, minus a 9 return; 100 on
//	      2024-12-31 is outside); lead 20 (vendor seq 1; an expired seq 0 line is
//	      ignored); 5 incoming, 3 to deliver: forecast 12 < need 20 -> high.
//	20 B: 16 shape (type product, quantity_done); 2 on hand, 10 incoming,
//	      daily 0.5, lead 10: on hand < need 5 but forecast 12 covers it -> near miss.
//	30 E: storable, no consumption, 1 on hand, 4 to deliver -> forecast -3 -> critical.
//	40 F: storable with consumption but no vendor: not assessed.
//	50 D: archived, consumed, nothing on hand: not assessed.
//	60 C: a consumable (not storable): ignored.
func stockSource() analysis.MapSource {
	src := baseStock()
	src["product.template"] = []rec{
		tmpl(11, "Alpha", nil),
		tmpl(21, "Beta", rec{"type": "product", "is_storable": nil}),
		tmpl(31, "Echo", nil),
		tmpl(41, "Foxtrot", nil),
		tmpl(51, "Delta", rec{"active": false}),
		tmpl(61, "Charlie", rec{"is_storable": false}),
	}
	delete(src["product.template"][1], "is_storable")
	src["product.product"] = []rec{
		{"id": int64(10), "product_tmpl_id": pair(11, "Alpha"), "default_code": "A", "active": true},
		{"id": int64(20), "product_tmpl_id": int64(21), "default_code": "B", "active": true},
		{"id": int64(30), "product_tmpl_id": int64(31), "default_code": "E", "active": true},
		{"id": int64(40), "product_tmpl_id": int64(41), "default_code": "F", "active": true},
		{"id": int64(50), "product_tmpl_id": int64(51), "default_code": "D", "active": false},
		{"id": int64(60), "product_tmpl_id": int64(61), "default_code": "C", "active": true},
	}
	src["product.supplierinfo"] = []rec{
		{"id": int64(1), "partner_id": pair(100, "Vendor One"), "product_tmpl_id": int64(11), "product_id": false, "sequence": int64(1), "delay": int64(20), "date_start": false, "date_end": false, "company_id": false},
		{"id": int64(2), "partner_id": int64(200), "product_tmpl_id": int64(11), "product_id": false, "sequence": int64(2), "delay": int64(5), "date_start": false, "date_end": false, "company_id": false},
		{"id": int64(3), "partner_id": int64(200), "product_tmpl_id": int64(11), "product_id": false, "sequence": int64(0), "delay": int64(2), "date_start": false, "date_end": "2025-03-30", "company_id": false},
		{"id": int64(4), "partner_id": int64(400), "product_tmpl_id": int64(21), "product_id": false, "sequence": int64(1), "delay": int64(1), "date_start": false, "date_end": false, "company_id": false},
		{"id": int64(5), "partner_id": int64(200), "product_tmpl_id": int64(21), "product_id": false, "sequence": int64(2), "delay": int64(10), "date_start": false, "date_end": false, "company_id": false},
		{"id": int64(6), "partner_id": int64(200), "product_tmpl_id": int64(31), "product_id": false, "sequence": int64(1), "delay": int64(7), "date_start": false, "date_end": false, "company_id": false},
		{"id": int64(7), "partner_id": int64(200), "product_tmpl_id": int64(51), "product_id": false, "sequence": int64(1), "delay": int64(7), "date_start": false, "date_end": false, "company_id": false},
	}
	src["stock.quant"] = []rec{
		{"id": int64(1), "product_id": int64(10), "location_id": int64(1), "company_id": int64(1), "quantity": 10.0},
		{"id": int64(2), "product_id": int64(10), "location_id": int64(4), "company_id": int64(1), "quantity": -5.0},
		{"id": int64(3), "product_id": int64(10), "location_id": int64(5), "company_id": int64(2), "quantity": 100.0},
		{"id": int64(4), "product_id": int64(20), "location_id": int64(1), "company_id": false, "quantity": 2.0},
		{"id": int64(5), "product_id": int64(30), "location_id": int64(1), "company_id": int64(1), "quantity": 1.0},
	}
	src["stock.warehouse.orderpoint"] = []rec{
		{"id": int64(1), "product_id": int64(10), "company_id": int64(1), "location_id": int64(1), "product_min_qty": 15.0, "product_max_qty": 40.0, "trigger": "manual", "supplier_id": false, "active": true},
		{"id": int64(2), "product_id": int64(20), "company_id": int64(1), "location_id": int64(1), "product_min_qty": 1.0, "product_max_qty": 5.0, "trigger": "auto", "supplier_id": false, "active": true},
		{"id": int64(3), "product_id": int64(30), "company_id": int64(1), "location_id": int64(1), "product_min_qty": 50.0, "product_max_qty": 60.0, "trigger": "auto", "supplier_id": false, "active": false},
	}
	b16 := func(r rec) rec {
		r["quantity_done"] = r["quantity"]
		delete(r, "quantity")
		return r
	}
	src["stock.move"] = []rec{
		doneMove(1, 10, 40, 4, 1, "2024-06-01 08:00:00", rec{"is_inventory": true}),
		doneMove(2, 10, 60, 1, 2, "2025-01-01 00:00:00", nil),
		doneMove(3, 10, 27, 1, 2, "2025-03-31 23:59:59", nil),
		doneMove(4, 10, 1, 1, 2, "2025-02-15 10:00:00", rec{"product_uom": pair(2, "Dozens")}),
		doneMove(5, 10, 9, 2, 1, "2025-02-01 10:00:00", nil),
		doneMove(6, 10, 100, 1, 2, "2024-12-31 23:59:59", nil),
		doneMove(7, 10, 4, 1, 4, "2025-03-01 10:00:00", rec{"is_inventory": true}),
		doneMove(8, 10, 7, 5, 2, "2025-03-01 10:00:00", rec{"company_id": int64(2)}),
		doneMove(9, 10, 5, 3, 1, "2025-04-05 10:00:00", rec{"state": "assigned", "quantity": 0.0, "picking_id": int64(500), "purchase_line_id": int64(900)}),
		doneMove(10, 10, 3, 1, 2, "2025-03-30 10:00:00", rec{"state": "confirmed", "quantity": 0.0}),
		doneMove(11, 10, 8, 3, 1, "2025-04-05 10:00:00", rec{"state": "draft", "quantity": 0.0}),
		b16(doneMove(20, 20, 10, 4, 1, "2024-06-01 08:00:00", rec{"is_inventory": true})),
		b16(doneMove(21, 20, 45, 1, 2, "2025-02-01 08:00:00", nil)),
		b16(doneMove(22, 20, 10, 3, 1, "2025-04-02 08:00:00", rec{"state": "assigned", "quantity": 0.0})),
		doneMove(30, 30, 1, 4, 1, "2024-06-01 08:00:00", rec{"is_inventory": true}),
		doneMove(31, 30, 4, 1, 2, "2025-03-20 08:00:00", rec{"state": "confirmed", "quantity": 0.0}),
		doneMove(40, 40, 10, 1, 2, "2025-03-20 08:00:00", nil),
		doneMove(50, 50, 10, 1, 2, "2025-03-20 08:00:00", nil),
		doneMove(60, 60, 10, 1, 2, "2025-03-20 08:00:00", nil),
	}
	src["stock.picking"] = []rec{
		{"id": int64(500), "name": "WH/IN/1", "partner_id": int64(100), "picking_type_id": int64(1), "company_id": int64(1), "state": "assigned",
			"scheduled_date": "2025-04-05 10:00:00", "date_deadline": "2025-04-05 10:00:00", "date_done": false, "sale_id": false},
	}
	src["purchase.order"] = []rec{{"id": int64(800), "name": "P1", "partner_id": int64(100)}}
	src["purchase.order.line"] = []rec{{"id": int64(900), "order_id": int64(800), "product_id": int64(10), "company_id": int64(1), "partner_id": int64(100), "date_planned": "2025-04-04 10:00:00"}}
	return src
}

func TestStockout(t *testing.T) {
	t.Parallel()
	res := analyze(t, stockSource(), nil)
	got := insights(res, operations.KindStockoutRisk)
	var ids []int64
	byProduct := map[int64]analysis.Insight{}
	for _, in := range got {
		if in.CompanyID != 1 {
			t.Errorf("insight %s for company %d", in.Subject, in.CompanyID)
		}
		id := in.Refs[0].IDs[0]
		ids = append(ids, id)
		byProduct[id] = in
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{10, 30}) {
		t.Fatalf("stock-out products %v, want [10 30]", ids)
	}
	a := byProduct[10]
	for _, tc := range []struct {
		fact string
		want float64
	}{
		{"qty_on_hand", 10}, {"incoming_qty", 5}, {"outgoing_qty", 3}, {"forecast_qty", 12}, {"avg_daily_out", 1}, {"lead_days", 20},
		{"need_over_lead", 20}, {"shortfall", 8}, {"days_of_cover", 12}, {"reorder_min", 15}, {"next_receipt_in_days", 4},
	} {
		if v, ok := a.Facts[tc.fact]; !ok || !near(v, tc.want) {
			t.Errorf("A %s = %v (present %v), want %v", tc.fact, v, ok, tc.want)
		}
	}
	if a.Priority != "high" || a.Subject != "product.product:10" {
		t.Errorf("A priority %s subject %s, want high product.product:10", a.Priority, a.Subject)
	}
	models := map[string][]int64{}
	for _, r := range a.Refs {
		models[r.Model] = r.IDs
	}
	if !slices.Equal(models["purchase.order"], []int64{800}) || !slices.Equal(models["res.partner"], []int64{100}) ||
		!slices.Equal(models["stock.warehouse.orderpoint"], []int64{1}) {
		t.Errorf("A refs %v", a.Refs)
	}
	if a.Refs[0].URL != "https://odoo.test/web#id=10&model=product.product&view_type=form" {
		t.Errorf("A link %q", a.Refs[0].URL)
	}
	if e := byProduct[30]; e.Priority != "critical" || !near(e.Facts["forecast_qty"], -3) {
		t.Errorf("E priority %s forecast %v, want critical -3", e.Priority, e.Facts["forecast_qty"])
	}
	for _, tc := range []struct {
		name    string
		company int64
		want    float64
	}{
		{"operations.stock.storable_products", 1, 4}, // A, B, E, F (D archived, C consumable)
		{"operations.stock.stockout_risk", 1, 2},
		{"operations.stock.below_reorder_min", 1, 1}, // A: 10 < 15; E's rule is archived
		{"operations.stock.manual_rules_short", 1, 1},
		{"operations.stock.out_of_stock", 1, 0},
		// Cover on hand / daily: A 10/1 = 10, B 2/0.5 = 4 -> median 7.
		{"operations.stock.days_of_cover_median", 1, 7},
		{"operations.stock.stockout_risk", 2, 0},
	} {
		m, ok := find(res, tc.name, tc.company)
		if !ok || !m.Available || !near(m.Value, tc.want) {
			t.Errorf("%s company %d = %+v (found %v), want %v", tc.name, tc.company, m.Value, ok, tc.want)
		}
	}
}

// TestStockoutArchivedVendor checks that an archived vendor's line is
// skipped: without its open receipt B (2 on hand, 0.5 a day) is short over
// the 10 days of its active vendor, not over the archived vendor's 1 day.
func TestStockoutArchivedVendor(t *testing.T) {
	t.Parallel()
	src := stockSource()
	src["stock.move"] = slices.DeleteFunc(src["stock.move"], func(r rec) bool { return r.ID() == 22 })
	res := analyze(t, src, nil)
	for _, in := range insights(res, operations.KindStockoutRisk) {
		if in.Refs[0].IDs[0] == 20 {
			if !near(in.Facts["lead_days"], 10) || !near(in.Facts["need_over_lead"], 5) || in.Priority != "critical" {
				t.Errorf("B facts %v priority %s, want lead 10, need 5, critical (2/0.5 = 4 days < 5)", in.Facts, in.Priority)
			}
			return
		}
	}
	t.Error("B not flagged without its receipt")
}

func TestStockoutThresholds(t *testing.T) {
	t.Parallel()
	// A 30-day window runs from 03-02: of A's moves only the 27 of 03-31
	// count -> daily 0.9, need over 20 days 18 > forecast 12.
	res := analyze(t, stockSource(), map[string]float64{operations.ThresholdConsumptionWindow: 30, operations.ThresholdStockoutCritical: 0.7})
	for _, in := range insights(res, operations.KindStockoutRisk) {
		if in.Refs[0].IDs[0] != 10 {
			continue
		}
		if !near(in.Facts["avg_daily_out"], 0.9) || !near(in.Facts["window_days"], 30) {
			t.Errorf("daily %v window %v, want 0.9 30", in.Facts["avg_daily_out"], in.Facts["window_days"])
		}
		// 12 / 0.9 = 13.3 days < 0.7 * 20 = 14 -> critical.
		if in.Priority != "critical" {
			t.Errorf("priority %s, want critical", in.Priority)
		}
		return
	}
	t.Error("A not flagged with a 30-day window")
}

// TestNoStock checks that a database without the stock app reports the
// figures unavailable rather than zero.
func TestNoStock(t *testing.T) {
	t.Parallel()
	res := analyze(t, analysis.MapSource{"res.company": {{"id": int64(1)}}, "res.partner": {}, "product.template": {}, "product.product": {}}, nil)
	if len(res.Insights) != 0 {
		t.Errorf("insights without stock: %v", res.Insights)
	}
	m, ok := find(res, "operations.stock.stockout_risk", 1)
	if !ok || m.Available {
		t.Errorf("stockout_risk without stock: %+v", m)
	}
}

// receipt builds a done vendor receipt with one purchase move.
func receipt(src analysis.MapSource, id, partner int64, deadline, done string) {
	src["stock.picking"] = append(src["stock.picking"], rec{"id": id, "name": "WH/IN", "partner_id": partner, "picking_type_id": int64(1),
		"company_id": int64(1), "state": "done", "scheduled_date": deadline, "date_deadline": deadline, "date_done": done, "sale_id": false})
	src["stock.move"] = append(src["stock.move"], doneMove(id*10, 1, 1, 3, 1, done, rec{"picking_id": id, "purchase_line_id": int64(1)}))
}

func TestSupplierLate(t *testing.T) {
	t.Parallel()
	src := baseStock()
	src["product.template"], src["product.product"] = []rec{}, []rec{}
	src["stock.move"], src["stock.picking"] = []rec{}, []rec{}
	id := int64(1000)
	next := func() int64 { id++; return id }
	// Vendor One, prior window (2024-04-01 .. 2024-12-31): 10 receipts on
	// time; one is done later on its promised day (still on time).
	for i := range 10 {
		day := odoo.Date{Year: 2024, Month: 6, Day: 1 + i}.String()
		done := day + " 09:00:00"
		if i == 0 {
			done = day + " 23:00:00"
		}
		receipt(src, next(), 100, day+" 10:00:00", done)
	}
	// Recent window (2025-01-01 .. 2025-03-31): 6 receipts, 2 on time; a
	// receipt addressed to a contact of the vendor counts for the vendor.
	receipt(src, next(), 100, "2025-01-01 10:00:00", "2025-01-01 12:00:00")
	receipt(src, next(), 101, "2025-02-01 10:00:00", "2025-02-01 08:00:00")
	receipt(src, next(), 100, "2025-02-01 10:00:00", "2025-02-04 08:00:00") // 3 days late
	receipt(src, next(), 101, "2025-02-10 10:00:00", "2025-02-15 08:00:00") // 5 days late
	receipt(src, next(), 100, "2025-03-01 10:00:00", "2025-03-02 08:00:00") // 1 day late
	receipt(src, next(), 100, "2025-03-20 10:00:00", "2025-03-23 08:00:00") // 3 days late
	// 2024-12-31 is day 91 before Today: prior window, on time.
	receipt(src, next(), 100, "2024-12-31 10:00:00", "2024-12-31 10:00:00")
	// Vendor Two: a little late, consistently: 7 of 10 then 4 of 6.
	for i := range 10 {
		day := odoo.Date{Year: 2024, Month: 7, Day: 1 + i}.String()
		done := day + " 09:00:00"
		if i < 3 {
			done = odoo.Date{Year: 2024, Month: 7, Day: 2 + i}.String() + " 09:00:00"
		}
		receipt(src, next(), 200, day+" 10:00:00", done)
	}
	for i := range 6 {
		day := odoo.Date{Year: 2025, Month: 3, Day: 1 + i}.String()
		done := day + " 09:00:00"
		if i < 2 {
			done = odoo.Date{Year: 2025, Month: 3, Day: 3 + i}.String() + " 09:00:00" // 2 days late
		}
		receipt(src, next(), 200, day+" 10:00:00", done)
	}
	// A customer return is incoming too but is no vendor receipt.
	src["stock.picking"] = append(src["stock.picking"], rec{"id": int64(1), "name": "WH/RET", "partner_id": int64(300), "picking_type_id": int64(1),
		"company_id": int64(1), "state": "done", "scheduled_date": "2025-03-01 10:00:00", "date_deadline": false, "date_done": "2025-03-09 10:00:00"})

	res := analyze(t, src, nil)
	got := insights(res, operations.KindSupplierLate)
	if len(got) != 1 {
		t.Fatalf("supplier_late insights: %+v", got)
	}
	in := got[0]
	if in.Refs[0].Model != "res.partner" || !slices.Equal(in.Refs[0].IDs, []int64{100}) || in.Priority != "high" {
		t.Errorf("insight refs %v priority %s", in.Refs, in.Priority)
	}
	// Recent 2/6, prior 11/11; pooled 13/17; z = (1 - 1/3) / sqrt(13/17 * 4/17 * (1/11 + 1/6)).
	z := (1 - 1.0/3) / math.Sqrt(13.0/17*4/17*(1.0/11+1.0/6))
	for _, tc := range []struct {
		fact string
		want float64
	}{
		{"on_time_rate_recent", 0.33}, {"on_time_rate_prior", 1}, {"receipts_recent", 6}, {"receipts_prior", 11},
		{"avg_delay_days_recent", 3}, {"drop", 0.67}, {"z", math.Round(z*100) / 100},
	} {
		if v := in.Facts[tc.fact]; !near(v, tc.want) {
			t.Errorf("%s = %v, want %v", tc.fact, v, tc.want)
		}
	}
	// Company on-time rate over the last 90 days: vendor one 2/6, vendor two 4/6.
	for _, tc := range []struct {
		name string
		want float64
	}{
		{"operations.suppliers.on_time_rate", 0.5}, {"operations.suppliers.receipts", 12},
		// Late receipts: 3, 5, 1, 3 (vendor one) and 2, 2 (vendor two): 16/6.
		{"operations.suppliers.avg_delay_days", 2.67},
	} {
		if m, ok := find(res, tc.name, 1); !ok || !near(m.Value, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, m.Value, tc.want)
		}
	}
	// A higher required drop silences the detector.
	res = analyze(t, src, map[string]float64{operations.ThresholdSupplierDrop: 0.7})
	if n := len(insights(res, operations.KindSupplierLate)); n != 0 {
		t.Errorf("%d insights with a 0.7 drop threshold", n)
	}
}

func TestFulfillment(t *testing.T) {
	t.Parallel()
	src := baseStock()
	src["product.template"], src["product.product"], src["stock.move"] = []rec{}, []rec{}, []rec{}
	src["sale.order"] = []rec{
		{"id": int64(1), "name": "S1", "partner_id": int64(300), "company_id": int64(1), "state": "sale", "date_order": "2025-03-01 09:00:00", "commitment_date": false},
		{"id": int64(2), "name": "S2", "partner_id": int64(300), "company_id": int64(1), "state": "done", "date_order": "2025-03-10 09:00:00", "commitment_date": "2025-03-15 09:00:00"},
		{"id": int64(3), "name": "S3", "partner_id": int64(300), "company_id": int64(1), "state": "sale", "date_order": "2025-03-20 09:00:00", "commitment_date": false},
		{"id": int64(4), "name": "S4", "partner_id": int64(300), "company_id": int64(1), "state": "sale", "date_order": "2024-10-01 09:00:00", "commitment_date": false},
	}
	out := func(id, sale int64, state, sched, deadline, done string) rec {
		r := rec{"id": id, "name": "WH/OUT", "partner_id": int64(300), "picking_type_id": pair(2, "Delivery Orders"), "company_id": int64(1), "state": state,
			"scheduled_date": sched, "date_deadline": false, "date_done": false, "sale_id": sale}
		if deadline != "" {
			r["date_deadline"] = deadline
		}
		if done != "" {
			r["date_done"] = done
		}
		return r
	}
	src["stock.picking"] = []rec{
		out(1, 1, "done", "2025-03-03 09:00:00", "2025-03-04 09:00:00", "2025-03-05 09:00:00"), // 1 day late, 4 days after order
		out(2, 2, "done", "2025-03-11 09:00:00", "", "2025-03-12 09:00:00"),                    // on time vs commitment, 2 days
		out(3, 3, "confirmed", "2025-03-25 09:00:00", "", ""),                                  // open, 6 days overdue
		out(4, 3, "cancel", "2025-03-25 09:00:00", "", ""),
		out(5, 4, "done", "2024-10-02 09:00:00", "", "2024-10-10 09:00:00"), // outside the window
		out(6, 0, "assigned", "2025-04-02 09:00:00", "", ""),                // open, not due yet
	}
	res := analyze(t, src, nil)
	for _, tc := range []struct {
		name string
		want float64
	}{
		{"operations.fulfillment.deliveries", 2},
		{"operations.fulfillment.late_delivery_rate", 0.5},
		{"operations.fulfillment.avg_days_late", 1},
		{"operations.fulfillment.order_to_delivery_days_avg", 3},
		{"operations.fulfillment.order_to_delivery_days_median", 3},
		{"operations.fulfillment.backlog_pickings", 2},
		{"operations.fulfillment.backlog_orders", 1},
		{"operations.fulfillment.backlog_waiting_stock", 1},
		{"operations.fulfillment.backlog_overdue", 1},
		{"operations.fulfillment.backlog_max_days_overdue", 6},
	} {
		m, ok := find(res, tc.name, 1)
		if !ok || !m.Available || !near(m.Value, tc.want) {
			t.Errorf("%s = %v (found %v, available %v), want %v", tc.name, m.Value, ok, m.Available, tc.want)
		}
	}
	// Without the sales app the order figures are unavailable.
	delete(src, "sale.order")
	res = analyze(t, src, nil)
	if m, ok := find(res, "operations.fulfillment.order_to_delivery_days_avg", 1); !ok || m.Available {
		t.Errorf("order-to-delivery without sale: %+v", m)
	}
}

func TestBottleneck(t *testing.T) {
	t.Parallel()
	src := baseStock()
	src["product.template"], src["product.product"], src["stock.move"] = []rec{}, []rec{}, []rec{}
	// Receipts: 30 done in the last 30 days (1 a day); 6 due and open
	// (6 days of work) plus 20 scheduled later (not due: no pile-up).
	var ps []rec
	for i := range 30 {
		day := today.AddDays(-i).String()
		ps = append(ps, rec{"id": int64(100 + i), "picking_type_id": int64(1), "company_id": int64(1), "state": "done", "scheduled_date": day + " 08:00:00", "date_done": day + " 10:00:00"})
	}
	for i := range 6 {
		ps = append(ps, rec{"id": int64(200 + i), "picking_type_id": int64(1), "company_id": int64(1), "state": "assigned", "scheduled_date": today.AddDays(-i).String() + " 08:00:00"})
	}
	for i := range 20 {
		ps = append(ps, rec{"id": int64(300 + i), "picking_type_id": int64(1), "company_id": int64(1), "state": "assigned", "scheduled_date": today.AddDays(i+1).String() + " 08:00:00"})
	}
	src["stock.picking"] = ps
	res := analyze(t, src, nil)
	got := insights(res, operations.KindBottleneck)
	if len(got) != 1 || !near(got[0].Facts["open"], 6) || !near(got[0].Facts["backlog_days"], 6) || got[0].Subject != "stock.picking.type:1" {
		t.Fatalf("bottlenecks: %+v", got)
	}
	// 7 days of backlog needed: no insight.
	res = analyze(t, src, map[string]float64{operations.ThresholdBacklogDays: 7})
	if n := len(insights(res, operations.KindBottleneck)); n != 0 {
		t.Errorf("%d bottlenecks with a 7-day threshold", n)
	}
}

func TestFastDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want string // "" when the slow path must take over
	}{
		{"2024-02-29 23:59:59", "2024-02-29"},
		{"2023-02-29 10:00:00", ""},
		{"1900-02-29", ""},
		{"2000-02-29", "2000-02-29"},
		{"2025-04-31 00:00:00", ""},
		{"2025-12-31", "2025-12-31"},
		{"2025-1-31", ""},
		{"2025-01-31T10:00:00", ""},
	} {
		d, ok := operations.FastDate(tc.in)
		if got := d.String(); ok != (tc.want != "") || got != tc.want {
			t.Errorf("fastDate(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

// TestStockoutRevenueAtRisk: with sale order lines, a stock-out is graded by
// the revenue it puts at risk (open order lines plus sales over the lead
// time, in company currency), not by how soon it runs out alone.
func TestStockoutRevenueAtRisk(t *testing.T) {
	t.Parallel()
	line := func(id, order, product int64, qty, delivered, subtotal float64, cur int64) rec {
		return rec{"id": id, "order_id": order, "product_id": product, "product_uom_qty": qty, "qty_delivered": delivered,
			"price_subtotal": subtotal, "currency_id": cur, "company_id": int64(1), "display_type": false}
	}
	orders := []rec{
		{"id": int64(1), "name": "S1", "partner_id": int64(300), "company_id": int64(1), "state": "sale", "date_order": "2025-03-01 09:00:00", "commitment_date": false},
		{"id": int64(2), "name": "S2", "partner_id": int64(300), "company_id": int64(1), "state": "draft", "date_order": "2025-03-01 09:00:00", "commitment_date": false},
		{"id": int64(3), "name": "S3", "partner_id": int64(300), "company_id": int64(1), "state": "sale", "date_order": "2024-06-01 09:00:00", "commitment_date": false},
	}
	for _, tc := range []struct {
		name                 string
		lines                []rec
		wantA, wantE         string
		wantOpenE, wantRiskE float64 // open order value and revenue at risk of E (-1: not checked)
	}{
		{"no sales: nothing at risk, medium", []rec{}, "medium", "medium", 0, 0},
		{"small sales of E: urgent but medium",
			[]rec{line(1, 1, 30, 4, 0, 200, 0), line(2, 2, 30, 100, 0, 90000, 0)}, "medium", "medium", 200, -1},
		{"a large open order of E (one line in USD at 2 per EUR): critical",
			[]rec{line(1, 3, 30, 10, 2, 20000, 0), line(2, 3, 30, 4, 0, 2000, 7)}, "medium", "critical", 17000, 17000},
		{"A sells 9000 in the window: 2000 over its 20-day lead, high",
			[]rec{line(1, 1, 10, 5, 5, 9000, 0)}, "high", "medium", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := stockSource()
			src["sale.order"] = orders
			src["sale.order.line"] = tc.lines
			src["res.currency.rate"] = []rec{
				{"id": int64(1), "currency_id": int64(7), "name": "2025-01-01", "rate": 3.0},
				{"id": int64(2), "currency_id": int64(7), "name": "2025-03-01", "rate": 2.0},
			}
			by := map[string]analysis.Insight{}
			for _, in := range insights(analyze(t, src, nil), operations.KindStockoutRisk) {
				by[in.Subject] = in
			}
			a, e := by["product.product:10"], by["product.product:30"]
			if a.Priority != tc.wantA || e.Priority != tc.wantE {
				t.Errorf("priorities A %s E %s, want %s %s (facts A %v, E %v)", a.Priority, e.Priority, tc.wantA, tc.wantE, a.Facts, e.Facts)
			}
			if !near(e.Facts["open_order_value"], tc.wantOpenE) {
				t.Errorf("E open order value %v, want %v", e.Facts["open_order_value"], tc.wantOpenE)
			}
			if tc.wantRiskE >= 0 && !near(e.Facts["revenue_at_risk"], tc.wantRiskE) {
				t.Errorf("E revenue at risk %v, want %v", e.Facts["revenue_at_risk"], tc.wantRiskE)
			}
			if got, want := e.Facts["revenue_at_risk"], e.Facts["open_order_value"]+e.Facts["sales_over_lead"]; !near(got, want) {
				t.Errorf("E revenue at risk %v != open %v + over lead %v", got, e.Facts["open_order_value"], e.Facts["sales_over_lead"])
			}
			if tc.name[0:2] == "A " && !near(a.Facts["sales_over_lead"], 2000) {
				t.Errorf("A sales over lead %v, want 9000/90*20 = 2000", a.Facts["sales_over_lead"])
			}
		})
	}
}
