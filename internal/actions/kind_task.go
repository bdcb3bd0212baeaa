package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// projectTask creates a project.task in a configured project. Inverse:
// archive it (active = False).
type projectTask struct{}

func (projectTask) Info() TypeInfo {
	return TypeInfo{Type: TypeProjectTask, Label: "Task in a project", Model: "project.task",
		Operation: "project.task create in the configured project; the marker is in the description",
		Inverse:   "project.task write active = False (archive)", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleOps, store.RoleSales}}
}

func (projectTask) Validate(p *Params) error {
	var n needs
	n.need(p.ProjectID > 0, "project_id")
	n.need(p.Summary != "", "summary")
	return n.err()
}

func (projectTask) Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error) {
	vals := map[string]any{"name": p.Summary, "project_id": p.ProjectID, "description": markedBody(p, mark)}
	if len(p.PartnerIDs) > 0 {
		vals["partner_id"] = p.PartnerIDs[0]
	}
	if p.UserID > 0 {
		vals["user_ids"] = []any{[]any{6, 0, []any{p.UserID}}}
	}
	return o.Create(ctx, "project.task", vals, nil)
}

func (projectTask) MarkerDomain(_ *Params, mark string) domain.Domain {
	return domain.Cond("description", domain.OpILike, mark)
}

func (projectTask) RecordFields() []string {
	return []string{"write_date", "write_uid", "create_uid", "name", "active"}
}

func (projectTask) Stale(ctx context.Context, o Odoo, p *Params) (string, error) {
	rec, err := reread(ctx, o, "project.project", p.ProjectID, "name", "active")
	if err != nil {
		return "", err
	}
	if rec == nil {
		return fmt.Sprintf("project %d no longer exists", p.ProjectID), nil
	}
	if active, _ := rec.Bool("active"); !active {
		return fmt.Sprintf("project %d was archived", p.ProjectID), nil
	}
	return "", nil
}

func (k projectTask) Rollback(ctx context.Context, o Odoo, a *store.Action) error {
	err := o.Write(ctx, "project.task", []int64{a.RecordID}, map[string]any{"active": false}, nil)
	if err != nil && !errors.Is(err, odoo.ErrOutcomeUnknown) {
		return err
	}
	cur, rerr := readRecord(ctx, o, k, a.RecordModel, a.RecordID)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	if active, _ := cur.Bool("active"); cur == nil || active {
		return errors.Join(err, fmt.Errorf("task %d is still active after archiving", a.RecordID))
	}
	return nil
}

func (projectTask) Blocked(a *store.Action, rec odoo.Record) string {
	if rec == nil {
		return goneReason(a, "deleted by someone")
	}
	if active, _ := rec.Bool("active"); !active {
		return fmt.Sprintf("task %d is already archived", a.RecordID)
	}
	return ""
}
