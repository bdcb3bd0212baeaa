package odoosim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Workflow buttons of invoices, sale orders and leads, after
// addons/account/models/account_move.py, addons/sale/models/sale_order.py
// and addons/crm/models/crm_lead.py (17.0 unless noted).

// recordOr returns the record of model with id, or a MissingError.
func (c *call) recordOr(model string, id int64) (dataset.Record, error) {
	rec := c.s.ds.Get(model, id)
	if rec == nil {
		return nil, errMissing(model, []int64{id}, c.user.uid)
	}
	return rec, nil
}

func isInvoice(moveType string) bool { return moveType != "entry" && moveType != "" }

func isSaleDocument(moveType string) bool { return strings.HasPrefix(moveType, "out_") }

// moveSequence returns the next sequence name of move in its journal:
// <code>/<year>/<number>, R<code> for credit notes (sale and purchase
// journals have refund_sequence), numbered after the highest number in use
// with the same prefix (account/models/sequence_mixin.py
// _set_next_sequence, yearly format; a new sequence has 4 digits in 16
// and 5 from 17, an existing one keeps its width).
func (c *call) moveSequence(move dataset.Record) string {
	journal := c.s.ds.Get("account.journal", move.M2O("journal_id"))
	code := "MISC"
	if journal != nil {
		code = journal.Str("code")
	}
	if strings.HasSuffix(move.Str("move_type"), "_refund") && journal != nil && (journal.Str("type") == "sale" || journal.Str("type") == "purchase") {
		code = "R" + code
	}
	year := move.Str("date")
	if len(year) >= 4 {
		year = year[:4]
	}
	prefix := code + "/" + year + "/"
	last, width := int64(0), 4
	if c.s.major >= 17 {
		width = 5
	}
	for _, r := range c.s.ds.Records("account.move") {
		name := r.Str("name")
		if r.M2O("journal_id") != move.M2O("journal_id") || !strings.HasPrefix(name, prefix) {
			continue
		}
		n, err := strconv.ParseInt(name[len(prefix):], 10, 64)
		if err != nil {
			continue
		}
		if n > last {
			last, width = n, len(name)-len(prefix)
		}
	}
	return fmt.Sprintf("%s%0*d", prefix, width, last+1)
}

// movePost is account.move action_post (_post with soft=False): checks,
// sequence name, state posted, payment_state from the residual. It returns
// False, as Odoo does.
func (c *call) movePost() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			move, err := c.recordOr("account.move", id)
			if err != nil {
				return nil, err
			}
			mt := move.Str("move_type")
			switch {
			case move.Str("state") == "posted":
				return nil, errUser("The entry %s (id %d) is already posted.", move.Str("name"), id)
			case !c.hasLines(id):
				return nil, errUser("You need to add a line before posting.")
			case isInvoice(mt) && move.M2O("partner_id") == 0:
				if isSaleDocument(mt) {
					return nil, errUser("The field 'Customer' is required, please complete it to validate the Customer Invoice.")
				}
				return nil, errUser("The field 'Vendor' is required, please complete it to validate the Vendor Bill.")
			case isInvoice(mt) && move.Float("amount_total") < 0:
				return nil, errUser("You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.")
			case isInvoice(mt) && !isSaleDocument(mt) && move.Str("invoice_date") == "":
				return nil, errUser("The Bill/Refund date is required to validate this document.")
			}
			if j := c.s.ds.Get("account.journal", move.M2O("journal_id")); j != nil && !j.Bool("active") {
				return nil, errUser("You cannot post an entry in an archived journal (%s)", j.Str("name"))
			}
			vals := map[string]any{"state": "posted"}
			if isSaleDocument(mt) && move.Str("invoice_date") == "" {
				// The invoice date defaults to today, and the accounting
				// date follows it (_compute_date).
				t.touch("account.move", move)
				move["invoice_date"], move["date"] = c.v.today, c.v.today
			}
			if name := move.Str("name"); name == "" || name == "/" {
				vals["name"] = c.moveSequence(move)
			}
			if isInvoice(mt) {
				vals["amount_residual"] = move.Float("amount_total")
				vals["payment_state"] = "not_paid"
				if move.Float("amount_total") == 0 {
					vals["payment_state"] = "paid"
				}
			}
			if err := c.writeRecords(t, c.m, []int64{id}, vals); err != nil {
				return nil, err
			}
			c.syncLineState(t, id, "posted")
		}
		return false, nil
	})
}

// hasLines reports whether the move has a journal item that is not a
// section or a note.
func (c *call) hasLines(id int64) bool {
	ids, _ := c.s.ds.One2many("account.move", id, "line_ids")
	for _, lid := range ids {
		if l := c.s.ds.Get("account.move.line", lid); l != nil {
			if dt := l.Str("display_type"); dt != "line_section" && dt != "line_note" {
				return true
			}
		}
	}
	return false
}

// syncLineState keeps the lines' stored parent_state in step.
func (c *call) syncLineState(t *txn, id int64, state string) {
	ids, _ := c.s.ds.One2many("account.move", id, "line_ids")
	for _, lid := range ids {
		if l := c.s.ds.Get("account.move.line", lid); l != nil {
			t.touch("account.move.line", l)
			l["parent_state"] = state
		}
	}
}

// moveDraft is account.move button_draft: posted or cancelled moves go
// back to draft (keeping their name). It returns None, which XML-RPC
// cannot marshal (the fault comes after the change).
func (c *call) moveDraft() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		if err := c.moveToDraft(t); err != nil {
			return nil, err
		}
		return none, nil
	})
}

func (c *call) moveToDraft(t *txn) error {
	for _, id := range c.ids {
		move, err := c.recordOr("account.move", id)
		if err != nil {
			return err
		}
		if st := move.Str("state"); st != "posted" && st != "cancel" {
			return errUser("Only posted/cancelled journal entries can be reset to draft.")
		}
		if ps := move.Str("payment_state"); ps == "paid" || ps == "in_payment" || ps == "partial" {
			if move.Float("amount_total") != 0 {
				return errUser("You cannot reset to draft an entry having a reconciled payment; unreconcile it first.")
			}
		}
		if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"state": "draft"}); err != nil {
			return err
		}
		c.syncLineState(t, id, "draft")
	}
	return nil
}

// moveCancel is account.move button_cancel: posted moves are reset to
// draft first, then every move must be a draft. It returns None.
func (c *call) moveCancel() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		var posted []int64
		for _, id := range c.ids {
			move, err := c.recordOr("account.move", id)
			if err != nil {
				return nil, err
			}
			if move.Str("state") == "posted" {
				posted = append(posted, id)
			}
		}
		if len(posted) > 0 {
			sub := *c
			sub.ids = posted
			if err := sub.moveToDraft(t); err != nil {
				return nil, err
			}
		}
		for _, id := range c.ids {
			if c.s.ds.Get("account.move", id).Str("state") != "draft" {
				return nil, errUser("Only draft journal entries can be cancelled.")
			}
			if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"state": "cancel"}); err != nil {
				return nil, err
			}
			c.syncLineState(t, id, "cancel")
		}
		return none, nil
	})
}

// saleConfirm is sale.order action_confirm: quotations (draft, sent)
// become orders dated now; it returns True.
func (c *call) saleConfirm() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		var bad []string
		for _, id := range c.ids {
			so, err := c.recordOr("sale.order", id)
			if err != nil {
				return nil, err
			}
			if st := so.Str("state"); st != "draft" && st != "sent" {
				bad = append(bad, so.Str("name"))
			}
		}
		if len(bad) > 0 {
			if c.s.major <= 16 {
				return nil, errUser("It is not allowed to confirm an order in the following states: done, cancel")
			}
			return nil, errUser("The following orders are not in a state requiring confirmation: %s", strings.Join(bad, ", "))
		}
		for _, id := range c.ids {
			if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"state": "sale", "date_order": t.stamp}); err != nil {
				return nil, err
			}
			c.syncOrderLines(t, id, "sale")
		}
		return true, nil
	})
}

// saleCancel is sale.order action_cancel: locked orders (16: done) are
// refused; it returns True.
func (c *call) saleCancel() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			so, err := c.recordOr("sale.order", id)
			if err != nil {
				return nil, err
			}
			if so.Bool("locked") && so.Str("state") == "sale" {
				return nil, errUser("You cannot cancel a locked order. Please unlock it first.")
			}
			if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"state": "cancel"}); err != nil {
				return nil, err
			}
			c.syncOrderLines(t, id, "cancel")
		}
		return true, nil
	})
}

// syncOrderLines keeps sale.order.line state (related, stored) in step.
func (c *call) syncOrderLines(t *txn, id int64, state string) {
	for _, l := range c.s.ds.Records("sale.order.line") {
		if l.M2O("order_id") == id {
			t.touch("sale.order.line", l)
			l["state"] = state
		}
	}
}

// leadWon is crm.lead action_set_won: unarchived, moved to the first won
// stage, probability 100. It returns True.
func (c *call) leadWon() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		var won int64
		for _, st := range c.s.ds.Records("crm.stage") {
			if st.Bool("is_won") {
				won = st.ID()
				break
			}
		}
		for _, id := range c.ids {
			if _, err := c.recordOr("crm.lead", id); err != nil {
				return nil, err
			}
			vals := map[string]any{"active": true, "probability": 100.0, "date_closed": t.stamp}
			if won != 0 {
				vals["stage_id"] = won
			}
			if err := c.writeRecords(t, c.m, []int64{id}, vals); err != nil {
				return nil, err
			}
		}
		return true, nil
	})
}

// leadLost is crm.lead action_set_lost(**additional_values): archived,
// probability 0, with the extra values (lost_reason_id). It returns True.
func (c *call) leadLost() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			if _, err := c.recordOr("crm.lead", id); err != nil {
				return nil, err
			}
			vals := map[string]any{"active": false, "probability": 0.0, "date_closed": t.stamp}
			for _, k := range []string{"lost_reason_id"} {
				if v, ok := c.args[k]; ok {
					vals[k] = v
				}
			}
			if err := c.writeRecords(t, c.m, []int64{id}, vals); err != nil {
				return nil, err
			}
		}
		return true, nil
	})
}

// buttonCancel dispatches button_cancel by model.
func (c *call) buttonCancel() (any, error) {
	if c.m.name == "account.move" {
		return c.moveCancel()
	}
	return c.purchaseCancel()
}
