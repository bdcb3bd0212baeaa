package actions

import (
	"fmt"
	"slices"

	"github.com/aicoo/aicoo/internal/store"
)

// Type names an action type. Each type has one Odoo operation and one
// inverse (see Types).
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

// typeInfos lists the types in display order. It is never modified.
var typeInfos = []TypeInfo{
	{Type: TypeFollowUpActivity, Label: "Follow-up activity on an overdue invoice", Model: "mail.activity",
		Operation: "mail.activity create on the invoice, assigned to its salesperson or the accountant; the marker is in the summary",
		Inverse:   "mail.activity unlink", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeAuto, MaxPerDay: 25, MaxPerCustomerWeek: 2}, Roles: financeRoles},
	{Type: TypeChatterNote, Label: "Internal note in the chatter", Model: "mail.message",
		Operation: "message_post with subtype mail.mt_note (notifies nobody); the marker is in the body",
		Inverse:   "mail.message unlink", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeAuto, MaxPerDay: 50, MaxPerCustomerWeek: 3},
		Roles:   []string{store.RoleAdmin, store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps}},
	{Type: TypePaymentReminder, Label: "Payment reminder to the customer", Model: "mail.message",
		Operation: "drafted in aicoo; on approval, message_post with subtype mail.mt_comment to the invoice's customer (emails them)",
		Inverse:   "mail.message unlink (the email already sent cannot be recalled)", Ceiling: ModeApprove,
		Default: Policy{Mode: ModeApprove, MaxPerCustomerWeek: 1}, Roles: financeRoles},
	{Type: TypeDraftRFQ, Label: "Draft purchase order (RFQ) for a product about to stock out", Model: "purchase.order",
		Operation: "purchase.order create (state draft, never confirmed) for the usual vendor with the reordering rule's quantity; the marker is the origin",
		Inverse:   "purchase.order button_cancel while still a draft", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleOps}},
	{Type: TypeDealMeeting, Label: "Meeting for a stalled high-value deal", Model: "calendar.event",
		Operation: "calendar.event create linked to the opportunity, with the salesperson and the customer; the marker is in the description",
		Inverse:   "calendar.event unlink (invitations already emailed cannot be recalled)", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleSales}},
	{Type: TypeProjectTask, Label: "Task in a project", Model: "project.task",
		Operation: "project.task create in the configured project; the marker is in the description",
		Inverse:   "project.task write active = False (archive)", Ceiling: ModeAuto,
		Default: Policy{Mode: ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleOps, store.RoleSales}},
}

// Types returns every action type, in display order.
func Types() []TypeInfo {
	out := make([]TypeInfo, len(typeInfos))
	for i, t := range typeInfos {
		t.Roles = slices.Clone(t.Roles)
		out[i] = t
	}
	return out
}

// Info returns the description of t.
func Info(t Type) (TypeInfo, error) {
	for _, info := range typeInfos {
		if info.Type == t {
			info.Roles = slices.Clone(info.Roles)
			return info, nil
		}
	}
	return TypeInfo{}, fmt.Errorf("actions: unknown action type %q", t)
}

// MayApprove reports whether a person with role may approve actions of t.
func MayApprove(t Type, role string) bool {
	info, err := Info(t)
	return err == nil && slices.Contains(info.Roles, role)
}
