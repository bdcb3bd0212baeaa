package odoosim

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Public ORM methods every model has, and the small system models
// integrations read (ir.config_parameter), as odoo/models.py and
// odoo/addons/base/models define them.

// exists is BaseModel.exists: the ids given that still exist, in the order
// given (a recordset, marshalled as its ids).
func (c *call) exists() (any, error) {
	out := make([]int64, 0, len(c.ids))
	for _, id := range c.ids {
		if c.s.get(c.m.name, id) != nil {
			out = append(out, id)
		}
	}
	return out, nil
}

// getMetadata is BaseModel.get_metadata: per existing record its id, the
// log-access fields (create_uid and write_uid as [id, name]), its first
// external id (xmlid), all of them (xmlids) and noupdate.
func (c *call) getMetadata() (any, error) {
	var out []any
	for _, id := range c.ids {
		rec := c.s.get(c.m.name, id)
		if rec == nil {
			continue
		}
		o := newObject("id", id)
		for _, k := range []string{"create_uid", "create_date", "write_uid", "write_date"} {
			var v any = false
			switch {
			case strings.HasSuffix(k, "_uid") && rec.Int(k) != 0:
				v = []any{rec.Int(k), c.v.displayName("res.users", rec.Int(k))}
			case strings.HasSuffix(k, "_date") && rec.Str(k) != "":
				v = rec.Str(k)
			}
			o.set(k, v)
		}
		var xmlids []any
		var first any = false
		for _, r := range c.s.virtual[modelDataModel].records {
			if r.Str("model") == c.m.name && r.Int("res_id") == id {
				full := r.Str("module") + "." + r.Str("name")
				if first == false {
					first = full
				}
				xmlids = append(xmlids, newObject("xmlid", full, "noupdate", false))
			}
		}
		if xmlids == nil {
			xmlids = []any{}
		}
		o.set("xmlid", first)
		o.set("xmlids", xmlids)
		o.set("noupdate", false)
		out = append(out, o)
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

// nameCreate is BaseModel.name_create(name): a record with its _rec_name
// set to name, returned as [id, display_name]; False (and a server
// warning) for models without a _rec_name.
func (c *call) nameCreate() (any, error) {
	f, ok := c.m.byKey[c.m.recName]
	if !ok || f.derived || (f.typ != dataset.Char && f.typ != dataset.Text) {
		c.s.log.Warn("odoosim: Cannot execute name_create, no _rec_name defined on " + c.m.name)
		return false, nil
	}
	name := c.argString("name")
	c.args = map[string]any{"vals_list": map[string]any{f.name: name}}
	res, err := c.create()
	if err != nil {
		return nil, err
	}
	id, ok := res.(int64)
	if !ok { // JSON-2 create returns a list
		id = res.([]int64)[0]
	}
	return []any{id, c.v.displayName(c.m.name, id)}, nil
}

// memberGroups are the groups every user has in the simulator, which
// knows two levels of access only.
var memberGroups = []string{"base.group_user"}

// hasGroup is res.users has_group(group_ext_id) on one user (the caller
// when called without ids): internal users are in base.group_user, full
// users in every group of an installed module except the portal, public
// and technical ones. res_users.py has_group asserts a module-qualified id.
func (c *call) hasGroup() (any, error) {
	group := c.argString("group_ext_id")
	module, _, ok := strings.Cut(group, ".")
	if !ok {
		return nil, newErr("builtins.AssertionError", "External ID '%s' must be fully qualified", group)
	}
	uid := c.user.uid
	if len(c.ids) > 1 {
		return nil, errValue("Expected singleton: %s", recordsetRepr("res.users", c.ids))
	}
	if len(c.ids) == 1 {
		uid = c.ids[0]
	}
	if c.s.ds.Get("res.users", uid) == nil && uid != c.user.uid {
		return false, nil
	}
	if slices.Contains(memberGroups, group) {
		return true, nil
	}
	switch group {
	case "base.group_portal", "base.group_public", "base.group_no_one":
		return false, nil
	}
	if _, installed := slices.BinarySearch(c.s.modules, module); !installed {
		return false, nil
	}
	for _, u := range c.s.users {
		if u.uid == uid {
			return !u.readOnly, nil
		}
	}
	return false, nil
}

// configModel is ir.config_parameter, the key/value store that only
// administrators may read.
const configModel = "ir.config_parameter"

// addConfigParameters serves ir.config_parameter with the keys every
// database has (base/data/ir_config_parameter_data.xml and the registry's
// database.uuid / database.create_date).
func (s *Server) addConfigParameters() {
	mi := virtualModel(configModel, "System Parameter", "key", "key", []*fieldInfo{
		{name: "key", typ: dataset.Char, label: "Key", required: true, store: true},
		{name: "value", typ: dataset.Text, label: "Value", required: true, store: true},
	})
	sum := sha256.Sum256([]byte("odoosim:" + s.db))
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	created := s.lastWrite.Format(dataset.DatetimeLayout)
	if s.ds.Meta.Today != "" {
		created = s.ds.Meta.Today + " 00:00:00"
	}
	params := [][2]string{
		{"database.create_date", created},
		{"database.is_neutralized", "False"},
		{"database.uuid", uuid},
		{"web.base.url", "http://localhost:8069"},
	}
	vt := &vtable{index: map[int64]dataset.Record{}}
	for i, p := range params {
		r := dataset.Record{"id": int64(i + 1), "key": p[0], "value": p[1]}
		vt.records = append(vt.records, r)
		vt.index[r.ID()] = r
	}
	s.models[mi.name] = mi
	s.virtual[mi.name] = vt
}

// getParam is ir.config_parameter get_param(key, default=False).
func (c *call) getParam() (any, error) {
	key := c.argString("key")
	for _, r := range c.s.virtual[configModel].records {
		if r.Str("key") == key {
			return r.Str("value"), nil
		}
	}
	if d, ok := c.args["default"]; ok {
		return d, nil
	}
	return false, nil
}

// fieldsModel is ir.model.fields, the fields of every model, one record
// per field of the emulated version.
const fieldsModel = "ir.model.fields"

// addModelFields serves ir.model.fields for the served models that have an
// ir.model record (model_id).
func (s *Server) addModelFields() {
	mi := virtualModel(fieldsModel, "Fields", "name", "field_description", []*fieldInfo{
		{name: "name", typ: dataset.Char, label: "Field Name", required: true, store: true},
		{name: "model", typ: dataset.Char, label: "Model Name", required: true, store: true},
		{name: "model_id", typ: dataset.Many2one, relation: "ir.model", label: "Model", required: true, store: true},
		{name: "field_description", typ: dataset.Char, label: "Field Label", required: true, store: true},
		{name: "ttype", typ: dataset.Char, label: "Field Type", required: true, store: true},
		{name: "relation", typ: dataset.Char, label: "Related Model", store: true},
		{name: "required", typ: dataset.Boolean, label: "Required", store: true},
		{name: "readonly", typ: dataset.Boolean, label: "Readonly", store: true},
		{name: "store", typ: dataset.Boolean, label: "Stored", store: true},
		{name: "state", typ: dataset.Char, label: "Type", required: true, store: true},
	})
	irModel := map[string]int64{}
	for _, r := range s.ds.Records("ir.model") {
		irModel[r.Str("model")] = r.ID()
	}
	vt := &vtable{index: map[int64]dataset.Record{}}
	for _, name := range sortedKeys(s.models) {
		m := s.models[name]
		if _, ok := s.served(name); !ok || irModel[name] == 0 {
			continue
		}
		for _, f := range m.list {
			r := dataset.Record{"id": int64(len(vt.records) + 1), "name": f.name, "model": name, "model_id": irModel[name],
				"field_description": f.label, "ttype": string(f.typ), "relation": cmpOr(f.relation), "required": f.required,
				"readonly": f.readonly, "store": f.store && !f.derived, "state": "base"}
			vt.records = append(vt.records, r)
			vt.index[r.ID()] = r
		}
	}
	s.models[mi.name] = mi
	s.virtual[mi.name] = vt
}

// cmpOr returns s, or false when it is empty (Odoo's empty char).
func cmpOr(s string) any {
	if s == "" {
		return false
	}
	return s
}

// accessModel is ir.model.access, the access control list. Reading it
// needs administrator rights (base.group_system), as in Odoo.
const accessModel = "ir.model.access"

// addModelAccess serves ir.model.access consistently with
// check_access_rights: the simulator knows full and read-only users only,
// so each served model has one rule without group (res.groups is not
// served) granting everything but writes on the read-only system models;
// administrators, the only ones allowed to read the list, hold these
// rights, and read-only users are refused the list.
func (s *Server) addModelAccess() {
	mi := virtualModel(accessModel, "Model Access", "model_id,group_id,name,id", "name", []*fieldInfo{
		{name: "name", typ: dataset.Char, label: "Name", required: true, store: true},
		{name: "active", typ: dataset.Boolean, label: "Active", store: true},
		{name: "model_id", typ: dataset.Many2one, relation: "ir.model", label: "Model", required: true, store: true},
		{name: "group_id", typ: dataset.Many2one, relation: "res.groups", label: "Group", store: true},
		{name: "perm_read", typ: dataset.Boolean, label: "Read Access", store: true},
		{name: "perm_write", typ: dataset.Boolean, label: "Write Access", store: true},
		{name: "perm_create", typ: dataset.Boolean, label: "Create Access", store: true},
		{name: "perm_unlink", typ: dataset.Boolean, label: "Delete Access", store: true},
	})
	vt := &vtable{index: map[int64]dataset.Record{}}
	for _, r := range s.ds.Records("ir.model") {
		name := r.Str("model")
		m, ok := s.served(name)
		if !ok {
			continue
		}
		writable := !m.virtual || name == registerModel
		rec := dataset.Record{"id": int64(len(vt.records) + 1), "name": "access_" + strings.ReplaceAll(name, ".", "_") + "_user",
			"active": true, "model_id": r.ID(), "group_id": false, "perm_read": true,
			"perm_write": writable, "perm_create": writable, "perm_unlink": writable}
		vt.records = append(vt.records, rec)
		vt.index[rec.ID()] = rec
	}
	s.models[mi.name] = mi
	s.virtual[mi.name] = vt
}
