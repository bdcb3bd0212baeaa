package finance

import (
	"github.com/aicoo/aicoo/internal/odoo"

	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// The ledger is decoded once per run into compact structs: a record is a
// map with dozens of fields, and every figure walks the journal items.

// line is a decoded account.move.line.
type line struct {
	move, partner, company, account int64
	accountType, displayType        string
	// matching is the reconciliation group (matching_number) of a
	// receivable or payable item, "" when it is not reconciled.
	matching          string
	posted, fromPO    bool
	date, maturity    odoo.Date
	residual, balance float64
}

// bookedBy reports whether the item is in the books at the end of day d:
// posted and dated (its entry's accounting date, which Odoo sets from the
// invoice date) d or before. An invoice prepared ahead, a bill dated next
// month or a bank line dated after d changes no figure as of d, as Odoo's
// reports filter on the date; every as-of filter of the package uses this
// rule (and move.bookedBy for entries).
func (l *line) bookedBy(d odoo.Date) bool { return l.posted && !d.Before(l.date) }

// due returns the date the item is due: date_maturity, else its date.
func (l *line) due() odoo.Date {
	if l.maturity.IsZero() {
		return l.date
	}
	return l.maturity
}

// dates caches parsed dates: a ledger has few distinct ones.
type dates map[string]odoo.Date

func (c dates) of(r odoo.Record, f string) odoo.Date {
	s, ok := r[f].(string)
	if !ok {
		return fields.Date(r, f)
	}
	if d, ok := c[s]; ok {
		return d
	}
	d := fields.Date(r, f)
	c[s] = d
	return d
}

// decodeLines decodes the journal items. To keep a large ledger fast, it
// reads the receivable/payable fields only on receivable and payable
// items and the product-line fields only on lines of vendor bills (nil:
// every line).
func decodeLines(recs []odoo.Record, bills map[int64]bool) []line {
	out := make([]line, len(recs))
	cache := dates{}
	for i, r := range recs {
		l := line{move: fields.M2OID(r, "move_id"), company: fields.M2OID(r, "company_id"), account: fields.M2OID(r, "account_id"),
			accountType: fields.String(r, "account_type"), posted: fields.String(r, "parent_state") == "posted",
			date: cache.of(r, "date"), balance: fields.Float(r, "balance")}
		switch l.accountType {
		case "asset_receivable", "liability_payable":
			l.partner = fields.M2OID(r, "partner_id")
			l.residual = fields.Float(r, "amount_residual")
			l.maturity = cache.of(r, "date_maturity")
			l.matching = fields.String(r, "matching_number")
		}
		if bills == nil || bills[l.move] {
			l.displayType = fields.String(r, "display_type")
			l.fromPO = fields.M2OID(r, "purchase_line_id") != 0
		}
		out[i] = l
	}
	return out
}

// move is a decoded account.move.
type move struct {
	rec                                   odoo.Record
	id, company, partner, vendor          int64
	typ, name                             string
	posted                                bool
	date, invoiceDate, due                odoo.Date
	residual, residualSigned, totalSigned float64
}

// bookedBy reports whether the entry is in the books at the end of day d:
// posted with an accounting date of d or before (line.bookedBy).
func (m *move) bookedBy(d odoo.Date) bool { return m.posted && !d.Before(m.date) }

// docDate returns the invoice date, else the accounting date.
func (m *move) docDate() odoo.Date {
	if m.invoiceDate.IsZero() {
		return m.date
	}
	return m.invoiceDate
}

func decodeMoves(recs []odoo.Record) []move {
	out := make([]move, len(recs))
	cache := dates{}
	for i, r := range recs {
		m := move{rec: r, id: r.ID(), company: fields.M2OID(r, "company_id"), partner: fields.M2OID(r, "partner_id"), vendor: fields.M2OID(r, "commercial_partner_id"),
			typ: fields.String(r, "move_type"), name: fields.String(r, "name"), posted: fields.String(r, "state") == "posted",
			date: cache.of(r, "date"), invoiceDate: cache.of(r, "invoice_date"), due: cache.of(r, "invoice_date_due"),
			residual: fields.Float(r, "amount_residual"), residualSigned: fields.Float(r, "amount_residual_signed"), totalSigned: fields.Float(r, "amount_total_signed")}
		if m.vendor == 0 {
			m.vendor = m.partner
		}
		out[i] = m
	}
	return out
}
