package odoosim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// The virtual models of external identifiers and message subtypes. Odoo
// stores them as ir.model.data rows written when modules load their data
// files (odoo/addons/base/models/ir_model.py, IrModelData); the simulator
// derives the rows for the records a fresh Odoo database gets from them.
const (
	modelDataModel = "ir.model.data"
	subtypeModel   = "mail.message.subtype"
)

// xmlidByName gives the XML ids of data records recognised by name: the
// records Odoo's data files create (mail_activity_data.xml, crm_stage_data,
// uom_data.xml, product_data.xml, stock_data.xml).
var xmlidByName = map[string]map[string]string{
	"mail.activity.type": {"To Do": "mail.mail_activity_data_todo", "To-Do": "mail.mail_activity_data_todo", "Call": "mail.mail_activity_data_call",
		"Email": "mail.mail_activity_data_email", "Meeting": "mail.mail_activity_data_meeting", "Upload Document": "mail.mail_activity_data_upload_document",
		"Exception": "mail.mail_activity_data_warning"},
	"crm.stage":        {"New": "crm.stage_lead1", "Qualified": "crm.stage_lead2", "Proposition": "crm.stage_lead3", "Won": "crm.stage_lead4"},
	"uom.uom":          {"Units": "uom.product_uom_unit", "Dozens": "uom.product_uom_dozen", "kg": "uom.product_uom_kgm", "g": "uom.product_uom_gram", "Hours": "uom.product_uom_hour", "Days": "uom.product_uom_day", "m": "uom.product_uom_meter", "km": "uom.product_uom_km", "L": "uom.product_uom_litre"},
	"product.category": {"All": "product.product_category_all"},
}

// subtypes are mail's message subtypes (mail/data/mail_message_subtype_data.xml)
// with the ids a fresh database gives them.
var subtypes = []struct {
	xmlid, name string
	internal    bool
	sequence    int64
}{
	{"mail.mt_comment", "Discussions", false, 0},
	{"mail.mt_note", "Note", true, 100},
	{"mail.mt_activities", "Activities", true, 90},
}

// xmlid is one ir.model.data row.
type xmlid struct {
	module, name, model string
	resID               int64
}

// dataXMLIDs derives the external identifiers of ds's data records.
func dataXMLIDs(ds *dataset.Dataset) []xmlid {
	var out []xmlid
	add := func(full, model string, id int64) {
		if id == 0 {
			return
		}
		module, name, _ := strings.Cut(full, ".")
		out = append(out, xmlid{module, name, model, id})
	}
	first := func(model string) dataset.Record {
		if recs := ds.Records(model); len(recs) > 0 {
			return recs[0]
		}
		return nil
	}
	if c := first("res.company"); c != nil {
		add("base.main_company", "res.company", c.ID())
		add("base.main_partner", "res.partner", c.M2O("partner_id"))
	}
	// res.users 1 is the superuser (OdooBot), 2 the administrator.
	if u := ds.Get("res.users", 1); u != nil {
		add("base.user_root", "res.users", 1)
		add("base.partner_root", "res.partner", u.M2O("partner_id"))
	}
	if u := ds.Get("res.users", 2); u != nil {
		add("base.user_admin", "res.users", 2)
		add("base.partner_admin", "res.partner", u.M2O("partner_id"))
	}
	for _, r := range ds.Records("res.currency") {
		add("base."+r.Str("name"), "res.currency", r.ID())
	}
	for _, r := range ds.Records("res.country") {
		if code := r.Str("code"); code != "" {
			add("base."+strings.ToLower(code), "res.country", r.ID())
		}
	}
	for _, model := range sortedKeys(xmlidByName) {
		seen := map[string]bool{}
		for _, r := range ds.Records(model) {
			if full, ok := xmlidByName[model][r.Str("name")]; ok && !seen[full] {
				seen[full] = true
				add(full, model, r.ID())
			}
		}
	}
	if w := first("stock.warehouse"); w != nil {
		add("stock.warehouse0", "stock.warehouse", w.ID())
		add("stock.stock_location_stock", "stock.location", w.M2O("lot_stock_id"))
	}
	for _, r := range ds.Records("stock.location") {
		switch r.Str("usage") {
		case "customer":
			add("stock.stock_location_customers", "stock.location", r.ID())
		case "supplier":
			add("stock.stock_location_suppliers", "stock.location", r.ID())
		}
	}
	// Every model has its ir.model row's id, <module>.model_<name>
	// (ir_model.py model_xmlid).
	for _, r := range ds.Records("ir.model") {
		if mod := r.Str("modules"); mod != "" {
			add(strings.Split(mod, ",")[0]+".model_"+strings.ReplaceAll(r.Str("model"), ".", "_"), "ir.model", r.ID())
		}
	}
	// One row per xml id: the first wins (two customer locations).
	seen := map[string]bool{}
	uniq := out[:0]
	for _, x := range out {
		k := x.module + "." + x.name
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, x)
		}
	}
	return uniq
}

// addSubtypes serves mail.message.subtype when mail is installed.
func (s *Server) addSubtypes() {
	if _, ok := slices.BinarySearch(s.modules, "mail"); !ok {
		return
	}
	mi := virtualModel(subtypeModel, "Message subtypes", "sequence, id", "name", []*fieldInfo{
		{name: "name", typ: dataset.Char, label: "Message Type", required: true, store: true},
		{name: "description", typ: dataset.Text, label: "Description", store: true},
		{name: "internal", typ: dataset.Boolean, label: "Internal Only", store: true},
		{name: "default", typ: dataset.Boolean, label: "Default", store: true},
		{name: "hidden", typ: dataset.Boolean, label: "Hidden", store: true},
		{name: "res_model", typ: dataset.Char, label: "Model", store: true},
		{name: "sequence", typ: dataset.Integer, label: "Sequence", store: true},
	})
	vt := &vtable{index: map[int64]dataset.Record{}}
	for i, st := range subtypes {
		r := dataset.Record{"id": int64(i + 1), "name": st.name, "description": false, "internal": st.internal,
			"default": true, "hidden": false, "res_model": false, "sequence": st.sequence}
		vt.records = append(vt.records, r)
		vt.index[r.ID()] = r
	}
	s.models[mi.name] = mi
	s.virtual[mi.name] = vt
}

// virtualModules gives the module of each model the simulator makes up.
var virtualModules = map[string]string{subtypeModel: "mail", "mail.channel": "mail", "discuss.channel": "mail", registerModel: "account"}

// listVirtualModels adds an ir.model record for each model the simulator
// makes up that the dataset does not list yet, so that clients checking
// ir.model (OdooRPC's "model in odoo.env") find them. Call before
// addXMLIDs and addModelFields, which use the records.
func (s *Server) listVirtualModels() error {
	listed := map[string]bool{}
	for _, r := range s.ds.Records("ir.model") {
		listed[r.Str("model")] = true
	}
	descriptions := map[string]string{modelDataModel: "Model Data", fieldsModel: "Fields", accessModel: "Model Access"} // made after this
	for name := range s.virtual {
		descriptions[name] = s.models[name].description
	}
	for _, name := range sortedKeys(descriptions) {
		if listed[name] {
			continue
		}
		module := cmp.Or(virtualModules[name], "base")
		rec := dataset.Record{"name": descriptions[name], "model": name, "info": false, "state": "base",
			"transient": name == registerModel, "modules": module}
		if _, err := s.ds.Add("ir.model", rec); err != nil {
			return err
		}
	}
	return nil
}

// addXMLIDs serves ir.model.data with the external ids of the dataset's
// data records and of the message subtypes.
func (s *Server) addXMLIDs() {
	ids := dataXMLIDs(s.ds)
	if vt := s.virtual[subtypeModel]; vt != nil {
		for i, st := range subtypes {
			module, name, _ := strings.Cut(st.xmlid, ".")
			ids = append(ids, xmlid{module, name, subtypeModel, vt.records[i].ID()})
		}
	}
	mi := virtualModel(modelDataModel, "Model Data", "module, model, name", "complete_name", []*fieldInfo{
		{name: "name", typ: dataset.Char, label: "External Identifier", required: true, store: true},
		{name: "complete_name", typ: dataset.Char, label: "Complete ID", readonly: true, unsearchable: true}, // computed, not stored
		{name: "model", typ: dataset.Char, label: "Model Name", required: true, store: true},
		{name: "module", typ: dataset.Char, label: "Module", required: true, store: true},
		{name: "res_id", typ: dataset.Integer, label: "Record ID", store: true},
		{name: "noupdate", typ: dataset.Boolean, label: "Non Updatable", store: true},
		{name: "reference", typ: dataset.Char, label: "Reference", readonly: true, unsearchable: true}, // computed, not stored
	})
	vt := &vtable{index: map[int64]dataset.Record{}}
	for i, x := range ids {
		r := dataset.Record{"id": int64(i + 1), "name": x.name, "module": x.module, "model": x.model, "res_id": x.resID,
			"noupdate": false, "complete_name": x.module + "." + x.name, "reference": fmt.Sprintf("%s,%d", x.model, x.resID)}
		vt.records = append(vt.records, r)
		vt.index[r.ID()] = r
	}
	s.models[mi.name] = mi
	s.virtual[mi.name] = vt
}

// virtualModel describes a model the simulator makes up, with id and
// display_name added to fields.
func virtualModel(name, description, order, recName string, fields []*fieldInfo) *modelInfo {
	mi := &modelInfo{name: name, description: description, order: order, recName: recName,
		fields: map[string]*fieldInfo{}, byKey: map[string]*fieldInfo{}, served: true, virtual: true}
	all := append([]*fieldInfo{
		{name: "id", typ: dataset.Integer, label: "ID", readonly: true, store: true},
		{name: "display_name", typ: dataset.Char, label: "Display Name", readonly: true, derived: true},
	}, fields...)
	for _, f := range all {
		f.key = f.name
		mi.add(f)
	}
	return mi
}

// xmlidTarget returns the row of ir.model.data for module.name whose
// record still exists; Odoo deletes the rows of unlinked records
// (models.py BaseModel.unlink). Call with s.mu held.
func (s *Server) xmlidTarget(module, name string) dataset.Record {
	for _, r := range s.virtual[modelDataModel].records {
		if r.Str("module") == module && r.Str("name") == name {
			if !s.xmlidVisible(r) {
				return nil
			}
			return r
		}
	}
	return nil
}

// xmlidVisible reports whether an ir.model.data row is listed: its record
// still exists and, for ir.model rows, the emulated version has the model.
// Call with s.mu held.
func (s *Server) xmlidVisible(r dataset.Record) bool {
	target := s.get(r.Str("model"), r.Int("res_id"))
	if target == nil {
		return false
	}
	if r.Str("model") == "ir.model" {
		_, ok := s.served(target.Str("model"))
		return ok
	}
	return true
}

// checkObjectReference is ir.model.data check_object_reference(module,
// xml_id, raise_on_access_error=False) as in ir_model.py: [model, res_id]
// when the user can see the record, else an AccessError or [model, False];
// ValueError "External ID not found in the system" for unknown ids
// (_xmlid_lookup).
func (c *call) checkObjectReference() (any, error) {
	module, name := c.argString("module"), c.argString("xml_id")
	row := c.s.xmlidTarget(module, name)
	if row == nil {
		return nil, errValue("External ID not found in the system: %s.%s", module, name)
	}
	model, id := row.Str("model"), row.Int("res_id")
	m, ok := c.s.served(model)
	if ok {
		// The search by id applies active_test and the company filter.
		sub := &call{s: c.s, v: c.v, user: c.user, m: m, ctx: c.ctx}
		found, err := sub.match([]any{[]any{"id", "=", id}})
		if err != nil {
			return nil, err
		}
		if len(found) == 1 {
			return []any{model, id}, nil
		}
	}
	if c.argBool("raise_on_access_error", false) {
		return nil, newErr(excAccessError, "Not enough access rights on the external ID \"%s.%s\"", module, name)
	}
	return []any{model, false}, nil
}
