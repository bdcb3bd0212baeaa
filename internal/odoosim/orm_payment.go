package odoosim

import (
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// registerModel is the "Register Payment" wizard of invoices
// (addons/account/wizard/account_payment_register.py): created with the
// invoices as context active_model/active_ids, then
// action_create_payments creates the payment and reconciles it.
const registerModel = "account.payment.register"

// addPaymentRegister serves the wizard when the account module is.
func (s *Server) addPaymentRegister() {
	if _, ok := s.served("account.payment"); !ok {
		return
	}
	mi := virtualModel(registerModel, "Pay", "id", "id", []*fieldInfo{
		{name: "amount", typ: dataset.Monetary, label: "Amount", store: true},
		{name: "payment_date", typ: dataset.Date, label: "Payment Date", required: true, store: true},
		{name: "journal_id", typ: dataset.Many2one, relation: "account.journal", label: "Journal", required: true, store: true},
		{name: "communication", typ: dataset.Char, label: "Memo", store: true},
		{name: "currency_id", typ: dataset.Many2one, relation: "res.currency", label: "Currency", store: true},
		{name: "partner_id", typ: dataset.Many2one, relation: "res.partner", label: "Customer/Vendor", store: true},
		{name: "payment_type", typ: dataset.Char, label: "Payment Type", store: true},
	})
	s.models[mi.name] = mi
	s.virtual[mi.name] = &vtable{index: map[int64]dataset.Record{}}
}

// createRegister is create on the wizard: the invoices come from the
// context; amount, date, journal (the first bank, else cash journal of the
// company), memo and partner default from them.
func (c *call) createRegister() (any, error) {
	vals, ok := c.arg("vals_list").(map[string]any)
	if !ok {
		if l, isList := c.arg("vals_list").([]any); isList && len(l) == 1 {
			vals, ok = l[0].(map[string]any)
		}
	}
	if !ok {
		return nil, errType("create() expects a dict of values")
	}
	if c.ctx["active_model"] != "account.move" {
		return nil, errUser("The register payment wizard should only be called on account.move or account.move.line records.")
	}
	ids, perr := parseIDs(c.ctx["active_ids"])
	if perr != nil {
		return nil, perr
	}
	var moves []dataset.Record
	residual := 0.0
	for _, id := range ids {
		mv, err := c.recordOr("account.move", id)
		if err != nil {
			return nil, err
		}
		if mv.Str("state") != "posted" {
			return nil, errUser("You can only register payment for posted journal entries.")
		}
		residual += mv.Float("amount_residual")
		moves = append(moves, mv)
	}
	if len(moves) == 0 || residual <= 0 {
		return nil, errUser("You can't register a payment because there is nothing left to pay on the selected journal items.")
	}
	first := moves[0]
	rec := dataset.Record{"amount": round2(residual), "payment_date": c.v.today, "currency_id": first.M2O("currency_id"),
		"partner_id": first.M2O("commercial_partner_id"), "payment_type": "inbound", "move_ids": ids}
	if rec.M2O("partner_id") == 0 {
		rec["partner_id"] = first.M2O("partner_id")
	}
	if strings.HasPrefix(first.Str("move_type"), "in_") != strings.HasSuffix(first.Str("move_type"), "_refund") {
		rec["payment_type"] = "outbound"
	}
	var names []string
	for _, mv := range moves {
		names = append(names, mv.Str("name"))
	}
	rec["communication"] = strings.Join(names, " ")
	for _, jt := range []string{"bank", "cash"} {
		for _, j := range c.s.ds.Records("account.journal") {
			if j.Str("type") == jt && j.Bool("active") && j.M2O("company_id") == first.M2O("company_id") && rec.M2O("journal_id") == 0 {
				rec["journal_id"] = j.ID()
			}
		}
	}
	for k, v := range vals {
		f, ok := c.m.fields[k]
		if !ok || k == "id" {
			return nil, errInvalidField(k, c.m.name)
		}
		cv, err := c.coerce(c.m, f, v, rec)
		if err != nil {
			return nil, err
		}
		rec[k] = cv
	}
	if rec.M2O("journal_id") == 0 {
		return nil, errMandatory(c.m.description, c.m.name, "Journal", "journal_id")
	}
	rec["id"] = c.s.takeID(registerModel)
	vt := c.s.virtual[registerModel]
	vt.records = append(vt.records, rec)
	vt.index[rec.ID()] = rec
	if c.json2 {
		return []int64{rec.ID()}, nil
	}
	return rec.ID(), nil
}

// registerCreatePayments is the wizard's action_create_payments: one
// payment for the amount, posted (18+: in process until matched with the
// bank), applied to the invoices in order: each one's residual goes down
// and its payment_state becomes partial, or in_payment once nothing is
// left (paid comes with the bank reconciliation). It returns the window
// action on the payment, as Odoo does.
func (c *call) registerCreatePayments() (any, error) {
	pm := c.s.models["account.payment"]
	return c.writing(func(t *txn) (any, error) {
		var last int64
		for _, id := range c.ids {
			w := c.s.virtual[registerModel].index[id]
			if w == nil {
				return nil, errMissing(registerModel, []int64{id}, c.user.uid)
			}
			journal := c.s.ds.Get("account.journal", w.M2O("journal_id"))
			if journal == nil {
				return nil, errMissing("account.journal", []int64{w.M2O("journal_id")}, c.user.uid)
			}
			partnerType := "customer"
			if w.Str("payment_type") == "outbound" {
				partnerType = "supplier"
			}
			vals := map[string]any{"payment_type": w.Str("payment_type"), "partner_type": partnerType, "partner_id": w.M2O("partner_id"),
				"amount": w.Float("amount"), "currency_id": w.M2O("currency_id"), "date": w.Str("payment_date"),
				"journal_id": journal.ID(), "company_id": journal.M2O("company_id")}
			if f, ok := pm.byKey["memo"]; ok {
				vals[f.name] = w.Str("communication")
			}
			pid, err := c.createOne(t, pm, vals, dataset.Record{"state": "in_process"})
			if err != nil {
				return nil, err
			}
			pay := c.s.ds.Get("account.payment", pid)
			pay["name"] = c.paymentName(journal, w.Str("payment_date"))
			last = pid
			left := w.Float("amount")
			moveIDs, _ := w["move_ids"].([]int64)
			for _, mid := range moveIDs {
				mv := c.s.ds.Get("account.move", mid)
				if mv == nil || left <= 0 {
					continue
				}
				t.touch("account.move", mv)
				paid := min(left, mv.Float("amount_residual"))
				left = round2(left - paid)
				res := round2(mv.Float("amount_residual") - paid)
				sign := moveSign(mv.Str("move_type"))
				mv["amount_residual"], mv["amount_residual_signed"] = res, sign*res
				if res == 0 {
					mv["payment_state"] = "in_payment"
				} else {
					mv["payment_state"] = "partial"
				}
			}
		}
		return newObject("name", "Payments", "type", "ir.actions.act_window", "res_model", "account.payment",
			"context", map[string]any{"create": false}, "view_mode", "form", "res_id", last), nil
	})
}

// paymentName numbers a payment in its journal: P<code>/<year>/<n> (18+
// payments have their own sequence), <code>/<year>/<n> in 16/17 where the
// payment is a journal entry of the bank journal.
func (c *call) paymentName(journal dataset.Record, date string) string {
	code := journal.Str("code")
	if c.s.major >= 18 {
		code = "P" + code
	}
	year := date
	if len(year) >= 4 {
		year = year[:4]
	}
	prefix := code + "/" + year + "/"
	n := 0
	for _, model := range []string{"account.payment", "account.move"} {
		for _, r := range c.s.ds.Records(model) {
			if r.M2O("journal_id") == journal.ID() && strings.HasPrefix(r.Str("name"), prefix) {
				n++
			}
		}
	}
	return prefix + zeroPad(int64(n+1), 5)
}

// actionPost dispatches action_post by model.
func (c *call) actionPost() (any, error) {
	if c.m.name == "account.payment" {
		return c.paymentPost()
	}
	return c.movePost()
}

// paymentPost is account.payment action_post: draft payments are posted
// (18+: in process) and numbered. Like Odoo it returns None, which over
// XML-RPC is a fault raised after the change. It does not reconcile: that
// is the register wizard's work.
func (c *call) paymentPost() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			pay, err := c.recordOr("account.payment", id)
			if err != nil {
				return nil, err
			}
			if pay.Str("state") != "draft" {
				continue
			}
			t.touch("account.payment", pay)
			pay["state"] = "in_process"
			if n := pay.Str("name"); n == "" || n == "/" {
				if j := c.s.ds.Get("account.journal", pay.M2O("journal_id")); j != nil {
					pay["name"] = c.paymentName(j, pay.Str("date"))
				}
			}
		}
		return none, nil
	})
}
