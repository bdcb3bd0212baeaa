package odoo

import (
	"context"
	"iter"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// Move types of account.move.
const (
	MoveTypeEntry      = "entry"
	MoveTypeOutInvoice = "out_invoice" // customer invoice
	MoveTypeOutRefund  = "out_refund"  // customer credit note
	MoveTypeInInvoice  = "in_invoice"  // vendor bill
	MoveTypeInRefund   = "in_refund"   // vendor credit note
	MoveTypeOutReceipt = "out_receipt"
	MoveTypeInReceipt  = "in_receipt"
)

// Invoice is an account.move: a customer invoice, a vendor bill, a credit
// note or, through Moves, any journal entry.
//
// Amounts without a suffix are in the document currency (Currency) and
// unsigned. Amounts ending in Signed are in the company currency, negative
// for vendor bills and credit notes; only those may be summed across
// documents.
type Invoice struct {
	ID int64
	// Name is the sequence number; "/" or empty on drafts.
	Name string
	// MoveType is one of the MoveType* constants.
	MoveType string
	// State is draft, posted or cancel.
	State string
	// PaymentState is not_paid, in_payment, paid, partial, reversed,
	// invoicing_legacy, or blocked (18+).
	PaymentState      string
	Partner           Many2One
	CommercialPartner Many2One
	Currency          Many2One
	Company           Many2One
	CompanyCurrency   Many2One
	Journal           Many2One
	Salesperson       Many2One // invoice_user_id
	PaymentTerm       Many2One
	ReversedEntry     Many2One
	InvoiceDate       Date // zero on drafts until set
	InvoiceDateDue    Date
	Date              Date // accounting date
	Origin            string
	Ref               string
	PaymentReference  string

	AmountUntaxed  float64
	AmountTax      float64
	AmountTotal    float64
	AmountResidual float64

	AmountUntaxedSigned  float64
	AmountTaxSigned      float64
	AmountTotalSigned    float64
	AmountResidualSigned float64
	// AmountTotalInCurrencySigned is in the document currency, signed.
	AmountTotalInCurrencySigned float64

	// ToCheck is to_check on 16/17 and the negation of checked on 18+.
	ToCheck    bool
	CreateDate time.Time
	WriteDate  time.Time
}

// IsOutbound reports whether the move is a customer document (invoice,
// credit note, receipt).
func (m Invoice) IsOutbound() bool {
	return m.MoveType == MoveTypeOutInvoice || m.MoveType == MoveTypeOutRefund || m.MoveType == MoveTypeOutReceipt
}

// IsRefund reports whether the move is a credit note.
func (m Invoice) IsRefund() bool {
	return m.MoveType == MoveTypeOutRefund || m.MoveType == MoveTypeInRefund
}

func moveSpec(dom domain.Domain) readerSpec[Invoice] {
	return readerSpec[Invoice]{
		model:   "account.move",
		modules: []string{"account"},
		fields: func(info *ServerInfo) []string {
			return []string{"name", "move_type", "state", "payment_state", "partner_id",
				"commercial_partner_id", "currency_id", "company_id", "company_currency_id",
				"journal_id", "invoice_user_id", "invoice_payment_term_id", "reversed_entry_id",
				"invoice_date", "invoice_date_due", "date", "invoice_origin", "ref", "payment_reference",
				"amount_untaxed", "amount_tax", "amount_total", "amount_residual",
				"amount_untaxed_signed", "amount_tax_signed", "amount_total_signed",
				"amount_residual_signed", "amount_total_in_currency_signed",
				pick(info.Version.AtLeast(18, 0), "checked", "to_check"),
				"create_date", "write_date"}
		},
		domain: func(*ServerInfo) domain.Domain { return dom },
		decode: func(d *recordDecoder, _ *ServerInfo) Invoice {
			m := Invoice{
				ID:                          d.id(),
				Name:                        d.str("name"),
				MoveType:                    d.str("move_type"),
				State:                       d.str("state"),
				PaymentState:                d.str("payment_state"),
				Partner:                     d.m2o("partner_id"),
				CommercialPartner:           d.m2o("commercial_partner_id"),
				Currency:                    d.m2o("currency_id"),
				Company:                     d.m2o("company_id"),
				CompanyCurrency:             d.m2o("company_currency_id"),
				Journal:                     d.m2o("journal_id"),
				Salesperson:                 d.m2o("invoice_user_id"),
				PaymentTerm:                 d.m2o("invoice_payment_term_id"),
				ReversedEntry:               d.m2o("reversed_entry_id"),
				InvoiceDate:                 d.date("invoice_date"),
				InvoiceDateDue:              d.date("invoice_date_due"),
				Date:                        d.date("date"),
				Origin:                      d.str("invoice_origin"),
				Ref:                         d.str("ref"),
				PaymentReference:            d.str("payment_reference"),
				AmountUntaxed:               d.float("amount_untaxed"),
				AmountTax:                   d.float("amount_tax"),
				AmountTotal:                 d.float("amount_total"),
				AmountResidual:              d.float("amount_residual"),
				AmountUntaxedSigned:         d.float("amount_untaxed_signed"),
				AmountTaxSigned:             d.float("amount_tax_signed"),
				AmountTotalSigned:           d.float("amount_total_signed"),
				AmountResidualSigned:        d.float("amount_residual_signed"),
				AmountTotalInCurrencySigned: d.float("amount_total_in_currency_signed"),
				CreateDate:                  d.datetime("create_date"),
				WriteDate:                   d.datetime("write_date"),
			}
			if d.has("checked") {
				m.ToCheck = !d.bool("checked")
			} else {
				m.ToCheck = d.bool("to_check")
			}
			return m
		},
	}
}

// Invoices reads customer invoices and credit notes (move_type out_invoice
// and out_refund), in every state; add conditions such as
// domain.Cond("state", domain.OpEq, "posted") with opts.Domain.
func (c *Client) Invoices(ctx context.Context, opts ListOpts) iter.Seq2[Invoice, error] {
	return list(c, ctx, moveSpec(domain.Cond("move_type", domain.OpIn, []string{MoveTypeOutInvoice, MoveTypeOutRefund})), opts)
}

// Bills reads vendor bills and vendor credit notes (move_type in_invoice
// and in_refund).
func (c *Client) Bills(ctx context.Context, opts ListOpts) iter.Seq2[Invoice, error] {
	return list(c, ctx, moveSpec(domain.Cond("move_type", domain.OpIn, []string{MoveTypeInInvoice, MoveTypeInRefund})), opts)
}

// Moves reads account.move records of any type, filtered by opts.Domain
// only.
func (c *Client) Moves(ctx context.Context, opts ListOpts) iter.Seq2[Invoice, error] {
	return list(c, ctx, moveSpec(domain.True()), opts)
}
