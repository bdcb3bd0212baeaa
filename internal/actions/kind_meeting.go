package actions

import (
	"context"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// dealMeeting creates a calendar.event linked to a stalled high-value
// deal. Inverse: unlink the event.
type dealMeeting struct{}

func (dealMeeting) Info() TypeInfo {
	return TypeInfo{Type: TypeDealMeeting, Label: "Meeting for a stalled high-value deal", Model: "calendar.event",
		Operation: "calendar.event create linked to the opportunity, with the salesperson and the customer; the marker is in the description",
		Inverse:   "calendar.event unlink (invitations already emailed cannot be recalled)", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleSales}}
}

func (dealMeeting) Validate(p *Params) error {
	var n needs
	n.need(p.Model == "crm.lead" && p.ResID > 0, "a crm.lead res_id")
	n.need(p.Summary != "", "summary")
	n.need(p.DurationMinutes > 0, "duration_minutes")
	if _, err := odoo.ParseDatetime(p.Start); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	return n.err()
}

func (dealMeeting) Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error) {
	start, _ := odoo.ParseDatetime(p.Start)
	vals := map[string]any{"name": p.Summary, "description": markedBody(p, mark),
		"start": odoo.FormatDatetime(start), "stop": odoo.FormatDatetime(start.Add(time.Duration(p.DurationMinutes) * time.Minute)),
		"duration": float64(p.DurationMinutes) / 60, "opportunity_id": p.ResID, "res_model": p.Model, "res_id": p.ResID}
	if p.UserID > 0 {
		vals["user_id"] = p.UserID
	}
	if len(p.PartnerIDs) > 0 {
		ids := make([]any, len(p.PartnerIDs))
		for i, id := range p.PartnerIDs {
			ids[i] = id
		}
		vals["partner_ids"] = []any{[]any{6, 0, ids}}
	}
	return o.Create(ctx, "calendar.event", vals, nil)
}

func (dealMeeting) MarkerDomain(_ *Params, mark string) domain.Domain {
	return domain.Cond("description", domain.OpILike, mark)
}

func (dealMeeting) RecordFields() []string {
	return []string{"write_date", "write_uid", "create_uid", "name", "start"}
}

func (dealMeeting) Stale(ctx context.Context, o Odoo, p *Params) (string, error) {
	rec, err := reread(ctx, o, "crm.lead", p.ResID, "name", "active", "probability")
	if err != nil {
		return "", err
	}
	if rec == nil {
		return fmt.Sprintf("deal %d no longer exists", p.ResID), nil
	}
	name, _ := rec.String("name")
	if active, _ := rec.Bool("active"); !active {
		return fmt.Sprintf("deal %q was lost or archived meanwhile", name), nil
	}
	if prob, _ := rec.Float("probability"); prob >= 100 {
		return fmt.Sprintf("deal %q was won meanwhile", name), nil
	}
	return "", nil
}

func (k dealMeeting) Rollback(ctx context.Context, o Odoo, a *store.Action) error {
	return unlinkAndConfirm(ctx, o, k, a)
}

func (dealMeeting) Blocked(a *store.Action, rec odoo.Record) string {
	if rec == nil {
		return goneReason(a, "deleted by someone")
	}
	return ""
}
