package odoosim

import (
	"fmt"
	"net/http"
	"strings"
)

// webDatabaseList is /web/database/list (web/controllers/database.py
// Database.list, type json, auth none): the databases, or AccessDenied when
// list_db is off (odoo/service/db.py list_dbs).
func (s *Server) webDatabaseList(http.ResponseWriter, *http.Request, map[string]any) (any, error) {
	return s.dbService("list", nil)
}

// paramDefaults are the Python defaults of the simulated methods'
// optional parameters, for /doc-bearer signatures.
var paramDefaults = map[string]any{
	"offset": int64(0), "limit": nil, "order": nil, "count": false, "fields": nil, "load": "_classic_read",
	"lazy": true, "orderby": false, "allfields": nil, "attributes": nil, "raise_exception": true, "operator": "ilike",
	"name": "", "args": nil, "domain": nil, "default": nil, "groupby": []any{}, "aggregates": []any{}, "having": []any{},
	"raise_on_access_error": false, "feedback": false, "attachment_ids": nil, "body": "", "subject": nil,
	"message_type": "notification", "subtype_xmlid": nil, "subtype_id": false, "partner_ids": nil, "body_is_html": false,
	"author_id": nil, "email_from": nil, "parent_id": false,
}

// handleDocBearer serves GET /doc-bearer/<model>.json (19+, addons/api_doc
// controllers/api_doc.py DocController.doc_model): the model's fields_get
// and the signature of each public method, which JSON-2 clients use to
// name positional arguments. Bearer API key; only users of
// api_doc.group_allow_doc ("Technical Documentation", implied by
// base.group_system) may read it.
func (s *Server) handleDocBearer(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/doc-bearer/"), ".json")
	if !ok || name == "" || strings.Contains(name, "/") {
		s.handleNotFound(w, r)
		return
	}
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	u := s.userByKey(strings.TrimSpace(key))
	if !strings.EqualFold(scheme, "bearer") || u == nil {
		writeHTML(w, http.StatusUnauthorized, "401 Unauthorized", "Invalid apikey")
		return
	}
	if u.readOnly {
		writeHTML(w, http.StatusForbidden, "403 Forbidden", "This page is only accessible to Technical Documentation users.")
		return
	}
	m, ok := s.served(name)
	if !ok {
		writeHTML(w, http.StatusNotFound, "404 Not Found", "The requested URL was not found on the server.")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := &call{s: s, v: s.newView(), user: u, m: m, method: "fields_get", args: map[string]any{}}
	fg, _ := c.fieldsGet()
	fields := &object{}
	module := "base"
	if m.def != nil {
		module = m.def.Module
	}
	for _, k := range fg.(*object).keys {
		d := fg.(*object).vals[k].(*object)
		withModule := &object{}
		for _, a := range d.keys {
			withModule.set(a, d.vals[a])
		}
		mod := module
		if k == "id" || k == "display_name" || k == "create_uid" || k == "create_date" || k == "write_uid" || k == "write_date" {
			mod = "base" // MAGIC_COLUMNS: BaseModel's, _modules of base
		}
		withModule.set("module", mod)
		fields.set(k, withModule)
	}
	methods := &object{}
	table := s.methodTable()
	for _, mn := range sortedKeys(table) {
		spec := s.lookup(m, mn, table)
		if spec == nil {
			continue
		}
		methods.set(mn, s.docMethod(m, mn, spec, module))
	}
	writeJSONResponse(w, http.StatusOK, newObject("model", m.name, "name", m.description, "doc", nil, "fields", fields, "methods", methods))
}

// docMethod is api_doc's _doc_method for a simulated method: signature,
// parameters (kind only when not POSITIONAL_OR_KEYWORD, default when the
// parameter has one), api ["model"] for @api.model methods, and the model
// and module that introduced it ("core" for BaseModel's).
func (s *Server) docMethod(m *modelInfo, name string, spec *methodSpec, module string) *object {
	params := &object{}
	var sig []string
	for i, p := range spec.params {
		d := &object{}
		if spec.kwOnly {
			d.set("kind", "KEYWORD_ONLY")
		}
		def, hasDef := paramDefaults[p]
		if i < spec.required {
			hasDef = false
		}
		part := p
		if hasDef {
			d.set("default", def)
			part += "=" + pyDefault(def)
		}
		if spec.kwOnly && i == 0 {
			sig = append(sig, "*")
		}
		sig = append(sig, part)
		params.set(p, d)
	}
	o := newObject("signature", "("+strings.Join(sig, ", ")+")", "parameters", params)
	if !spec.record {
		o.set("api", []any{"model"})
	}
	owner, mod := "core", "core"
	if spec.models != nil || spec.thread {
		owner, mod = m.name, module
		if spec.thread {
			owner, mod = "mail.thread", "mail"
		}
	}
	o.set("model", owner)
	o.set("module", mod)
	return o
}

// pyDefault writes a default as Python's repr does in a signature.
func pyDefault(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case []any:
		if len(x) == 0 {
			return "()"
		}
	case int64:
		return fmt.Sprint(x)
	}
	return pyRepr(v)
}

// docRoutes registers the documentation and database routes.
func (s *Server) docRoutes() {
	s.mux.HandleFunc("/web/database/list", s.webRoute(s.webDatabaseList))
	if s.HasJSON2() {
		s.mux.HandleFunc("GET /doc-bearer/", s.handleDocBearer)
	}
}
