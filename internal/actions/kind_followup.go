package actions

import (
	"context"
	"fmt"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// followUpActivity schedules a mail.activity on an overdue invoice for its
// salesperson or the accountant. Inverse: unlink the activity.
type followUpActivity struct{}

func (followUpActivity) Info() TypeInfo {
	return TypeInfo{Type: TypeFollowUpActivity, Label: "Follow-up activity on an overdue invoice", Model: "mail.activity",
		Operation: "mail.activity create on the invoice, assigned to its salesperson or the accountant; the marker is in the summary",
		Inverse:   "mail.activity unlink", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeAuto, MaxPerDay: 25, MaxPerCustomerWeek: 2}, Roles: financeRoles}
}

func (followUpActivity) Validate(p *Params) error {
	var n needs
	n.need(p.Model != "" && p.ResID > 0, "model and res_id")
	n.need(p.Summary != "", "summary")
	if _, err := odoo.ParseDate(p.Deadline); err != nil {
		return fmt.Errorf("deadline: %w", err)
	}
	return n.err()
}

func (followUpActivity) Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error) {
	models, err := o.SearchRead(ctx, "ir.model", domain.Cond("model", domain.OpEq, p.Model), odoo.SearchReadOpts{Fields: []string{"id"}, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(models) == 0 {
		return 0, fmt.Errorf("%w: ir.model has no %s", ErrPermanent, p.Model)
	}
	vals := map[string]any{"res_model_id": models[0].ID(), "res_id": p.ResID, "summary": p.Summary + " [" + mark + "]",
		"note": htmlText(p.Body), "date_deadline": p.Deadline}
	if p.UserID > 0 {
		vals["user_id"] = p.UserID
	}
	typeID, err := todoActivityType(ctx, o)
	if err != nil {
		return 0, err
	}
	if typeID != 0 {
		vals["activity_type_id"] = typeID
	}
	return o.Create(ctx, "mail.activity", vals, nil)
}

func (followUpActivity) MarkerDomain(p *Params, mark string) domain.Domain {
	return domain.And(domain.Cond("res_id", domain.OpEq, p.ResID), domain.Cond("summary", domain.OpILike, mark))
}

func (followUpActivity) RecordFields() []string {
	return []string{"write_date", "write_uid", "create_uid", "summary", "date_deadline", "user_id"}
}

func (followUpActivity) Stale(ctx context.Context, o Odoo, p *Params) (string, error) {
	return invoiceStale(ctx, o, p, true)
}

func (k followUpActivity) Rollback(ctx context.Context, o Odoo, a *store.Action) error {
	return unlinkAndConfirm(ctx, o, k, a)
}

func (followUpActivity) Blocked(a *store.Action, rec odoo.Record) string {
	if rec == nil {
		return goneReason(a, "marked done or deleted by someone")
	}
	return ""
}
