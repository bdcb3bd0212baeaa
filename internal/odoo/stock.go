package odoo

import (
	"context"
	"iter"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// Quant is a stock.quant: stock of a product in a location.
type Quant struct {
	ID                int64
	Product           Many2One
	Location          Many2One
	Lot               Many2One
	Company           Many2One
	Quantity          float64 // on hand
	ReservedQuantity  float64
	AvailableQuantity float64
	InDate            time.Time
}

// Quants reads stock.quant records in internal locations (on-hand stock);
// opts.Domain narrows them further.
func (c *Client) Quants(ctx context.Context, opts ListOpts) iter.Seq2[Quant, error] {
	return list(c, ctx, readerSpec[Quant]{
		model:   "stock.quant",
		modules: []string{"stock"},
		fields: fieldsFor("product_id", "location_id", "lot_id", "company_id", "quantity",
			"reserved_quantity", "available_quantity", "in_date"),
		domain: func(*ServerInfo) domain.Domain { return domain.Cond("location_id.usage", domain.OpEq, "internal") },
		decode: func(d *recordDecoder, _ *ServerInfo) Quant {
			return Quant{
				ID:                d.id(),
				Product:           d.m2o("product_id"),
				Location:          d.m2o("location_id"),
				Lot:               d.m2o("lot_id"),
				Company:           d.m2o("company_id"),
				Quantity:          d.float("quantity"),
				ReservedQuantity:  d.float("reserved_quantity"),
				AvailableQuantity: d.float("available_quantity"),
				InDate:            d.datetime("in_date"),
			}
		},
	}, opts)
}

// ReorderingRule is a stock.warehouse.orderpoint.
type ReorderingRule struct {
	ID          int64
	Product     Many2One
	Warehouse   Many2One
	Location    Many2One
	Company     Many2One
	MinQty      float64
	MaxQty      float64
	QtyMultiple float64
	// Trigger is auto or manual.
	Trigger      string
	QtyForecast  float64
	QtyToOrder   float64
	SnoozedUntil Date
	Active       bool
}

// ReorderingRules reads stock.warehouse.orderpoint records.
func (c *Client) ReorderingRules(ctx context.Context, opts ListOpts) iter.Seq2[ReorderingRule, error] {
	return list(c, ctx, readerSpec[ReorderingRule]{
		model:   "stock.warehouse.orderpoint",
		modules: []string{"stock"},
		fields: fieldsFor("product_id", "warehouse_id", "location_id", "company_id", "product_min_qty",
			"product_max_qty", "qty_multiple", "trigger", "qty_forecast", "qty_to_order", "snoozed_until", "active"),
		decode: func(d *recordDecoder, _ *ServerInfo) ReorderingRule {
			return ReorderingRule{
				ID:           d.id(),
				Product:      d.m2o("product_id"),
				Warehouse:    d.m2o("warehouse_id"),
				Location:     d.m2o("location_id"),
				Company:      d.m2o("company_id"),
				MinQty:       d.float("product_min_qty"),
				MaxQty:       d.float("product_max_qty"),
				QtyMultiple:  d.float("qty_multiple"),
				Trigger:      d.str("trigger"),
				QtyForecast:  d.float("qty_forecast"),
				QtyToOrder:   d.float("qty_to_order"),
				SnoozedUntil: d.date("snoozed_until"),
				Active:       d.bool("active"),
			}
		},
	}, opts)
}

// StockMove is a stock.move.
type StockMove struct {
	ID      int64
	Product Many2One
	// Demand is product_uom_qty, in UoM.
	Demand float64
	UoM    Many2One
	// Quantity is the done (or picked) quantity: quantity_done on 16,
	// quantity on 17+.
	Quantity float64
	// Picked is the picked flag (17+; false on 16).
	Picked bool
	// State is draft, waiting, confirmed, partially_available, assigned,
	// done or cancel.
	State        string
	Date         time.Time // scheduled, then done date
	DateDeadline time.Time
	Location     Many2One
	LocationDest Many2One
	Picking      Many2One
	PickingType  Many2One
	Company      Many2One
	Origin       string
	Reference    string
}

// StockMoves reads stock.move records.
func (c *Client) StockMoves(ctx context.Context, opts ListOpts) iter.Seq2[StockMove, error] {
	return list(c, ctx, readerSpec[StockMove]{
		model:   "stock.move",
		modules: []string{"stock"},
		// The unit is product_uom up to 18; 19 renamed units to
		// product_uom_id on several models.
		optional: []string{"product_uom", "product_uom_id"},
		fields: func(info *ServerInfo) []string {
			f := []string{"product_id", "product_uom_qty", "state", "date", "date_deadline",
				"location_id", "location_dest_id", "picking_id", "picking_type_id", "company_id", "origin", "reference"}
			if info.Version.AtLeast(17, 0) {
				return append(f, "quantity", "picked")
			}
			return append(f, "quantity_done")
		},
		decode: func(d *recordDecoder, _ *ServerInfo) StockMove {
			m := StockMove{
				ID:           d.id(),
				Product:      d.m2o("product_id"),
				Demand:       d.float("product_uom_qty"),
				State:        d.str("state"),
				Date:         d.datetime("date"),
				DateDeadline: d.datetime("date_deadline"),
				Location:     d.m2o("location_id"),
				LocationDest: d.m2o("location_dest_id"),
				Picking:      d.m2o("picking_id"),
				PickingType:  d.m2o("picking_type_id"),
				Company:      d.m2o("company_id"),
				Origin:       d.str("origin"),
				Reference:    d.str("reference"),
				Picked:       d.optBool("picked"),
			}
			m.UoM = d.optM2O("product_uom_id")
			if m.UoM.IsZero() {
				m.UoM = d.optM2O("product_uom")
			}
			if d.has("quantity") {
				m.Quantity = d.float("quantity")
			} else {
				m.Quantity = d.float("quantity_done")
			}
			return m
		},
	}, opts)
}

// Picking is a stock.picking (a transfer: receipt, delivery, internal).
type Picking struct {
	ID   int64
	Name string
	// TypeCode is incoming, outgoing or internal.
	TypeCode      string
	PickingType   Many2One
	State         string
	ScheduledDate time.Time
	DateDeadline  time.Time
	DateDone      time.Time
	Origin        string
	Partner       Many2One
	Location      Many2One
	LocationDest  Many2One
	Backorder     Many2One
	Responsible   Many2One // user_id
	Company       Many2One
}

// Pickings reads stock.picking records.
func (c *Client) Pickings(ctx context.Context, opts ListOpts) iter.Seq2[Picking, error] {
	return list(c, ctx, readerSpec[Picking]{
		model:   "stock.picking",
		modules: []string{"stock"},
		fields: fieldsFor("name", "picking_type_code", "picking_type_id", "state", "scheduled_date",
			"date_deadline", "date_done", "origin", "partner_id", "location_id", "location_dest_id",
			"backorder_id", "user_id", "company_id"),
		decode: func(d *recordDecoder, _ *ServerInfo) Picking {
			return Picking{
				ID:            d.id(),
				Name:          d.str("name"),
				TypeCode:      d.str("picking_type_code"),
				PickingType:   d.m2o("picking_type_id"),
				State:         d.str("state"),
				ScheduledDate: d.datetime("scheduled_date"),
				DateDeadline:  d.datetime("date_deadline"),
				DateDone:      d.datetime("date_done"),
				Origin:        d.str("origin"),
				Partner:       d.m2o("partner_id"),
				Location:      d.m2o("location_id"),
				LocationDest:  d.m2o("location_dest_id"),
				Backorder:     d.m2o("backorder_id"),
				Responsible:   d.m2o("user_id"),
				Company:       d.m2o("company_id"),
			}
		},
	}, opts)
}
