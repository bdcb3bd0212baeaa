package odoo

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"slices"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// PageSizeDefault is the number of records a typed reader fetches per call
// when ListOpts.PageSize is zero.
const PageSizeDefault = 500

// ListOpts are the options of the typed readers (Partners, Invoices,
// JournalItems...). Every reader pages by id (keyset paging: id > last id,
// order "id asc"), so its order is stable and pages do not drift under
// concurrent writes, and yields records one by one as an iter.Seq2.
type ListOpts struct {
	// Domain is ANDed with the reader's own conditions.
	Domain domain.Domain
	// PageSize is the number of records per call. Defaults to
	// PageSizeDefault.
	PageSize int
	// Limit stops after this many records; 0 means all.
	Limit int
	// CompanyIDs scopes the read to these companies
	// (context allowed_company_ids; the first one is the current company,
	// which also sets company-dependent fields). Nil uses the user's
	// default companies.
	CompanyIDs []int64
	// IncludeArchived also returns archived records (active_test false).
	IncludeArchived bool
	// Context is merged into the call context.
	Context map[string]any
}

// callContext builds the Odoo context for a reader call.
func (o ListOpts) callContext() map[string]any {
	ctx := maps.Clone(o.Context)
	if ctx == nil {
		ctx = map[string]any{}
	}
	if len(o.CompanyIDs) > 0 {
		ctx["allowed_company_ids"] = idList(o.CompanyIDs)
	}
	if o.IncludeArchived {
		ctx["active_test"] = false
	}
	if len(ctx) == 0 {
		return nil
	}
	return ctx
}

// Collect gathers an iterator from a typed reader into a slice, stopping at
// the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// readerSpec describes one typed reader.
type readerSpec[T any] struct {
	model string
	// modules are the Odoo modules that must be installed; when one is
	// missing the reader fails with ErrNotInstalled without calling.
	modules []string
	// fields returns the fields to read for the connected version.
	fields func(info *ServerInfo) []string
	// optional lists fields read only when the server has them (checked
	// once per model with fields_get), for names that vary in ways the
	// version alone does not settle.
	optional []string
	// domain returns the reader's own conditions.
	domain func(info *ServerInfo) domain.Domain
	// decode turns a record into T.
	decode func(d *recordDecoder, info *ServerInfo) T
}

// errSeq is an iterator that yields one error.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// notInstalled reports a reader whose module is missing.
func notInstalled(model, module string) error {
	return &Error{Kind: ErrNotInstalled, Op: "read", Model: model, Message: "module " + module + " is not installed on this server"}
}

// list runs a typed reader: it checks modules, then pages with
// search_read by increasing id.
func list[T any](c *Client, ctx context.Context, spec readerSpec[T], opts ListOpts) iter.Seq2[T, error] {
	_, _, info, err := c.connected("search_read", spec.model)
	if err != nil {
		return errSeq[T](err)
	}
	for _, m := range spec.modules {
		if !info.HasModule(m) {
			return errSeq[T](notInstalled(spec.model, m))
		}
	}
	fields := slices.Clone(spec.fields(info))
	if !slices.Contains(fields, "id") {
		fields = append([]string{"id"}, fields...)
	}
	if len(spec.optional) > 0 {
		have, err := c.modelFields(ctx, spec.model)
		if err != nil {
			return errSeq[T](err)
		}
		for _, f := range spec.optional {
			if have[f] && !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	base := opts.Domain
	if spec.domain != nil {
		base = domain.And(spec.domain(info), opts.Domain)
	}
	pageSize := cmp.Or(opts.PageSize, PageSizeDefault)
	callCtx := opts.callContext()
	return func(yield func(T, error) bool) {
		var zero T
		var last int64
		n := 0
		for {
			dom := domain.And(base, domain.Cond("id", domain.OpGt, last))
			limit := pageSize
			if opts.Limit > 0 {
				limit = min(limit, opts.Limit-n)
			}
			recs, err := c.SearchRead(ctx, spec.model, dom, SearchReadOpts{Fields: fields, Order: "id asc", Limit: limit, Context: callCtx})
			if err != nil {
				yield(zero, err)
				return
			}
			for _, rec := range recs {
				d := newDecoder(spec.model, rec)
				id := d.id()
				v := spec.decode(d, info)
				if d.err != nil {
					yield(zero, d.err)
					return
				}
				if !yield(v, nil) {
					return
				}
				last = max(last, id)
				n++
				if opts.Limit > 0 && n >= opts.Limit {
					return
				}
			}
			if len(recs) < limit {
				return
			}
		}
	}
}

// fieldsFor returns a fields function that ignores the version.
func fieldsFor(fields ...string) func(*ServerInfo) []string {
	return func(*ServerInfo) []string { return fields }
}

// pick returns a when cond holds and b otherwise; for version-dependent
// field names.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// modelFields returns the field names of model, from fields_get, cached for
// the life of the connection.
func (c *Client) modelFields(ctx context.Context, model string) (map[string]bool, error) {
	c.mu.RLock()
	have, ok := c.fields[model]
	c.mu.RUnlock()
	if ok {
		return have, nil
	}
	desc, err := c.FieldsGet(ctx, model, []string{"type"})
	if err != nil {
		return nil, err
	}
	have = make(map[string]bool, len(desc))
	for name := range desc {
		have[name] = true
	}
	c.mu.Lock()
	if c.fields == nil {
		c.fields = map[string]map[string]bool{}
	}
	c.fields[model] = have
	c.mu.Unlock()
	return have, nil
}
