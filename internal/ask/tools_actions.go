package ask

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// proposable are the action types a person can propose from a question:
// those whose parameters follow from the target record. Draft RFQs need a
// vendor and a quantity the stock analysis computes; they are proposed by
// it only. A type registered beyond the built-in ones (Deps.Kinds) is
// proposed by its own analysis: this tool cannot fill its parameters.
var proposable = []string{string(actions.TypeFollowUpActivity), string(actions.TypeChatterNote),
	string(actions.TypePaymentReminder), string(actions.TypeDealMeeting), string(actions.TypeProjectTask)}

func (t *tools) actionTools() []Tool {
	return []Tool{{
		Name: "propose_action",
		Description: "Propose an action on an Odoo record for a person to approve: a follow-up activity, an internal chatter note, " +
			"a payment reminder to the customer (account.move), a meeting for a deal (crm.lead) or a task in a project (project.project). " +
			"It goes through aicoo's policy, approval queue and audit log like aicoo's own proposals, and always waits for a person's " +
			"approval (or is blocked by the policy). Say to the user what was proposed and which roles must approve it. Only propose what the user asked for.",
		Schema: schema(map[string]any{
			"type": enumProp("The action type.", proposable...),
			"target": schema0("The Odoo record the action is about.", map[string]any{
				"model": prop("string", "Model of the record acted on, e.g. account.move, crm.lead, sale.order, project.project."),
				"id":    map[string]any{"type": "integer", "description": "Id of the record.", "minimum": 1},
			}, "model", "id"),
			"reason":  prop("string", "Why, in the user's words and with the figures: becomes the note, the activity note or the task description."),
			"summary": prop("string", "Optional short title of the activity, meeting or task."),
		}, "type", "target", "reason"),
		Perm: access.ActionPropose, Writes: true,
		Run: t.proposeAction,
	}, {
		Name: "draft_message",
		Description: "Draft a message to a customer or supplier from their real figures, for the user to copy and send themselves " +
			"(aicoo never sends it): a payment reminder listing the overdue invoices, a statement of every open invoice, " +
			"or a check-in about their recent and open orders.",
		Schema: schema(map[string]any{
			"partner": prop("string", "The partner's name (tolerant of case, accents and typos) or id."),
			"purpose": enumProp("What the message is for.", "payment_reminder", "statement", "check_in"),
		}, "partner", "purpose"),
		Perm: access.View,
		Run:  t.draftMessage,
	}}
}

// schema0 is a nested object schema (as a value, not raw JSON).
func schema0(desc string, props map[string]any, required ...string) map[string]any {
	return map[string]any{"type": "object", "description": desc, "properties": props, "required": required, "additionalProperties": false}
}

type proposeInput struct {
	Type   string `json:"type"`
	Target struct {
		Model string `json:"model"`
		ID    int64  `json:"id"`
	} `json:"target"`
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
}

// proposalResult is what propose_action returns.
type proposalResult struct {
	ActionID int64  `json:"action_id"`
	Created  bool   `json:"created"`
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	// PolicyMode and PolicyReason are the policy's decision.
	PolicyMode    string   `json:"policy_mode"`
	PolicyReason  string   `json:"policy_reason,omitempty"`
	ApproverRoles []string `json:"approver_roles"`
}

func (t *tools) proposeAction(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "propose_action"
	var p proposeInput
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	info, err := t.d.Kinds.Info(actions.Type(p.Type))
	if err != nil || !contains(proposable, p.Type) {
		return nil, inputErr(tool, "type must be one of %s", strings.Join(proposable, ", "))
	}
	p.Reason = strings.TrimSpace(p.Reason)
	if p.Reason == "" || len(p.Reason) > 2000 {
		return nil, inputErr(tool, "reason is required (at most 2000 characters)")
	}
	r, err := t.openModel(ctx, c, tool, p.Target.Model)
	if err != nil {
		return nil, err
	}
	model, id := p.Target.Model, p.Target.ID
	rec, ok := r.load(model)[id]
	if r.err != nil {
		return nil, r.err
	}
	if !ok {
		return nil, inputErr(tool, "no %s record with id %d in the synced copy", model, id)
	}
	name := r.DisplayName(model, id)
	label := t.recordLabel(model, name, id)
	m2o := func(f string) int64 { v, _ := rec[f].(int64); return v }
	partner := m2o("partner_id")
	summary := strings.TrimSpace(p.Summary)
	today := t.now()
	prop := actions.Proposal{Type: info.Type, TargetModel: model, TargetID: id, PartnerID: partner,
		// One proposal of a type per record and day from people: asking
		// twice does not queue it twice.
		Subject: fmt.Sprintf("%s:%d:asked:%s", model, id, today.Format(time.DateOnly)),
		Source:  "user:" + c.Username + " via " + cmpOr(c.Via, "chat"), Reasoning: p.Reason, Asked: true,
		Refs: []analysis.Ref{refOf(model, id)}}
	switch info.Type {
	case actions.TypeFollowUpActivity:
		prop.Params = actions.Params{Model: model, ResID: id, UserID: cmpOr(m2o("invoice_user_id"), m2o("user_id")),
			Summary: cmpOr(summary, "Follow up "+name), Body: p.Reason, Deadline: today.AddDate(0, 0, 3).Format(time.DateOnly)}
		prop.Title = "Follow-up activity on " + label
	case actions.TypeChatterNote:
		prop.Params = actions.Params{Model: model, ResID: id, Body: p.Reason}
		prop.Title = "Internal note on " + label
	case actions.TypePaymentReminder:
		if model != "account.move" || rec["move_type"] != "out_invoice" || num(rec["amount_residual"]) <= 0 || partner == 0 {
			return nil, inputErr(tool, "a payment reminder needs an open customer invoice (account.move of type out_invoice with an amount due)")
		}
		inv := r.invoiceOf(id)
		prop.Amount = inv.Residual
		prop.Params = actions.Params{Model: model, ResID: id, PartnerIDs: []int64{partner},
			Body: reminderBody(r.name("res.partner", partner), []openInvoice{inv}, inv.Currency)}
		prop.Title = fmt.Sprintf("Send a payment reminder for %s to %s", name, r.name("res.partner", partner))
	case actions.TypeDealMeeting:
		if model != "crm.lead" {
			return nil, inputErr(tool, "a deal meeting needs a crm.lead target")
		}
		start := nextWorkingDay(today).Add(9 * time.Hour)
		prop.Amount = num(rec["expected_revenue"])
		prop.Params = actions.Params{Model: model, ResID: id, Summary: cmpOr(summary, "Meeting: "+name), Body: p.Reason,
			UserID: m2o("user_id"), Start: start.Format(time.DateTime), DurationMinutes: 30}
		if partner != 0 {
			prop.Params.PartnerIDs = []int64{partner}
		}
		prop.Title = "Meeting for the deal " + name
	case actions.TypeProjectTask:
		if model != "project.project" {
			return nil, inputErr(tool, "a project task needs a project.project target")
		}
		prop.Params = actions.Params{ProjectID: id, Summary: cmpOr(summary, firstLine(p.Reason)), Body: p.Reason, UserID: m2o("user_id")}
		if partner != 0 {
			prop.Params.PartnerIDs = []int64{partner}
		}
		prop.Title = "Task in " + label + ": " + prop.Params.Summary
	}
	if t.d.Actions == nil {
		return nil, &RefusedError{Tool: tool, Reason: "actions cannot be proposed here: this aicoo runs without the actions service"}
	}
	a, created, err := t.d.Actions.Propose(ctx, c.ConnectionID, prop)
	if err != nil {
		return nil, fmt.Errorf("ask: propose %s: %w", p.Type, err)
	}
	res := proposalResult{ActionID: a.ID, Created: created, Type: a.ActionType, Title: a.Description, Status: a.Status,
		PolicyMode: a.PolicyMode, PolicyReason: a.PolicyReason, ApproverRoles: info.Roles}
	var text string
	switch {
	case !created:
		text = fmt.Sprintf("This was already proposed today (action %d, %s).", a.ID, a.Status)
	case a.Status == "pending":
		text = fmt.Sprintf("Proposed: %s. It waits for approval by a person with the role %s.", a.Description, orList(info.Roles))
	default:
		text = fmt.Sprintf("Proposed: %s. The policy decided %s: %s.", a.Description, a.Status, a.PolicyReason)
	}
	return &Output{Data: &res, Text: text, Sources: []Source{
		{Label: "Action: " + a.Description, Path: "/actions?status=all"}, {Label: label, Model: model, ID: id}}}, nil
}

func refOf(model string, id int64) analysis.Ref { return analysis.Ref{Model: model, IDs: []int64{id}} }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func cmpOr[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if r := []rune(line); len(r) > 80 {
		line = string(r[:80])
	}
	return line
}

func orList(roles []string) string {
	switch len(roles) {
	case 0:
		return "nobody"
	case 1:
		return roles[0]
	}
	return strings.Join(roles[:len(roles)-1], ", ") + " or " + roles[len(roles)-1]
}

func nextWorkingDay(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// openInvoice is a customer invoice with an amount due.
type openInvoice struct {
	ID          int64   `json:"id"`
	Number      string  `json:"number"`
	Date        string  `json:"invoice_date"`
	Due         string  `json:"due_date"`
	DaysOverdue int     `json:"days_overdue"`
	Total       float64 `json:"total"`
	Residual    float64 `json:"amount_due"`
	Currency    string  `json:"currency"`
}

// invoiceOf reads one invoice: amounts due in the company currency
// (amount_residual_signed), days overdue as of today's UTC date.
func (r *records) invoiceOf(id int64) openInvoice {
	v := func(f string) any { return r.Value("account.move", id, f) }
	str := func(f string) string { s, _ := v(f).(string); return s }
	cur, _ := v("company_currency_id").(int64)
	if cur == 0 {
		cur, _ = v("currency_id").(int64)
	}
	return openInvoice{ID: id, Number: str("name"), Date: str("invoice_date"), Due: str("invoice_date_due"),
		Total: cents(num(v("amount_total_signed"))), Residual: cents(num(v("amount_residual_signed"))), Currency: r.name("res.currency", cur)}
}

// openInvoices returns a partner's (and its contacts') posted customer
// invoices with an amount due, oldest due date first, with days overdue
// as of today.
func (r *records) openInvoices(partnerID int64, today time.Time) ([]openInvoice, error) {
	d := domain.And(domain.Cond("partner_id", domain.OpChildOf, partnerID), domain.Cond("move_type", domain.OpEq, "out_invoice"),
		domain.Cond("state", domain.OpEq, "posted"), domain.Cond("amount_residual", domain.OpGt, 0))
	ids, err := r.search("account.move", d)
	if err != nil {
		return nil, err
	}
	if err := r.sortIDs("account.move", ids, "invoice_date_due, name"); err != nil {
		return nil, err
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var out []openInvoice
	for _, id := range ids {
		inv := r.invoiceOf(id)
		if due, err := time.Parse(time.DateOnly, inv.Due); err == nil && due.Before(day) {
			inv.DaysOverdue = int(day.Sub(due).Hours() / 24)
		}
		out = append(out, inv)
	}
	return out, nil
}

func reminderBody(partner string, invs []openInvoice, currency string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\nAccording to our records, the following invoices are past their due date:\n\n", partner)
	total := 0.0
	for _, inv := range invs {
		fmt.Fprintf(&b, "- %s of %s, due on %s (%d days ago): %s open\n", inv.Number, inv.Date, inv.Due, inv.DaysOverdue, money(inv.Residual, currency))
		total += inv.Residual
	}
	fmt.Fprintf(&b, "\nIn total %s is overdue. We would be grateful if you could arrange payment, "+
		"or let us know if it has already been made.\n\nKind regards", money(total, currency))
	return b.String()
}

// draftResult is what draft_message returns.
type draftResult struct {
	Partner  partnerMatch     `json:"partner"`
	Purpose  string           `json:"purpose"`
	Subject  string           `json:"subject"`
	Body     string           `json:"body"`
	Figures  map[string]any   `json:"figures"`
	Invoices []openInvoice    `json:"invoices,omitempty"`
	Orders   []map[string]any `json:"orders,omitempty"`
	Note     string           `json:"note"`
}

func (t *tools) draftMessage(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "draft_message"
	var p struct {
		Partner string `json:"partner"`
		Purpose string `json:"purpose"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	area := map[string]string{"payment_reminder": "finance", "statement": "finance", "check_in": "sales"}[p.Purpose]
	if area == "" {
		return nil, inputErr(tool, "purpose must be payment_reminder, statement or check_in")
	}
	if !t.d.Access.CanSeeArea(c.Role, area) {
		return nil, refuse(tool, c.Role, "the figures a "+strings.ReplaceAll(p.Purpose, "_", " ")+" is written from", area)
	}
	r, err := t.openRecords(ctx, c)
	if err != nil {
		return nil, err
	}
	pm, err := t.resolvePartner(tool, r, p.Partner)
	if err != nil {
		return nil, err
	}
	res := draftResult{Partner: *pm, Purpose: p.Purpose, Figures: map[string]any{},
		Note: "A draft for you to check, copy and send yourself; aicoo has not sent anything."}
	out := &Output{Data: &res, Sources: []Source{{Label: "Partner " + pm.Name, Model: "res.partner", ID: pm.ID}}}
	now := t.now()
	switch p.Purpose {
	case "payment_reminder", "statement":
		invs, err := r.openInvoices(pm.ID, now)
		if err != nil {
			return nil, err
		}
		cur, due, overdue := "", 0.0, 0.0
		var overdueInvs []openInvoice
		for _, inv := range invs {
			cur = cmpOr(cur, inv.Currency)
			due += inv.Residual
			if inv.DaysOverdue > 0 {
				overdue += inv.Residual
				overdueInvs = append(overdueInvs, inv)
			}
			out.Sources = append(out.Sources, Source{Label: "Invoice " + inv.Number, Model: "account.move", ID: inv.ID})
		}
		res.Figures["open_amount"], res.Figures["overdue_amount"], res.Figures["currency"] = cents(due), cents(overdue), cur
		res.Figures["open_invoices"], res.Figures["overdue_invoices"] = len(invs), len(overdueInvs)
		if p.Purpose == "payment_reminder" {
			res.Invoices = overdueInvs
			if len(overdueInvs) == 0 {
				out.Text = fmt.Sprintf("%s has no overdue invoice: no reminder to write.", pm.Name)
				return out, nil
			}
			res.Subject = "Payment reminder: " + strconv.Itoa(len(overdueInvs)) + " overdue invoices"
			if len(overdueInvs) == 1 {
				res.Subject = "Payment reminder: invoice " + overdueInvs[0].Number
			}
			res.Body = reminderBody(pm.Name, overdueInvs, cur)
		} else {
			res.Invoices = invs
			res.Subject = "Statement of open invoices"
			var b strings.Builder
			fmt.Fprintf(&b, "Dear %s,\n\nPlease find below the invoices open on your account as of %s:\n\n", pm.Name, now.Format("2 January 2006"))
			for _, inv := range invs {
				fmt.Fprintf(&b, "- %s of %s, due on %s: %s open\n", inv.Number, inv.Date, inv.Due, money(inv.Residual, cur))
			}
			fmt.Fprintf(&b, "\nTotal open: %s, of which %s overdue.\n\nKind regards", money(due, cur), money(overdue, cur))
			res.Body = b.String()
		}
	case "check_in":
		ids, err := r.search("sale.order", domain.And(domain.Cond("partner_id", domain.OpChildOf, pm.ID),
			domain.Cond("state", domain.OpIn, []any{"sale", "done"})))
		if err != nil {
			return nil, err
		}
		if err := r.sortIDs("sale.order", ids, "date_order desc"); err != nil {
			return nil, err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Dear %s,\n\nThank you for your business with us.", pm.Name)
		if len(ids) > 0 {
			last := ids[0]
			date, _ := r.Value("sale.order", last, "date_order").(string)
			fmt.Fprintf(&b, " Your last order, %s, dates from %s.", r.DisplayName("sale.order", last), firstN(date, 10))
			res.Figures["last_order_date"] = firstN(date, 10)
		}
		b.WriteString(" We would like to hear how things are going and whether there is anything we can help you with. " +
			"Would you have time for a short call in the coming days?\n\nKind regards")
		res.Figures["orders"] = len(ids)
		for i, id := range ids {
			if i == 5 {
				break
			}
			res.Orders = append(res.Orders, r.row("sale.order", id, []string{"id", "name", "date_order", "amount_untaxed", "state"}))
			out.Sources = append(out.Sources, Source{Label: "Sales order " + r.DisplayName("sale.order", id), Model: "sale.order", ID: id})
		}
		res.Subject, res.Body = "How are things going?", b.String()
	}
	out.Text = "Subject: " + res.Subject + "\n\n" + res.Body
	return out, r.err
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// resolvePartner finds a partner by id or name; several equally good
// matches are an InputError listing them.
func (t *tools) resolvePartner(tool string, r *records, q string) (*partnerMatch, error) {
	if id, err := strconv.ParseInt(strings.TrimSpace(q), 10, 64); err == nil {
		if _, ok := r.load("res.partner")[id]; ok {
			return &partnerMatch{ID: id, Name: r.DisplayName("res.partner", id), Score: 1}, nil
		}
	}
	best, cands := r.bestPartner(q)
	if r.err != nil {
		return nil, r.err
	}
	if best != nil {
		return best, nil
	}
	if len(cands) == 0 {
		return nil, inputErr(tool, "no partner named like %q", q)
	}
	var names []string
	for _, m := range cands {
		names = append(names, fmt.Sprintf("%s (id %d)", m.Name, m.ID))
	}
	return nil, inputErr(tool, "several partners match %q: %s; give the id", q, strings.Join(names, ", "))
}
