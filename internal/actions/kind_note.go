package actions

import (
	"context"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// chatterNote posts an internal note (mail.mt_note) in the chatter of an
// invoice, deal or order. Inverse: unlink the mail.message.
type chatterNote struct{}

func (chatterNote) Info() TypeInfo {
	return TypeInfo{Type: TypeChatterNote, Label: "Internal note in the chatter", Model: "mail.message",
		Operation: "message_post with subtype mail.mt_note (notifies nobody); the marker is in the body",
		Inverse:   "mail.message unlink", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeAuto, MaxPerDay: 50, MaxPerCustomerWeek: 3},
		Roles:   []string{store.RoleAdmin, store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps}}
}

func (chatterNote) Validate(p *Params) error {
	var n needs
	n.need(p.Model != "" && p.ResID > 0, "model and res_id")
	n.need(p.Body != "", "body")
	return n.err()
}

func (chatterNote) Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error) {
	return o.MessagePost(ctx, p.Model, p.ResID, odoo.MessagePostOpts{Body: markedBody(p, mark), BodyIsHTML: true, SubtypeXMLID: "mail.mt_note"})
}

func (chatterNote) MarkerDomain(p *Params, mark string) domain.Domain { return messageMarker(p, mark) }

func (chatterNote) RecordFields() []string { return []string{"write_date", "write_uid", "create_uid"} }

// Stale: a note still makes sense on a paid invoice; only a vanished
// document makes it pointless.
func (chatterNote) Stale(ctx context.Context, o Odoo, p *Params) (string, error) {
	return invoiceStale(ctx, o, p, false)
}

func (k chatterNote) Rollback(ctx context.Context, o Odoo, a *store.Action) error {
	return unlinkAndConfirm(ctx, o, k, a)
}

// messageMarker finds a chatter message with the marker on the document.
func messageMarker(p *Params, mark string) domain.Domain {
	return domain.And(domain.Cond("model", domain.OpEq, p.Model), domain.Cond("res_id", domain.OpEq, p.ResID),
		domain.Cond("body", domain.OpILike, mark))
}

func (chatterNote) Blocked(a *store.Action, rec odoo.Record) string {
	if rec == nil {
		return goneReason(a, "deleted by someone")
	}
	return ""
}
