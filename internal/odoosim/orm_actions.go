package odoosim

import (
	"html"
	"slices"

	"github.com/aicoo/aicoo/internal/dataset"
)

// setActive archives or restores records (action_archive,
// action_unarchive).
func (c *call) setActive(active bool) (any, error) {
	return c.writing(func(t *txn) (any, error) {
		return true, c.writeRecords(t, c.m, c.ids, map[string]any{"active": active})
	})
}

// toggleActive flips active on each record (16-18).
func (c *call) toggleActive() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			rec := c.s.ds.Get(c.m.name, id)
			if rec == nil {
				return nil, errMissing(c.m.name, []int64{id}, c.user.uid)
			}
			if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"active": !rec.Bool("active")}); err != nil {
				return nil, err
			}
		}
		return true, nil
	})
}

// messagePost creates a mail.message on one record and returns its id (a
// one-element list in 19). A plain body is HTML-escaped in 17+ unless
// body_is_html is set.
func (c *call) messagePost() (any, error) {
	if len(c.ids) != 1 {
		return nil, errValue("Expected singleton: %s", recordsetRepr(c.m.name, c.ids))
	}
	if c.s.get(c.m.name, c.ids[0]) == nil {
		return nil, errMissing(c.m.name, c.ids, c.user.uid)
	}
	body := c.argString("body")
	if c.s.major >= 17 && !c.argBool("body_is_html", false) {
		body = html.EscapeString(body)
	}
	msgType := c.argString("message_type")
	if msgType == "" {
		msgType = "notification"
	}
	subtype := c.argString("subtype_xmlid")
	if subtype == "" {
		subtype = "mail.mt_note"
	}
	mm := c.s.models["mail.message"]
	if f := mm.fields["subtype_xmlid"]; f != nil && !slices.ContainsFunc(f.def.Selection, func(o dataset.Option) bool { return o.Value == subtype }) {
		return nil, errValue("External ID not found in the system: %s", subtype)
	}
	partners, _ := c.arg("partner_ids").([]any)
	return c.writing(func(t *txn) (any, error) {
		id, err := c.postMessage(t, c.m.name, c.ids[0], map[string]any{
			"body": body, "subject": c.arg("subject"), "message_type": msgType, "subtype_xmlid": subtype,
			"partner_ids": []any{[]any{int64(6), int64(0), orEmpty(partners)}},
		})
		if err != nil {
			return nil, err
		}
		if c.s.major >= 19 {
			return []int64{id}, nil
		}
		return id, nil
	})
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// postMessage creates a mail.message on model/resID, authored by the
// caller's partner.
func (c *call) postMessage(t *txn, model string, resID int64, vals map[string]any) (int64, error) {
	author := any(false)
	if u := c.s.ds.Get("res.users", c.user.uid); u != nil && u.M2O("partner_id") != 0 {
		author = u.M2O("partner_id")
	}
	vals["model"] = model
	vals["res_id"] = resID
	vals["record_name"] = c.v.displayName(model, resID)
	vals["author_id"] = author
	vals["date"] = t.stamp
	return c.createOne(t, c.s.models["mail.message"], vals, nil)
}

// activityFeedback marks activities done (action_feedback, action_done):
// it posts "<type> done" on the document, then deletes the activity, or
// archives it with date_done in 17+ when its type keeps done activities.
// It returns the id of the first message, or False.
func (c *call) activityFeedback() (any, error) {
	feedback := c.argString("feedback")
	return c.writing(func(t *txn) (any, error) {
		var first any = false
		for _, id := range c.ids {
			act := c.s.ds.Get("mail.activity", id)
			if act == nil {
				return nil, errMissing("mail.activity", []int64{id}, c.user.uid)
			}
			typeName := "Activity"
			keep := false
			if at := c.s.ds.Get("mail.activity.type", act.M2O("activity_type_id")); at != nil {
				typeName = at.Str("name")
				keep = at.Bool("keep_done")
			}
			body := "<div><p>" + html.EscapeString(typeName) + " done</p>"
			if s := act.Str("summary"); s != "" {
				body += "<p>" + html.EscapeString(s) + "</p>"
			}
			if feedback != "" {
				body += "<p>" + html.EscapeString(feedback) + "</p>"
			}
			body += "</div>"
			if model, resID := act.Str("res_model"), act.Int("res_id"); model != "" && c.s.get(model, resID) != nil {
				msg, err := c.postMessage(t, model, resID, map[string]any{"body": body, "message_type": "notification", "subtype_xmlid": "mail.mt_note"})
				if err != nil {
					return nil, err
				}
				if first == false {
					first = msg
				}
			}
			if keep && c.s.major >= 17 {
				if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"active": false, "date_done": c.v.today}); err != nil {
					return nil, err
				}
				continue
			}
			if err := c.unlinkRecords(t, c.m, []int64{id}); err != nil {
				return nil, err
			}
		}
		return first, nil
	})
}

// purchaseConfirm is purchase.order button_confirm: RFQs (draft, sent)
// become purchase orders; others are left alone. It returns True.
func (c *call) purchaseConfirm() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			po := c.s.ds.Get("purchase.order", id)
			if po == nil {
				return nil, errMissing("purchase.order", []int64{id}, c.user.uid)
			}
			if st := po.Str("state"); st != "draft" && st != "sent" {
				continue
			}
			if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"state": "purchase", "date_approve": t.stamp}); err != nil {
				return nil, err
			}
			po["receipt_status"] = "pending"
		}
		return true, nil
	})
}

// purchaseCancel is purchase.order button_cancel. Like Odoo 16-18 it
// returns None, which over XML-RPC is a fault raised after the orders were
// cancelled.
func (c *call) purchaseCancel() (any, error) {
	return c.writing(func(t *txn) (any, error) {
		for _, id := range c.ids {
			po := c.s.ds.Get("purchase.order", id)
			if po == nil {
				return nil, errMissing("purchase.order", []int64{id}, c.user.uid)
			}
			if po.Str("state") == "done" || po.Bool("locked") {
				return nil, errUser("Unable to cancel purchase order(s): %s. You must first unlock them.", po.Str("name"))
			}
			if err := c.writeRecords(t, c.m, []int64{id}, map[string]any{"state": "cancel"}); err != nil {
				return nil, err
			}
			po["receipt_status"] = false
		}
		return none, nil
	})
}
