package actions

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// Defaults for ProposalOpts fields left zero.
const (
	FollowUpDaysDefault    = 2
	ReminderMinDaysDefault = 30
	HighValueDealDefault   = 10000
	MeetingHourUTCDefault  = 9
)

// ProposalOpts tunes how insights become proposals.
type ProposalOpts struct {
	// Today is the reference date for deadlines and meetings. Required.
	Today odoo.Date
	// AccountantUserID is the Odoo user who gets follow-ups on invoices
	// without a salesperson; 0 leaves it to Odoo (the API user).
	AccountantUserID int64
	// FollowUpDays is the activity deadline after Today. Defaults to
	// FollowUpDaysDefault.
	FollowUpDays int
	// ReminderMinDays is how overdue an invoice must be for a payment
	// reminder draft. Defaults to ReminderMinDaysDefault.
	ReminderMinDays int
	// HighValueDeal is the expected revenue from which a stalled deal gets
	// a meeting (others get a chatter note). Defaults to
	// HighValueDealDefault.
	HighValueDeal float64
	// TaskProjectID is the project for tasks (a call to a customer at risk
	// of churning); 0 proposes no tasks.
	TaskProjectID int64
	// MeetingHourUTC is the hour meetings start, the next working day.
	// Defaults to MeetingHourUTCDefault.
	MeetingHourUTC int
}

// Proposals turns analyzer insights into proposals, reading from Odoo what
// each needs (the invoice's salesperson, the deal's customer, the
// reordering rule and the usual vendor's price). Insights of other kinds,
// and insights whose records are gone, give no proposal. Text from Odoo
// (names, references) is only quoted in the proposals' words; it never
// chooses a type, a mode or a parameter.
func Proposals(ctx context.Context, o Odoo, insights []analysis.Insight, opts ProposalOpts) ([]Proposal, error) {
	if opts.Today.IsZero() {
		return nil, fmt.Errorf("actions: proposals: Today is required")
	}
	opts.FollowUpDays = cmpOr(opts.FollowUpDays, FollowUpDaysDefault)
	opts.ReminderMinDays = cmpOr(opts.ReminderMinDays, ReminderMinDaysDefault)
	opts.HighValueDeal = cmpOr(opts.HighValueDeal, HighValueDealDefault)
	opts.MeetingHourUTC = cmpOr(opts.MeetingHourUTC, MeetingHourUTCDefault)
	var out []Proposal
	for _, in := range insights {
		var (
			ps  []Proposal
			err error
		)
		switch in.Kind {
		case "overdue_invoice":
			ps, err = invoiceProposals(ctx, o, in, opts)
		case "stalled_deal":
			ps, err = dealProposals(ctx, o, in, opts)
		case "stockout_risk":
			ps, err = rfqProposals(ctx, o, in)
		case "churn_risk":
			ps, err = taskProposals(in, opts)
		}
		if err != nil {
			return out, fmt.Errorf("actions: proposals for %s: %w", in.Subject, err)
		}
		out = append(out, ps...)
	}
	return out, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// refID returns the first id of the insight's ref to model.
func refID(in analysis.Insight, model string) int64 {
	for _, r := range in.Refs {
		if r.Model == model && len(r.IDs) > 0 {
			return r.IDs[0]
		}
	}
	return 0
}

func readOne(ctx context.Context, o Odoo, model string, id int64, fields ...string) (odoo.Record, error) {
	recs, err := o.Read(ctx, model, []int64{id}, fields, inactiveToo)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

func base(in analysis.Insight, t Type) Proposal {
	return Proposal{Type: t, Subject: in.Subject, Source: "insight:" + in.Kind, InsightKind: in.Kind,
		Reasoning: in.Title + ". " + in.Detail, Facts: in.Facts, Refs: in.Refs}
}

func invoiceProposals(ctx context.Context, o Odoo, in analysis.Insight, opts ProposalOpts) ([]Proposal, error) {
	id := refID(in, "account.move")
	if id == 0 {
		return nil, nil
	}
	inv, err := readOne(ctx, o, "account.move", id, "name", "partner_id", "invoice_user_id", "amount_residual", "invoice_date_due", "currency_id")
	if err != nil || inv == nil {
		return nil, err
	}
	name, _ := inv.String("name")
	partner, _ := inv.Many2One("partner_id")
	user, _ := inv.Many2One("invoice_user_id")
	cur, _ := inv.Many2One("currency_id")
	residual, _ := inv.Float("amount_residual")
	due, _ := inv.Date("invoice_date_due")
	days := int(in.Facts["days_overdue"])
	assignee := user.ID
	if assignee == 0 {
		assignee = opts.AccountantUserID
	}
	act := base(in, TypeFollowUpActivity)
	act.TargetModel, act.TargetID, act.PartnerID, act.Amount = "account.move", id, partner.ID, residual
	act.Title = fmt.Sprintf("Follow up %s: %.2f %s overdue %d days", name, residual, cur.Name, days)
	act.Params = Params{Model: "account.move", ResID: id, UserID: assignee,
		Summary:  fmt.Sprintf("Follow up overdue invoice %s", name),
		Body:     fmt.Sprintf("%s of %s, due %s, is %d days overdue with %.2f %s unpaid. Proposed by aicoo.", name, partner.Name, due, days, residual, cur.Name),
		Deadline: opts.Today.AddDays(opts.FollowUpDays).String()}
	out := []Proposal{act}
	if days >= opts.ReminderMinDays && partner.ID != 0 {
		rem := base(in, TypePaymentReminder)
		rem.TargetModel, rem.TargetID, rem.PartnerID, rem.Amount = "account.move", id, partner.ID, residual
		rem.Title = fmt.Sprintf("Send a payment reminder for %s to %s", name, partner.Name)
		rem.Params = Params{Model: "account.move", ResID: id, PartnerIDs: []int64{partner.ID},
			Body: fmt.Sprintf("Dear %s,\n\nAccording to our records, invoice %s of %.2f %s, due on %s, is still open. "+
				"We would be grateful if you could arrange payment, or let us know if it has already been made.\n\nKind regards",
				partner.Name, name, residual, cur.Name, due)}
		out = append(out, rem)
	}
	return out, nil
}

func dealProposals(ctx context.Context, o Odoo, in analysis.Insight, opts ProposalOpts) ([]Proposal, error) {
	id := refID(in, "crm.lead")
	if id == 0 {
		return nil, nil
	}
	lead, err := readOne(ctx, o, "crm.lead", id, "name", "partner_id", "user_id", "expected_revenue")
	if err != nil || lead == nil {
		return nil, err
	}
	name, _ := lead.String("name")
	partner, _ := lead.Many2One("partner_id")
	user, _ := lead.Many2One("user_id")
	revenue, _ := lead.Float("expected_revenue")
	if revenue >= opts.HighValueDeal {
		p := base(in, TypeDealMeeting)
		p.TargetModel, p.TargetID, p.PartnerID, p.Amount = "crm.lead", id, partner.ID, revenue
		p.Title = fmt.Sprintf("Schedule a meeting on stalled deal %q (%.2f expected)", name, revenue)
		start := nextWorkingDay(opts.Today).In(time.UTC).Add(time.Duration(opts.MeetingHourUTC) * time.Hour)
		p.Params = Params{Model: "crm.lead", ResID: id, UserID: user.ID, Summary: "Stalled deal review: " + name,
			Body: in.Detail + " Proposed by aicoo.", Start: odoo.FormatDatetime(start), DurationMinutes: 30}
		if partner.ID != 0 {
			p.Params.PartnerIDs = []int64{partner.ID}
		}
		return []Proposal{p}, nil
	}
	p := base(in, TypeChatterNote)
	p.TargetModel, p.TargetID, p.PartnerID, p.Amount = "crm.lead", id, partner.ID, revenue
	p.Title = fmt.Sprintf("Note on stalled deal %q", name)
	p.Params = Params{Model: "crm.lead", ResID: id, Body: "aicoo: " + in.Detail}
	return []Proposal{p}, nil
}

func nextWorkingDay(d odoo.Date) odoo.Date {
	n := d.AddDays(1)
	for {
		switch n.In(time.UTC).Weekday() {
		case time.Saturday, time.Sunday:
			n = n.AddDays(1)
			continue
		}
		return n
	}
}

func rfqProposals(ctx context.Context, o Odoo, in analysis.Insight) ([]Proposal, error) {
	productID, vendorID := refID(in, "product.product"), refID(in, "res.partner")
	if productID == 0 || vendorID == 0 {
		return nil, nil // no usual vendor: nothing to order from
	}
	prod, err := readOne(ctx, o, "product.product", productID, "name", "default_code", "product_tmpl_id")
	if err != nil || prod == nil {
		return nil, err
	}
	label, _ := prod.String("name")
	if code, _ := prod.String("default_code"); code != "" {
		label = "[" + code + "] " + label
	}
	tmpl, _ := prod.Many2One("product_tmpl_id")
	forecast := in.Facts["forecast_qty"]
	qty, how := math.Ceil(in.Facts["shortfall"]), "the shortfall over the vendor lead time (the product has no reordering rule)"
	if opID := refID(in, "stock.warehouse.orderpoint"); opID != 0 {
		op, err := readOne(ctx, o, "stock.warehouse.orderpoint", opID, "name", "product_min_qty", "product_max_qty", "qty_multiple")
		if err != nil {
			return nil, err
		}
		if op != nil {
			opName, _ := op.String("name")
			maxQty, _ := op.Float("product_max_qty")
			multiple, _ := op.Float("qty_multiple")
			// As Odoo's replenishment does: up to the maximum, in
			// multiples of qty_multiple.
			qty = maxQty - forecast
			if multiple > 0 {
				qty = math.Ceil(qty/multiple) * multiple
			}
			how = fmt.Sprintf("reordering rule %s: up to its maximum of %.2f from a forecast of %.2f", opName, maxQty, forecast)
		}
	}
	if qty <= 0 {
		return nil, nil
	}
	vendor, err := readOne(ctx, o, "res.partner", vendorID, "name")
	if err != nil || vendor == nil {
		return nil, err
	}
	vendorName, _ := vendor.String("name")
	var price float64
	if tmpl.ID != 0 {
		infos, err := o.SearchRead(ctx, "product.supplierinfo", domain.And(domain.Cond("partner_id", domain.OpEq, vendorID),
			domain.Cond("product_tmpl_id", domain.OpEq, tmpl.ID)), odoo.SearchReadOpts{Fields: []string{"price"}, Order: "sequence, id", Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(infos) == 1 {
			price, _ = infos[0].Float("price")
		}
	}
	p := base(in, TypeDraftRFQ)
	p.TargetModel, p.TargetID, p.PartnerID, p.Amount = "product.product", productID, vendorID, qty*price
	p.Title = fmt.Sprintf("Draft an RFQ to %s for %.0f x %s", vendorName, qty, label)
	p.Reasoning += fmt.Sprintf(" Quantity from %s; vendor %s is the product's usual vendor.", how, vendorName)
	p.Params = Params{VendorID: vendorID, ProductID: productID, Quantity: qty, PriceUnit: price, Summary: label,
		ForecastBelow: in.Facts["need_over_lead"]}
	return []Proposal{p}, nil
}

func taskProposals(in analysis.Insight, opts ProposalOpts) ([]Proposal, error) {
	partnerID := refID(in, "res.partner")
	if opts.TaskProjectID == 0 || partnerID == 0 {
		return nil, nil
	}
	p := base(in, TypeProjectTask)
	p.TargetModel, p.TargetID, p.PartnerID = "res.partner", partnerID, partnerID
	p.Title = "Task: " + in.Title
	p.Params = Params{ProjectID: opts.TaskProjectID, Summary: in.Title, Body: in.Detail + " Proposed by aicoo.",
		PartnerIDs: []int64{partnerID}}
	return []Proposal{p}, nil
}

// ProposeReport counts what ProposeInsights did, by status.
type ProposeReport struct {
	Created  int
	Existing int
	ByStatus map[string]int
}

// ProposeInsights builds proposals from insights (Proposals) and proposes
// each (Propose).
func (s *Service) ProposeInsights(ctx context.Context, connectionID int64, insights []analysis.Insight, opts ProposalOpts) (*ProposeReport, error) {
	o, err := s.cfg.OdooFunc(ctx, connectionID)
	if err != nil {
		return nil, fmt.Errorf("actions: odoo for connection %d: %w", connectionID, err)
	}
	ps, err := Proposals(ctx, o, insights, opts)
	if err != nil {
		return nil, err
	}
	rep := &ProposeReport{ByStatus: map[string]int{}}
	for _, p := range ps {
		a, created, err := s.Propose(ctx, connectionID, p)
		if err != nil {
			return rep, err
		}
		if !created {
			rep.Existing++
			continue
		}
		rep.Created++
		rep.ByStatus[a.Status]++
	}
	return rep, nil
}
