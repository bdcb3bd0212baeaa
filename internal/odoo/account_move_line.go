package odoo

import (
	"context"
	"iter"
)

// JournalItem is an account.move.line. Debit, Credit, Balance and
// AmountResidual are in the company currency; AmountCurrency and
// AmountResidualCurrency in the line's Currency.
type JournalItem struct {
	ID       int64
	Move     Many2One
	MoveName string
	// Date is the move's accounting date.
	Date Date
	// DateMaturity is the due date of receivable and payable lines.
	DateMaturity Date
	Journal      Many2One
	Company      Many2One
	Account      Many2One
	// AccountType is the account's type: asset_receivable,
	// liability_payable, asset_cash, income, expense...
	AccountType string
	Partner     Many2One
	// Name is the label.
	Name                   string
	Debit                  float64
	Credit                 float64
	Balance                float64
	AmountCurrency         float64
	Currency               Many2One
	AmountResidual         float64
	AmountResidualCurrency float64
	Reconciled             bool
	FullReconcile          Many2One
	MatchingNumber         string
	// ParentState is the move's state; reports use posted lines only.
	ParentState string
	// DisplayType is product, tax, payment_term, line_section...
	DisplayType string
}

// JournalItems reads account.move.line records. Reports should add
// domain.Cond("parent_state", domain.OpEq, "posted") to opts.Domain;
// receivables are domain.Cond("account_type", domain.OpEq, "asset_receivable").
func (c *Client) JournalItems(ctx context.Context, opts ListOpts) iter.Seq2[JournalItem, error] {
	return list(c, ctx, readerSpec[JournalItem]{
		model:   "account.move.line",
		modules: []string{"account"},
		fields: fieldsFor("move_id", "move_name", "date", "date_maturity", "journal_id", "company_id",
			"account_id", "account_type", "partner_id", "name", "debit", "credit", "balance",
			"amount_currency", "currency_id", "amount_residual", "amount_residual_currency",
			"reconciled", "full_reconcile_id", "matching_number", "parent_state", "display_type"),
		decode: func(d *recordDecoder, _ *ServerInfo) JournalItem {
			return JournalItem{
				ID:                     d.id(),
				Move:                   d.m2o("move_id"),
				MoveName:               d.str("move_name"),
				Date:                   d.date("date"),
				DateMaturity:           d.date("date_maturity"),
				Journal:                d.m2o("journal_id"),
				Company:                d.m2o("company_id"),
				Account:                d.m2o("account_id"),
				AccountType:            d.str("account_type"),
				Partner:                d.m2o("partner_id"),
				Name:                   d.str("name"),
				Debit:                  d.float("debit"),
				Credit:                 d.float("credit"),
				Balance:                d.float("balance"),
				AmountCurrency:         d.float("amount_currency"),
				Currency:               d.m2o("currency_id"),
				AmountResidual:         d.float("amount_residual"),
				AmountResidualCurrency: d.float("amount_residual_currency"),
				Reconciled:             d.bool("reconciled"),
				FullReconcile:          d.m2o("full_reconcile_id"),
				MatchingNumber:         d.str("matching_number"),
				ParentState:            d.str("parent_state"),
				DisplayType:            d.str("display_type"),
			}
		},
	}, opts)
}
