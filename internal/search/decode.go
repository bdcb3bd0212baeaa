package search

import (
	"bytes"
	"encoding/json"
	"github.com/aicoo/aicoo/internal/numfmt"
	"strconv"
	"strings"
)

// text is a char field as Odoo sends it: a string, or false when empty.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = text(s)
	return nil
}

// many2one is a many2one field: [id, "name"] as Odoo sends it, a bare id
// (a dataset written by aicoo's generator), or false.
type many2one struct {
	ID   int64
	Name string
}

func (m *many2one) UnmarshalJSON(b []byte) error {
	*m = many2one{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || b[0] == 'f' || b[0] == 'n':
		return nil
	case b[0] == '[':
		var pair []json.RawMessage
		if err := json.Unmarshal(b, &pair); err != nil {
			return err
		}
		if len(pair) > 0 {
			m.ID, _ = strconv.ParseInt(string(pair[0]), 10, 64)
		}
		if len(pair) > 1 {
			var name string
			if json.Unmarshal(pair[1], &name) == nil {
				m.Name = name
			}
		}
		return nil
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return nil // not an id: left empty
	}
	m.ID = id
	return nil
}

// number is a float field, 0 for false.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil {
		*n = 0
		return nil
	}
	*n = number(f)
	return nil
}

// The fields read of each model; the rest of a record is skipped.

type partnerRec struct {
	Name         text     `json:"name"`
	DisplayName  text     `json:"display_name"`
	CompleteName text     `json:"complete_name"`
	IsCompany    bool     `json:"is_company"`
	Parent       many2one `json:"parent_id"`
	Ref          text     `json:"ref"`
	VAT          text     `json:"vat"`
	Email        text     `json:"email"`
	City         text     `json:"city"`
	CustomerRank number   `json:"customer_rank"`
	SupplierRank number   `json:"supplier_rank"`
}

type moveRec struct {
	Name       text     `json:"name"`
	MoveType   text     `json:"move_type"`
	State      text     `json:"state"`
	PayState   text     `json:"payment_state"`
	Partner    many2one `json:"partner_id"`
	Currency   many2one `json:"currency_id"`
	Ref        text     `json:"ref"`
	PayRef     text     `json:"payment_reference"`
	Origin     text     `json:"invoice_origin"`
	Date       text     `json:"invoice_date"`
	Due        text     `json:"invoice_date_due"`
	Total      number   `json:"amount_total"`
	Residual   number   `json:"amount_residual"`
	TotalSign  number   `json:"amount_total_signed"`
	ResidualSg number   `json:"amount_residual_signed"`
}

type orderRec struct {
	Name      text     `json:"name"`
	State     text     `json:"state"`
	Partner   many2one `json:"partner_id"`
	Currency  many2one `json:"currency_id"`
	ClientRef text     `json:"client_order_ref"`
	VendorRef text     `json:"partner_ref"`
	Origin    text     `json:"origin"`
	DateOrder text     `json:"date_order"`
	Total     number   `json:"amount_total"`
}

type productRec struct {
	Name      text     `json:"name"`
	Code      text     `json:"default_code"`
	Barcode   text     `json:"barcode"`
	Template  many2one `json:"product_tmpl_id"`
	ListPrice number   `json:"list_price"`
	LstPrice  number   `json:"lst_price"`
	Currency  many2one `json:"currency_id"`
}

type leadRec struct {
	Name        text     `json:"name"`
	Type        text     `json:"type"`
	Partner     many2one `json:"partner_id"`
	PartnerName text     `json:"partner_name"`
	ContactName text     `json:"contact_name"`
	Stage       many2one `json:"stage_id"`
	Probability number   `json:"probability"`
	Expected    number   `json:"expected_revenue"`
	Active      *bool    `json:"active"`
	WonStatus   text     `json:"won_status"`
}

type namedRec struct {
	Name     text     `json:"name"`
	Currency many2one `json:"currency_id"`
	IsWon    bool     `json:"is_won"`
}

func money(v float64, currency string) string { return numfmt.Money(v, currency) }

// day keeps the date of an Odoo date or datetime ("2026-10-01 09:00:00").
func day(s text) string {
	d, _, _ := strings.Cut(string(s), " ")
	return d
}
