package odoo

import (
	"context"
	"iter"
)

// Expense is an hr.expense, with amounts named the same on every version.
type Expense struct {
	ID       int64
	Name     string
	Employee Many2One
	// Product is the expense category.
	Product  Many2One
	Date     Date
	Quantity float64
	// UnitAmount is unit_amount on 16 and price_unit on 17+.
	UnitAmount float64
	// TotalCurrency is the total in the expense currency (Currency):
	// total_amount on 16, total_amount_currency on 17+.
	TotalCurrency float64
	// TotalCompany is the total in the company currency:
	// total_amount_company on 16, total_amount on 17+.
	TotalCompany float64
	Currency     Many2One
	Company      Many2One
	// PaymentMode is own_account (reimburse the employee) or
	// company_account.
	PaymentMode string
	// State differs by version: 16 draft, reported, approved, done,
	// refused; 17/18 add submitted; 19 draft, submitted, approved, posted,
	// in_payment, paid, refused.
	State string
	// ApprovalState is submitted, approved or refused (19+ only).
	ApprovalState string
	// Sheet is the expense report (16-18; 19 has no reports).
	Sheet Many2One
	// Move is the journal entry of the expense (19+; on 16-18 it hangs on
	// the sheet).
	Move Many2One
}

// Expenses reads hr.expense records.
func (c *Client) Expenses(ctx context.Context, opts ListOpts) iter.Seq2[Expense, error] {
	return list(c, ctx, readerSpec[Expense]{
		model:   "hr.expense",
		modules: []string{"hr_expense"},
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "employee_id", "product_id", "date", "quantity", "currency_id",
				"company_id", "payment_mode", "state"}
			switch {
			case info.Version.AtLeast(19, 0):
				f = append(f, "price_unit", "total_amount_currency", "total_amount", "approval_state", "account_move_id")
			case info.Version.AtLeast(17, 0):
				f = append(f, "price_unit", "total_amount_currency", "total_amount", "sheet_id")
			default:
				f = append(f, "unit_amount", "total_amount", "total_amount_company", "sheet_id")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) Expense {
			e := Expense{
				ID:            d.id(),
				Name:          d.str("name"),
				Employee:      d.m2o("employee_id"),
				Product:       d.m2o("product_id"),
				Date:          d.date("date"),
				Quantity:      d.float("quantity"),
				Currency:      d.m2o("currency_id"),
				Company:       d.m2o("company_id"),
				PaymentMode:   d.str("payment_mode"),
				State:         d.str("state"),
				ApprovalState: d.optStr("approval_state"),
				Sheet:         d.optM2O("sheet_id"),
				Move:          d.optM2O("account_move_id"),
			}
			if d.has("total_amount_company") {
				e.UnitAmount = d.float("unit_amount")
				e.TotalCurrency = d.float("total_amount")
				e.TotalCompany = d.float("total_amount_company")
			} else {
				e.UnitAmount = d.float("price_unit")
				e.TotalCurrency = d.float("total_amount_currency")
				e.TotalCompany = d.float("total_amount")
			}
			return e
		},
	}, opts)
}
