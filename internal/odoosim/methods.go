package odoosim

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// methodSpec describes one ORM method the simulator implements.
type methodSpec struct {
	// record is set for methods called on records: the first positional
	// argument (JSON-2: "ids") is the list of ids.
	record bool
	// params are the parameter names after the ids, in order.
	params []string
	// required is how many of params have no default.
	required int
	// kwOnly is set when params are keyword-only (message_post).
	kwOnly bool
	// access is the operation the method needs rights for ("create",
	// "write", "unlink"); empty for read methods.
	access string
	// minV and maxV bound the Odoo major versions that have the method.
	minV, maxV int
	// models restricts the method to these models; nil means every model.
	models []string
	// thread restricts the method to mail.thread models.
	thread bool
	// fn runs the method.
	fn func(c *call) (any, error)
}

// methods returns the method table of the emulated version.
func (s *Server) methods() map[string]*methodSpec {
	nameSearchDomain := "args"
	if s.major >= 18 {
		nameSearchDomain = "domain"
	}
	return map[string]*methodSpec{
		"search":               {params: []string{"domain", "offset", "limit", "order", "count"}, required: 1, fn: (*call).searchMethod},
		"search_read":          {params: []string{"domain", "fields", "offset", "limit", "order", "load"}, fn: (*call).searchRead},
		"search_count":         {params: []string{"domain", "limit"}, required: 1, fn: (*call).searchCount},
		"read":                 {record: true, params: []string{"fields", "load"}, fn: (*call).read},
		"read_group":           {params: []string{"domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"}, required: 3, fn: (*call).readGroup},
		"formatted_read_group": {params: []string{"domain", "groupby", "aggregates", "having", "offset", "limit", "order"}, minV: 19, fn: (*call).formattedReadGroup},
		"fields_get":           {params: []string{"allfields", "attributes"}, fn: (*call).fieldsGet},
		"name_search":          {params: []string{"name", nameSearchDomain, "operator", "limit"}, fn: (*call).nameSearch},
		"name_get":             {record: true, maxV: 16, fn: (*call).nameGet},
		"default_get":          {params: []string{"fields_list"}, required: 1, fn: (*call).defaultGet},
		"check_access_rights":  {params: []string{"operation", "raise_exception"}, required: 1, fn: (*call).checkAccessRights},
		"has_access":           {record: true, params: []string{"operation"}, required: 1, minV: 18, fn: (*call).hasAccess},
		"context_get":          {models: []string{"res.users"}, fn: (*call).contextGet},
		"exists":               {record: true, fn: (*call).exists},
		"get_metadata":         {record: true, fn: (*call).getMetadata},
		"name_create":          {params: []string{"name"}, required: 1, access: "create", fn: (*call).nameCreate},
		"has_group":            {record: true, params: []string{"group_ext_id"}, required: 1, models: []string{"res.users"}, fn: (*call).hasGroup},
		"get_param":            {params: []string{"key", "default"}, required: 1, models: []string{configModel}, fn: (*call).getParam},
		"check_object_reference": {params: []string{"module", "xml_id", "raise_on_access_error"}, required: 2, models: []string{modelDataModel},
			fn: (*call).checkObjectReference},
		"create":           {params: []string{"vals_list"}, required: 1, access: "create", fn: (*call).create},
		"write":            {record: true, params: []string{"vals"}, required: 1, access: "write", fn: (*call).write},
		"unlink":           {record: true, access: "unlink", fn: (*call).unlink},
		"copy":             {record: true, params: []string{"default"}, access: "create", fn: (*call).copy},
		"action_archive":   {record: true, access: "write", fn: func(c *call) (any, error) { return c.setActive(false) }},
		"action_unarchive": {record: true, access: "write", fn: func(c *call) (any, error) { return c.setActive(true) }},
		"toggle_active":    {record: true, access: "write", maxV: 18, fn: (*call).toggleActive},
		"message_post": {record: true, kwOnly: true, thread: true, access: "create", fn: (*call).messagePost,
			params: []string{"body", "subject", "message_type", "subtype_xmlid", "subtype_id", "partner_ids", "attachment_ids", "body_is_html", "author_id", "email_from", "parent_id"}},
		"action_feedback":        {record: true, params: []string{"feedback", "attachment_ids"}, access: "write", models: []string{"mail.activity"}, fn: (*call).activityFeedback},
		"action_done":            {record: true, access: "write", models: []string{"mail.activity"}, fn: (*call).activityFeedback},
		"button_confirm":         {record: true, access: "write", models: []string{"purchase.order"}, fn: (*call).purchaseConfirm},
		"button_cancel":          {record: true, access: "write", models: []string{"purchase.order", "account.move"}, fn: (*call).buttonCancel},
		"action_post":            {record: true, access: "write", models: []string{"account.move", "account.payment"}, fn: (*call).actionPost},
		"action_create_payments": {record: true, access: "write", models: []string{registerModel}, fn: (*call).registerCreatePayments},
		"button_draft":           {record: true, access: "write", models: []string{"account.move"}, fn: (*call).moveDraft},
		"action_confirm":         {record: true, access: "write", models: []string{"sale.order"}, fn: (*call).saleConfirm},
		"action_cancel":          {record: true, access: "write", models: []string{"sale.order"}, fn: (*call).saleCancel},
		"action_set_won":         {record: true, access: "write", models: []string{"crm.lead"}, fn: (*call).leadWon},
		"action_set_lost":        {record: true, kwOnly: true, params: []string{"lost_reason_id"}, access: "write", models: []string{"crm.lead"}, fn: (*call).leadLost},
	}
}

// lookup returns the spec of method on m in the emulated version.
func (s *Server) lookup(m *modelInfo, method string, table map[string]*methodSpec) *methodSpec {
	spec, ok := table[method]
	if !ok || (spec.minV != 0 && s.major < spec.minV) || (spec.maxV != 0 && s.major > spec.maxV) {
		return nil
	}
	if spec.models != nil && !slices.Contains(spec.models, m.name) {
		return nil
	}
	if spec.thread && !m.thread {
		return nil
	}
	if (method == "action_archive" || method == "action_unarchive" || method == "toggle_active") && m.fields["active"] == nil {
		return nil
	}
	return spec
}

// call is one ORM method call being served.
type call struct {
	s      *Server
	v      *view
	user   *userInfo
	m      *modelInfo
	method string
	ids    []int64
	args   map[string]any
	ctx    map[string]any
	json2  bool
}

// invocation is an ORM call as a protocol received it.
type invocation struct {
	user   *userInfo
	model  string
	method string
	// args and kwargs come from execute_kw (legacy protocols).
	args   []any
	kwargs map[string]any
	// body holds the named arguments of a JSON-2 call.
	body  map[string]any
	json2 bool
}

// invoke finds the model and method, binds the arguments, checks access
// rights and runs the method under the dataset lock.
func (s *Server) invoke(ctx context.Context, inv *invocation) (result any, err error) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "odoosim: panic in call", "model", inv.model, "method", inv.method, "panic", p)
			result, err = nil, newErr("builtins.RuntimeError", "odoosim: internal error in %s.%s: %v", inv.model, inv.method, p)
		}
		s.log.DebugContext(ctx, "odoosim: call", "model", inv.model, "method", inv.method, "uid", inv.user.uid,
			"duration", time.Since(start), "error", err)
	}()
	m, ok := s.served(inv.model)
	if !ok {
		if inv.json2 {
			return nil, &rpcError{Class: excNotFound, Message: fmt.Sprintf("404 Not Found: the model '%s' does not exist", inv.model)}
		}
		return nil, errUnknownModel(inv.model)
	}
	if strings.HasPrefix(inv.method, "_") {
		if inv.json2 {
			return nil, &rpcError{Class: excNotFound, Message: fmt.Sprintf("404 Not Found: the method '%s' does not exist or is private", inv.method)}
		}
		return nil, newErr(excAccessError, "Private methods (such as %s) cannot be called remotely.", inv.method)
	}
	spec := s.lookup(m, inv.method, s.methodTable())
	if spec == nil {
		e := errUnknownMethod(s.major, m.name, inv.method)
		if inv.json2 {
			e.Status = 404
		}
		return nil, e
	}
	c := &call{s: s, user: inv.user, m: m, method: inv.method}
	if inv.json2 {
		err = c.bindJSON2(spec, inv.body)
	} else {
		err = c.bindLegacy(spec, inv.args, inv.kwargs)
	}
	if err != nil {
		return nil, err
	}
	// System parameters are for administrators only (ir.config_parameter
	// has no access rule for other groups).
	if (m.name == configModel || m.name == accessModel) && inv.user.readOnly {
		return nil, errAccess(m.description, m.name, "read")
	}
	// Virtual models are read-only; posting in a Discuss channel writes a
	// mail.message, not the channel.
	if spec.access != "" && (inv.user.readOnly || (m.virtual && !(inv.method == "message_post" && m.thread) && m.name != registerModel)) {
		model, op := m, spec.access
		if inv.method == "message_post" {
			model, op = s.models["mail.message"], "create"
		}
		return nil, errAccess(model.description, model.name, op)
	}
	if spec.access != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	c.v = s.newView()
	return spec.fn(c)
}

// methodTable returns the method table, built once.
func (s *Server) methodTable() map[string]*methodSpec {
	s.tableOnce.Do(func() { s.table = s.methods() })
	return s.table
}

// bindLegacy binds execute_kw positional and keyword arguments as Python
// binds them to the method's signature.
func (c *call) bindLegacy(spec *methodSpec, args []any, kwargs map[string]any) error {
	c.args = map[string]any{}
	if ctx, ok := kwargs["context"]; ok {
		c.ctx, _ = ctx.(map[string]any)
	}
	if spec.record {
		if len(args) == 0 {
			return newErr(excIndexError, "tuple index out of range")
		}
		ids, err := parseIDs(args[0])
		if err != nil {
			return err
		}
		c.ids, args = ids, args[1:]
	}
	if len(args) > 0 && spec.kwOnly {
		return errType("%s() takes 1 positional argument but %d were given", c.method, len(args)+1)
	}
	if len(args) > len(spec.params) {
		return errType("%s() takes from 1 to %d positional arguments but %d were given", c.method, len(spec.params)+1, len(args)+1)
	}
	for i, a := range args {
		c.args[spec.params[i]] = a
	}
	for k, v := range kwargs {
		if k == "context" {
			continue
		}
		if !slices.Contains(spec.params, k) {
			return errType("%s() got an unexpected keyword argument '%s'", c.method, k)
		}
		if _, dup := c.args[k]; dup {
			return errType("%s() got multiple values for argument '%s'", c.method, k)
		}
		c.args[k] = v
	}
	if err := c.checkRequired(spec); err != nil {
		return err
	}
	return nil
}

// bindJSON2 binds the named arguments of a JSON-2 body.
func (c *call) bindJSON2(spec *methodSpec, body map[string]any) error {
	c.json2 = true
	c.args = map[string]any{}
	c.ctx, _ = body["context"].(map[string]any)
	if raw, ok := body["ids"]; ok {
		if !spec.record {
			return &rpcError{Class: excTypeError, Message: fmt.Sprintf("cannot call %s.%s with ids", c.m.name, c.method), Status: 422}
		}
		ids, err := parseIDs(raw)
		if err != nil {
			err.Status = 422
			return err
		}
		c.ids = ids
	}
	for k, v := range body {
		if k == "ids" || k == "context" {
			continue
		}
		if !slices.Contains(spec.params, k) {
			return &rpcError{Class: excTypeError, Message: fmt.Sprintf("%s() got an unexpected keyword argument '%s'", c.method, k), Status: 422}
		}
		c.args[k] = v
	}
	if err := c.checkRequired(spec); err != nil {
		err.Status = 422
		return err
	}
	return nil
}

func (c *call) checkRequired(spec *methodSpec) *rpcError {
	var missing []string
	for _, p := range spec.params[:spec.required] {
		if _, ok := c.args[p]; !ok {
			missing = append(missing, "'"+p+"'")
		}
	}
	if len(missing) > 0 {
		return errType("%s() missing %d required positional argument%s: %s", c.method, len(missing), plural(len(missing)), strings.Join(missing, " and "))
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// parseIDs reads a record id or a list of ids.
func parseIDs(v any) ([]int64, *rpcError) {
	if id, ok := asInt(v); ok {
		return []int64{id}, nil
	}
	switch x := v.(type) {
	case nil, bool:
		return []int64{}, nil
	case []any:
		ids := make([]int64, 0, len(x))
		for _, e := range x {
			id, ok := asInt(e)
			if !ok {
				return nil, errType("expected a list of record ids, got %s", pyRepr(v))
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	return nil, errType("expected a list of record ids, got %s", pyRepr(v))
}

// pyRepr formats a decoded value roughly as Python's repr, for messages.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return "'" + x + "'"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// arg returns a bound argument, or nil.
func (c *call) arg(name string) any { return c.args[name] }

// argInt returns an integer argument (offset, limit): def when the caller
// did not pass it, 0 when it passed a falsy value (None, False, 0 or "",
// as a widely used npm client sends for an unset offset). Odoo adds LIMIT
// and OFFSET only when the value is truthy (odoo/tools/query.py
// Query.select; 16: models.py _search, "limit and ' limit %d' % limit").
func (c *call) argInt(name string, def int64) (int64, error) {
	raw, passed := c.args[name]
	if !passed {
		return def, nil
	}
	switch v := raw.(type) {
	case nil, bool:
		if v == true {
			return def, nil
		}
		return 0, nil
	case string:
		if v == "" {
			return 0, nil
		}
		return 0, errType("'%s' must be an integer, not %s", name, pyRepr(v))
	default:
		n, ok := asInt(v)
		if !ok {
			return 0, errType("'%s' must be an integer, not %s", name, pyRepr(v))
		}
		return n, nil
	}
}

// argString returns a string argument; None and False mean "".
func (c *call) argString(name string) string {
	s, _ := c.args[name].(string)
	return s
}

// argBool returns a boolean argument with a default.
func (c *call) argBool(name string, def bool) bool {
	switch v := c.args[name].(type) {
	case bool:
		return v
	case nil:
		return def
	case int64:
		return v != 0
	}
	return def
}

// argStrings returns a list of strings (a single string counts as a list
// of one); None and False mean nil.
func (c *call) argStrings(name string) ([]string, error) {
	switch v := c.args[name].(type) {
	case nil, bool:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, errType("'%s' must be a list of strings, got %s", name, pyRepr(v))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errType("'%s' must be a list of strings, got %s", name, pyRepr(c.args[name]))
}
