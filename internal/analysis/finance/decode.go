package finance

import "github.com/aicoo/aicoo/internal/odoo"

// The ledger is decoded once per run into compact structs: a record is a
// map with dozens of fields, and every figure walks the journal items.

// line is a decoded account.move.line.
type line struct {
	move, partner, company, account, payment int64
	accountType, displayType                 string
	posted, fromPO                           bool
	date, maturity                           odoo.Date
	residual, balance                        float64
}

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
		return day(r, f)
	}
	if d, ok := c[s]; ok {
		return d
	}
	d := day(r, f)
	c[s] = d
	return d
}

// decodeLines decodes the journal items. To keep a large ledger fast, it
// reads the receivable/payable fields only on receivable and payable
// items, payment_id only on liquidity accounts, and the product-line
// fields only on lines of vendor bills.
func decodeLines(recs []odoo.Record, liquidity map[int64]bool, bills map[int64]bool) []line {
	out := make([]line, len(recs))
	cache := dates{}
	for i, r := range recs {
		l := line{move: ref(r, "move_id"), company: ref(r, "company_id"), account: ref(r, "account_id"),
			accountType: str(r, "account_type"), posted: str(r, "parent_state") == "posted",
			date: cache.of(r, "date"), balance: num(r, "balance")}
		switch l.accountType {
		case "asset_receivable", "liability_payable":
			l.partner = ref(r, "partner_id")
			l.residual = num(r, "amount_residual")
			l.maturity = cache.of(r, "date_maturity")
		}
		if liquidity == nil || liquidity[l.account] {
			l.payment = ref(r, "payment_id")
		}
		if bills == nil || bills[l.move] {
			l.displayType = str(r, "display_type")
			l.fromPO = ref(r, "purchase_line_id") != 0
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
		m := move{rec: r, id: r.ID(), company: ref(r, "company_id"), partner: ref(r, "partner_id"), vendor: ref(r, "commercial_partner_id"),
			typ: str(r, "move_type"), name: str(r, "name"), posted: str(r, "state") == "posted",
			date: cache.of(r, "date"), invoiceDate: cache.of(r, "invoice_date"), due: cache.of(r, "invoice_date_due"),
			residual: num(r, "amount_residual"), residualSigned: num(r, "amount_residual_signed"), totalSigned: num(r, "amount_total_signed")}
		if m.vendor == 0 {
			m.vendor = m.partner
		}
		out[i] = m
	}
	return out
}
