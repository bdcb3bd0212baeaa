package odoo

import (
	"context"
	"iter"
	"time"
)

// SaleOrder is a sale.order. Amounts are in the document currency.
type SaleOrder struct {
	ID   int64
	Name string
	// State is draft, sent, sale or cancel (and done on 16, which Locked
	// reports too).
	State string
	// Locked is the locked field on 17+, and state == "done" on 16.
	Locked         bool
	Partner        Many2One
	Salesperson    Many2One // user_id
	Team           Many2One
	Company        Many2One
	Currency       Many2One
	DateOrder      time.Time
	ValidityDate   Date
	CommitmentDate time.Time
	AmountUntaxed  float64
	AmountTax      float64
	AmountTotal    float64
	InvoiceStatus  string // upselling, invoiced, to invoice, no
	Origin         string
	ClientOrderRef string
	CreateDate     time.Time
}

// SaleOrders reads sale.order records.
func (c *Client) SaleOrders(ctx context.Context, opts ListOpts) iter.Seq2[SaleOrder, error] {
	return list(c, ctx, readerSpec[SaleOrder]{
		model:   "sale.order",
		modules: []string{"sale"},
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "state", "partner_id", "user_id", "team_id", "company_id", "currency_id",
				"date_order", "validity_date", "commitment_date", "amount_untaxed", "amount_tax",
				"amount_total", "invoice_status", "origin", "client_order_ref", "create_date"}
			if info.Version.AtLeast(17, 0) {
				f = append(f, "locked")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) SaleOrder {
			o := SaleOrder{
				ID:             d.id(),
				Name:           d.str("name"),
				State:          d.str("state"),
				Partner:        d.m2o("partner_id"),
				Salesperson:    d.m2o("user_id"),
				Team:           d.m2o("team_id"),
				Company:        d.m2o("company_id"),
				Currency:       d.m2o("currency_id"),
				DateOrder:      d.datetime("date_order"),
				ValidityDate:   d.date("validity_date"),
				CommitmentDate: d.datetime("commitment_date"),
				AmountUntaxed:  d.float("amount_untaxed"),
				AmountTax:      d.float("amount_tax"),
				AmountTotal:    d.float("amount_total"),
				InvoiceStatus:  d.str("invoice_status"),
				Origin:         d.str("origin"),
				ClientOrderRef: d.str("client_order_ref"),
				CreateDate:     d.datetime("create_date"),
			}
			if d.has("locked") {
				o.Locked = d.bool("locked")
			} else {
				o.Locked = o.State == "done"
			}
			return o
		},
	}, opts)
}
