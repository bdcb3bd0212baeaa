package ask_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/store"
)

// The ground truth below is computed from the generated dataset's raw
// records, independently of the store, the sync and the domain evaluator.

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// openInvoicesTruth returns the posted customer invoices with an amount
// due of each commercial partner, from the raw records.
func openInvoicesTruth(ds *dataset.Dataset) map[int64][]dataset.Record {
	commercial := map[int64]int64{}
	for _, p := range ds.Records("res.partner") {
		id := p.ID()
		if parent := p.M2O("parent_id"); parent != 0 {
			id = parent
		}
		commercial[p.ID()] = id
	}
	out := map[int64][]dataset.Record{}
	for _, m := range ds.Records("account.move") {
		if m.Str("move_type") == "out_invoice" && m.Str("state") == "posted" && m.Float("amount_residual") > 0 {
			p := commercial[m.M2O("partner_id")]
			out[p] = append(out[p], m)
		}
	}
	return out
}

// overdueTruth picks the commercial partner with the most overdue
// invoices, and returns it with those invoices.
func overdueTruth(t *testing.T, ds *dataset.Dataset) (dataset.Record, []dataset.Record) {
	t.Helper()
	var best int64
	var bestInvs []dataset.Record
	for p, invs := range openInvoicesTruth(ds) {
		var overdue []dataset.Record
		for _, m := range invs {
			if m.Str("invoice_date_due") < demoToday.Format("2006-01-02") {
				overdue = append(overdue, m)
			}
		}
		if len(overdue) > len(bestInvs) || (len(overdue) == len(bestInvs) && p < best) {
			best, bestInvs = p, overdue
		}
	}
	if len(bestInvs) == 0 {
		t.Fatal("the demo company has no overdue invoice")
	}
	return ds.Get("res.partner", best), bestInvs
}

func TestSearchRecords(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	partner, _ := overdueTruth(t, d.ds)
	want := openInvoicesTruth(d.ds)[partner.ID()]
	var res struct {
		Count   int              `json:"count"`
		Records []map[string]any `json:"records"`
	}
	out := d.call(t, d.reg, store.RoleCFO, "search_records", map[string]any{
		"model": "account.move",
		"domain": []any{[]any{"partner_id", "child_of", partner.ID()}, []any{"move_type", "=", "out_invoice"},
			[]any{"state", "=", "posted"}, []any{"amount_residual", ">", 0}},
		"fields": []string{"name", "partner_id", "amount_residual_signed", "invoice_date_due"},
		"order":  "invoice_date_due desc", "limit": 200,
	}, &res)
	if res.Count != len(want) || len(res.Records) != len(want) {
		t.Fatalf("count %d, records %d, want %d", res.Count, len(res.Records), len(want))
	}
	wantNames := map[string]float64{}
	for _, m := range want {
		wantNames[m.Str("name")] = round2(m.Float("amount_residual_signed"))
	}
	prevDue := "9999"
	for _, r := range res.Records {
		name, _ := r["name"].(string)
		amt, ok := wantNames[name]
		if !ok || r["amount_residual_signed"] != amt {
			t.Errorf("record %v: amount %v, want %v (known %v)", name, r["amount_residual_signed"], amt, ok)
		}
		due, _ := r["invoice_date_due"].(string)
		if due > prevDue {
			t.Errorf("not sorted by due date desc: %s after %s", due, prevDue)
		}
		prevDue = due
		p, _ := r["partner_id"].(map[string]any)
		if p["name"] == nil || p["name"] == "" {
			t.Errorf("many2one without its name: %v", r["partner_id"])
		}
	}
	t.Logf("%s: %d open invoices", partner.Str("name"), res.Count)
	if len(out.Sources) == 0 || out.Sources[0].Model != "account.move" || out.Sources[0].ID == 0 {
		t.Errorf("sources: %+v", out.Sources)
	}

	// The store read directly gives the same answer as the cache.
	var direct struct {
		Count   int              `json:"count"`
		Records []map[string]any `json:"records"`
	}
	d.call(t, d.direct, store.RoleCFO, "search_records", map[string]any{
		"model": "account.move",
		"domain": []any{[]any{"partner_id", "child_of", partner.ID()}, []any{"move_type", "=", "out_invoice"},
			[]any{"state", "=", "posted"}, []any{"amount_residual", ">", 0}},
		"fields": []string{"name", "partner_id", "amount_residual_signed", "invoice_date_due"},
		"order":  "invoice_date_due desc", "limit": 200,
	}, &direct)
	if !reflect.DeepEqual(direct, res) {
		t.Errorf("from the store: %+v\nthrough the cache: %+v", direct, res)
	}

	// Default limit, and a dotted path through a relation.
	var all struct {
		Count   int              `json:"count"`
		Records []map[string]any `json:"records"`
	}
	d.call(t, d.reg, store.RoleCEO, "search_records", map[string]any{"model": "account.move",
		"domain": []any{[]any{"partner_id.name", "=", partner.Str("name")}}}, &all)
	if len(all.Records) != min(all.Count, 20) || all.Count == 0 {
		t.Errorf("default limit: %d of %d", len(all.Records), all.Count)
	}
}

func TestRecordToolInputs(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	ctx := context.Background()
	tests := []struct {
		name, role, tool, input string
		refused                 bool
		want                    string
	}{
		{"unsynced model", store.RoleCEO, "search_records", `{"model":"ir.config_parameter"}`, false, "models you can query: "},
		{"bad domain", store.RoleCEO, "search_records", `{"model":"account.move","domain":[["state","=~","x"]]}`, false, "unknown operator"},
		{"unknown field", store.RoleCEO, "search_records", `{"model":"account.move","domain":[["nope","=",1]]}`, false, "Invalid field"},
		{"limit too high", store.RoleCEO, "search_records", `{"model":"res.partner","limit":500}`, false, "limit"},
		{"unknown input", store.RoleCEO, "search_records", `{"model":"res.partner","where":1}`, false, "unknown field"},
		{"sales on invoices", store.RoleSales, "search_records", `{"model":"account.move"}`, true, "finance"},
		{"sales through a path into invoices", store.RoleSales, "search_records",
			`{"model":"res.partner","domain":[["invoice_ids.amount_residual",">",0]]}`, false, "Invalid field"},
		{"ops on orders", store.RoleOps, "aggregate", `{"model":"sale.order"}`, true, "sales"},
		{"bad granularity", store.RoleCEO, "aggregate", `{"model":"account.move","group_by":["invoice_date:decade"]}`, false, "granularity"},
		{"sum of text", store.RoleCEO, "aggregate", `{"model":"account.move","measures":["name:sum"]}`, false, "number field"},
		{"missing record", store.RoleCEO, "get_record", `{"model":"res.partner","id":999999}`, false, "no res.partner record"},
	}
	for _, tt := range tests {
		_, err := d.reg.Call(ctx, d.caller(tt.role), tt.tool, json.RawMessage(tt.input))
		var refused *ask.RefusedError
		var inErr *ask.InputError
		switch {
		case tt.refused && !errors.As(err, &refused):
			t.Errorf("%s: %v, want refused", tt.name, err)
		case !tt.refused && !errors.As(err, &inErr):
			t.Errorf("%s: %v, want an input error", tt.name, err)
		case err != nil && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: %q lacks %q", tt.name, err, tt.want)
		}
	}
}

func TestAggregate(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	// Posted customer invoices by month: the total in company currency.
	want := map[string]float64{}
	wantCount := map[string]int{}
	for _, m := range d.ds.Records("account.move") {
		if m.Str("move_type") == "out_invoice" && m.Str("state") == "posted" {
			k := m.Str("invoice_date")[:7]
			want[k] += m.Float("amount_total_signed")
			wantCount[k]++
		}
	}
	var res struct {
		Records int              `json:"records"`
		Groups  []map[string]any `json:"groups"`
		Totals  map[string]any   `json:"totals"`
	}
	d.call(t, d.reg, store.RoleCFO, "aggregate", map[string]any{"model": "account.move",
		"domain":   []any{[]any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}},
		"group_by": []string{"invoice_date:month"}, "measures": []string{"amount_total_signed:sum", "count"}, "limit": 1000}, &res)
	if len(res.Groups) != len(want) {
		t.Fatalf("%d months, want %d", len(res.Groups), len(want))
	}
	prev, total := "", 0.0
	for _, g := range res.Groups {
		k, _ := g["invoice_date:month"].(string)
		if k <= prev {
			t.Errorf("months not in order: %s after %s", k, prev)
		}
		prev = k
		if got := g["amount_total_signed:sum"].(float64); got != round2(want[k]) || int(g["count"].(float64)) != wantCount[k] {
			t.Errorf("%s: %v (%v invoices), want %v (%d)", k, got, g["count"], round2(want[k]), wantCount[k])
		}
		total += want[k]
	}
	if res.Totals["amount_total_signed:sum"] != round2(total) {
		t.Errorf("total %v, want %v", res.Totals["amount_total_signed:sum"], round2(total))
	}

	// Quantities invoiced by product and month (customer invoice lines).
	moves := map[int64]dataset.Record{}
	for _, m := range d.ds.Records("account.move") {
		moves[m.ID()] = m
	}
	qty := map[string]float64{}
	for _, l := range d.ds.Records("account.move.line") {
		m := moves[l.M2O("move_id")]
		if l.M2O("product_id") == 0 || l.Str("display_type") != "product" || m.Str("move_type") != "out_invoice" || m.Str("state") != "posted" {
			continue
		}
		qty[strconv.FormatInt(l.M2O("product_id"), 10)+" "+l.Str("date")[:7]] += l.Float("quantity")
	}
	var lines struct {
		GroupCount int              `json:"group_count"`
		Groups     []map[string]any `json:"groups"`
	}
	d.call(t, d.reg, store.RoleCFO, "aggregate", map[string]any{"model": "account.move.line",
		"domain": []any{[]any{"move_id.move_type", "=", "out_invoice"}, []any{"parent_state", "=", "posted"},
			[]any{"display_type", "=", "product"}, []any{"product_id", "!=", false}},
		"group_by": []string{"product_id", "date:month"}, "measures": []string{"quantity:sum"},
		"order": "quantity:sum desc", "limit": 1000}, &lines)
	if lines.GroupCount != len(qty) || len(lines.Groups) != len(qty) {
		t.Fatalf("%d product-month groups (%d listed), want %d", lines.GroupCount, len(lines.Groups), len(qty))
	}
	t.Logf("%d months of invoices, %d product-month groups", len(res.Groups), lines.GroupCount)
	prevQty := math.Inf(1)
	for _, g := range lines.Groups {
		p := g["product_id"].(map[string]any)
		k := strconv.FormatInt(int64(p["id"].(float64)), 10) + " " + g["date:month"].(string)
		got := g["quantity:sum"].(float64)
		if got != math.Round(qty[k]*1e6)/1e6 || got > prevQty {
			t.Errorf("%s: %v, want %v (after %v)", k, got, qty[k], prevQty)
		}
		prevQty = got
	}
}

func TestGetRecord(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	_, invs := overdueTruth(t, d.ds)
	inv := invs[0]
	var rec map[string]any
	out := d.call(t, d.reg, store.RoleCFO, "get_record", map[string]any{"model": "account.move", "id": inv.ID()}, &rec)
	partner := d.ds.Get("res.partner", inv.M2O("partner_id"))
	p, _ := rec["partner_id"].(map[string]any)
	if rec["name"] != inv.Str("name") || p["name"] != partner.Str("name") && !strings.Contains(p["name"].(string), partner.Str("name")) {
		t.Errorf("record %v partner %v, want %s of %s", rec["name"], rec["partner_id"], inv.Str("name"), partner.Str("name"))
	}
	if rec["amount_residual_signed"] != round2(inv.Float("amount_residual_signed")) {
		t.Errorf("amount due %v, want %v", rec["amount_residual_signed"], round2(inv.Float("amount_residual_signed")))
	}
	if len(out.Sources) != 1 || out.Sources[0].Model != "account.move" || out.Sources[0].ID != inv.ID() ||
		!strings.Contains(out.Sources[0].Label, inv.Str("name")) {
		t.Errorf("sources %+v", out.Sources)
	}
	// A sales user reads a sales order, but not the invoice fields on the
	// partner it names.
	var order map[string]any
	so := d.ds.Records("sale.order")[0]
	d.call(t, d.reg, store.RoleSales, "get_record", map[string]any{"model": "sale.order", "id": so.ID()}, &order)
	if order["name"] != so.Str("name") {
		t.Errorf("order %v, want %s", order["name"], so.Str("name"))
	}
}
