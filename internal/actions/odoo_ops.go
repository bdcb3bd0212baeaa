package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// Odoo is the part of the Odoo client (*odoo.Client) this package uses.
type Odoo interface {
	// Info says which Odoo user aicoo is connected as (UID) and its
	// version.
	Info() (odoo.ServerInfo, bool)
	SearchRead(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]odoo.Record, error)
	Read(ctx context.Context, model string, ids []int64, fields []string, callCtx map[string]any) ([]odoo.Record, error)
	Create(ctx context.Context, model string, vals map[string]any, callCtx map[string]any) (int64, error)
	Write(ctx context.Context, model string, ids []int64, vals map[string]any, callCtx map[string]any) error
	Unlink(ctx context.Context, model string, ids []int64, callCtx map[string]any) error
	MessagePost(ctx context.Context, model string, id int64, opts odoo.MessagePostOpts) (int64, error)
	Call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error)
}

// Params are the inputs of an action: what it writes in Odoo. Which fields
// a type needs is checked when it is proposed.
type Params struct {
	// Model and ResID name the Odoo document the action is about.
	Model string `json:"model,omitempty"`
	ResID int64  `json:"res_id,omitempty"`
	// Summary is the activity summary, the meeting or task name, or the
	// RFQ line description.
	Summary string `json:"summary,omitempty"`
	// Body is the note, reminder, activity note or description, as plain
	// text: aicoo escapes it into the HTML it writes.
	Body string `json:"body,omitempty"`
	// UserID is the activity assignee, meeting organiser or task assignee.
	UserID int64 `json:"user_id,omitempty"`
	// Deadline is the activity's due date, "YYYY-MM-DD".
	Deadline string `json:"deadline,omitempty"`
	// PartnerIDs are the reminder recipients, meeting attendees or the
	// task's customer (first).
	PartnerIDs []int64 `json:"partner_ids,omitempty"`
	// RFQ: vendor, product, quantity and unit price (0 lets Odoo price it).
	VendorID  int64   `json:"vendor_id,omitempty"`
	ProductID int64   `json:"product_id,omitempty"`
	Quantity  float64 `json:"quantity,omitempty"`
	PriceUnit float64 `json:"price_unit,omitempty"`
	// ForecastBelow makes an RFQ stale once the product's forecast
	// quantity reaches it.
	ForecastBelow float64 `json:"forecast_below,omitempty"`
	// ProjectID is the task's project.
	ProjectID int64 `json:"project_id,omitempty"`
	// Start ("YYYY-MM-DD HH:MM:SS", UTC) and DurationMinutes place a
	// meeting.
	Start           string `json:"start,omitempty"`
	DurationMinutes int    `json:"duration_minutes,omitempty"`
}

func (p *Params) validate(t Type) error {
	var missing []string
	need := func(ok bool, name string) {
		if !ok {
			missing = append(missing, name)
		}
	}
	switch t {
	case TypeFollowUpActivity:
		need(p.Model != "" && p.ResID > 0, "model and res_id")
		need(p.Summary != "", "summary")
		if _, err := odoo.ParseDate(p.Deadline); err != nil {
			return fmt.Errorf("deadline: %w", err)
		}
	case TypeChatterNote:
		need(p.Model != "" && p.ResID > 0, "model and res_id")
		need(p.Body != "", "body")
	case TypePaymentReminder:
		need(p.Model == "account.move" && p.ResID > 0, "an account.move res_id")
		need(p.Body != "", "body")
		need(len(p.PartnerIDs) > 0, "partner_ids (the customer)")
	case TypeDraftRFQ:
		need(p.VendorID > 0, "vendor_id")
		need(p.ProductID > 0, "product_id")
		need(p.Quantity > 0 && !math.IsInf(p.Quantity, 0), "a positive quantity")
		need(p.PriceUnit >= 0, "a price_unit of at least 0")
		need(p.Summary != "", "summary (the line description)")
	case TypeDealMeeting:
		need(p.Model == "crm.lead" && p.ResID > 0, "a crm.lead res_id")
		need(p.Summary != "", "summary")
		need(p.DurationMinutes > 0, "duration_minutes")
		if _, err := odoo.ParseDatetime(p.Start); err != nil {
			return fmt.Errorf("start: %w", err)
		}
	case TypeProjectTask:
		need(p.ProjectID > 0, "project_id")
		need(p.Summary != "", "summary")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

var inactiveToo = map[string]any{"active_test": false}

// selfUID returns the id of the Odoo user aicoo is connected as: only
// records it created (create_uid) are aicoo's. Odoo sets create_uid from
// the calling user and ignores it in create values, so no other user can
// forge it; author_id can be chosen by whoever posts (message_post takes
// it as an argument), so it proves nothing.
func selfUID(o Odoo) (int64, error) {
	info, ok := o.Info()
	if !ok || info.UID <= 0 {
		return 0, fmt.Errorf("%w: the Odoo client is not connected (no user id)", odoo.ErrUnavailable)
	}
	return info.UID, nil
}

// htmlText renders plain text (which may quote Odoo data: partner names,
// references) as HTML for Odoo's HTML fields: escaped, one line break per
// newline. Odoo 16 does not sanitise every path, so aicoo never writes
// Odoo text into HTML unescaped.
func htmlText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = html.EscapeString(l)
	}
	return "<p>" + strings.Join(lines, "<br>") + "</p>"
}

// todoActivityType returns the id of Odoo's To-Do activity type, or 0: the
// record of the external id mail.mail_activity_data_todo, which holds
// whatever the type is called (16 names it "To Do", 17+ "To-Do", and
// databases in other languages translate it); else, where ir.model.data
// cannot be read, the type named so.
func todoActivityType(ctx context.Context, o Odoo) (int64, error) {
	xmlid := domain.And(domain.Cond("module", domain.OpEq, "mail"), domain.Cond("name", domain.OpEq, "mail_activity_data_todo"),
		domain.Cond("model", domain.OpEq, "mail.activity.type"))
	if rows, err := o.SearchRead(ctx, "ir.model.data", xmlid, odoo.SearchReadOpts{Fields: []string{"res_id"}, Limit: 1}); err == nil && len(rows) == 1 {
		if id, err := rows[0].Int("res_id"); err == nil && id != 0 {
			if types, err := o.SearchRead(ctx, "mail.activity.type", domain.Cond("id", domain.OpEq, id), odoo.SearchReadOpts{Fields: []string{"id"}, Limit: 1}); err == nil && len(types) == 1 {
				return id, nil // it exists and is active
			}
		}
	}
	types, err := o.SearchRead(ctx, "mail.activity.type", domain.Cond("name", domain.OpIn, []any{"To-Do", "To Do"}), odoo.SearchReadOpts{Fields: []string{"id"}, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(types) == 1 {
		return types[0].ID(), nil
	}
	return 0, nil
}

// executeOdoo performs the type's Odoo operation and returns the id of the
// record it created.
func executeOdoo(ctx context.Context, o Odoo, t Type, p *Params, mark string) (int64, error) {
	tagged := "[" + mark + "]"
	// body is the HTML of the note, reminder or description: the text
	// escaped, then the marker (hex digits: nothing to escape).
	body := htmlText(p.Body) + "<p>" + tagged + "</p>"
	switch t {
	case TypeFollowUpActivity:
		models, err := o.SearchRead(ctx, "ir.model", domain.Cond("model", domain.OpEq, p.Model), odoo.SearchReadOpts{Fields: []string{"id"}, Limit: 1})
		if err != nil {
			return 0, err
		}
		if len(models) == 0 {
			return 0, fmt.Errorf("%w: ir.model has no %s", ErrPermanent, p.Model)
		}
		vals := map[string]any{"res_model_id": models[0].ID(), "res_id": p.ResID, "summary": p.Summary + " " + tagged,
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
	case TypeChatterNote:
		return o.MessagePost(ctx, p.Model, p.ResID, odoo.MessagePostOpts{Body: body, BodyIsHTML: true, SubtypeXMLID: "mail.mt_note"})
	case TypePaymentReminder:
		partners := make([]any, len(p.PartnerIDs))
		for i, id := range p.PartnerIDs {
			partners[i] = id
		}
		kw := map[string]any{"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment", "partner_ids": partners}
		// 17+ escapes a body not flagged as HTML (16 takes every body as
		// HTML and knows no such argument).
		if info, ok := o.Info(); ok && info.Version.AtLeast(17, 0) {
			kw["body_is_html"] = true
		}
		v, err := o.Call(ctx, p.Model, "message_post", []any{[]any{p.ResID}}, kw)
		if err != nil {
			return 0, err
		}
		return idOf(v)
	case TypeDraftRFQ:
		line := map[string]any{"product_id": p.ProductID, "product_qty": p.Quantity, "name": p.Summary}
		if p.PriceUnit > 0 {
			line["price_unit"] = p.PriceUnit
		}
		return o.Create(ctx, "purchase.order", map[string]any{"partner_id": p.VendorID, "origin": mark,
			"order_line": []any{[]any{0, 0, line}}}, nil)
	case TypeDealMeeting:
		start, _ := odoo.ParseDatetime(p.Start)
		vals := map[string]any{"name": p.Summary, "description": body,
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
	case TypeProjectTask:
		vals := map[string]any{"name": p.Summary, "project_id": p.ProjectID, "description": body}
		if len(p.PartnerIDs) > 0 {
			vals["partner_id"] = p.PartnerIDs[0]
		}
		if p.UserID > 0 {
			vals["user_ids"] = []any{[]any{6, 0, []any{p.UserID}}}
		}
		return o.Create(ctx, "project.task", vals, nil)
	}
	return 0, fmt.Errorf("actions: unknown action type %q", t)
}

// findByMarker returns the record an earlier attempt created, or 0. Only a
// record aicoo's own Odoo user created counts: anyone who can post on a
// document (a portal customer on their invoice) could copy a marker into
// it.
func findByMarker(ctx context.Context, o Odoo, t Type, p *Params, mark string) (int64, error) {
	info, err := Info(t)
	if err != nil {
		return 0, err
	}
	uid, err := selfUID(o)
	if err != nil {
		return 0, err
	}
	var dom domain.Domain
	switch t {
	case TypeFollowUpActivity:
		dom = domain.And(domain.Cond("res_id", domain.OpEq, p.ResID), domain.Cond("summary", domain.OpILike, mark))
	case TypeChatterNote, TypePaymentReminder:
		dom = domain.And(domain.Cond("model", domain.OpEq, p.Model), domain.Cond("res_id", domain.OpEq, p.ResID),
			domain.Cond("body", domain.OpILike, mark))
	case TypeDraftRFQ:
		dom = domain.Cond("origin", domain.OpEq, mark)
	case TypeDealMeeting, TypeProjectTask:
		dom = domain.Cond("description", domain.OpILike, mark)
	}
	dom = domain.And(dom, domain.Cond("create_uid", domain.OpEq, uid))
	recs, err := o.SearchRead(ctx, info.Model, dom, odoo.SearchReadOpts{Fields: []string{"id"}, Order: "id asc", Limit: 1, Context: inactiveToo})
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, nil
	}
	return recs[0].ID(), nil
}

// recordFields are read from the created record after execution and
// before rollback.
func recordFields(t Type) []string {
	f := []string{"write_date", "write_uid", "create_uid"}
	switch t {
	case TypeDraftRFQ:
		f = append(f, "name", "state", "amount_total")
	case TypeProjectTask:
		f = append(f, "name", "active")
	case TypeDealMeeting:
		f = append(f, "name", "start")
	case TypeFollowUpActivity:
		f = append(f, "summary", "date_deadline", "user_id")
	}
	return f
}

// readRecord reads the action's record, or nil when it no longer exists.
func readRecord(ctx context.Context, o Odoo, t Type, model string, id int64) (odoo.Record, error) {
	recs, err := o.Read(ctx, model, []int64{id}, recordFields(t), inactiveToo)
	if err != nil {
		if errors.Is(err, odoo.ErrMissingRecord) {
			return nil, nil
		}
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// checkFacts re-reads the document behind an action and returns why the
// action no longer makes sense, or "".
func (s *Service) checkFacts(ctx context.Context, a *store.Action) (string, error) {
	var p Params
	if err := json.Unmarshal(a.Parameters, &p); err != nil {
		return "", fmt.Errorf("actions: action %d parameters: %w", a.ID, err)
	}
	o, err := s.cfg.OdooFunc(ctx, a.ConnectionID)
	if err != nil {
		return "", fmt.Errorf("actions: odoo for connection %d: %w", a.ConnectionID, err)
	}
	return staleReason(ctx, o, Type(a.ActionType), &p)
}

func staleReason(ctx context.Context, o Odoo, t Type, p *Params) (string, error) {
	read := func(model string, id int64, fields ...string) (odoo.Record, error) {
		recs, err := o.Read(ctx, model, []int64{id}, fields, inactiveToo)
		if err != nil {
			return nil, fmt.Errorf("actions: re-read %s %d: %w", model, id, err)
		}
		if len(recs) == 0 {
			return nil, nil
		}
		return recs[0], nil
	}
	switch t {
	case TypeFollowUpActivity, TypePaymentReminder, TypeChatterNote:
		if p.Model != "account.move" {
			rec, err := read(p.Model, p.ResID, "display_name")
			if err != nil || rec != nil {
				return "", err
			}
			return fmt.Sprintf("%s %d no longer exists", p.Model, p.ResID), nil
		}
		rec, err := read("account.move", p.ResID, "name", "state", "payment_state", "amount_residual")
		if err != nil {
			return "", err
		}
		if rec == nil {
			return fmt.Sprintf("invoice %d no longer exists", p.ResID), nil
		}
		name, _ := rec.String("name")
		if t == TypeChatterNote {
			return "", nil
		}
		state, _ := rec.String("state")
		pay, _ := rec.String("payment_state")
		residual, _ := rec.Float("amount_residual")
		switch {
		case state != "posted":
			return fmt.Sprintf("%s is no longer posted (state %s)", name, state), nil
		case pay == "paid" || pay == "in_payment" || pay == "reversed" || residual < 0.005:
			return fmt.Sprintf("%s has been paid meanwhile (payment state %s, %.2f due)", name, pay, residual), nil
		}
	case TypeDraftRFQ:
		rec, err := read("product.product", p.ProductID, "display_name", "virtual_available", "active")
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
	case TypeDealMeeting:
		rec, err := read("crm.lead", p.ResID, "name", "active", "probability")
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
	case TypeProjectTask:
		rec, err := read("project.project", p.ProjectID, "name", "active")
		if err != nil {
			return "", err
		}
		if rec == nil {
			return fmt.Sprintf("project %d no longer exists", p.ProjectID), nil
		}
		if active, _ := rec.Bool("active"); !active {
			return fmt.Sprintf("project %d was archived", p.ProjectID), nil
		}
	}
	return "", nil
}

// idOf reads an id returned as a number or a one-element list.
func idOf(v any) (int64, error) {
	if list, ok := v.([]any); ok {
		if len(list) != 1 {
			return 0, fmt.Errorf("%w: expected one id, got %d", ErrPermanent, len(list))
		}
		v = list[0]
	}
	switch x := v.(type) {
	case json.Number:
		return x.Int64()
	case float64:
		return int64(x), nil
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	}
	return 0, fmt.Errorf("%w: expected an id, got %T", ErrPermanent, v)
}

// transient reports whether a later attempt may succeed.
func transient(err error) bool {
	for _, k := range []error{odoo.ErrUnavailable, odoo.ErrTimeout, odoo.ErrCircuitOpen, odoo.ErrUnreachable,
		odoo.ErrOutcomeUnknown, odoo.ErrLocked, context.DeadlineExceeded, context.Canceled} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

func m2oLabel(rec odoo.Record, field string) string {
	m, err := rec.Many2One(field)
	if err != nil || m.IsZero() {
		return "someone"
	}
	if m.Name != "" {
		return m.Name
	}
	return "user " + strconv.FormatInt(m.ID, 10)
}
