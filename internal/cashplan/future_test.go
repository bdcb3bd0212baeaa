package cashplan_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestFutureDatedItems checks that what is dated after Today (the demo
// company's invoices prepared ahead, plus a vendor bill dated in five days
// and a bank fee dated in three, both entered today) is not in the opening
// cash, which equals the finance analyzer's cash position, and comes into
// the forecast: the bank line on its date, the invoices and the bill as
// open documents.
func TestFutureDatedItems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	day := func(n int) string { return today.AddDate(0, 0, n).Format(dataset.DateLayout) }
	created := today.Format(dataset.DatetimeLayout)
	var bank, purchase, bankAcc, payable, expense, vendor int64
	for _, j := range ds.Records("account.journal") {
		switch j.Str("type") {
		case "bank":
			bank, bankAcc = j.ID(), j.M2O("default_account_id")
		case "purchase":
			purchase = j.ID()
		}
	}
	for _, a := range ds.Records("account.account") {
		switch a.Str("account_type") {
		case "liability_payable":
			payable = a.ID()
		case "expense":
			expense = a.ID()
		}
	}
	var ahead []int64
	for _, m := range ds.Records("account.move") {
		if m.Str("move_type") == "in_invoice" && vendor == 0 {
			vendor = m.M2O("partner_id")
		}
		if m.Str("move_type") == "out_invoice" && m.Str("date") > today.Format(dataset.DateLayout) {
			ahead = append(ahead, m.ID())
		}
	}
	if bank == 0 || purchase == 0 || payable == 0 || expense == 0 || vendor == 0 || len(ahead) == 0 {
		t.Fatalf("demo company lacks a journal, account, vendor or invoice prepared ahead: %d %d %d %d %d %v", bank, purchase, payable, expense, vendor, ahead)
	}
	add := func(model string, r dataset.Record) int64 {
		r["create_date"], r["write_date"] = created, created
		id, err := ds.Add(model, r)
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		return id
	}
	line := func(move int64, date string, account, partner int64, balance, residual float64, maturity any) {
		add("account.move.line", dataset.Record{"move_id": move, "date": date, "company_id": int64(1), "account_id": account,
			"account_type": ds.Get("account.account", account).Str("account_type"), "partner_id": partner,
			"balance": balance, "debit": max(balance, 0), "credit": max(-balance, 0), "amount_residual": residual, "parent_state": "posted",
			"date_maturity": maturity, "name": "future"})
	}
	bill := add("account.move", dataset.Record{"name": "BILL/FUTURE/1", "move_type": "in_invoice", "state": "posted", "partner_id": vendor,
		"commercial_partner_id": vendor, "company_id": int64(1), "journal_id": purchase, "date": day(5), "invoice_date": day(5),
		"invoice_date_due": day(20), "amount_total": 4321.0, "amount_total_signed": -4321.0, "amount_residual": 4321.0,
		"amount_residual_signed": -4321.0, "payment_state": "not_paid"})
	line(bill, day(5), payable, vendor, -4321, -4321, day(20))
	line(bill, day(5), expense, vendor, 4321, 0, false)
	fee := add("account.move", dataset.Record{"name": "BNK/FUTURE/1", "move_type": "entry", "state": "posted", "company_id": int64(1),
		"journal_id": bank, "date": day(3)})
	line(fee, day(3), bankAcc, 0, -1234, 0, false)
	line(fee, day(3), expense, 0, 1234, 0, false)
	ds.Reindex()

	s := storetest.Open(t, store.SQLite)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo", OdooURL: "http://odoo.test", OdooDatabase: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, s, conn.ID, ds, today)
	plan, err := cashplan.New(s, func() time.Time { return today }).Plan(ctx, conn.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	c := plan.Company(1)
	res, err := finance.New().Analyze(ctx, &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(today)})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Metrics {
		if m.Name == "finance.cash.position" && m.CompanyID == 1 && math.Abs(m.Value-c.OpeningCash) >= 0.005 {
			t.Errorf("opening cash %v, finance cash position %v", c.OpeningCash, m.Value)
		}
	}
	found := map[int64]forecast.Item{}
	for _, list := range [][]forecast.Item{c.Items, c.Doubtful} {
		for _, it := range list {
			if it.Model == "account.move" {
				found[it.ID] = it
			}
		}
	}
	if it, ok := found[fee]; !ok || it.Layer != forecast.LayerBank || it.Amount != -1234 || it.Date.String() != day(3) {
		t.Errorf("bank fee in the forecast: %+v (found %v), want -1234 on %s", it, ok, day(3))
	}
	if it, ok := found[bill]; !ok || it.Layer != forecast.LayerBill || it.Amount != -4321 || it.Date.String() <= today.Format(dataset.DateLayout) {
		t.Errorf("future bill in the forecast: %+v (found %v), want -4321 after Today", it, ok)
	}
	for _, id := range ahead {
		inv := ds.Get("account.move", id)
		if it, ok := found[id]; !ok || it.Amount != inv.Float("amount_total_signed") || it.Date.String() <= today.Format(dataset.DateLayout) {
			t.Errorf("invoice prepared ahead %s in the forecast: %+v (found %v), want %v after Today", inv.Str("name"), it, ok, inv.Float("amount_total_signed"))
		}
	}
}
