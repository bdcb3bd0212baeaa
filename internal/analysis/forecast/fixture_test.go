package forecast_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Accounts of the hand-made company.
const (
	accBank       = 10
	accReceivable = 11
	accPayable    = 12
	accIncome     = 13
	accExpense    = 14
	accCapital    = 15
	accSalaries   = 620
	accTax        = 621
)

// books builds a small company's records by hand: EUR, one bank journal,
// invoices, bills, payments matched by matching number, direct bank
// entries, orders and opportunities.
type books struct {
	t    *testing.T
	recs analysis.MapSource
	ids  map[string]int64
	// term maps an invoice to its receivable/payable line.
	term map[int64]odoo.Record
}

func newBooks(t *testing.T, opening float64) *books {
	b := &books{t: t, recs: analysis.MapSource{}, ids: map[string]int64{}, term: map[int64]odoo.Record{}}
	for _, m := range []string{"account.move", "account.move.line", "account.payment", "sale.order", "purchase.order", "crm.lead", "res.partner", "account.payment.term"} {
		b.recs[m] = nil
	}
	b.add("res.currency", odoo.Record{"name": "EUR"})
	b.add("res.company", odoo.Record{"name": "Handmade GmbH", "currency_id": []any{int64(1), "EUR"}})
	b.add("account.journal", odoo.Record{"name": "Bank", "type": "bank", "company_id": int64(1), "default_account_id": int64(accBank)})
	b.add("account.payment.term", odoo.Record{"name": "30 days", "days": int64(30)})
	b.entry("2024-01-01", "2024-01-01", opening, accCapital, "Opening balance")
	return b
}

func (b *books) add(model string, r odoo.Record) int64 {
	b.ids[model]++
	id := b.ids[model]
	r["id"] = id
	b.recs[model] = append(b.recs[model], r)
	return id
}

func created(date string) string { return date + " 10:00:00" }

// entry books a direct bank entry (no payment, no invoice): amount on the
// bank, the opposite on account.
func (b *books) entry(date, createdOn string, amount float64, account int64, label string) int64 {
	mv := b.add("account.move", odoo.Record{"name": "MISC/" + date, "move_type": "entry", "state": "posted", "date": date, "company_id": int64(1),
		"create_date": created(createdOn)})
	b.add("account.move.line", odoo.Record{"move_id": mv, "account_id": int64(accBank), "account_type": "asset_cash", "balance": amount, "date": date,
		"company_id": int64(1), "parent_state": "posted", "name": label, "payment_id": false, "create_date": created(createdOn)})
	b.add("account.move.line", odoo.Record{"move_id": mv, "account_id": account, "account_type": "expense", "balance": -amount, "date": date,
		"company_id": int64(1), "parent_state": "posted", "name": label, "create_date": created(createdOn)})
	return mv
}

// invoice posts a customer invoice (out_invoice) or vendor bill
// (in_invoice) of amount due on due, and returns its id.
func (b *books) invoice(moveType string, partner int64, date, due string, amount float64) int64 {
	sign, acc, accType, other := 1.0, int64(accReceivable), "asset_receivable", int64(accIncome)
	if moveType == "in_invoice" {
		sign, acc, accType, other = -1, accPayable, "liability_payable", accExpense
	}
	name := fmt.Sprintf("%s/%d", moveType, b.ids["account.move"]+1)
	mv := b.add("account.move", odoo.Record{"name": name, "move_type": moveType, "state": "posted", "date": date, "invoice_date": date,
		"invoice_date_due": due, "partner_id": partner, "commercial_partner_id": partner, "company_id": int64(1), "create_date": created(date),
		"amount_residual": amount, "invoice_origin": false})
	l := odoo.Record{"move_id": mv, "account_id": acc, "account_type": accType, "balance": sign * amount, "amount_residual": sign * amount,
		"date": date, "date_maturity": due, "partner_id": partner, "company_id": int64(1), "parent_state": "posted", "matching_number": false,
		"create_date": created(date)}
	b.add("account.move.line", l)
	b.add("account.move.line", odoo.Record{"move_id": mv, "account_id": other, "account_type": "income", "balance": -sign * amount, "date": date,
		"company_id": int64(1), "parent_state": "posted", "create_date": created(date)})
	b.term[mv] = l
	return mv
}

// pay registers a payment of amount for invoice on date, on the bank,
// reconciled with the invoice.
func (b *books) pay(invoice int64, date string, amount float64) {
	l := b.term[invoice]
	sign := 1.0
	if l["account_type"] == "liability_payable" {
		sign = -1
	}
	mv := b.add("account.move", odoo.Record{"name": "PAY/" + date, "move_type": "entry", "state": "posted", "date": date, "company_id": int64(1),
		"create_date": created(date)})
	pay := b.add("account.payment", odoo.Record{"move_id": mv, "state": "paid", "is_matched": true, "date": date, "amount": amount,
		"amount_company_currency_signed": sign * amount, "company_id": int64(1), "journal_id": int64(1), "create_date": created(date)})
	b.add("account.move.line", odoo.Record{"move_id": mv, "account_id": int64(accBank), "account_type": "asset_cash", "balance": sign * amount,
		"date": date, "company_id": int64(1), "parent_state": "posted", "payment_id": pay, "create_date": created(date)})
	num := "A" + strconv.FormatInt(invoice, 10)
	l["matching_number"] = num
	l["amount_residual"] = l["amount_residual"].(float64) - sign*amount
	b.add("account.move.line", odoo.Record{"move_id": mv, "account_id": l["account_id"], "account_type": l["account_type"], "balance": -sign * amount,
		"date": date, "company_id": int64(1), "parent_state": "posted", "payment_id": pay, "matching_number": num, "create_date": created(date)})
}

// paidInvoice posts an invoice or bill and pays it whole on paid.
func (b *books) paidInvoice(moveType string, partner int64, date, due, paid string, amount float64) int64 {
	id := b.invoice(moveType, partner, date, due, amount)
	b.pay(id, paid, amount)
	return id
}

func date(s string) odoo.Date {
	d, err := odoo.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// setCreated sets when a journal entry and its items were entered.
func (b *books) setCreated(move int64, on string) {
	for _, r := range b.recs["account.move"] {
		if r["id"] == move {
			r["create_date"] = created(on)
		}
	}
	for _, r := range b.recs["account.move.line"] {
		if r["move_id"] == move {
			r["create_date"] = created(on)
		}
	}
}
