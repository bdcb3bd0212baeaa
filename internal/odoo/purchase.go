package odoo

import (
	"context"
	"iter"
	"time"
)

// PurchaseOrder is a purchase.order. Amounts are in the document currency.
type PurchaseOrder struct {
	ID   int64
	Name string
	// State is draft, sent, to approve, purchase or cancel (and done on
	// 16-18, which Locked reports too).
	State string
	// Locked is the locked field on 19, and state == "done" on 16-18.
	Locked        bool
	Partner       Many2One
	PartnerRef    string
	Buyer         Many2One // user_id
	Company       Many2One
	Currency      Many2One
	DateOrder     time.Time
	DateApprove   time.Time
	DatePlanned   time.Time
	EffectiveDate time.Time // first receipt done (purchase_stock)
	AmountUntaxed float64
	AmountTax     float64
	AmountTotal   float64
	// InvoiceStatus is no, to invoice or invoiced.
	InvoiceStatus string
	// ReceiptStatus is pending, partial or full; empty unless confirmed,
	// and on 16-18 without purchase_stock.
	ReceiptStatus string
	Origin        string
	Priority      string
	CreateDate    time.Time
}

// PurchaseOrders reads purchase.order records.
func (c *Client) PurchaseOrders(ctx context.Context, opts ListOpts) iter.Seq2[PurchaseOrder, error] {
	return list(c, ctx, readerSpec[PurchaseOrder]{
		model:   "purchase.order",
		modules: []string{"purchase"},
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "state", "partner_id", "partner_ref", "user_id", "company_id", "currency_id",
				"date_order", "date_approve", "date_planned", "amount_untaxed", "amount_tax", "amount_total",
				"invoice_status", "origin", "priority", "create_date"}
			v19 := info.Version.AtLeast(19, 0)
			if v19 {
				f = append(f, "locked")
			}
			if v19 || info.HasModule("purchase_stock") {
				f = append(f, "receipt_status")
			}
			if info.HasModule("purchase_stock") {
				f = append(f, "effective_date")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) PurchaseOrder {
			o := PurchaseOrder{
				ID:            d.id(),
				Name:          d.str("name"),
				State:         d.str("state"),
				Partner:       d.m2o("partner_id"),
				PartnerRef:    d.str("partner_ref"),
				Buyer:         d.m2o("user_id"),
				Company:       d.m2o("company_id"),
				Currency:      d.m2o("currency_id"),
				DateOrder:     d.datetime("date_order"),
				DateApprove:   d.datetime("date_approve"),
				DatePlanned:   d.datetime("date_planned"),
				EffectiveDate: d.optDatetime("effective_date"),
				AmountUntaxed: d.float("amount_untaxed"),
				AmountTax:     d.float("amount_tax"),
				AmountTotal:   d.float("amount_total"),
				InvoiceStatus: d.str("invoice_status"),
				ReceiptStatus: d.optStr("receipt_status"),
				Origin:        d.str("origin"),
				Priority:      d.str("priority"),
				CreateDate:    d.datetime("create_date"),
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

// PurchaseOrderLine is a purchase.order.line.
type PurchaseOrderLine struct {
	ID      int64
	Order   Many2One
	Product Many2One
	Name    string
	// Quantity is product_qty, in UoM.
	Quantity float64
	// QuantityProductUoM is product_uom_qty, in the product's unit.
	QuantityProductUoM float64
	// UoM is product_uom on 16-18 and product_uom_id on 19.
	UoM           Many2One
	PriceUnit     float64
	PriceSubtotal float64
	PriceTotal    float64
	Currency      Many2One
	DatePlanned   time.Time
	QtyReceived   float64
	QtyInvoiced   float64
	DisplayType   string
	Company       Many2One
}

// PurchaseOrderLines reads purchase.order.line records; filter by order
// with domain.Cond("order_id", domain.OpIn, ids) in opts.Domain.
func (c *Client) PurchaseOrderLines(ctx context.Context, opts ListOpts) iter.Seq2[PurchaseOrderLine, error] {
	return list(c, ctx, readerSpec[PurchaseOrderLine]{
		model:   "purchase.order.line",
		modules: []string{"purchase"},
		fields: func(info *ServerInfo) []string {
			return []string{"order_id", "product_id", "name", "product_qty", "product_uom_qty",
				pick(info.Version.AtLeast(19, 0), "product_uom_id", "product_uom"),
				"price_unit", "price_subtotal", "price_total", "currency_id", "date_planned",
				"qty_received", "qty_invoiced", "display_type", "company_id"}
		},
		decode: func(d *recordDecoder, info *ServerInfo) PurchaseOrderLine {
			return PurchaseOrderLine{
				ID:                 d.id(),
				Order:              d.m2o("order_id"),
				Product:            d.m2o("product_id"),
				Name:               d.str("name"),
				Quantity:           d.float("product_qty"),
				QuantityProductUoM: d.float("product_uom_qty"),
				UoM:                d.m2o(pick(info.Version.AtLeast(19, 0), "product_uom_id", "product_uom")),
				PriceUnit:          d.float("price_unit"),
				PriceSubtotal:      d.float("price_subtotal"),
				PriceTotal:         d.float("price_total"),
				Currency:           d.m2o("currency_id"),
				DatePlanned:        d.datetime("date_planned"),
				QtyReceived:        d.float("qty_received"),
				QtyInvoiced:        d.float("qty_invoiced"),
				DisplayType:        d.str("display_type"),
				Company:            d.m2o("company_id"),
			}
		},
	}, opts)
}
