package odoo

import (
	"cmp"
	"context"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// SearchReadOpts are the optional arguments of SearchRead.
type SearchReadOpts struct {
	// Fields to read. Always set it: without it Odoo reads every field,
	// including computed, binary and html ones.
	Fields []string
	// Order is an SQL-like order, for example "date desc, id desc". End it
	// with id for a stable order.
	Order string
	// Limit caps the number of records; 0 means no limit.
	Limit int
	// Offset skips records.
	Offset int
	// Context is the Odoo context for this call (lang, tz, active_test,
	// allowed_company_ids...).
	Context map[string]any
}

// domainArg validates a domain and returns its wire form.
func domainArg(method, model string, dom domain.Domain) ([]any, error) {
	if err := dom.Validate(); err != nil {
		return nil, &Error{Kind: ErrInvalidArgument, Op: method, Model: model, Err: err}
	}
	return dom.Wire(), nil
}

// SearchRead returns the records of model matching dom, for example
// domain.Cond("state", domain.OpEq, "posted"); the zero Domain matches
// every record. A raw wire domain can be turned into a Domain with
// domain.Parse.
func (c *Client) SearchRead(ctx context.Context, model string, dom domain.Domain, opts SearchReadOpts) ([]Record, error) {
	wire, err := domainArg("search_read", model, dom)
	if err != nil {
		return nil, err
	}
	r := &request{model: model, method: "search_read", params: []param{{"domain", wire}}, kwargs: map[string]any{}, context: opts.Context}
	if opts.Fields != nil {
		r.kwargs["fields"] = opts.Fields
	}
	if opts.Order != "" {
		r.kwargs["order"] = opts.Order
	}
	if opts.Limit > 0 {
		r.kwargs["limit"] = opts.Limit
	}
	if opts.Offset > 0 {
		r.kwargs["offset"] = opts.Offset
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	return toRecords(v, r)
}

// SearchCount returns the number of records of model matching domain.
func (c *Client) SearchCount(ctx context.Context, model string, dom domain.Domain, callCtx map[string]any) (int64, error) {
	wire, err := domainArg("search_count", model, dom)
	if err != nil {
		return 0, err
	}
	r := &request{model: model, method: "search_count", params: []param{{"domain", wire}}, context: callCtx}
	v, err := c.execute(ctx, r)
	if err != nil {
		return 0, err
	}
	n, err := decodeInt(v)
	if err != nil {
		return 0, decodeError(r.method, model, "%w", err)
	}
	return n, nil
}

// Search returns the ids of the records of model matching domain, with the
// same paging options as SearchRead (Fields is ignored).
func (c *Client) Search(ctx context.Context, model string, dom domain.Domain, opts SearchReadOpts) ([]int64, error) {
	wire, err := domainArg("search", model, dom)
	if err != nil {
		return nil, err
	}
	r := &request{model: model, method: "search", params: []param{{"domain", wire}}, kwargs: map[string]any{}, context: opts.Context}
	if opts.Order != "" {
		r.kwargs["order"] = opts.Order
	}
	if opts.Limit > 0 {
		r.kwargs["limit"] = opts.Limit
	}
	if opts.Offset > 0 {
		r.kwargs["offset"] = opts.Offset
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	ids, err := decodeIDs(v)
	if err != nil {
		return nil, decodeError(r.method, model, "%w", err)
	}
	return ids, nil
}

// Read returns the given fields of the records ids. Odoo silently leaves out
// ids that no longer exist.
func (c *Client) Read(ctx context.Context, model string, ids []int64, fields []string, callCtx map[string]any) ([]Record, error) {
	r := &request{model: model, method: "read", ids: ids, hasIDs: true, kwargs: map[string]any{}, context: callCtx}
	if fields != nil {
		r.kwargs["fields"] = fields
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	return toRecords(v, r)
}

// FieldsGet describes the fields of model: field name to its attributes
// (type, string, required, readonly, relation, selection, store...).
// attributes limits the attributes returned; nil returns them all.
func (c *Client) FieldsGet(ctx context.Context, model string, attributes []string) (map[string]Record, error) {
	r := &request{model: model, method: "fields_get", kwargs: map[string]any{}}
	if attributes != nil {
		r.kwargs["attributes"] = attributes
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, decodeError(r.method, model, "expected an object, got %s", describe(v))
	}
	out := make(map[string]Record, len(m))
	for name, attrs := range m {
		a, ok := attrs.(map[string]any)
		if !ok {
			return nil, decodeError(r.method, model, "field %q: expected an object", name)
		}
		out[name] = Record(a)
	}
	return out, nil
}

// Create creates one record of model with vals and returns its id. Over
// JSON-2 it sends vals_list, as the API expects.
func (c *Client) Create(ctx context.Context, model string, vals map[string]any, callCtx map[string]any) (int64, error) {
	tr, _, _, err := c.connected("create", model)
	if err != nil {
		return 0, err
	}
	r := &request{model: model, method: "create", context: callCtx}
	if tr.protocol() == ProtocolJSON2 {
		r.params = []param{{"vals_list", []any{vals}}}
	} else {
		r.params = []param{{"vals", vals}}
	}
	v, err := c.execute(ctx, r)
	if err != nil {
		return 0, err
	}
	return singleID(v, r)
}

// Write updates the records ids of model with vals.
func (c *Client) Write(ctx context.Context, model string, ids []int64, vals map[string]any, callCtx map[string]any) error {
	r := &request{model: model, method: "write", ids: ids, hasIDs: true, params: []param{{"vals", vals}}, context: callCtx}
	_, err := c.execute(ctx, r)
	return err
}

// Unlink deletes the records ids of model. Deleting ids that are already
// gone is not an error in Odoo.
func (c *Client) Unlink(ctx context.Context, model string, ids []int64, callCtx map[string]any) error {
	r := &request{model: model, method: "unlink", ids: ids, hasIDs: true, context: callCtx}
	_, err := c.execute(ctx, r)
	return err
}

// MessagePostOpts are the arguments of MessagePost.
type MessagePostOpts struct {
	// Body is the message text. Plain text is HTML-escaped by Odoo 17+
	// unless BodyIsHTML is set.
	Body string
	// BodyIsHTML sends Body as HTML (17+; ignored on 16, where the body is
	// always HTML).
	BodyIsHTML bool
	// MessageType defaults to "comment".
	MessageType string
	// SubtypeXMLID defaults to "mail.mt_note" (an internal note that
	// notifies nobody). "mail.mt_comment" emails the followers.
	SubtypeXMLID string
	// Context is the Odoo context for this call.
	Context map[string]any
}

// MessagePost posts a message in the chatter of record id of model and
// returns the id of the new mail.message.
func (c *Client) MessagePost(ctx context.Context, model string, id int64, opts MessagePostOpts) (int64, error) {
	_, _, info, err := c.connected("message_post", model)
	if err != nil {
		return 0, err
	}
	kw := map[string]any{
		"body":          opts.Body,
		"message_type":  cmp.Or(opts.MessageType, "comment"),
		"subtype_xmlid": cmp.Or(opts.SubtypeXMLID, "mail.mt_note"),
	}
	if opts.BodyIsHTML && info.Version.AtLeast(17, 0) {
		kw["body_is_html"] = true
	}
	r := &request{model: model, method: "message_post", ids: []int64{id}, hasIDs: true, kwargs: kw, context: opts.Context}
	v, err := c.execute(ctx, r)
	if err != nil {
		return 0, err
	}
	return singleID(v, r)
}

// NameSearch returns [id, display name] pairs of model whose name matches
// name with operator (default "ilike"), within dom. limit 0 means Odoo's
// default of 100.
func (c *Client) NameSearch(ctx context.Context, model, name string, dom domain.Domain, operator string, limit int) ([]Many2One, error) {
	if limit <= 0 {
		limit = 100
	}
	wire, err := domainArg("name_search", model, dom)
	if err != nil {
		return nil, err
	}
	// The domain parameter is named args in 16/17 and domain in 18+:
	// legacy protocols send it positionally; JSON-2 (19+) by name.
	r := &request{model: model, method: "name_search", params: []param{
		{"name", name}, {"domain", wire}, {"operator", cmp.Or(operator, "ilike")}, {"limit", limit},
	}}
	v, err := c.execute(ctx, r)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, decodeError(r.method, model, "expected a list, got %s", describe(v))
	}
	out := make([]Many2One, 0, len(list))
	for _, e := range list {
		m, err := decodeMany2One(e)
		if err != nil {
			return nil, decodeError(r.method, model, "%w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Call calls any public method of model. args follow execute_kw: for
// record methods (write, action_post, message_post...) args[0] is the list
// of ids. Over JSON-2, which has no positional arguments, args may only
// hold that ids list; put every other argument in kwargs by name. The
// result is returned as decoded: numbers are json.Number (JSON) or int64
// and float64 (XML-RPC), empty values are false; use Record and the
// value helpers to read it.
//
// Methods other than the known read-only ones are never retried after they
// may have reached the server; such failures return ErrOutcomeUnknown.
func (c *Client) Call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	r := &request{model: model, method: method, rawArgs: args, raw: true, kwargs: map[string]any{}}
	for k, v := range kwargs {
		if k == "context" {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, &Error{Kind: ErrInvalidArgument, Op: method, Model: model, Message: "kwargs[\"context\"] must be a map[string]any"}
			}
			r.context = m
			continue
		}
		r.kwargs[k] = v
	}
	return c.execute(ctx, r)
}

// toRecords reads a list of record objects.
func toRecords(v any, r *request) ([]Record, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, decodeError(r.method, r.model, "expected a list of records, got %s", describe(v))
	}
	out := make([]Record, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, decodeError(r.method, r.model, "record %d: expected an object, got %s", i, describe(e))
		}
		out[i] = Record(m)
	}
	return out, nil
}

// singleID reads an id returned as an integer or as a one-element list
// (JSON-2 create, message_post on 19).
func singleID(v any, r *request) (int64, error) {
	if list, ok := v.([]any); ok {
		if len(list) != 1 {
			return 0, decodeError(r.method, r.model, "expected one id, got %d", len(list))
		}
		v = list[0]
	}
	id, err := decodeInt(v)
	if err != nil {
		return 0, decodeError(r.method, r.model, "%w", err)
	}
	return id, nil
}
