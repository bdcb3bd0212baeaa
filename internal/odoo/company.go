package odoo

import (
	"context"
	"iter"
)

// Company is a res.company.
type Company struct {
	ID   int64
	Name string
	// Currency is the company currency: every *_signed amount and every
	// journal item balance of the company is in it.
	Currency Many2One
	Partner  Many2One
	Country  Many2One
	// Parent is the parent company (branches in 17+).
	Parent Many2One
}

// Companies reads the companies the user can see.
func (c *Client) Companies(ctx context.Context, opts ListOpts) iter.Seq2[Company, error] {
	return list(c, ctx, readerSpec[Company]{
		model:  "res.company",
		fields: fieldsFor("name", "currency_id", "partner_id", "country_id", "parent_id"),
		decode: func(d *recordDecoder, _ *ServerInfo) Company {
			return Company{
				ID:       d.id(),
				Name:     d.str("name"),
				Currency: d.m2o("currency_id"),
				Partner:  d.m2o("partner_id"),
				Country:  d.m2o("country_id"),
				Parent:   d.m2o("parent_id"),
			}
		},
	}, opts)
}

// Currency is a res.currency.
type Currency struct {
	ID int64
	// Name is the ISO 4217 code.
	Name   string
	Symbol string
	// Rate is the rate against the company currency of the context's
	// current company, at today's date.
	Rate          float64
	DecimalPlaces int64
	Rounding      float64
	Active        bool
}

// Currencies reads the active currencies (all with IncludeArchived).
func (c *Client) Currencies(ctx context.Context, opts ListOpts) iter.Seq2[Currency, error] {
	return list(c, ctx, readerSpec[Currency]{
		model:  "res.currency",
		fields: fieldsFor("name", "symbol", "rate", "decimal_places", "rounding", "active"),
		decode: func(d *recordDecoder, _ *ServerInfo) Currency {
			return Currency{
				ID:            d.id(),
				Name:          d.str("name"),
				Symbol:        d.str("symbol"),
				Rate:          d.float("rate"),
				DecimalPlaces: d.int("decimal_places"),
				Rounding:      d.float("rounding"),
				Active:        d.bool("active"),
			}
		},
	}, opts)
}

// CurrencyRate is a res.currency.rate: units of the currency per unit of
// the company currency, from Date on.
type CurrencyRate struct {
	ID       int64
	Currency Many2One
	// Company is zero for rates shared by all companies.
	Company Many2One
	Date    Date
	Rate    float64
}

// CurrencyRates reads currency rates. Narrow them with opts.Domain, for
// example []any{[]any{"name", ">=", "2024-01-01"}}.
func (c *Client) CurrencyRates(ctx context.Context, opts ListOpts) iter.Seq2[CurrencyRate, error] {
	return list(c, ctx, readerSpec[CurrencyRate]{
		model:  "res.currency.rate",
		fields: fieldsFor("name", "rate", "currency_id", "company_id"),
		decode: func(d *recordDecoder, _ *ServerInfo) CurrencyRate {
			return CurrencyRate{
				ID:       d.id(),
				Currency: d.m2o("currency_id"),
				Company:  d.m2o("company_id"),
				Date:     d.date("name"),
				Rate:     d.float("rate"),
			}
		},
	}, opts)
}
