// Package actions lets aicoo act in Odoo inside boundaries its owner
// writes down, and undo what it did.
//
// # Types
//
// Six built-in action types (Builtin), each with one Odoo operation and its inverse:
// a follow-up activity on an overdue invoice (mail.activity create /
// unlink), an internal chatter note (message_post mail.mt_note /
// mail.message unlink), a payment reminder (drafted in aicoo; sent on
// approval with message_post mail.mt_comment to the customer / the message
// unlinked, the email cannot be recalled), a draft RFQ for a product about
// to stock out with its reordering rule's quantity and its usual vendor
// (purchase.order create / button_cancel while a draft), a meeting for a
// stalled high-value deal (calendar.event create / unlink) and a task in a
// project (project.task create / archive).
//
// # Proposals and policy
//
// Proposals come from analyzer insights (Proposals, ProposeInsights) or
// from anyone (Propose). A Proposal carries no mode: the connection's
// Policy for the type alone decides whether it runs alone (auto), waits
// for a person with one of the type's roles (approve) or is blocked
// (never). Auto is narrowed to approval by the limits: amount per action,
// actions per day, per customer per week. Quiet hours hold every action of
// the type until they end. Each type has a ceiling (a payment reminder is
// at most approve) that no stored policy can exceed: SetPolicy refuses it
// and Policy clamps an edited row. Defaults are conservative: only
// activities and notes run alone. Only admins change a policy, and every
// change is audited with the policy before and after.
//
// # Approval, execution, rollback
//
// Pending actions carry their reasoning and evidence (the insight's facts
// and records). Approve and Reject act on one; ApproveSimilar on a group
// of similar ones. ExpireStale expires proposals nobody decided on in
// time and those whose facts no longer hold (the invoice was paid). Execute
// re-reads the policy and the facts right before it writes, and is
// idempotent: each action has a key and a random marker, stored with it
// when proposed and written into the Odoo record (activity summary,
// message body, RFQ origin, event or task description); an execution first
// looks for the marker on records aicoo's own Odoo user created
// (create_uid), and when Odoo's answer is lost after the write may have
// been applied (odoo.ErrOutcomeUnknown) it looks again instead of writing
// twice. River runs executions through Worker (Register). Rollback
// removes, cancels or archives the created record after checking that
// aicoo's user created it and nobody changed it since (its write_date),
// and otherwise refuses with the reason. Plain text (which quotes Odoo
// data) is HTML-escaped in every HTML field aicoo writes.
//
// # Impact
//
// EvaluateImpact, run by the actions.maintain job, decides for each
// executed action whether the situation it addressed improved, from the
// Odoo records synced into the store (never from Odoo itself), by what the
// action is about:
//
//   - an invoice (follow-up activity, payment reminder, note): improved
//     when the invoice is paid (payment_state paid or in_payment, or
//     nothing left to pay on a posted invoice) within ImpactDays (14) of
//     the execution. The payment is dated by the earlier of the record's
//     write date and the time it was first synced paid; a cancelled or
//     reversed invoice, or one already paid before the action ran, is
//     unknown.
//   - a deal (meeting, note, task): improved when it was won, or moved to
//     another stage (date_last_stage_update after the execution), within
//     ImpactDays; not improved when lost or archived; unknown when it was
//     already won before the action ran.
//   - a product (draft RFQ): not improved as soon as a check sees it with
//     no stock left in internal locations (synced quants) during the
//     lead time of the stock-out it addressed (ImpactDays without one);
//     improved when the lead time passes with stock at every check, or
//     when the RFQ was confirmed and fully received.
//   - a customer (task for a churn risk): improved when the customer
//     confirmed a sales order within ImpactDays.
//
// Anything else is unknown, and so is an action whose record is gone from
// Odoo or whose model is not synced once the window is over. While the
// window is open, and until a sync of the model ends after it, an action
// without improvement is pending. A decided outcome is final; a rolled-back
// action is excluded from the rates. ImpactRates counts the outcomes per
// type for Analytics: rate = improved / (improved + not improved).
//
// Every step is appended to the hash-chained audit log: proposal, policy
// decision, approval or rejection (who), expiry, execution (Odoo model and
// id, values before and after), failure, rollback and refused rollback.
// VerifyAudit checks the chain for `aicoo audit verify`.
package actions
