package actions

import (
	"context"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// paymentReminder is a payment reminder drafted by aicoo; while it waits
// for approval it is only a draft in aicoo. Executing it sends it to the
// customer (message_post with mail.mt_comment to the invoice partner). It
// can never run alone. Inverse: unlink the mail.message (an email already
// sent cannot be recalled).
type paymentReminder struct{}

func (paymentReminder) Info() TypeInfo {
	return TypeInfo{Type: TypePaymentReminder, Label: "Payment reminder to the customer", Model: "mail.message",
		Operation: "drafted in aicoo; on approval, message_post with subtype mail.mt_comment to the invoice's customer (emails them)",
		Inverse:   "mail.message unlink (the email already sent cannot be recalled)", Ceiling: ModeApprove,
		Default: Policy{Mode: ModeApprove, MaxPerCustomerWeek: 1}, Roles: financeRoles}
}

func (paymentReminder) Validate(p *Params) error {
	var n needs
	n.need(p.Model == "account.move" && p.ResID > 0, "an account.move res_id")
	n.need(p.Body != "", "body")
	n.need(len(p.PartnerIDs) > 0, "partner_ids (the customer)")
	return n.err()
}

func (paymentReminder) Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error) {
	partners := make([]any, len(p.PartnerIDs))
	for i, id := range p.PartnerIDs {
		partners[i] = id
	}
	kw := map[string]any{"body": markedBody(p, mark), "message_type": "comment", "subtype_xmlid": "mail.mt_comment", "partner_ids": partners}
	// 17+ escapes a body not flagged as HTML (16 takes every body as HTML
	// and knows no such argument).
	if info, ok := o.Info(); ok && info.Version.AtLeast(17, 0) {
		kw["body_is_html"] = true
	}
	v, err := o.Call(ctx, p.Model, "message_post", []any{[]any{p.ResID}}, kw)
	if err != nil {
		return 0, err
	}
	return idOf(v)
}

func (paymentReminder) MarkerDomain(p *Params, mark string) domain.Domain {
	return messageMarker(p, mark)
}

func (paymentReminder) RecordFields() []string {
	return []string{"write_date", "write_uid", "create_uid"}
}

func (paymentReminder) Stale(ctx context.Context, o Odoo, p *Params) (string, error) {
	return invoiceStale(ctx, o, p, true)
}

func (k paymentReminder) Rollback(ctx context.Context, o Odoo, a *store.Action) error {
	return unlinkAndConfirm(ctx, o, k, a)
}

func (paymentReminder) Blocked(a *store.Action, rec odoo.Record) string {
	if rec == nil {
		return goneReason(a, "deleted by someone")
	}
	return ""
}
