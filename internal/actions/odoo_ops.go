package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

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

// validate checks the parameters type t needs.
func (p *Params) validate(ks *Kinds, t Type) error {
	k, err := ks.kind(t)
	if err != nil {
		return err
	}
	return k.Validate(p)
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

// findByMarker returns the record an earlier attempt created, or 0. Only a
// record aicoo's own Odoo user created counts: anyone who can post on a
// document (a portal customer on their invoice) could copy a marker into
// it.
func findByMarker(ctx context.Context, o Odoo, k Kind, p *Params, mark string) (int64, error) {
	uid, err := selfUID(o)
	if err != nil {
		return 0, err
	}
	dom := domain.And(k.MarkerDomain(p, mark), domain.Cond("create_uid", domain.OpEq, uid))
	recs, err := o.SearchRead(ctx, k.Info().Model, dom, odoo.SearchReadOpts{Fields: []string{"id"}, Order: "id asc", Limit: 1, Context: inactiveToo})
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, nil
	}
	return recs[0].ID(), nil
}

// readRecord reads the action's record, or nil when it no longer exists.
func readRecord(ctx context.Context, o Odoo, k Kind, model string, id int64) (odoo.Record, error) {
	recs, err := o.Read(ctx, model, []int64{id}, k.RecordFields(), inactiveToo)
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
	return staleReason(ctx, s.cfg.Kinds, o, Type(a.ActionType), &p)
}

func staleReason(ctx context.Context, ks *Kinds, o Odoo, t Type, p *Params) (string, error) {
	k, err := ks.kind(t)
	if err != nil {
		return "", err
	}
	return k.Stale(ctx, o, p)
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
