package odoosim

import (
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// fieldInfo is one field as the emulated version exposes it.
type fieldInfo struct {
	// name is the field name in the emulated version.
	name string
	// key is the record key (the canonical, Odoo 18 name).
	key string
	// typ is the type in the emulated version.
	typ dataset.FieldType
	// def is the canonical schema field; nil for virtual models.
	def *dataset.Field
	// relation is the comodel of a relational field.
	relation string
	// inverse is, for a one2many, the emulated name of the comodel's
	// many2one it is the inverse of; empty when the one2many is narrowed
	// (InverseDomain) or rests on an integer res_id.
	inverse string
	// invert is set for a boolean that has the opposite meaning in this
	// version (to_check in 16/17 for checked).
	invert bool
	// via is, for a field delegated through _inherits, the record key of
	// the link on this model; target is the field on the parent model.
	via    string
	parent string
	target *fieldInfo
	// label, required, readonly and store are what fields_get reports.
	label                     string
	required, readonly, store bool
	// derived is set when records do not hold the value: it is computed.
	derived bool
	// selection lists the values of a virtual model's selection field
	// (schema fields use def.SelectionIn).
	selection []dataset.Option
	// unsearchable is set for a non-stored field without a search method
	// (fields_get searchable: false; see unsearchableFields).
	unsearchable bool
}

// unsearchableFields are the non-stored fields of the schema that Odoo
// defines with a compute and no search method, by canonical name. The
// other non-stored fields have one (display_name _search_display_name,
// partner credit/debit _credit_search, product quantities
// _search_qty_available, one2many fields through their inverse) or are
// company-dependent or related, which are searchable.
var unsearchableFields = map[string]bool{
	"res.partner.company_type":               true, // base res_partner.py: compute + inverse
	"mail.activity.state":                    true, // mail mail_activity.py: compute='_compute_state'
	"account.payment.reconciled_invoice_ids": true, // account_payment.py _compute_stat_buttons_from_reconciliation
	"account.payment.reconciled_bill_ids":    true,
	"ir.model.modules":                       true, // ir_model.py compute='_in_modules'
	"product.product.lst_price":              true, // product_product.py compute + inverse
	"res.currency.rate":                      true, // res_currency.py compute='_compute_current_rate'
	"res.currency.inverse_rate":              true,
	"res.currency.rate.company_rate":         true, // res_currency.py compute='_compute_company_rate'
	"res.currency.rate.inverse_company_rate": true,
}

// modelInfo is one model as the emulated version exposes it.
type modelInfo struct {
	name        string
	description string
	order       string
	recName     string
	fields      map[string]*fieldInfo
	list        []*fieldInfo
	// byKey maps record keys to this model's own fields.
	byKey map[string]*fieldInfo
	// companyField is "company_id" or "company_ids" when records belong to
	// companies, for allowed_company_ids.
	companyField string
	// served is false for schema models whose module is not installed:
	// calls on them fail as on an unknown model.
	served bool
	// virtual is set for models the simulator makes up (ir.module.module).
	virtual bool
	// thread is set for mail.thread models (message_post).
	thread bool
	def    *dataset.Model
}

func (m *modelInfo) field(name string) (*fieldInfo, bool) {
	f, ok := m.fields[name]
	return f, ok
}

// moduleDeps lists the dependencies of the modules the schema covers, so
// that installing "sale" serves product and mail models too.
var moduleDeps = map[string][]string{
	"mail":           {"base"},
	"uom":            {"base"},
	"product":        {"mail", "uom"},
	"account":        {"product", "mail"},
	"sales_team":     {"mail"},
	"sale":           {"account", "sales_team"},
	"crm":            {"sales_team", "calendar"},
	"calendar":       {"mail"},
	"purchase":       {"account"},
	"stock":          {"product"},
	"hr":             {"mail"},
	"hr_expense":     {"hr", "account"},
	"project":        {"mail"},
	"helpdesk":       {"mail"},
	"sale_stock":     {"sale", "stock"},
	"purchase_stock": {"purchase", "stock"},
}

// installedModules returns the dependency closure of the manifest's
// modules plus base and web, sorted. An empty manifest list means every
// module of the schema.
func installedModules(ds *dataset.Dataset) []string {
	set := map[string]bool{"base": true, "web": true}
	var add func(string)
	add = func(m string) {
		if set[m] {
			return
		}
		set[m] = true
		for _, d := range moduleDeps[m] {
			add(d)
		}
	}
	if len(ds.Meta.Modules) == 0 {
		for _, m := range ds.Schema().Models() {
			add(m.Module)
		}
	}
	for _, m := range ds.Meta.Modules {
		add(m)
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// ensureIRModel fills ir.model from the schema when the dataset has no
// ir.model records, so that mail.activity res_model_id and OdooRPC's model
// lookups work. It records one model per schema model of the emulated
// version whose module is installed.
func ensureIRModel(ds *dataset.Dataset, modules []string, major int) error {
	if ds.Len("ir.model") > 0 {
		return nil
	}
	for _, m := range ds.Schema().Models() {
		if !m.InVersion(major) {
			continue
		}
		if _, ok := slices.BinarySearch(modules, m.Module); !ok && ds.Len(m.Name) == 0 {
			continue
		}
		state := "base"
		if m.Custom {
			state = "manual"
		}
		rec := dataset.Record{"name": m.Description, "model": m.Name, "info": false, "state": state, "transient": false, "modules": m.Module}
		if _, err := ds.Add("ir.model", rec); err != nil {
			return err
		}
	}
	return nil
}

// buildModels derives the models of the emulated version from the schema.
func buildModels(ds *dataset.Dataset, major int) map[string]*modelInfo {
	schema := ds.Schema()
	served := map[string]bool{"ir.model": true}
	for _, r := range ds.Records("ir.model") {
		served[r.Str("model")] = true
	}
	models := map[string]*modelInfo{}
	for _, m := range schema.Models() {
		if !m.InVersion(major) {
			continue
		}
		mi := &modelInfo{
			name: m.Name, description: m.Description, order: m.Order, recName: m.RecName,
			fields: map[string]*fieldInfo{}, byKey: map[string]*fieldInfo{}, served: served[m.Name] || ds.Len(m.Name) > 0, def: m,
		}
		for _, vf := range m.FieldsIn(major) {
			f := vf.Field
			fi := &fieldInfo{
				name: vf.Name, key: f.Name, typ: vf.Type, def: f, relation: f.Relation, label: f.String,
				required: f.Required, readonly: f.Readonly, store: f.Store, derived: f.Derived,
				unsearchable: unsearchableFields[m.Name+"."+f.Name],
			}
			for _, rn := range f.Renames {
				if rn.Name == vf.Name && vf.Name != f.Name && strings.Contains(rn.Note, "opposite meaning") {
					fi.invert = true
				}
			}
			mi.add(fi)
		}
		if f, ok := mi.fields["company_id"]; ok && f.relation == "res.company" && !f.derived {
			mi.companyField = "company_id"
		} else if f, ok := mi.fields["company_ids"]; ok && f.relation == "res.company" {
			mi.companyField = "company_ids"
		}
		_, mi.thread = mi.fields["message_ids"]
		models[m.Name] = mi
	}
	// Resolve one2many inverses and _inherits delegation now that every
	// model exists.
	for _, mi := range models {
		for _, f := range mi.list {
			if f.typ != dataset.One2many {
				continue
			}
			co, ok := schema.Model(f.relation)
			if !ok {
				continue
			}
			inv, ok := co.Field(f.def.InverseName)
			if !ok || inv.Type != dataset.Many2one || len(f.def.InverseDomain) > 0 {
				continue
			}
			if name, ok := inv.NameIn(major); ok {
				f.inverse = name
			}
		}
		for parent, link := range mi.def.Inherits {
			pm, ok := models[parent]
			if !ok {
				continue
			}
			for _, pf := range pm.list {
				if _, dup := mi.fields[pf.name]; dup || pf.via != "" {
					continue
				}
				mi.fields[pf.name] = &fieldInfo{
					name: pf.name, key: pf.key, typ: pf.typ, def: pf.def, relation: pf.relation, inverse: pf.inverse,
					invert: pf.invert, via: link, parent: parent, target: pf, label: pf.label, required: false, readonly: pf.readonly,
					store: pf.store, derived: pf.derived, unsearchable: pf.unsearchable,
				}
				mi.list = append(mi.list, mi.fields[pf.name])
			}
		}
	}
	models[moduleModel] = moduleModelInfo()
	return models
}

func (m *modelInfo) add(f *fieldInfo) {
	m.fields[f.name] = f
	m.byKey[f.key] = f
	m.list = append(m.list, f)
}

// moduleModel is the virtual model listing installed modules; aicoo's
// client reads it on Connect.
const moduleModel = "ir.module.module"

func moduleModelInfo() *modelInfo {
	mi := &modelInfo{
		name: moduleModel, description: "Module", order: "application desc, sequence, name", recName: "shortdesc",
		fields: map[string]*fieldInfo{}, byKey: map[string]*fieldInfo{}, served: true, virtual: true,
	}
	for _, f := range []*fieldInfo{
		{name: "id", typ: dataset.Integer, label: "ID", readonly: true, store: true},
		{name: "display_name", typ: dataset.Char, label: "Display Name", readonly: true, derived: true},
		{name: "name", typ: dataset.Char, label: "Technical Name", readonly: true, required: true, store: true},
		{name: "shortdesc", typ: dataset.Char, label: "Module Name", readonly: true, store: true},
		{name: "state", typ: dataset.Selection, label: "Status", readonly: true, store: true, selection: []dataset.Option{
			{Value: "uninstallable", Label: "Uninstallable"}, {Value: "uninstalled", Label: "Not Installed"},
			{Value: "installed", Label: "Installed"}, {Value: "to upgrade", Label: "To be upgraded"},
			{Value: "to remove", Label: "To be removed"}, {Value: "to install", Label: "To be installed"}}},
		{name: "application", typ: dataset.Boolean, label: "Application", readonly: true, store: true},
		{name: "sequence", typ: dataset.Integer, label: "Sequence", store: true},
		{name: "latest_version", typ: dataset.Char, label: "Installed Version", readonly: true, store: true},
		{name: "installed_version", typ: dataset.Char, label: "Latest Version", readonly: true, unsearchable: true},
	} {
		f.key = f.name
		mi.add(f)
	}
	return mi
}

// moduleRecords builds the records of ir.module.module. Versions are
// "<serie>.1.0": the manifest version prefixed with the server serie, as
// Odoo's adapt_version does (odoo/modules/module.py); real modules carry
// their own minor numbers.
func moduleRecords(modules []string, serie string) []dataset.Record {
	recs := make([]dataset.Record, len(modules))
	for i, m := range modules {
		title := strings.ReplaceAll(m, "_", " ")
		if title != "" {
			title = strings.ToUpper(title[:1]) + title[1:]
		}
		recs[i] = dataset.Record{"id": int64(i + 1), "name": m, "shortdesc": title, "state": "installed",
			"application": false, "sequence": int64(100), "latest_version": serie + ".1.0", "installed_version": serie + ".1.0"}
	}
	return recs
}

// parentName returns Odoo's _parent_name for child_of / parent_of.
func parentName(model string) string {
	if model == "stock.location" {
		return "location_id"
	}
	return ""
}
