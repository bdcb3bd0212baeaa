package odoosync_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosync"
)

// fakeField is one field of a fake model.
type fakeField struct {
	typ    domain.FieldType
	stored bool
}

// fakeModel is an installed model of the fake server.
type fakeModel struct {
	fields map[string]fakeField
	recs   map[int64]map[string]any
}

// fakeOdoo is an in-memory Odoo for the Syncer: records with write dates
// the test controls, domains evaluated by package domain, failures and
// hooks injected per model.
type fakeOdoo struct {
	mu     sync.Mutex
	models map[string]*fakeModel
	// fail makes calls of a model fail; failMethod limits it to a method.
	fail       map[string]error
	failMethod map[string]string
	// beforeSearchRead runs before each search_read, without the lock, with
	// the number of search_read calls made on the model so far.
	beforeSearchRead func(model string, n int)
	searchReads      map[string]int
	// returned counts the records returned by search_read per model.
	returned map[string]int
}

var _ odoosync.Client = (*fakeOdoo)(nil)

func newFake() *fakeOdoo {
	return &fakeOdoo{models: map[string]*fakeModel{}, fail: map[string]error{}, failMethod: map[string]string{},
		searchReads: map[string]int{}, returned: map[string]int{}}
}

// addModel installs a model with the base fields (write_date, name,
// active when archivable) and extra ones.
func (f *fakeOdoo) addModel(model string, archivable bool, extra map[string]fakeField) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fields := map[string]fakeField{
		"write_date": {domain.TypeDatetime, true},
		"name":       {domain.TypeChar, true},
		"amount":     {domain.TypeFloat, true},
		"computed":   {domain.TypeFloat, false},
	}
	if archivable {
		fields["active"] = fakeField{domain.TypeBoolean, true}
	}
	maps.Copy(fields, extra)
	f.models[model] = &fakeModel{fields: fields, recs: map[int64]map[string]any{}}
}

// put creates or replaces a record, stamped with write date wd.
func (f *fakeOdoo) put(model string, id int64, name string, wd time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.models[model]
	rec := map[string]any{"write_date": odoo.FormatDatetime(wd), "name": name, "amount": float64(id) * 1.5, "computed": 1.0}
	if _, ok := m.fields["active"]; ok {
		rec["active"] = true
		if old, ok := m.recs[id]; ok {
			rec["active"] = old["active"]
		}
	}
	m.recs[id] = rec
}

// set changes fields of a record and stamps it with wd.
func (f *fakeOdoo) set(model string, id int64, wd time.Time, vals map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := f.models[model].recs[id]
	maps.Copy(rec, vals)
	rec["write_date"] = odoo.FormatDatetime(wd)
}

func (f *fakeOdoo) del(model string, ids ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		delete(f.models[model].recs, id)
	}
}

func (f *fakeOdoo) resetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.searchReads)
	clear(f.returned)
}

func (f *fakeOdoo) count(model string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.returned[model]
}

// Field implements domain.Source.
func (f *fakeOdoo) Field(model, name string) (domain.Field, bool) {
	m, ok := f.models[model]
	if !ok {
		return domain.Field{}, false
	}
	fl, ok := m.fields[name]
	return domain.Field{Type: fl.typ}, ok
}

// IDs implements domain.Source.
func (f *fakeOdoo) IDs(model string) []int64 {
	return slices.Sorted(maps.Keys(f.models[model].recs))
}

// Value implements domain.Source.
func (f *fakeOdoo) Value(model string, id int64, name string) any {
	return f.models[model].recs[id][name]
}

// DisplayName implements domain.Source.
func (f *fakeOdoo) DisplayName(model string, id int64) string {
	s, _ := f.models[model].recs[id]["name"].(string)
	return s
}

func (f *fakeOdoo) check(model, method string) (*fakeModel, error) {
	if err, ok := f.fail[model]; ok && (f.failMethod[model] == "" || f.failMethod[model] == method) {
		return nil, err
	}
	m, ok := f.models[model]
	if !ok {
		return nil, &odoo.Error{Kind: odoo.ErrNotInstalled, Op: method, Model: model, Message: "Object " + model + " doesn't exist"}
	}
	return m, nil
}

// search evaluates dom like Odoo with the call's active_test and order.
func (f *fakeOdoo) search(m *fakeModel, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]int64, error) {
	activeTest := true
	if v, ok := opts.Context["active_test"].(bool); ok {
		activeTest = v
	}
	matcher, err := dom.Compile(f, model, &domain.EvalOpts{ActiveTest: activeTest})
	if err != nil {
		return nil, &odoo.Error{Kind: odoo.ErrServerFault, Op: "search", Model: model, Message: err.Error()}
	}
	ids := matcher.Search()
	switch opts.Order {
	case "", "id asc":
	case "write_date asc, id asc":
		slices.SortStableFunc(ids, func(a, b int64) int {
			return strings.Compare(m.recs[a]["write_date"].(string), m.recs[b]["write_date"].(string))
		})
	default:
		return nil, fmt.Errorf("fake: unsupported order %q", opts.Order)
	}
	if opts.Offset > 0 {
		ids = ids[min(opts.Offset, len(ids)):]
	}
	if opts.Limit > 0 && len(ids) > opts.Limit {
		ids = ids[:opts.Limit]
	}
	return ids, nil
}

func (f *fakeOdoo) FieldsGet(ctx context.Context, model string, attributes []string) (map[string]odoo.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.check(model, "fields_get")
	if err != nil {
		return nil, err
	}
	out := map[string]odoo.Record{"id": {"type": "integer", "store": true}}
	for name, fl := range m.fields {
		out[name] = odoo.Record{"type": string(fl.typ), "store": fl.stored}
	}
	return out, nil
}

func (f *fakeOdoo) SearchRead(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]odoo.Record, error) {
	f.mu.Lock()
	f.searchReads[model]++
	n, hook := f.searchReads[model], f.beforeSearchRead
	f.mu.Unlock()
	if hook != nil {
		hook(model, n)
	}
	if err := ctx.Err(); err != nil {
		return nil, &odoo.Error{Kind: odoo.ErrTimeout, Op: "search_read", Model: model, Err: err}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.check(model, "search_read")
	if err != nil {
		return nil, err
	}
	ids, err := f.search(m, model, dom, opts)
	if err != nil {
		return nil, err
	}
	out := make([]odoo.Record, len(ids))
	for i, id := range ids {
		rec := odoo.Record{"id": id}
		for _, name := range opts.Fields {
			if name == "id" {
				continue
			}
			if _, ok := m.fields[name]; !ok {
				return nil, &odoo.Error{Kind: odoo.ErrServerFault, Op: "search_read", Model: model, Message: "Invalid field " + name}
			}
			v, ok := m.recs[id][name]
			if !ok {
				v = false
			}
			rec[name] = v
		}
		out[i] = rec
	}
	f.returned[model] += len(out)
	return out, nil
}

func (f *fakeOdoo) Search(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.check(model, "search")
	if err != nil {
		return nil, err
	}
	return f.search(m, model, dom, opts)
}

func (f *fakeOdoo) SearchCount(ctx context.Context, model string, dom domain.Domain, callCtx map[string]any) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.check(model, "search_count")
	if err != nil {
		return 0, err
	}
	ids, err := f.search(m, model, dom, odoo.SearchReadOpts{Context: callCtx})
	return int64(len(ids)), err
}

// clock is a settable test clock. A moving clock also advances with real
// time from when it was made moving.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	since time.Time // non-zero for a moving clock
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.since.IsZero() {
		return c.t.Add(time.Since(c.since))
	}
	return c.t
}

// move makes the clock advance with real time.
func (c *clock) move() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.since = time.Now()
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var errBoom = errors.New("boom")

// newTestSyncer returns a Syncer over the fake for tb.
func newSyncerT(tb testing.TB, cfg odoosync.Config) *odoosync.Syncer {
	tb.Helper()
	s, err := odoosync.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
