package odoosim

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// activeTest returns the context's active_test (default true).
func (c *call) activeTest() bool {
	if v, ok := c.ctx["active_test"].(bool); ok {
		return v
	}
	return true
}

// companies returns the companies whose records the call sees: the
// context's allowed_company_ids, which must be companies of the user, or
// else every company of the user (Odoo's env.companies).
func (c *call) companies() ([]int64, error) {
	var userCompanies []int64
	if u := c.s.ds.Get("res.users", c.user.uid); u != nil {
		userCompanies = u.IDs("company_ids")
		if len(userCompanies) == 0 && u.M2O("company_id") != 0 {
			userCompanies = []int64{u.M2O("company_id")}
		}
	}
	if len(userCompanies) == 0 {
		userCompanies = c.s.companyIDs()
	}
	raw, ok := c.ctx["allowed_company_ids"]
	if !ok || raw == nil || raw == false {
		return userCompanies, nil
	}
	ids, err := parseIDs(raw)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if !slices.Contains(userCompanies, id) {
			return nil, newErr(excAccessError, "Access to unauthorized or invalid companies.")
		}
	}
	return ids, nil
}

// currentCompany is the first allowed company.
func (c *call) currentCompany() int64 {
	ids, err := c.companies()
	if err != nil || len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// parseDomain parses a wire domain; None and False mean [].
func parseDomain(wire any) (domain.Domain, error) {
	if wire == nil || wire == false {
		return domain.True(), nil
	}
	d, err := domain.Parse(wire)
	if err != nil {
		return domain.Domain{}, domainError(err)
	}
	return d, nil
}

// domainError turns a domain package error into Odoo's ValueError.
func domainError(err error) error {
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		return errInvalidField(fe.Field, fe.Model)
	}
	return errValue("%s", strings.TrimPrefix(err.Error(), "domain: "))
}

// searchIDs returns the ids matching wire as Odoo's search does: archived
// records hidden per active_test, records of other companies hidden,
// sorted by order (or the model's _order), then offset and limit.
func (c *call) searchIDs(wire any, order string, offset, limit int64) ([]int64, error) {
	keys, err := c.parseOrder(order)
	if err != nil {
		return nil, err
	}
	if inIDOrder(keys) && limit > 0 {
		// In id order a page needs only its first matches: stop there,
		// as a database walking the primary key would.
		ids, err := c.matchFirst(wire, offset+limit)
		if err != nil {
			return nil, err
		}
		return page(ids, offset, limit), nil
	}
	ids, err := c.match(wire)
	if err != nil {
		return nil, err
	}
	if !inIDOrder(keys) {
		c.sortIDs(ids, keys)
	}
	return page(ids, offset, limit), nil
}

// match returns the ids matching wire, unsorted (in id order).
func (c *call) match(wire any) ([]int64, error) {
	return c.matchFirst(wire, 0)
}

// matchFirst returns the first n ids matching wire in id order, or all of
// them when n is 0.
func (c *call) matchFirst(wire any, n int64) ([]int64, error) {
	d, err := parseDomain(wire)
	if err != nil {
		return nil, err
	}
	var ignored []string
	mt, err := d.Compile(c.v, c.m.name, &domain.EvalOpts{ActiveTest: c.activeTest(),
		Ignored: func(model, field string) { ignored = append(ignored, model+"."+field) }})
	if err != nil {
		return nil, domainError(err)
	}
	for _, f := range ignored {
		// Up to 18, odoo/osv/expression.py logs and drops the condition;
		// 19's domains turn it into SQL, which fails in fields.py to_sql.
		if c.s.major >= 19 {
			return nil, errNotStored(f)
		}
		c.s.log.Error("odoosim: Non-stored field " + f + " cannot be searched.")
	}
	var allowed []int64
	if c.m.companyField != "" {
		if allowed, err = c.companies(); err != nil {
			return nil, err
		}
	}
	var out []int64
	for _, rec := range c.s.recordsFrom(c.m.name, idFloor(d)) {
		id := rec.ID()
		if !mt.Match(id) || (c.m.companyField != "" && !c.companyVisible(rec, allowed)) {
			continue
		}
		// A dataset's ir.model may list models the emulated version lacks
		// (hr.expense.sheet on 19): Odoo's registry would not have them.
		if c.m.name == "ir.model" {
			if _, ok := c.s.served(rec.Str("model")); !ok {
				continue
			}
		}
		if c.m.name == modelDataModel && !c.s.xmlidVisible(rec) {
			continue
		}
		out = append(out, id)
		if n > 0 && int64(len(out)) == n {
			break
		}
	}
	if out == nil {
		out = []int64{}
	}
	return out, nil
}

// companyVisible reports whether rec belongs to no company or to an
// allowed one.
func (c *call) companyVisible(rec dataset.Record, allowed []int64) bool {
	if c.m.companyField == "company_ids" {
		ids := rec.IDs("company_ids")
		return len(ids) == 0 || slices.ContainsFunc(ids, func(id int64) bool { return slices.Contains(allowed, id) })
	}
	co := rec.M2O("company_id")
	return co == 0 || slices.Contains(allowed, co)
}

func page(ids []int64, offset, limit int64) []int64 {
	if offset > 0 {
		if offset >= int64(len(ids)) {
			return []int64{}
		}
		ids = ids[offset:]
	}
	if limit > 0 && limit < int64(len(ids)) {
		ids = ids[:limit]
	}
	return ids
}

func (c *call) searchMethod() (any, error) {
	offset, err := c.argInt("offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := c.argInt("limit", 0)
	if err != nil {
		return nil, err
	}
	ids, err := c.searchIDs(c.arg("domain"), c.argString("order"), offset, limit)
	if err != nil {
		return nil, err
	}
	if c.argBool("count", false) {
		return int64(len(ids)), nil
	}
	return ids, nil
}

func (c *call) searchCount() (any, error) {
	ids, err := c.match(c.arg("domain"))
	if err != nil {
		return nil, err
	}
	limit, err := c.argInt("limit", 0)
	if err != nil {
		return nil, err
	}
	return int64(len(page(ids, 0, limit))), nil
}

func (c *call) searchRead() (any, error) {
	fields, err := c.argStrings("fields")
	if err != nil {
		return nil, err
	}
	if err := c.checkFields(fields); err != nil {
		return nil, err
	}
	offset, err := c.argInt("offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := c.argInt("limit", 0)
	if err != nil {
		return nil, err
	}
	ids, err := c.searchIDs(c.arg("domain"), c.argString("order"), offset, limit)
	if err != nil {
		return nil, err
	}
	return c.readRecords(ids, fields, c.classicLoad())
}

// classicLoad reports whether many2one values are [id, name] pairs
// (load='_classic_read', the default) or bare ids.
func (c *call) classicLoad() bool {
	v, ok := c.args["load"]
	if !ok {
		return true
	}
	s, _ := v.(string)
	return s == "_classic_read"
}

func (c *call) read() (any, error) {
	fields, err := c.argStrings("fields")
	if err != nil {
		return nil, err
	}
	if err := c.checkFields(fields); err != nil {
		return nil, err
	}
	return c.readRecords(c.ids, fields, c.classicLoad())
}

// checkFields fails with Odoo's ValueError on an unknown field name.
func (c *call) checkFields(fields []string) error {
	for _, f := range fields {
		if _, ok := c.m.fields[f]; !ok {
			return errInvalidField(f, c.m.name)
		}
	}
	return nil
}

// readRecords reads fields (every field when empty) of the records ids,
// dropping ids that do not exist, as read does.
func (c *call) readRecords(ids []int64, fields []string, classic bool) ([]any, error) {
	var infos []*fieldInfo
	if len(fields) == 0 {
		infos = c.m.list
	} else {
		infos = make([]*fieldInfo, 0, len(fields))
		for _, name := range fields {
			if name != "id" {
				infos = append(infos, c.m.fields[name])
			}
		}
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		rec := c.s.get(c.m.name, id)
		if rec == nil {
			continue
		}
		o := &object{keys: make([]string, 0, len(infos)+1), vals: make(map[string]any, len(infos)+1)}
		o.set("id", id)
		for _, f := range infos {
			if f.name == "id" {
				continue
			}
			o.set(f.name, c.v.output(f, c.v.value(c.m, rec, f), classic))
		}
		out = append(out, o)
	}
	return out, nil
}

// fieldsGet describes the fields, limited to allfields and to the
// attributes asked for.
func (c *call) fieldsGet() (any, error) {
	names, err := c.argStrings("allfields")
	if err != nil {
		return nil, err
	}
	attrs, err := c.argStrings("attributes")
	if err != nil {
		return nil, err
	}
	out := &object{}
	for _, f := range c.m.list {
		if len(names) > 0 && !slices.Contains(names, f.name) {
			continue
		}
		desc := c.describeField(f)
		if len(attrs) > 0 {
			filtered := &object{}
			for _, a := range attrs {
				if v, ok := desc.vals[a]; ok {
					filtered.set(a, v)
				}
			}
			desc = filtered
		}
		out.set(f.name, desc)
	}
	return out, nil
}

// describeField is one field's fields_get entry.
func (c *call) describeField(f *fieldInfo) *object {
	d := newObject(
		"type", string(f.typ), "string", f.label, "name", f.name,
		"required", f.required, "readonly", f.readonly, "store", f.store && !f.derived,
		"searchable", !f.unsearchable, "sortable", f.store && !f.derived && f.typ != dataset.One2many && f.typ != dataset.Many2many,
		"manual", false, "company_dependent", false, "depends", []any{},
	)
	if f.relation != "" {
		d.set("relation", f.relation)
		d.set("context", map[string]any{})
		d.set("domain", []any{})
	}
	if f.typ == dataset.One2many && f.def != nil {
		if name, ok := c.s.models[f.relation]; ok {
			if inv, ok := name.byKey[f.def.InverseName]; ok {
				d.set("relation_field", inv.name)
			}
		}
	}
	if f.typ == dataset.Selection {
		var opts []any
		options := f.selection
		if f.def != nil {
			options = f.def.SelectionIn(c.s.major)
		}
		for _, o := range options {
			opts = append(opts, []any{o.Value, o.Label})
		}
		if opts == nil {
			opts = []any{}
		}
		d.set("selection", opts)
	}
	if f.def != nil && f.def.Note != "" {
		d.set("help", f.def.Note)
	}
	return d
}

// nameSearch returns [[id, display_name], ...] for records whose display
// name matches name with operator, within the optional domain.
func (c *call) nameSearch() (any, error) {
	name := c.argString("name")
	op := cmp.Or(c.argString("operator"), "ilike")
	limit, err := c.argInt("limit", 100)
	if err != nil {
		return nil, err
	}
	extra := c.arg("args")
	if c.s.major >= 18 {
		extra = c.arg("domain")
	}
	d, err := parseDomain(extra)
	if err != nil {
		return nil, err
	}
	if name != "" || (op != "ilike" && op != "like") {
		d = domain.And(d, domain.Cond("display_name", domain.Op(op), name))
	}
	ids, err := c.searchIDs(d.Wire(), "", 0, limit)
	if err != nil {
		return nil, err
	}
	return c.namePairs(ids), nil
}

// namePairs returns [id, display_name] pairs.
func (c *call) namePairs(ids []int64) []any {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if c.s.get(c.m.name, id) != nil {
			out = append(out, []any{id, c.v.displayName(c.m.name, id)})
		}
	}
	return out
}

func (c *call) nameGet() (any, error) { return c.namePairs(c.ids), nil }

// defaultGet returns the defaults of the fields asked for: context
// default_<field> keys, schema defaults, the current company and user.
func (c *call) defaultGet() (any, error) {
	fields, err := c.argStrings("fields_list")
	if err != nil {
		return nil, err
	}
	out := &object{}
	for _, name := range fields {
		f, ok := c.m.fields[name]
		if !ok {
			continue
		}
		if v, ok := c.defaultValue(f); ok {
			out.set(name, c.v.output(f, v, false))
		}
	}
	return out, nil
}

// defaultValue is the value create gives f when vals lack it.
func (c *call) defaultValue(f *fieldInfo) (any, bool) {
	if v, ok := c.ctx["default_"+f.name]; ok {
		return v, true
	}
	if c.m.name == "mail.activity" && f.name == "res_model_id" {
		if model, ok := c.ctx["default_res_model"].(string); ok {
			if id := c.irModelID(model); id != 0 {
				return id, true
			}
		}
	}
	switch {
	case f.name == "company_id" && f.relation == "res.company":
		if co := c.currentCompany(); co != 0 {
			return co, true
		}
	case f.name == "user_id" && (c.m.name == "mail.activity" || c.m.name == "calendar.event"):
		return c.user.uid, true
	case f.name == "date_deadline" && c.m.name == "mail.activity":
		return c.v.today, true
	case f.name == "currency_id" && f.relation == "res.currency":
		if co := c.s.ds.Get("res.company", c.currentCompany()); co != nil && co.M2O("currency_id") != 0 {
			return co.M2O("currency_id"), true
		}
	case f.name == "date_order":
		return c.s.now().Format(dataset.DatetimeLayout), true
	}
	if f.def != nil && f.def.Default != nil {
		return f.def.Default, true
	}
	return nil, false
}

// irModelID returns the ir.model id of model, or 0.
func (c *call) irModelID(model string) int64 {
	for _, r := range c.s.ds.Records("ir.model") {
		if r.Str("model") == model {
			return r.ID()
		}
	}
	return 0
}

func (c *call) checkAccessRights() (any, error) {
	op := c.argString("operation")
	allowed := op == "read" || !c.user.readOnly
	if !allowed && c.argBool("raise_exception", true) {
		return nil, errAccess(c.m.description, c.m.name, op)
	}
	return allowed, nil
}

func (c *call) hasAccess() (any, error) {
	op := c.argString("operation")
	return op == "read" || !c.user.readOnly, nil
}

// contextGet is res.users.context_get: the user's language, timezone and
// uid.
func (c *call) contextGet() (any, error) {
	lang, tz := "en_US", false
	if u := c.s.ds.Get("res.users", c.user.uid); u != nil {
		if p := c.s.ds.Get("res.partner", u.M2O("partner_id")); p != nil {
			lang = cmp.Or(p.Str("lang"), lang)
			if p.Str("tz") != "" {
				return newObject("lang", lang, "tz", p.Str("tz"), "uid", c.user.uid), nil
			}
		}
	}
	return newObject("lang", lang, "tz", tz, "uid", c.user.uid), nil
}
