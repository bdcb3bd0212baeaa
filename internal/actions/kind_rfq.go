package actions

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// draftRFQ creates a draft purchase.order (RFQ) for a product predicted to
// stock out, with the quantity from its reordering rule and the usual
// vendor; the marker is in its origin field. It is never confirmed.
// Inverse: button_cancel while the RFQ is still a draft.
type draftRFQ struct{}

func (draftRFQ) Info() TypeInfo {
	return TypeInfo{Type: TypeDraftRFQ, Label: "Draft purchase order (RFQ) for a product about to stock out", Model: "purchase.order",
		Operation: "purchase.order create (state draft, never confirmed) for the usual vendor with the reordering rule's quantity; the marker is the origin",
		Inverse:   "purchase.order button_cancel while still a draft", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleOps}}
}

func (draftRFQ) Validate(p *Params) error {
	var n needs
	n.need(p.VendorID > 0, "vendor_id")
	n.need(p.ProductID > 0, "product_id")
	n.need(p.Quantity > 0 && !math.IsInf(p.Quantity, 0), "a positive quantity")
	n.need(p.PriceUnit >= 0, "a price_unit of at least 0")
	n.need(p.Summary != "", "summary (the line description)")
	return n.err()
}

func (draftRFQ) Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error) {
	line := map[string]any{"product_id": p.ProductID, "product_qty": p.Quantity, "name": p.Summary}
	if p.PriceUnit > 0 {
		line["price_unit"] = p.PriceUnit
	}
	return o.Create(ctx, "purchase.order", map[string]any{"partner_id": p.VendorID, "origin": mark,
		"order_line": []any{[]any{0, 0, line}}}, nil)
}

func (draftRFQ) MarkerDomain(_ *Params, mark string) domain.Domain {
	return domain.Cond("origin", domain.OpEq, mark)
}

func (draftRFQ) RecordFields() []string {
	return []string{"write_date", "write_uid", "create_uid", "name", "state", "amount_total"}
}

func (draftRFQ) Stale(ctx context.Context, o Odoo, p *Params) (string, error) {
	rec, err := reread(ctx, o, "product.product", p.ProductID, "display_name", "virtual_available", "active")
	if err != nil {
		return "", err
	}
	if rec == nil {
		return fmt.Sprintf("product %d no longer exists", p.ProductID), nil
	}
	name, _ := rec.String("display_name")
	if active, _ := rec.Bool("active"); !active {
		return fmt.Sprintf("%s was archived", name), nil
	}
	if fc, err := rec.Float("virtual_available"); err == nil && p.ForecastBelow > 0 && fc >= p.ForecastBelow {
		return fmt.Sprintf("the forecast of %s is now %.2f, no longer below %.2f", name, fc, p.ForecastBelow), nil
	}
	return "", nil
}

// Rollback cancels the RFQ. button_cancel returns None: over XML-RPC Odoo
// commits and then fails to answer, so an unknown outcome is settled by
// reading.
func (k draftRFQ) Rollback(ctx context.Context, o Odoo, a *store.Action) error {
	_, err := o.Call(ctx, "purchase.order", "button_cancel", []any{[]any{a.RecordID}}, nil)
	if err != nil && !errors.Is(err, odoo.ErrOutcomeUnknown) {
		return err
	}
	cur, rerr := readRecord(ctx, o, k, a.RecordModel, a.RecordID)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	if st, _ := cur.String("state"); cur == nil || st != "cancel" {
		return errors.Join(err, fmt.Errorf("RFQ %d is not cancelled after button_cancel (state %q)", a.RecordID, st))
	}
	return nil
}

func (draftRFQ) Blocked(a *store.Action, rec odoo.Record) string {
	if rec == nil {
		return goneReason(a, "deleted by someone")
	}
	if st, _ := rec.String("state"); st != "draft" {
		name, _ := rec.String("name")
		return fmt.Sprintf("RFQ %s is no longer a draft (state %s); cancel it in Odoo if still wanted", name, st)
	}
	return ""
}
