package actions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// Kind is what one action type does in Odoo: the operation, how aicoo
// finds the record an earlier attempt created, what it reads back to
// verify it, when the action no longer makes sense, and the inverse. Each
// built-in type is one file (kind_*.go) listed in Builtin; the service,
// the policy and the dashboard read types only through Kinds and TypeInfo.
//
// Proposing is not part of a Kind: proposals start from an analyzer's
// insight (proposals.go), and one insight can give several types (an
// overdue invoice: a follow-up activity and a payment reminder).
type Kind interface {
	// Info describes the type: label, Odoo model, operation and inverse
	// in words, the policy's ceiling and default, the approving roles.
	Info() TypeInfo
	// Validate reports the parameters the type needs and p lacks.
	Validate(p *Params) error
	// Execute performs the operation and returns the id of the record it
	// created, which carries mark (the idempotency marker).
	Execute(ctx context.Context, o Odoo, p *Params, mark string) (int64, error)
	// MarkerDomain finds, on Info().Model, the record an attempt with mark
	// created (the service adds create_uid = aicoo's own Odoo user).
	MarkerDomain(p *Params, mark string) domain.Domain
	// RecordFields are read from the created record after execution and
	// before rollback, into the audit log.
	RecordFields() []string
	// Stale re-reads the documents behind the action and returns why it
	// no longer makes sense (the invoice was paid, the deal won), or "".
	Stale(ctx context.Context, o Odoo, p *Params) (string, error)
	// Blocked says why the record as it is now in Odoo must not be undone
	// (an RFQ no longer a draft), or "". rec is nil when the record is
	// gone; the reason then says so in the type's words. The service
	// checks first that aicoo created the record and nobody changed it.
	Blocked(a *store.Action, rec odoo.Record) string
	// Rollback performs the inverse operation and confirms it took effect,
	// re-reading when Odoo's answer was lost.
	Rollback(ctx context.Context, o Odoo, a *store.Action) error
}

// goneReason is the refusal to undo a record that no longer exists.
func goneReason(a *store.Action, how string) string {
	return fmt.Sprintf("%s %d no longer exists in Odoo: it was %s", a.RecordModel, a.RecordID, how)
}

// Kinds are the action types of a process, in display order. They are
// built once (Builtin, or NewKinds with more types in a test) and never
// change; a Service and the dashboard are given theirs.
type Kinds struct{ list []Kind }

// Builtin returns aicoo's action types.
func Builtin() *Kinds {
	return &Kinds{list: []Kind{followUpActivity{}, chatterNote{}, paymentReminder{}, draftRFQ{}, dealMeeting{}, projectTask{}}}
}

// builtin are the types of a Service without Config.Kinds. Nothing else
// reads them: whatever decides on an action (who sees it, its label, who
// approves it, its policy) reads the Kinds it is given, so that a
// registered type counts there too.
var builtin = Builtin()

// NewKinds returns the built-in types followed by extra, refusing a type
// declared twice or described incompletely.
func NewKinds(extra ...Kind) (*Kinds, error) {
	ks := Builtin()
	for _, k := range extra {
		info := k.Info()
		if _, err := ks.kind(info.Type); err == nil {
			return nil, fmt.Errorf("actions: action type %q is declared twice", info.Type)
		}
		if info.Type == "" || info.Label == "" || info.Model == "" || len(info.Roles) == 0 || !info.Ceiling.Valid() ||
			info.Default.Mode.rank() > info.Ceiling.rank() {
			return nil, fmt.Errorf("actions: action type %q: incomplete description (label, model, roles, a ceiling at least its default)", info.Type)
		}
		ks.list = append(ks.list, k)
	}
	return ks, nil
}

// kind returns the implementation of t.
func (ks *Kinds) kind(t Type) (Kind, error) {
	for _, k := range ks.list {
		if k.Info().Type == t {
			return k, nil
		}
	}
	return nil, fmt.Errorf("actions: unknown action type %q", t)
}

// needs collects the parameters a type lacks, for Validate.
type needs []string

func (n *needs) need(ok bool, what string) {
	if !ok {
		*n = append(*n, what)
	}
}

func (n needs) err() error {
	if len(n) > 0 {
		return fmt.Errorf("missing %s", strings.Join(n, ", "))
	}
	return nil
}

// markedBody is the HTML of a note, reminder or description: the text
// escaped, then the marker (hex digits: nothing to escape).
func markedBody(p *Params, mark string) string {
	return htmlText(p.Body) + "<p>[" + mark + "]</p>"
}

// reread reads one record again for Stale, nil when it is gone.
func reread(ctx context.Context, o Odoo, model string, id int64, fields ...string) (odoo.Record, error) {
	recs, err := o.Read(ctx, model, []int64{id}, fields, inactiveToo)
	if err != nil {
		return nil, fmt.Errorf("actions: re-read %s %d: %w", model, id, err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// unlinkAndConfirm is the inverse of the types that create a record that
// can simply be deleted: unlink (repeating it is safe, as unlinking a
// record already gone is a no-op) and check it is gone.
func unlinkAndConfirm(ctx context.Context, o Odoo, k Kind, a *store.Action) error {
	ids := []int64{a.RecordID}
	err := o.Unlink(ctx, a.RecordModel, ids, nil)
	if errors.Is(err, odoo.ErrOutcomeUnknown) {
		err = o.Unlink(ctx, a.RecordModel, ids, nil)
	}
	if err != nil {
		return err
	}
	cur, rerr := readRecord(ctx, o, k, a.RecordModel, a.RecordID)
	if rerr != nil || cur != nil {
		return errors.Join(rerr, fmt.Errorf("%s %d still exists after unlink", a.RecordModel, a.RecordID))
	}
	return nil
}

// invoiceStale is why an action on an invoice (a follow-up, a reminder)
// no longer makes sense: the document is gone, no longer posted, or paid.
// For other documents only their existence is checked.
func invoiceStale(ctx context.Context, o Odoo, p *Params, paidMatters bool) (string, error) {
	if p.Model != "account.move" {
		rec, err := reread(ctx, o, p.Model, p.ResID, "display_name")
		if err != nil || rec != nil {
			return "", err
		}
		return fmt.Sprintf("%s %d no longer exists", p.Model, p.ResID), nil
	}
	rec, err := reread(ctx, o, "account.move", p.ResID, "name", "state", "payment_state", "amount_residual")
	if err != nil {
		return "", err
	}
	if rec == nil {
		return fmt.Sprintf("invoice %d no longer exists", p.ResID), nil
	}
	if !paidMatters {
		return "", nil
	}
	name, _ := rec.String("name")
	state, _ := rec.String("state")
	pay, _ := rec.String("payment_state")
	residual, _ := rec.Float("amount_residual")
	switch {
	case state != "posted":
		return fmt.Sprintf("%s is no longer posted (state %s)", name, state), nil
	case pay == "paid" || pay == "in_payment" || pay == "reversed" || residual < 0.005:
		return fmt.Sprintf("%s has been paid meanwhile (payment state %s, %.2f due)", name, pay, residual), nil
	}
	return "", nil
}
