package actions

import (
	"slices"

	"github.com/aicoo/aicoo/internal/store"
)

// Type names an action type. Each type has one Odoo operation and one
// inverse, implemented by its Kind (kind_*.go).
type Type string

// The action types.
const (
	// TypeFollowUpActivity schedules a mail.activity on an overdue invoice
	// for its salesperson or the accountant. Inverse: unlink the activity.
	TypeFollowUpActivity Type = "followup_activity"
	// TypeChatterNote posts an internal note (mail.mt_note) in the chatter
	// of an invoice, deal or order. Inverse: unlink the mail.message.
	TypeChatterNote Type = "chatter_note"
	// TypePaymentReminder is a payment reminder drafted by aicoo; while it
	// waits for approval it is only a draft in aicoo. Executing it sends it
	// to the customer (message_post with mail.mt_comment to the invoice
	// partner). It can never run alone. Inverse: unlink the mail.message
	// (an email already sent cannot be recalled).
	TypePaymentReminder Type = "payment_reminder"
	// TypeDraftRFQ creates a draft purchase.order (RFQ) for a product
	// predicted to stock out, with the quantity from its reordering rule
	// and the usual vendor; the marker is in its origin field. It is never
	// confirmed. Inverse: button_cancel while the RFQ is still a draft.
	TypeDraftRFQ Type = "draft_rfq"
	// TypeDealMeeting creates a calendar.event linked to a stalled
	// high-value deal. Inverse: unlink the event.
	TypeDealMeeting Type = "deal_meeting"
	// TypeProjectTask creates a project.task in a configured project.
	// Inverse: archive it (active = False).
	TypeProjectTask Type = "project_task"
)

// Mode is what the policy lets an action type do.
type Mode string

// The policy modes, from most to least permissive.
const (
	ModeAuto    Mode = "auto"    // runs alone, within the limits
	ModeApprove Mode = "approve" // waits for a person with the right role
	ModeNever   Mode = "never"   // is never run
)

// rank orders modes by permissiveness.
func (m Mode) rank() int {
	switch m {
	case ModeAuto:
		return 2
	case ModeApprove:
		return 1
	}
	return 0
}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == ModeAuto || m == ModeApprove || m == ModeNever }

// TypeInfo describes an action type.
type TypeInfo struct {
	Type  Type
	Label string
	// Model is the Odoo model of the record the action creates.
	Model string
	// Operation and Inverse say, in words, what executing and rolling back
	// do in Odoo.
	Operation string
	Inverse   string
	// Ceiling is the most permissive mode the type may ever have: no
	// policy change can go beyond it.
	Ceiling Mode
	// Default is the policy a connection has before an admin sets one.
	Default Policy
	// Roles may approve actions of the type.
	Roles []string
}

var financeRoles = []string{store.RoleAdmin, store.RoleCEO, store.RoleCFO}

// Types returns every action type, in display order.
func (ks *Kinds) Types() []TypeInfo {
	out := make([]TypeInfo, len(ks.list))
	for i, k := range ks.list {
		out[i] = k.Info()
		out[i].Roles = slices.Clone(out[i].Roles)
	}
	return out
}

// Info returns the description of t.
func (ks *Kinds) Info(t Type) (TypeInfo, error) {
	k, err := ks.kind(t)
	if err != nil {
		return TypeInfo{}, err
	}
	info := k.Info()
	info.Roles = slices.Clone(info.Roles)
	return info, nil
}

// MayApprove reports whether a person with role may approve actions of t.
func (ks *Kinds) MayApprove(t Type, role string) bool {
	info, err := ks.Info(t)
	return err == nil && slices.Contains(info.Roles, role)
}
