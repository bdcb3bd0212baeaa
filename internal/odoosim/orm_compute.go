package odoosim

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Create defaults and stored computed fields of invoices and contacts,
// after addons/account/models/account_move.py, account_move_line.py and
// odoo/addons/base/models/res_partner.py (17.0).

// journalTypes is the journal type a move type is booked in
// (account_move.py _get_valid_journal_types).
func journalType(moveType string) string {
	switch {
	case strings.HasPrefix(moveType, "out_"):
		return "sale"
	case strings.HasPrefix(moveType, "in_"):
		return "purchase"
	}
	return "general"
}

// moveDefaults fills what account.move create derives when the values
// lack it: the journal from the move type and company (_search_default_journal),
// the currency from the journal or company, and the draft name "/".
func (c *call) moveDefaults(rec dataset.Record) error {
	if rec.M2O("journal_id") == 0 {
		jt := journalType(rec.Str("move_type"))
		company := rec.M2O("company_id")
		var found int64
		for _, j := range c.s.ds.Records("account.journal") {
			if j.Str("type") == jt && j.Bool("active") && (company == 0 || j.M2O("company_id") == company) {
				if found == 0 || journalBefore(j, c.s.ds.Get("account.journal", found)) {
					found = j.ID()
				}
			}
		}
		if found == 0 {
			name := ""
			if co := c.s.ds.Get("res.company", company); co != nil {
				name = co.Str("name")
			}
			return errUser("No journal could be found in company %s for any of those types: %s", name, jt)
		}
		rec["journal_id"] = found
	}
	if rec.M2O("company_id") == 0 {
		if j := c.s.ds.Get("account.journal", rec.M2O("journal_id")); j != nil {
			rec["company_id"] = j.M2O("company_id")
		}
	}
	if rec.M2O("currency_id") == 0 {
		if j := c.s.ds.Get("account.journal", rec.M2O("journal_id")); j != nil && j.M2O("currency_id") != 0 {
			rec["currency_id"] = j.M2O("currency_id")
		} else if co := c.s.ds.Get("res.company", rec.M2O("company_id")); co != nil {
			rec["currency_id"] = co.M2O("currency_id")
		}
	}
	if rec.M2O("company_currency_id") == 0 {
		if co := c.s.ds.Get("res.company", rec.M2O("company_id")); co != nil {
			rec["company_currency_id"] = co.M2O("currency_id")
		}
	}
	if n, _ := rec["name"].(string); n == "" {
		rec["name"] = "/"
	}
	return nil
}

// journalBefore orders journals by their _order: sequence, type, code.
func journalBefore(a, b dataset.Record) bool {
	if a.Int("sequence") != b.Int("sequence") {
		return a.Int("sequence") < b.Int("sequence")
	}
	if a.Str("type") != b.Str("type") {
		return a.Str("type") < b.Str("type")
	}
	return a.Str("code") < b.Str("code")
}

// moveLineDefaults fills a journal item's currency, partner and account
// from its move: the product's income (customer documents) or expense
// account, else its category's, else the journal's default account
// (account_move_line.py _compute_account_id).
func (c *call) moveLineDefaults(rec dataset.Record) {
	move := c.s.ds.Get("account.move", rec.M2O("move_id"))
	if move == nil {
		return
	}
	if rec.M2O("currency_id") == 0 {
		rec["currency_id"] = move.M2O("currency_id")
	}
	if rec.M2O("partner_id") == 0 && move.M2O("partner_id") != 0 {
		rec["partner_id"] = move.M2O("partner_id")
	}
	if rec.M2O("company_id") == 0 {
		rec["company_id"] = move.M2O("company_id")
	}
	if rec.M2O("account_id") != 0 {
		return
	}
	income := !strings.HasPrefix(move.Str("move_type"), "in_")
	if p := c.s.ds.Get("product.product", rec.M2O("product_id")); p != nil {
		tmpl := c.s.ds.Get("product.template", p.M2O("product_tmpl_id"))
		key, categKey := "property_account_income_id", "property_account_income_categ_id"
		if !income {
			key, categKey = "property_account_expense_id", "property_account_expense_categ_id"
		}
		if tmpl != nil && tmpl.M2O(key) != 0 {
			rec["account_id"] = tmpl.M2O(key)
			return
		}
		if tmpl != nil {
			if cat := c.s.ds.Get("product.category", tmpl.M2O("categ_id")); cat != nil && cat.M2O(categKey) != 0 {
				rec["account_id"] = cat.M2O(categKey)
				return
			}
		}
	}
	if j := c.s.ds.Get("account.journal", move.M2O("journal_id")); j != nil && j.M2O("default_account_id") != 0 {
		rec["account_id"] = j.M2O("default_account_id")
	}
}

// moveSign is the sign of an invoice's signed amounts (account_move.py
// direction_sign): negative for customer credit notes and vendor bills.
func moveSign(moveType string) float64 {
	switch moveType {
	case "out_refund", "in_invoice", "in_receipt":
		return -1
	}
	return 1
}

// recomputeMoves recomputes, for every draft-or-posted move with product
// lines among ids, the lines' subtotals and the move's amounts
// (account_move.py _compute_amount): untaxed from the product lines, tax
// from their percentage taxes, total, residual (the total until payments
// are matched) and the signed amounts. Moves without product lines keep
// their stored amounts.
func (c *call) recomputeMoves(t *txn, ids []int64) {
	for _, id := range ids {
		move := c.s.ds.Get("account.move", id)
		if move == nil {
			continue
		}
		lineIDs, _ := c.s.ds.One2many("account.move", id, "line_ids")
		var untaxed, tax float64
		products := 0
		for _, lid := range lineIDs {
			l := c.s.ds.Get("account.move.line", lid)
			if l == nil || l.Str("display_type") != "product" {
				continue
			}
			products++
			sub := round2(l.Float("quantity") * l.Float("price_unit") * (1 - l.Float("discount")/100))
			lineTax := 0.0
			for _, tid := range l.IDs("tax_ids") {
				if tx := c.s.ds.Get("account.tax", tid); tx != nil {
					switch tx.Str("amount_type") {
					case "percent":
						lineTax += sub * tx.Float("amount") / 100
					case "fixed":
						lineTax += l.Float("quantity") * tx.Float("amount")
					}
				}
			}
			lineTax = round2(lineTax)
			if l.Float("price_subtotal") != sub || l.Float("price_total") != sub+lineTax {
				t.touch("account.move.line", l)
				l["price_subtotal"], l["price_total"] = sub, round2(sub+lineTax)
			}
			untaxed += sub
			tax += lineTax
		}
		if products == 0 {
			continue
		}
		untaxed, tax = round2(untaxed), round2(tax)
		total := round2(untaxed + tax)
		sign := moveSign(move.Str("move_type"))
		t.touch("account.move", move)
		residual := total
		if move.Str("payment_state") == "paid" || move.Str("payment_state") == "reversed" {
			residual = 0
		}
		move["amount_untaxed"], move["amount_tax"], move["amount_total"], move["amount_residual"] = untaxed, tax, total, residual
		move["amount_untaxed_signed"], move["amount_tax_signed"], move["amount_total_signed"] = sign*untaxed, sign*tax, sign*total
		move["amount_residual_signed"], move["amount_total_in_currency_signed"] = sign*residual, sign*total
	}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// touchedMoves returns the account.move ids a write call created or
// changed, directly or through their lines.
func (t *txn) touchedMoves() []int64 {
	var ids []int64
	add := func(k ref) {
		switch k.model {
		case "account.move":
			ids = append(ids, k.id)
		case "account.move.line":
			if l := t.s.ds.Get("account.move.line", k.id); l != nil {
				ids = append(ids, l.M2O("move_id"))
			}
			if snap, ok := t.saved[k]; ok {
				ids = append(ids, snap.M2O("move_id"))
			}
		}
	}
	for _, k := range t.added {
		add(k)
	}
	for k := range t.saved {
		add(k)
	}
	for _, d := range t.deletes {
		if d.model == "account.move.line" {
			if l := t.s.ds.Get("account.move.line", d.id); l != nil {
				ids = append(ids, l.M2O("move_id"))
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// moveDisplayName is account.move display_name (_get_move_display_name
// with show_ref): "Draft Invoice " before drafts, "(* <id>)" while the
// name is "/", and the reference in parentheses.
func moveDisplayName(rec dataset.Record) string {
	name := ""
	if rec.Str("state") == "draft" {
		name = map[string]string{
			"out_invoice": "Draft Invoice", "out_refund": "Draft Credit Note", "in_invoice": "Draft Bill",
			"in_refund": "Draft Vendor Credit Note", "out_receipt": "Draft Sales Receipt", "in_receipt": "Draft Purchase Receipt",
			"entry": "Draft Entry",
		}[rec.Str("move_type")] + " "
	}
	if n := rec.Str("name"); n == "" || n == "/" {
		name += "(* " + strconv.FormatInt(rec.ID(), 10) + ")"
	} else {
		name += n
	}
	if ref := rec.Str("ref"); ref != "" {
		if len([]rune(ref)) > 50 {
			ref = shorten(ref, 50)
		}
		name += " (" + ref + ")"
	}
	return name
}

// shorten is Python's textwrap.shorten with the default placeholder.
func shorten(s string, width int) string {
	words := strings.Fields(s)
	out := ""
	for _, w := range words {
		next := w
		if out != "" {
			next = out + " " + w
		}
		if len([]rune(next))+len(" [...]") > width {
			return out + " [...]"
		}
		out = next
	}
	return out
}

// checkPartnerName is res.partner's check_name constraint: contacts (type
// contact) require a name. PostgreSQL's check violation reaches the client
// as Odoo's ValidationError (odoo/service/model.py).
func checkPartnerName(rec dataset.Record) error {
	if t := rec.Str("type"); t != "" && t != "contact" {
		return nil
	}
	if _, ok := rec["name"].(string); !ok {
		return errValidation("The operation cannot be completed: Contacts require a name")
	}
	return nil
}

// createDefaults applies the create-time defaults above to a new record
// of m, before its id is taken and its required fields are checked.
func (c *call) createDefaults(m *modelInfo, rec dataset.Record) error {
	switch m.name {
	case "account.move":
		return c.moveDefaults(rec)
	case "account.move.line":
		c.moveLineDefaults(rec)
	}
	return nil
}
