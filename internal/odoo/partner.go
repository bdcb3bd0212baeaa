package odoo

import (
	"context"
	"iter"
	"time"
)

// Partner is a res.partner (a company or a contact).
type Partner struct {
	ID          int64
	Name        string
	DisplayName string
	IsCompany   bool
	Parent      Many2One
	// CommercialPartner is the top company, which accounting uses.
	CommercialPartner Many2One
	Email             string
	Phone             string
	// Mobile is empty on 19, where it was merged into Phone.
	Mobile  string
	VAT     string
	Ref     string
	Country Many2One
	// Company is zero for partners shared between companies.
	Company Many2One
	// Salesperson is user_id.
	Salesperson Many2One
	// CustomerRank and SupplierRank are above 0 once the partner was used
	// as a customer or a vendor (account module).
	CustomerRank int64
	SupplierRank int64
	Active       bool
	CreateDate   time.Time
	WriteDate    time.Time
}

// Partners reads res.partner records.
func (c *Client) Partners(ctx context.Context, opts ListOpts) iter.Seq2[Partner, error] {
	return list(c, ctx, readerSpec[Partner]{
		model: "res.partner",
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "display_name", "is_company", "parent_id", "commercial_partner_id",
				"email", "phone", "vat", "ref", "country_id", "company_id", "user_id", "active",
				"create_date", "write_date"}
			if !info.Version.AtLeast(19, 0) {
				f = append(f, "mobile")
			}
			if info.HasModule("account") {
				f = append(f, "customer_rank", "supplier_rank")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) Partner {
			p := Partner{
				ID:                d.id(),
				Name:              d.str("name"),
				DisplayName:       d.str("display_name"),
				IsCompany:         d.bool("is_company"),
				Parent:            d.m2o("parent_id"),
				CommercialPartner: d.m2o("commercial_partner_id"),
				Email:             d.str("email"),
				Phone:             d.str("phone"),
				Mobile:            d.optStr("mobile"),
				VAT:               d.str("vat"),
				Ref:               d.str("ref"),
				Country:           d.m2o("country_id"),
				Company:           d.m2o("company_id"),
				Salesperson:       d.m2o("user_id"),
				Active:            d.bool("active"),
				CreateDate:        d.datetime("create_date"),
				WriteDate:         d.datetime("write_date"),
			}
			if d.has("customer_rank") {
				p.CustomerRank = d.int("customer_rank")
				p.SupplierRank = d.int("supplier_rank")
			}
			return p
		},
	}, opts)
}
