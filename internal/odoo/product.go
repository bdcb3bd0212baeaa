package odoo

import (
	"context"
	"iter"
)

// Product is a product.product (a variant).
type Product struct {
	ID          int64
	Name        string
	DisplayName string
	DefaultCode string
	Barcode     string
	// Type is consu, service or product (16/17), or consu, service, combo
	// (18+).
	Type string
	// Storable reports inventory tracking: type == "product" on 16/17,
	// is_storable on 18+.
	Storable      bool
	ListPrice     float64 // template sales price
	LstPrice      float64 // variant sales price, with extras
	StandardPrice float64 // cost, company-dependent
	UoM           Many2One
	Category      Many2One
	Template      Many2One
	Company       Many2One
	SaleOK        bool
	PurchaseOK    bool
	Active        bool
	// QtyAvailable and VirtualAvailable need the stock module; they depend
	// on the location or warehouse in the context.
	QtyAvailable     float64
	VirtualAvailable float64
}

// Products reads product.product records.
func (c *Client) Products(ctx context.Context, opts ListOpts) iter.Seq2[Product, error] {
	return list(c, ctx, readerSpec[Product]{
		model:   "product.product",
		modules: []string{"product"},
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "display_name", "default_code", "barcode", "type", "list_price",
				"lst_price", "standard_price", "uom_id", "categ_id", "product_tmpl_id", "company_id",
				"sale_ok", "purchase_ok", "active"}
			stock := info.HasModule("stock")
			if stock {
				f = append(f, "qty_available", "virtual_available")
			}
			if info.Version.AtLeast(18, 0) && stock {
				f = append(f, "is_storable")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) Product {
			p := Product{
				ID:               d.id(),
				Name:             d.str("name"),
				DisplayName:      d.str("display_name"),
				DefaultCode:      d.str("default_code"),
				Barcode:          d.str("barcode"),
				Type:             d.str("type"),
				ListPrice:        d.float("list_price"),
				LstPrice:         d.float("lst_price"),
				StandardPrice:    d.float("standard_price"),
				UoM:              d.m2o("uom_id"),
				Category:         d.m2o("categ_id"),
				Template:         d.m2o("product_tmpl_id"),
				Company:          d.m2o("company_id"),
				SaleOK:           d.bool("sale_ok"),
				PurchaseOK:       d.bool("purchase_ok"),
				Active:           d.bool("active"),
				QtyAvailable:     d.optFloat("qty_available"),
				VirtualAvailable: d.optFloat("virtual_available"),
			}
			if d.has("is_storable") {
				p.Storable = d.bool("is_storable")
			} else {
				p.Storable = p.Type == "product"
			}
			return p
		},
	}, opts)
}
