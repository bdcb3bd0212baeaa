package odoosim

import (
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// view is the dataset as one call sees it, in the emulated version's field
// names. It implements domain.Source and caches computed figures for the
// call. It is used by one goroutine, under the server's lock.
type view struct {
	s     *Server
	today string
	cache map[string]map[int64]float64
}

func (s *Server) newView() *view {
	return &view{s: s, today: s.now().Format(dataset.DateLayout)}
}

// Field implements domain.Source.
func (v *view) Field(model, name string) (domain.Field, bool) {
	m, ok := v.s.models[model]
	if !ok {
		return domain.Field{}, false
	}
	f, ok := m.fields[name]
	if !ok || name == "display_name" || name == "id" {
		return domain.Field{}, false
	}
	return domain.Field{Type: domain.FieldType(f.typ), Relation: f.relation, InverseName: f.inverse, Unsearchable: f.unsearchable}, true
}

// IDs implements domain.Source.
func (v *view) IDs(model string) []int64 { return v.s.allIDs(model) }

// Value implements domain.Source.
func (v *view) Value(model string, id int64, name string) any {
	m, ok := v.s.models[model]
	if !ok {
		return false
	}
	f, ok := m.fields[name]
	rec := v.s.get(model, id)
	if !ok || rec == nil {
		return false
	}
	return v.value(m, rec, f)
}

// DisplayName implements domain.Source.
func (v *view) DisplayName(model string, id int64) string { return v.displayName(model, id) }

// ParentName implements domain.ParentNamer.
func (v *view) ParentName(model string) string { return parentName(model) }

// displayName is the record's display_name: its rec name field, with
// Odoo's "model,id" fallback for records without one.
func (v *view) displayName(model string, id int64) string {
	rec := v.s.get(model, id)
	m := v.s.models[model]
	if rec == nil || m == nil {
		return fmt.Sprintf("%s,%d", model, id)
	}
	name := rec.Str(m.recName)
	switch model {
	case "account.move":
		return moveDisplayName(rec)
	case "product.product", "product.template":
		name = rec.Str("name")
		if code := rec.Str("default_code"); code != "" {
			name = "[" + code + "] " + name
		}
	case "product.supplierinfo", "stock.quant":
		if ref := rec.M2O(m.recName); ref != 0 {
			if f, ok := m.byKey[m.recName]; ok {
				name = v.displayName(f.relation, ref)
			}
		}
	}
	if name == "" {
		name = rec.Str("name")
	}
	if name == "" {
		return fmt.Sprintf("%s,%d", model, id)
	}
	return name
}

// value returns field f of rec in the load=None shape of the emulated
// version: a bare id (or false) for a many2one, id lists for x2many fields.
func (v *view) value(m *modelInfo, rec dataset.Record, f *fieldInfo) any {
	if f.via != "" {
		parent := v.s.get(f.parent, rec.M2O(f.via))
		pm := v.s.models[f.parent]
		if parent == nil || pm == nil {
			return emptyValue(f.typ)
		}
		return v.value(pm, parent, f.target)
	}
	if f.name == "id" {
		return rec.ID()
	}
	if f.derived {
		return v.computed(m, rec, f)
	}
	val, ok := rec[f.key]
	if f.invert {
		b, _ := val.(bool)
		return !b
	}
	if !ok || val == nil {
		return emptyValue(f.typ)
	}
	if f.def != nil && f.typ != f.def.Type {
		return retype(val, f.def.Type, f.typ)
	}
	return versionValue(v.s.major, m.name, f.key, rec, val)
}

// retype converts a stored value to the type another version gives the
// field (project.task date_deadline is a date in 16).
func retype(val any, from, to dataset.FieldType) any {
	s, ok := val.(string)
	if !ok {
		return val
	}
	switch {
	case from == dataset.Datetime && to == dataset.Date && len(s) >= 10:
		return s[:10]
	case from == dataset.Date && to == dataset.Datetime:
		return s + " 00:00:00"
	}
	return val
}

// selectionRename maps a stored (Odoo 18) selection value that versions
// minV to maxV do not offer to the value they show instead.
type selectionRename struct {
	model, key string
	minV, maxV int
	stored     string
	shown      string
}

// selectionRenames are the version differences of selection values that
// a plain rename covers; see docs/odoo-simulator.md for their sources.
var selectionRenames = []selectionRename{
	// 16/17 payments _inherit their move: state is the move's draft,
	// posted or cancel (17 addons/account/models/account_payment.py has no
	// state field; 18 defines draft/in_process/paid/canceled/rejected).
	{"account.payment", "state", 0, 17, "in_process", "posted"},
	{"account.payment", "state", 0, 17, "paid", "posted"},
	{"account.payment", "state", 0, 17, "canceled", "cancel"},
	{"account.payment", "state", 0, 17, "rejected", "cancel"},
	// 18 added payment_state "blocked"; earlier such invoices are unpaid.
	{"account.move", "payment_state", 0, 17, "blocked", "not_paid"},
	// 17 added "submitted"; 16 expenses stay "reported" until approved.
	{"hr.expense", "state", 0, 16, "submitted", "reported"},
	// 19 dropped expense sheets: no "reported" step, "done" became "paid".
	{"hr.expense", "state", 19, 0, "reported", "draft"},
	{"hr.expense", "state", 19, 0, "done", "paid"},
	// 17 added the automated and outgoing message types.
	{"mail.message", "message_type", 0, 16, "auto_comment", "notification"},
	{"mail.message", "message_type", 0, 16, "email_outgoing", "email"},
	// 18 added combo products; 16/17 sell them as services.
	{"product.template", "type", 0, 17, "combo", "service"},
	{"product.product", "type", 0, 17, "combo", "service"},
	// 19 removed the "done" (locked) purchase state from lines too.
	{"purchase.order.line", "state", 19, 0, "done", "purchase"},
	// 19 added sub-sections to order lines.
	{"sale.order.line", "display_type", 0, 18, "line_subsection", "line_section"},
}

// storedSelection maps a selection value a client of the emulated
// version writes to the stored (Odoo 18) value, the inverse of
// selectionRenames (the first stored value wins: posted payments are
// in_process until matched with the bank).
func storedSelection(major int, model, key, val string) string {
	for _, r := range selectionRenames {
		if r.model == model && r.key == key && r.shown == val && inRange(major, r.minV, r.maxV) {
			return r.stored
		}
	}
	return val
}

func inRange(v, lo, hi int) bool { return (lo == 0 || v >= lo) && (hi == 0 || v <= hi) }

// versionValue maps stored (Odoo 18) selection values to the emulated
// version's where the meaning moved between fields.
func versionValue(major int, model, key string, rec dataset.Record, val any) any {
	if s, ok := val.(string); ok {
		for _, r := range selectionRenames {
			if r.model == model && r.key == key && r.stored == s && inRange(major, r.minV, r.maxV) {
				return r.shown
			}
		}
	}
	switch {
	case key == "state" && model == "sale.order" && major <= 16:
		if val == "sale" && rec.Bool("locked") {
			return "done"
		}
	case key == "type" && (model == "product.template" || model == "product.product") && major <= 17:
		// 16/17 have no is_storable: storable goods are type "product".
		if val == "consu" && rec.Bool("is_storable") {
			return "product"
		}
	case key == "state" && model == "purchase.order" && major >= 19:
		if val == "done" {
			return "purchase"
		}
	}
	return val
}

// emptyValue is Odoo's value for an unset field of type t.
func emptyValue(t dataset.FieldType) any {
	switch t {
	case dataset.Integer:
		return int64(0)
	case dataset.Float, dataset.Monetary:
		return 0.0
	case dataset.One2many, dataset.Many2many:
		return []int64{}
	}
	return false
}

// computed returns the value of a field that records do not hold.
func (v *view) computed(m *modelInfo, rec dataset.Record, f *fieldInfo) any {
	id := rec.ID()
	switch {
	case f.name == "display_name":
		return v.displayName(m.name, id)
	case f.typ == dataset.One2many:
		ids, err := v.s.ds.One2many(m.name, id, f.key)
		if err != nil || ids == nil {
			return []int64{}
		}
		return ids
	}
	switch m.name + "." + f.key {
	case "res.partner.company_type":
		if rec.Bool("is_company") {
			return "company"
		}
		return "person"
	case "product.template.type", "product.product.type", "product.template.detailed_type", "product.product.detailed_type":
		if rec.Bool("is_storable") && rec.Str("type") == "consu" && v.s.major <= 17 {
			return "product"
		}
		if t := rec.Str("type"); t != "" {
			return t
		}
		return "consu"
	case "account.account.company_id":
		if ids := rec.IDs("company_ids"); len(ids) > 0 {
			return ids[0]
		}
		return false
	case "purchase.order.locked":
		return rec.Str("state") == "done"
	case "purchase.order.amount_total_cc":
		return rec.Float("amount_total")
	case "mail.activity.state":
		return v.activityState(rec)
	case "crm.lead.won_status":
		return v.wonStatus(rec)
	case "res.currency.rate":
		return v.currencyRate(id)
	case "res.currency.inverse_rate":
		return inverse(v.currencyRate(id))
	case "res.currency.rate.company_rate":
		return rec.Float("rate")
	case "res.currency.rate.inverse_company_rate":
		return inverse(rec.Float("rate"))
	}
	switch f.key {
	case "activity_state", "activity_date_deadline":
		return v.nextActivity(m, rec, f.key)
	case "qty_available", "virtual_available", "free_qty", "incoming_qty", "outgoing_qty":
		return v.stockFigure(m.name, id, f.key)
	case "credit", "debit":
		return v.partnerBalance(rec, f.key)
	}
	return emptyValue(f.typ)
}

func inverse(x float64) float64 {
	if x == 0 {
		return 0
	}
	return 1 / x
}

// activityState is mail.activity state: done (17+, archived with a done
// date), else overdue, today or planned against today.
func (v *view) activityState(rec dataset.Record) any {
	if v.s.major >= 17 && !rec.Bool("active") && rec.Str("date_done") != "" {
		return "done"
	}
	d := rec.Str("date_deadline")
	switch {
	case d == "":
		return false
	case d < v.today:
		return "overdue"
	case d == v.today:
		return "today"
	}
	return "planned"
}

// nextActivity computes activity_state and activity_date_deadline from the
// record's open activities.
func (v *view) nextActivity(m *modelInfo, rec dataset.Record, key string) any {
	ids, _ := v.s.ds.One2many(m.name, rec.ID(), "activity_ids")
	earliest := ""
	for _, id := range ids {
		a := v.s.ds.Get("mail.activity", id)
		if a == nil || !a.Bool("active") {
			continue
		}
		if d := a.Str("date_deadline"); d != "" && (earliest == "" || d < earliest) {
			earliest = d
		}
	}
	if earliest == "" {
		return false
	}
	if key == "activity_date_deadline" {
		return earliest
	}
	return v.activityState(dataset.Record{"active": true, "date_deadline": earliest})
}

// wonStatus is crm.lead won_status (19).
func (v *view) wonStatus(rec dataset.Record) any {
	stage := v.s.ds.Get("crm.stage", rec.M2O("stage_id"))
	switch {
	case stage != nil && stage.Bool("is_won") && rec.Float("probability") == 100:
		return "won"
	case !rec.Bool("active") && rec.Float("probability") == 0:
		return "lost"
	}
	return "pending"
}

// currencyRate is the rate of the latest res.currency.rate on or before
// today, 1.0 without one.
func (v *view) currencyRate(currency int64) float64 {
	best, rate := "", 1.0
	for _, r := range v.s.ds.Records("res.currency.rate") {
		if r.M2O("currency_id") != currency {
			continue
		}
		if d := r.Str("name"); d <= v.today && d >= best {
			best, rate = d, r.Float("rate")
		}
	}
	return rate
}

// figures returns a per-call cache of computed figures named key.
func (v *view) figures(key string, build func(map[int64]float64)) map[int64]float64 {
	if v.cache == nil {
		v.cache = map[string]map[int64]float64{}
	}
	if m, ok := v.cache[key]; ok {
		return m
	}
	m := map[int64]float64{}
	build(m)
	v.cache[key] = m
	return m
}

// internal reports whether a stock location is internal.
func (v *view) internal(loc int64) bool {
	l := v.s.ds.Get("stock.location", loc)
	return l != nil && l.Str("usage") == "internal"
}

// stockFigure computes product quantities from quants and open moves.
func (v *view) stockFigure(model string, id int64, key string) float64 {
	if model == "product.template" {
		total := 0.0
		ids, _ := v.s.ds.One2many(model, id, "product_variant_ids")
		for _, p := range ids {
			total += v.stockFigure("product.product", p, key)
		}
		return total
	}
	onHand := v.figures("qty_available", func(m map[int64]float64) {
		for _, q := range v.s.ds.Records("stock.quant") {
			if v.internal(q.M2O("location_id")) {
				m[q.M2O("product_id")] += q.Float("quantity")
			}
		}
	})
	moves := func(incoming bool) map[int64]float64 {
		name := "outgoing_qty"
		if incoming {
			name = "incoming_qty"
		}
		return v.figures(name, func(m map[int64]float64) {
			for _, mv := range v.s.ds.Records("stock.move") {
				if st := mv.Str("state"); st == "done" || st == "cancel" || st == "draft" {
					continue
				}
				src, dst := v.internal(mv.M2O("location_id")), v.internal(mv.M2O("location_dest_id"))
				if (incoming && dst && !src) || (!incoming && src && !dst) {
					m[mv.M2O("product_id")] += mv.Float("product_uom_qty")
				}
			}
		})
	}
	switch key {
	case "qty_available", "free_qty":
		return onHand[id]
	case "incoming_qty":
		return moves(true)[id]
	case "outgoing_qty":
		return moves(false)[id]
	}
	return onHand[id] + moves(true)[id] - moves(false)[id]
}

// partnerBalance computes res.partner credit (receivable) and debit
// (payable) from posted journal items of the commercial partner.
func (v *view) partnerBalance(rec dataset.Record, key string) float64 {
	sums := v.figures("partner_"+key, func(m map[int64]float64) {
		want := "asset_receivable"
		sign := 1.0
		if key == "debit" {
			want, sign = "liability_payable", -1
		}
		for _, l := range v.s.ds.Records("account.move.line") {
			if l.Str("parent_state") != "posted" || l.Str("account_type") != want {
				continue
			}
			p := v.s.ds.Get("res.partner", l.M2O("partner_id"))
			if p == nil {
				continue
			}
			cp := p.M2O("commercial_partner_id")
			if cp == 0 {
				cp = p.ID()
			}
			m[cp] += sign * l.Float("amount_residual")
		}
	})
	cp := rec.M2O("commercial_partner_id")
	if cp == 0 {
		cp = rec.ID()
	}
	return math.Round(sums[cp]*100) / 100
}

// output converts a load=None value into what read returns: [id, name]
// pairs for many2one fields when classic, false for empty values.
func (v *view) output(f *fieldInfo, val any, classic bool) any {
	switch f.typ {
	case dataset.Many2one:
		id, ok := asInt(val)
		if !ok || id == 0 {
			return false
		}
		if !classic {
			return id
		}
		return []any{id, v.displayName(f.relation, id)}
	case dataset.One2many, dataset.Many2many:
		switch ids := val.(type) {
		case []int64:
			if ids == nil {
				return []int64{}
			}
			return ids
		case []any:
			return ids
		}
		return []int64{}
	case dataset.Integer:
		if n, ok := asInt(val); ok {
			return n
		}
		return int64(0)
	case dataset.Float, dataset.Monetary:
		if x, ok := asFloat(val); ok {
			return x
		}
		return 0.0
	case dataset.Boolean:
		b, _ := val.(bool)
		return b
	}
	if s, ok := val.(string); ok && s != "" {
		return s
	}
	return false
}

// asInt reads an integer from a decoded value.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	}
	return 0, false
}

// asFloat reads a number from a decoded value.
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}
