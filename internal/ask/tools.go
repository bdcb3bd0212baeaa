package ask

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
)

// Proposer puts an action in the approval queue through the policy and
// the audit log; *actions.Service satisfies it.
type Proposer interface {
	Propose(ctx context.Context, connectionID int64, p actions.Proposal) (*store.Action, bool, error)
}

// Briefer writes the briefing of a role for a date without storing it;
// *briefing.Generator satisfies it.
type Briefer interface {
	Build(ctx context.Context, connectionID int64, role string, date time.Time) (*briefing.Briefing, error)
}

// Deps are what the tools read and call.
type Deps struct {
	// Store holds the synced Odoo records and aicoo's results. Required.
	Store *store.Store
	// Access is the role table the registry checks callers against.
	// Required.
	Access *access.Table
	// Catalogue labels metrics and areas (areas.Catalogue()). Required.
	Catalogue *analysis.Catalogue
	// Now is the clock ("this year", "overdue", default dates). Defaults
	// to time.Now.
	Now func() time.Time
	// Kinds are the action types of the process (the actions service's
	// Kinds): they label actions, say who approves them and so who sees
	// them in the actions tool. Defaults to actions.Builtin().
	Kinds *actions.Kinds
	// Actions proposes actions for propose_action. When nil the tool is
	// still offered and answers that proposing is not available here.
	Actions Proposer
	// Briefings writes briefings for the briefing tool. When nil the tool
	// reads the briefings already stored.
	Briefings Briefer
	// Cache, when set, is the record cache the analyses of this process
	// use: the record tools read the synced models decoded once through it
	// instead of decoding every record on every call (the JSON decoding
	// is most of a tool's time). Nil reads the store directly.
	Cache *analysis.RecordCache
}

// tools is the state the tools share.
type tools struct {
	d      Deps
	schema *dataset.Schema
}

// NewTools returns the registry of every tool of this package: records
// (search_records, aggregate, get_record), stored results (metric,
// metric_history, explain_metric, alerts, alert, briefing, actions) and
// the two that prepare something for a person (propose_action,
// draft_message). The smart search adds its own tool to the registry.
func NewTools(d Deps) (*Registry, error) {
	if d.Store == nil || d.Access == nil || d.Catalogue == nil {
		return nil, errors.New("ask: Store, Access and Catalogue are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Kinds == nil {
		d.Kinds = actions.Builtin()
	}
	t := &tools{d: d, schema: dataset.DefaultSchema()}
	r := NewRegistry(d.Access)
	if err := r.Add(t.recordTools()...); err != nil {
		return nil, err
	}
	if err := r.Add(t.resultTools()...); err != nil {
		return nil, err
	}
	if err := r.Add(t.actionTools()...); err != nil {
		return nil, err
	}
	r.partners, r.now = t.findPartner, t.d.Now
	return r, nil
}

func (t *tools) now() time.Time { return t.d.Now().UTC() }

// decode reads a tool's input strictly: unknown fields are an InputError,
// so a model learns the right names instead of being silently ignored.
func decode(tool string, in json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &InputError{Tool: tool, Msg: "invalid input: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	return nil
}

func inputErr(tool, format string, args ...any) error {
	return &InputError{Tool: tool, Msg: fmt.Sprintf(format, args...)}
}

// schema builds a JSON object schema from its properties (each a JSON
// schema) and required names.
func schema(props map[string]any, required ...string) json.RawMessage {
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // static schemas: a programming error
	}
	return b
}

func prop(typ, desc string) map[string]any { return map[string]any{"type": typ, "description": desc} }

func enumProp(desc string, values ...string) map[string]any {
	return map[string]any{"type": "string", "description": desc, "enum": values}
}

func arrayProp(desc string, items map[string]any) map[string]any {
	return map[string]any{"type": "array", "description": desc, "items": items}
}

// cents rounds money to cents.
func cents(x float64) float64 {
	r := math.Round(x*100) / 100
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

// money formats an amount for people: thousands separated, two decimals.
func money(x float64, currency string) string { return numfmt.Money(cents(x), currency) }

// parseDay reads "YYYY-MM-DD"; empty gives def.
func parseDay(tool, name, s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, inputErr(tool, "%s must be a date YYYY-MM-DD, not %q", name, s)
	}
	return d, nil
}

// areaOfModel is the analysis area whose roles may read a model's records
// through the tools; "" means every role that can view. The rule follows
// the areas' analyzers: invoices, payments, the ledger and budgets are
// finance; orders and deals sales; tickets customers; stock, purchases and
// projects operations; expenses and employees expenses. Partners,
// products, companies, currencies, users and units are shared: every
// area's records name them. A model not listed is finance, the most
// guarded area, until someone decides otherwise.
func areaOfModel(model string) string {
	switch model {
	case "res.partner", "res.company", "res.currency", "res.currency.rate", "res.users", "res.country",
		"product.product", "product.template", "product.category", "uom.uom", "mail.activity", "mail.activity.type",
		"calendar.event":
		return ""
	case "product.supplierinfo":
		return "operations"
	}
	switch {
	case strings.HasPrefix(model, "account."), model == "aicoo.budget":
		return "finance"
	case strings.HasPrefix(model, "sale."), strings.HasPrefix(model, "crm."):
		return "sales"
	case strings.HasPrefix(model, "helpdesk."):
		return "customers"
	case strings.HasPrefix(model, "stock."), strings.HasPrefix(model, "purchase."), strings.HasPrefix(model, "mrp."),
		strings.HasPrefix(model, "project."):
		return "operations"
	case strings.HasPrefix(model, "hr."):
		return "expenses"
	}
	return "finance"
}

// canSeeModel reports whether the caller's role may read a model's records.
func (t *tools) canSeeModel(c Caller, model string) bool {
	a := areaOfModel(model)
	return a == "" || t.d.Access.CanSeeArea(c.Role, a)
}

// refuse is the RefusedError for an area the caller does not see.
func refuse(tool, role, what, area string) error {
	return &RefusedError{Tool: tool, Reason: fmt.Sprintf("the %s role does not see %s (the %s area)", role, what, area)}
}

// recordLabel names a record for a Source label: "Invoice INV/2026/0042".
func (t *tools) recordLabel(model, name string, id int64) string {
	kind := model
	if m, ok := t.schema.Model(model); ok && m.Description != "" {
		kind = m.Description
	}
	if name == "" {
		return fmt.Sprintf("%s %d", kind, id)
	}
	return kind + " " + name
}

// findPartner resolves a partner name for the caller: the best match, or
// the equally good candidates.
func (t *tools) findPartner(ctx context.Context, c Caller, name string) (*partnerMatch, []partnerMatch, error) {
	r, err := t.openRecords(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	best, cands := r.bestPartner(name)
	return best, cands, r.err
}
