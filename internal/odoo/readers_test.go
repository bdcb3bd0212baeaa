package odoo

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// versions are the servers the reader tests run against, each over its
// default protocol.
var versions = []string{"16.0", "17.0", "18.0", "19.0"}

// with returns base plus extra, for version-specific records.
func with(base map[string]any, extra map[string]any) map[string]any {
	out := maps.Clone(base)
	maps.Copy(out, extra)
	return out
}

func TestPagingAndContext(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	partner := func(id int, name string) map[string]any {
		return map[string]any{"id": id, "name": name, "display_name": name, "is_company": true, "parent_id": false,
			"commercial_partner_id": []any{id, name}, "email": false, "phone": false, "mobile": false, "vat": false,
			"ref": false, "country_id": false, "company_id": false, "user_id": false, "active": true,
			"create_date": "2025-01-01 00:00:00", "write_date": "2025-01-02 00:00:00", "customer_rank": 1, "supplier_rank": 0}
	}
	for i := 1; i <= 5; i++ {
		f.data["res.partner"] = append(f.data["res.partner"], partner(i*10, "P"))
	}
	c := f.connect(t, nil)
	ctx := context.Background()

	got, err := Collect(c.Partners(ctx, ListOpts{PageSize: 2, CompanyIDs: []int64{2, 1}, IncludeArchived: true,
		Domain: domain.Cond("is_company", domain.OpEq, true)}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []int64{10, 20, 30, 40, 50}) {
		t.Errorf("ids = %v", ids)
	}
	calls := f.callsTo("res.partner", "search_read")
	if len(calls) != 3 {
		t.Fatalf("%d search_read calls, want 3 (pages of 2, 2, 1)", len(calls))
	}
	for i, call := range calls {
		if call.Named["order"] != "id asc" {
			t.Errorf("page %d order = %v", i, call.Named["order"])
		}
		cx, _ := call.Kwargs["context"].(map[string]any)
		if cx["active_test"] != false || len(cx["allowed_company_ids"].([]any)) != 2 {
			t.Errorf("page %d context = %v", i, cx)
		}
		dom, err := domain.Parse(call.Named["domain"])
		if err != nil || !dom.Mentions("is_company") || !dom.Mentions("id") {
			t.Errorf("page %d domain = %v (%v)", i, call.Named["domain"], err)
		}
	}

	limited, err := Collect(c.Partners(ctx, ListOpts{PageSize: 2, Limit: 3}))
	if err != nil || len(limited) != 3 {
		t.Fatalf("Limit 3 gave %d, %v", len(limited), err)
	}

	// Breaking out of the loop stops paging.
	n := 0
	for _, err := range c.Partners(ctx, ListOpts{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 2 {
			break
		}
	}
	if calls := f.callsTo("res.partner", "search_read"); len(calls) != 3+2+2 {
		t.Errorf("early break made %d calls in total, want 7", len(calls))
	}
}

func TestReaderDecodeErrorStops(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	f.data["res.currency"] = []map[string]any{{"id": 1, "name": "EUR", "symbol": "€", "rate": "not a number", "decimal_places": 2, "rounding": 0.01, "active": true}}
	c := f.connect(t, nil)
	_, err := Collect(c.Currencies(context.Background(), ListOpts{}))
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v, want ErrProtocol naming the field", err)
	}
}

func TestInvoicesByVersion(t *testing.T) {
	t.Parallel()
	base := map[string]any{"id": 1, "name": "INV/2025/0001", "move_type": "out_invoice", "state": "posted", "payment_state": "partial",
		"partner_id": []any{7, "Azure"}, "commercial_partner_id": []any{7, "Azure"}, "currency_id": []any{2, "USD"},
		"company_id": []any{1, "YourCompany"}, "company_currency_id": []any{1, "EUR"}, "journal_id": []any{1, "Customer Invoices"},
		"invoice_user_id": false, "invoice_payment_term_id": false, "reversed_entry_id": false,
		"invoice_date": "2025-01-31", "invoice_date_due": "2025-03-02", "date": "2025-01-31",
		"invoice_origin": false, "ref": false, "payment_reference": "INV/2025/0001",
		"amount_untaxed": 1000.0, "amount_tax": 210.0, "amount_total": 1210.0, "amount_residual": 610.0,
		"amount_untaxed_signed": 920.0, "amount_tax_signed": 193.2, "amount_total_signed": 1113.2,
		"amount_residual_signed": 561.2, "amount_total_in_currency_signed": 1210.0,
		"create_date": "2025-01-31 09:00:00", "write_date": "2025-02-10 09:00:00"}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, v)
			extra := map[string]any{"to_check": true}
			if f.ver().AtLeast(18, 0) {
				extra = map[string]any{"checked": false}
			}
			f.data["account.move"] = []map[string]any{with(base, extra)}
			c := f.connect(t, nil)
			got, err := Collect(c.Invoices(context.Background(), ListOpts{}))
			if err != nil {
				t.Fatal(err)
			}
			inv := got[0]
			if !inv.ToCheck || inv.AmountResidualSigned != 561.2 || inv.InvoiceDateDue.String() != "2025-03-02" || inv.CompanyCurrency.Name != "EUR" || !inv.IsOutbound() {
				t.Errorf("invoice = %+v", inv)
			}
			dom, _ := domain.Parse(f.callsTo("account.move", "search_read")[0].Named["domain"])
			if !dom.Mentions("move_type") {
				t.Errorf("Invoices did not filter on move_type: %v", dom)
			}
		})
	}
}

func TestStockAndSalesByVersion(t *testing.T) {
	t.Parallel()
	move := map[string]any{"id": 1, "product_id": []any{5, "Desk"}, "product_uom_qty": 4.0, "state": "done",
		"date": "2025-02-01 10:00:00", "date_deadline": false, "location_id": []any{8, "WH/Stock"},
		"location_dest_id": []any{9, "Customers"}, "picking_id": []any{3, "WH/OUT/00003"}, "picking_type_id": []any{2, "Delivery"},
		"company_id": []any{1, "YourCompany"}, "origin": "S00012", "reference": "WH/OUT/00003"}
	order := map[string]any{"id": 1, "name": "S00012", "partner_id": []any{7, "Azure"}, "user_id": false, "team_id": false,
		"company_id": []any{1, "YourCompany"}, "currency_id": []any{1, "EUR"}, "date_order": "2025-01-20 08:00:00",
		"validity_date": false, "commitment_date": false, "amount_untaxed": 100.0, "amount_tax": 21.0, "amount_total": 121.0,
		"invoice_status": "invoiced", "origin": false, "client_order_ref": false, "create_date": "2025-01-19 08:00:00"}
	product := map[string]any{"id": 1, "name": "Desk", "display_name": "[D1] Desk", "default_code": "D1", "barcode": false,
		"list_price": 300.0, "lst_price": 300.0, "standard_price": 180.0, "uom_id": []any{1, "Units"},
		"categ_id": []any{1, "All"}, "product_tmpl_id": []any{1, "Desk"}, "company_id": false, "sale_ok": true,
		"purchase_ok": true, "active": true, "qty_available": 12.0, "virtual_available": 8.0}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, v)
			f.modules = append(f.modules, "product")
			slices.Sort(f.modules)
			ver := f.ver()
			switch {
			case ver.AtLeast(17, 0):
				f.data["stock.move"] = []map[string]any{with(move, map[string]any{"quantity": 4.0, "picked": true})}
				f.data["sale.order"] = []map[string]any{with(order, map[string]any{"state": "sale", "locked": true})}
			default:
				f.data["stock.move"] = []map[string]any{with(move, map[string]any{"quantity_done": 4.0})}
				f.data["sale.order"] = []map[string]any{with(order, map[string]any{"state": "done"})}
			}
			uom := "product_uom"
			if ver.AtLeast(19, 0) {
				uom = "product_uom_id"
			}
			f.data["stock.move"][0][uom] = []any{1, "Units"}
			f.on("stock.move.fields_get", func(fakeCall) (any, *fakeErr) {
				out := map[string]any{}
				for k := range f.data["stock.move"][0] {
					out[k] = map[string]any{"type": "char"}
				}
				return out, nil
			})
			if ver.AtLeast(18, 0) {
				f.data["product.product"] = []map[string]any{with(product, map[string]any{"type": "consu", "is_storable": true})}
			} else {
				f.data["product.product"] = []map[string]any{with(product, map[string]any{"type": "product"})}
			}
			c := f.connect(t, nil)
			ctx := context.Background()

			moves, err := Collect(c.StockMoves(ctx, ListOpts{}))
			if err != nil {
				t.Fatal(err)
			}
			if moves[0].Quantity != 4 || moves[0].UoM.Name != "Units" || moves[0].Picked != ver.AtLeast(17, 0) {
				t.Errorf("move = %+v", moves[0])
			}
			orders, err := Collect(c.SaleOrders(ctx, ListOpts{}))
			if err != nil {
				t.Fatal(err)
			}
			if !orders[0].Locked {
				t.Errorf("order = %+v, want Locked", orders[0])
			}
			products, err := Collect(c.Products(ctx, ListOpts{}))
			if err != nil {
				t.Fatal(err)
			}
			if !products[0].Storable || products[0].QtyAvailable != 12 {
				t.Errorf("product = %+v, want Storable", products[0])
			}
		})
	}
}

func TestLeadsWonStatus(t *testing.T) {
	t.Parallel()
	lead := func(id int, stage int, active bool, prob float64) map[string]any {
		return map[string]any{"id": id, "name": "Deal", "type": "opportunity", "stage_id": []any{stage, "S"}, "team_id": false,
			"user_id": false, "partner_id": false, "company_id": []any{1, "YourCompany"}, "probability": prob,
			"expected_revenue": 1000.0, "prorated_revenue": prob * 10, "priority": "1", "date_deadline": false,
			"date_open": false, "date_closed": false, "date_last_stage_update": "2025-01-01 00:00:00",
			"create_date": "2025-01-01 00:00:00", "active": active, "lost_reason_id": false}
	}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, v)
			f.data["crm.stage"] = []map[string]any{
				{"id": 1, "name": "New", "sequence": 1, "is_won": false, "fold": false, "team_id": false},
				{"id": 4, "name": "Won", "sequence": 70, "is_won": true, "fold": false, "team_id": false},
			}
			leads := []map[string]any{lead(1, 1, true, 20), lead(2, 4, true, 100), lead(3, 1, false, 0)}
			if f.ver().AtLeast(19, 0) {
				for i, s := range []string{"pending", "won", "lost"} {
					leads[i]["won_status"] = s
				}
			}
			f.data["crm.lead"] = leads
			c := f.connect(t, nil)
			got, err := Collect(c.Leads(context.Background(), ListOpts{IncludeArchived: true}))
			if err != nil {
				t.Fatal(err)
			}
			var status []string
			for _, l := range got {
				status = append(status, l.WonStatus)
			}
			if !slices.Equal(status, []string{WonStatusPending, WonStatusWon, WonStatusLost}) {
				t.Errorf("won statuses = %v", status)
			}
			stageCalls := len(f.callsTo("crm.stage", "search_read"))
			if f.ver().AtLeast(19, 0) != (stageCalls == 0) {
				t.Errorf("%d crm.stage reads; only 16-18 need them", stageCalls)
			}
		})
	}
}

func TestExpensesAndTasksByVersion(t *testing.T) {
	t.Parallel()
	expense := map[string]any{"id": 1, "name": "Taxi", "employee_id": []any{3, "Marc"}, "product_id": []any{9, "Travel"},
		"date": "2025-02-03", "quantity": 1.0, "currency_id": []any{2, "USD"}, "company_id": []any{1, "YourCompany"},
		"payment_mode": "own_account", "state": "approved"}
	task := map[string]any{"id": 1, "name": "Fix", "project_id": []any{1, "Support"}, "stage_id": []any{2, "In Progress"},
		"partner_id": false, "company_id": []any{1, "YourCompany"}, "user_ids": []any{2, 6}, "priority": "1",
		"date_end": false, "date_last_stage_update": "2025-02-01 08:00:00", "create_date": "2025-01-30 08:00:00", "active": true}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, v)
			ver := f.ver()
			switch {
			case ver.AtLeast(19, 0):
				f.data["hr.expense"] = []map[string]any{with(expense, map[string]any{"price_unit": 50.0, "total_amount_currency": 50.0, "total_amount": 46.0, "approval_state": "approved", "account_move_id": false})}
			case ver.AtLeast(17, 0):
				f.data["hr.expense"] = []map[string]any{with(expense, map[string]any{"price_unit": 50.0, "total_amount_currency": 50.0, "total_amount": 46.0, "sheet_id": []any{4, "Trip"}})}
			default:
				f.data["hr.expense"] = []map[string]any{with(expense, map[string]any{"unit_amount": 50.0, "total_amount": 50.0, "total_amount_company": 46.0, "sheet_id": []any{4, "Trip"}})}
			}
			if ver.AtLeast(17, 0) {
				f.data["project.task"] = []map[string]any{with(task, map[string]any{"date_deadline": "2025-03-01 16:00:00", "state": "01_in_progress", "allocated_hours": 8.0})}
			} else {
				f.data["project.task"] = []map[string]any{with(task, map[string]any{"date_deadline": "2025-03-01", "kanban_state": "normal", "planned_hours": 8.0})}
			}
			c := f.connect(t, nil)
			ctx := context.Background()
			exps, err := Collect(c.Expenses(ctx, ListOpts{}))
			if err != nil {
				t.Fatal(err)
			}
			if e := exps[0]; e.UnitAmount != 50 || e.TotalCurrency != 50 || e.TotalCompany != 46 {
				t.Errorf("expense = %+v", e)
			}
			tasks, err := Collect(c.Tasks(ctx, ListOpts{}))
			if err != nil {
				t.Fatal(err)
			}
			tk := tasks[0]
			if tk.AllocatedHours != 8 || tk.State == "" || tk.Deadline.Format(time.DateOnly) != "2025-03-01" || len(tk.Assignees) != 2 {
				t.Errorf("task = %+v", tk)
			}
		})
	}
}

func TestHelpdeskNeedsModule(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	c := f.connect(t, nil)
	_, err := Collect(c.HelpdeskTickets(context.Background(), ListOpts{}))
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("err = %v, want ErrNotInstalled", err)
	}
	if n := len(f.callsTo("helpdesk.ticket", "search_read")); n != 0 {
		t.Errorf("%d calls made for a module that is not installed", n)
	}

	f2 := newFakeOdoo(t, "17.0")
	f2.modules = append(f2.modules, "helpdesk")
	slices.Sort(f2.modules)
	f2.data["helpdesk.ticket"] = []map[string]any{{"id": 1, "name": "Broken chair", "team_id": []any{1, "Support"},
		"user_id": false, "partner_id": []any{7, "Azure"}, "stage_id": []any{1, "New"}, "priority": "2", "active": true,
		"create_date": "2025-02-01 08:00:00", "sla_fail": true}}
	f2.on("helpdesk.ticket.fields_get", func(fakeCall) (any, *fakeErr) {
		return map[string]any{"name": map[string]any{"type": "char"}, "sla_fail": map[string]any{"type": "boolean"}}, nil
	})
	c2 := f2.connect(t, nil)
	tickets, err := Collect(c2.HelpdeskTickets(context.Background(), ListOpts{}))
	if err != nil || len(tickets) != 1 || !tickets[0].SLAFail || tickets[0].Priority != "2" {
		t.Fatalf("tickets = %+v, %v", tickets, err)
	}
}

func TestReadGroupUniformAcrossVersions(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"17.0", "19.0"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, v)
			f.on("account.move.read_group", func(fc fakeCall) (any, *fakeErr) {
				fields := fc.Named["fields"].([]any)
				if len(fields) != 1 || fields[0] != "a0:sum(amount_total_signed)" || fc.Kwargs["lazy"] != false {
					return nil, &fakeErr{Name: "builtins.ValueError", Message: "unexpected read_group call"}
				}
				return []any{
					map[string]any{"partner_id": []any{7, "Azure"}, "invoice_date:month": "January 2025", "a0": 1500.5, "__count": 3,
						"__range":  map[string]any{"invoice_date:month": map[string]any{"from": "2025-01-01", "to": "2025-02-01"}},
						"__domain": []any{"&", []any{"partner_id", "=", 7}, []any{"state", "=", "posted"}}},
					map[string]any{"partner_id": false, "invoice_date:month": false, "a0": false, "__count": 1,
						"__domain": []any{[]any{"partner_id", "=", false}}},
				}, nil
			})
			f.on("account.move.formatted_read_group", func(fc fakeCall) (any, *fakeErr) {
				aggs := fc.Named["aggregates"].([]any)
				if len(aggs) != 2 || aggs[0] != "__count" || aggs[1] != "amount_total_signed:sum" {
					return nil, &fakeErr{Name: "builtins.ValueError", Message: "unexpected aggregates"}
				}
				return []any{
					map[string]any{"partner_id": []any{7, "Azure"}, "invoice_date:month": []any{"2025-01-01", "January 2025"},
						"amount_total_signed:sum": 1500.5, "__count": 3,
						"__extra_domain": []any{"&", []any{"partner_id", "=", 7}, []any{"invoice_date", ">=", "2025-01-01"}}},
					map[string]any{"partner_id": false, "invoice_date:month": false, "amount_total_signed:sum": false, "__count": 1,
						"__extra_domain": []any{[]any{"partner_id", "=", false}}},
				}, nil
			})
			c := f.connect(t, nil)
			groups, err := c.ReadGroup(context.Background(), "account.move", domain.Cond("state", domain.OpEq, "posted"), ReadGroupParams{
				GroupBy:    []string{"partner_id", "invoice_date:month"},
				Aggregates: []string{"amount_total_signed:sum"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != 2 {
				t.Fatalf("groups = %+v", groups)
			}
			g := groups[0]
			if k := g.Keys["partner_id"]; k.Value != int64(7) || k.Label != "Azure" {
				t.Errorf("partner key = %+v", k)
			}
			if k := g.Keys["invoice_date:month"]; k.Value != "2025-01-01" || k.Label != "January 2025" {
				t.Errorf("month key = %+v", k)
			}
			if s, err := g.Float("amount_total_signed:sum"); err != nil || s != 1500.5 || g.Count != 3 {
				t.Errorf("sum = %v, %v; count %d", s, err, g.Count)
			}
			if !g.Domain.Mentions("partner_id") || !g.Domain.Mentions("state") {
				t.Errorf("group domain = %v", g.Domain)
			}
			empty := groups[1]
			if empty.Keys["partner_id"].Value != nil || empty.Count != 1 {
				t.Errorf("False group = %+v", empty)
			}
			if s, err := empty.Float("amount_total_signed:sum"); err != nil || s != 0 {
				t.Errorf("False sum = %v, %v", s, err)
			}
		})
	}
}

func TestReadGroupRejectsBareAggregate(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "19.0")
	c := f.connect(t, nil)
	_, err := c.ReadGroup(context.Background(), "account.move", domain.True(), ReadGroupParams{Aggregates: []string{"amount_total"}})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
}

func TestJournalBalances(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	f.data["account.journal"] = []map[string]any{
		{"id": 6, "name": "Bank", "code": "BNK1", "type": "bank", "currency_id": false, "company_id": []any{1, "YourCompany"}, "default_account_id": []any{20, "Bank"}, "active": true},
		{"id": 7, "name": "Bank USD", "code": "BNK2", "type": "bank", "currency_id": []any{2, "USD"}, "company_id": []any{1, "YourCompany"}, "default_account_id": []any{21, "Bank USD"}, "active": true},
	}
	f.on("account.move.line.read_group", func(fc fakeCall) (any, *fakeErr) {
		return []any{
			map[string]any{"account_id": []any{20, "Bank"}, "company_id": []any{1, "YourCompany"}, "a0": 5000.0, "a1": 0.0, "__count": 10},
			map[string]any{"account_id": []any{21, "Bank USD"}, "company_id": []any{1, "YourCompany"}, "a0": 920.0, "a1": 1000.0, "__count": 2},
		}, nil
	})
	c := f.connect(t, nil)
	got, err := c.JournalBalances(context.Background(), ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Balance != 5000 || got[0].BalanceCurrency != 5000 || got[1].Balance != 920 || got[1].BalanceCurrency != 1000 {
		t.Errorf("balances = %+v", got)
	}
	dom, _ := domain.Parse(f.callsTo("account.move.line", "read_group")[0].Named["domain"])
	if !dom.Mentions("parent_state") || !dom.Mentions("account_id") {
		t.Errorf("read_group domain = %v", dom)
	}
}

// TestEveryReaderOnEveryVersion runs each reader against an empty model on
// each version, to check that module gating and field lists do not fail.
func TestEveryReaderOnEveryVersion(t *testing.T) {
	t.Parallel()
	models := []string{"res.partner", "res.currency", "res.currency.rate", "account.move", "account.move.line",
		"account.journal", "crm.lead", "crm.stage", "sale.order", "product.product", "stock.quant",
		"stock.warehouse.orderpoint", "stock.move", "stock.picking", "purchase.order", "purchase.order.line",
		"hr.expense", "mail.activity", "project.task", "calendar.event"}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, v)
			f.modules = append(f.modules, "product")
			slices.Sort(f.modules)
			for _, m := range models {
				f.data[m] = nil
			}
			f.on("stock.move.fields_get", func(fakeCall) (any, *fakeErr) { return map[string]any{}, nil })
			c := f.connect(t, nil)
			ctx := context.Background()
			o := ListOpts{}
			errs := map[string]error{}
			_, errs["partners"] = Collect(c.Partners(ctx, o))
			_, errs["currencies"] = Collect(c.Currencies(ctx, o))
			_, errs["rates"] = Collect(c.CurrencyRates(ctx, o))
			_, errs["invoices"] = Collect(c.Invoices(ctx, o))
			_, errs["bills"] = Collect(c.Bills(ctx, o))
			_, errs["moves"] = Collect(c.Moves(ctx, o))
			_, errs["items"] = Collect(c.JournalItems(ctx, o))
			_, errs["journals"] = Collect(c.Journals(ctx, o))
			_, errs["balances"] = c.JournalBalances(ctx, o)
			_, errs["leads"] = Collect(c.Leads(ctx, o))
			_, errs["sale"] = Collect(c.SaleOrders(ctx, o))
			_, errs["products"] = Collect(c.Products(ctx, o))
			_, errs["quants"] = Collect(c.Quants(ctx, o))
			_, errs["orderpoints"] = Collect(c.ReorderingRules(ctx, o))
			_, errs["moves"] = Collect(c.StockMoves(ctx, o))
			_, errs["pickings"] = Collect(c.Pickings(ctx, o))
			_, errs["po"] = Collect(c.PurchaseOrders(ctx, o))
			_, errs["pol"] = Collect(c.PurchaseOrderLines(ctx, o))
			_, errs["expenses"] = Collect(c.Expenses(ctx, o))
			_, errs["activities"] = Collect(c.Activities(ctx, o))
			_, errs["tasks"] = Collect(c.Tasks(ctx, o))
			_, errs["events"] = Collect(c.CalendarEvents(ctx, o))
			for name, err := range errs {
				if err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		})
	}
}
