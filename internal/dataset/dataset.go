package dataset

import (
	"fmt"
	"slices"
	"sort"
	"sync"
)

// FormatVersion is the version of the folder format this package writes. Load
// accepts this version only.
const FormatVersion = 1

// Company describes one company of the dataset.
type Company struct {
	// ID is the res.company id.
	ID int64 `json:"id"`
	// Name is the company name.
	Name string `json:"name"`
	// Currency is the ISO code of the company currency.
	Currency string `json:"currency"`
}

// Meta describes a dataset as a whole. It is stored as manifest.json.
type Meta struct {
	// FormatVersion is the folder format version (FormatVersion).
	FormatVersion int `json:"format_version"`
	// OdooVersion is the Odoo version the simulator emulates, e.g. "17.0".
	OdooVersion string `json:"odoo_version"`
	// Edition is "community" or "enterprise".
	Edition string `json:"edition"`
	// Database is the database name the simulator serves.
	Database string `json:"database"`
	// Modules lists the installed Odoo modules, sorted.
	Modules []string `json:"modules"`
	// Companies lists the companies; the first is the main one.
	Companies []Company `json:"companies"`
	// Today is the reference date ("YYYY-MM-DD") the data was generated for:
	// ages, due dates and "overdue" are relative to it.
	Today string `json:"today"`
	// Seed is the random seed the data was generated with (0 for
	// hand-written data).
	Seed uint64 `json:"seed"`
	// Size is the generator size (small, medium, large) or "custom".
	Size string `json:"size"`
	// Scenarios lists the generator scenarios that were enabled, e.g.
	// "low_runway".
	Scenarios []string `json:"scenarios"`
	// Generator names what produced the data.
	Generator string `json:"generator,omitempty"`
}

// Major returns the Odoo major version of OdooVersion.
func (m Meta) Major() int { return MajorVersion(m.OdooVersion) }

// HasModule reports whether module is installed.
func (m Meta) HasModule(module string) bool { return slices.Contains(m.Modules, module) }

// table holds the records of one model in id order. Lookups by id use the
// position when ids are dense (id n at index n-1) and binary search
// otherwise, so no index map is needed.
type table struct {
	records []Record
	dense   bool // ids are exactly 1..len(records)
}

// find returns the position of id, or -1.
func (t *table) find(id int64) int {
	n := len(t.records)
	if t.dense {
		if id >= 1 && id <= int64(n) {
			return int(id - 1)
		}
		return -1
	}
	if id >= 1 && id <= int64(n) && t.records[id-1].ID() == id {
		return int(id - 1)
	}
	i := sort.Search(n, func(i int) bool { return t.records[i].ID() >= id })
	if i < n && t.records[i].ID() == id {
		return i
	}
	return -1
}

// Dataset is an in-memory Odoo database: records per model, a manifest and
// optionally the ground truth of the problems injected into it.
//
// A Dataset is not safe for concurrent mutation; callers that mutate it while
// others read must synchronize. Reads (Get, Records, One2many) may run
// concurrently with each other.
type Dataset struct {
	// Meta is the manifest.
	Meta Meta
	// GroundTruth lists the injected problems, or nil. It is written to
	// ground_truth.json, never served by the simulator.
	GroundTruth *GroundTruth

	schema *Schema
	tables map[string]*table

	mu       sync.Mutex
	inverses map[string]map[int64][]int64
}

// New returns an empty dataset over schema (DefaultSchema when nil).
func New(meta Meta, schema *Schema) *Dataset {
	if schema == nil {
		schema = DefaultSchema()
	}
	if meta.FormatVersion == 0 {
		meta.FormatVersion = FormatVersion
	}
	return &Dataset{Meta: meta, schema: schema, tables: map[string]*table{}}
}

// Schema returns the schema of the dataset.
func (d *Dataset) Schema() *Schema { return d.schema }

// Models returns the names of the models that have a table (possibly empty),
// sorted.
func (d *Dataset) Models() []string {
	out := make([]string, 0, len(d.tables))
	for name := range d.tables {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Ensure creates the (empty) table of model if it does not exist yet, so that
// Save writes a file for it. It returns an error when the model is not in the
// schema.
func (d *Dataset) Ensure(model string) error {
	if _, ok := d.schema.Model(model); !ok {
		return fmt.Errorf("dataset: unknown model %q", model)
	}
	if d.tables[model] == nil {
		d.tables[model] = &table{dense: true}
	}
	return nil
}

// Len returns the number of records of model.
func (d *Dataset) Len(model string) int {
	if t := d.tables[model]; t != nil {
		return len(t.records)
	}
	return 0
}

// Records returns the records of model in id order. The slice is the
// dataset's own: do not reorder it; the records may be modified in place.
func (d *Dataset) Records(model string) []Record {
	if t := d.tables[model]; t != nil {
		return t.records
	}
	return nil
}

// Get returns the record of model with id, or nil.
func (d *Dataset) Get(model string, id int64) Record {
	t := d.tables[model]
	if t == nil {
		return nil
	}
	if i := t.find(id); i >= 0 {
		return t.records[i]
	}
	return nil
}

// NextID returns the id the next Add of model without an id would assign.
func (d *Dataset) NextID(model string) int64 {
	t := d.tables[model]
	if t == nil || len(t.records) == 0 {
		return 1
	}
	return t.records[len(t.records)-1].ID() + 1
}

// Add appends rec to model and returns its id. When rec has no "id" (or a
// zero id) it gets NextID. Ids must increase: adding an id lower than or
// equal to the last one is an error, so records stay in id order. Add does not
// validate field values; see Validate.
func (d *Dataset) Add(model string, rec Record) (int64, error) {
	if err := d.Ensure(model); err != nil {
		return 0, err
	}
	t := d.tables[model]
	id := rec.ID()
	next := d.NextID(model)
	if id == 0 {
		id = next
		rec["id"] = id
	} else if id < next {
		return 0, fmt.Errorf("dataset: %s: id %d is not above the last id %d", model, id, next-1)
	}
	t.dense = t.dense && id == int64(len(t.records))+1
	t.records = append(t.records, rec)
	d.invalidate()
	return id, nil
}

// Delete removes the record of model with id and reports whether it existed.
func (d *Dataset) Delete(model string, id int64) bool {
	t := d.tables[model]
	if t == nil {
		return false
	}
	i := t.find(id)
	if i < 0 {
		return false
	}
	t.records = slices.Delete(t.records, i, i+1)
	t.dense = t.dense && i == len(t.records)
	d.invalidate()
	return true
}

// FillDefaults adds every stored field a record lacks, with its default
// (see Load), so that all records carry every stored field of their model.
func (d *Dataset) FillDefaults() {
	for name, t := range d.tables {
		m, ok := d.schema.Model(name)
		if !ok {
			continue
		}
		for _, r := range t.records {
			for _, f := range m.Fields {
				if f.Derived {
					continue
				}
				if _, ok := r[f.Name]; !ok {
					r[f.Name] = emptyValue(f)
				}
			}
		}
	}
}

// put inserts records already sorted by id into model, replacing the table.
func (d *Dataset) put(model string, recs []Record) {
	dense := true
	for i, r := range recs {
		if r.ID() != int64(i)+1 {
			dense = false
			break
		}
	}
	d.tables[model] = &table{records: recs, dense: dense}
	d.invalidate()
}

// Reindex drops the cached one2many indexes. Call it after changing a
// many2one (or res_model/res_id) value of an existing record in place.
func (d *Dataset) Reindex() { d.invalidate() }

func (d *Dataset) invalidate() {
	d.mu.Lock()
	if d.inverses != nil {
		d.inverses = nil
	}
	d.mu.Unlock()
}

// One2many returns the ids of the records a one2many field of the record
// model/id holds, derived from the inverse field (and the field's
// InverseDomain), in id order. It returns an error when field is not a
// one2many of model.
func (d *Dataset) One2many(model string, id int64, field string) ([]int64, error) {
	m, ok := d.schema.Model(model)
	if !ok {
		return nil, fmt.Errorf("dataset: unknown model %q", model)
	}
	f, ok := m.Field(field)
	if !ok || f.Type != One2many {
		return nil, fmt.Errorf("dataset: %s.%s is not a one2many field", model, field)
	}
	key := model + "." + field
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inverses == nil {
		d.inverses = map[string]map[int64][]int64{}
	}
	idx, ok := d.inverses[key]
	if !ok {
		idx = d.buildInverse(m, f)
		d.inverses[key] = idx
	}
	return idx[id], nil
}

func (d *Dataset) buildInverse(m *Model, f *Field) map[int64][]int64 {
	idx := map[int64][]int64{}
	for _, r := range d.Records(f.Relation) {
		if !matchConds(r, f.InverseDomain, m.Name) {
			continue
		}
		parent := r.M2O(f.InverseName)
		if parent == 0 {
			parent = r.Int(f.InverseName)
		}
		if parent != 0 {
			idx[parent] = append(idx[parent], r.ID())
		}
	}
	return idx
}

func matchConds(r Record, conds []Condition, parentModel string) bool {
	for _, c := range conds {
		v := r[c.Field]
		if c.ParentModel {
			if s, _ := v.(string); s != parentModel {
				return false
			}
			continue
		}
		if !slices.ContainsFunc(c.Values, func(x any) bool { return x == v }) {
			return false
		}
	}
	return true
}
