package dataset

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FieldType is an Odoo field type, spelled as fields_get reports it.
type FieldType string

// The Odoo field types the schema uses.
const (
	Char      FieldType = "char"
	Text      FieldType = "text"
	HTML      FieldType = "html"
	Integer   FieldType = "integer"
	Float     FieldType = "float"
	Monetary  FieldType = "monetary"
	Boolean   FieldType = "boolean"
	Date      FieldType = "date"
	Datetime  FieldType = "datetime"
	Selection FieldType = "selection"
	Many2one  FieldType = "many2one"
	One2many  FieldType = "one2many"
	Many2many FieldType = "many2many"
	Binary    FieldType = "binary"
)

// CanonicalVersion is the Odoo major version whose field names and values the
// dataset stores. Where Odoo 17 and 18 agree this is also the Odoo 17 shape;
// where they differ (for example product is_storable, account.move checked)
// the 18 shape is stored and the 16/17 shape is described by the field's
// Renames, MinVersion/MaxVersion and Note.
const CanonicalVersion = 18

// Option is one value of a selection field.
type Option struct {
	// Value is the key stored in records, for example "posted".
	Value string
	// Label is the English label, for example "Posted".
	Label string
	// MinVersion and MaxVersion bound the Odoo major versions that offer the
	// value (inclusive). Zero means no bound.
	MinVersion, MaxVersion int
}

// Rename records that a field has another name in some Odoo versions. The
// value is the same; only the name differs unless Note says otherwise.
type Rename struct {
	// MinVersion and MaxVersion bound the versions (inclusive) that use Name.
	// Zero means no bound.
	MinVersion, MaxVersion int
	// Name is the field name in those versions.
	Name string
	// Type is the field type in those versions when it differs, else empty.
	Type FieldType
	// Note explains any change of meaning or value mapping.
	Note string
}

// Condition is an equality test on a field of the comodel, used to narrow a
// derived one2many (for example activity_ids keeps only the activities whose
// res_model is the parent model).
type Condition struct {
	// Field is the field of the comodel to test.
	Field string
	// Values lists the accepted values; the condition holds when the field
	// equals any of them.
	Values []any
	// ParentModel, when true, makes the condition hold when the field equals
	// the name of the model that owns the one2many (Values is then unused).
	ParentModel bool
}

// Field describes one field of a model, as Odoo's fields_get would, plus how
// the dataset holds it.
type Field struct {
	// Name is the canonical (Odoo 18) field name.
	Name string
	// Type is the canonical Odoo type.
	Type FieldType
	// String is the English label.
	String string
	// Relation is the comodel of a many2one, one2many or many2many.
	Relation string
	// InverseName is the many2one (or integer res_id) field of the comodel
	// that a one2many is the inverse of.
	InverseName string
	// InverseDomain narrows a derived one2many to comodel records that match
	// every condition.
	InverseDomain []Condition
	// Selection lists the values of a selection field.
	Selection []Option
	// Required, Readonly and Store mirror Odoo's fields_get attributes.
	Required, Readonly, Store bool
	// Derived is true when dataset files never hold the field: the simulator
	// computes it (one2many fields from their inverse, display_name from the
	// model's RecName, stock figures from quants and moves). Compute says how.
	Derived bool
	// Compute says in words how a computed value is obtained. Empty for plain
	// fields.
	Compute string
	// CurrencyField names the currency many2one of a monetary field.
	CurrencyField string
	// Default is the value Load fills in when a record omits the field. Nil
	// means the type's empty value (false, 0, 0.0 or an empty list).
	Default any
	// MinVersion and MaxVersion bound the Odoo major versions that expose the
	// field under Name (inclusive). Zero means no bound. The dataset holds
	// stored canonical fields whatever the emulated version.
	MinVersion, MaxVersion int
	// Renames lists other names (or types) the field has in other versions.
	Renames []Rename
	// Note records version differences or semantics worth knowing.
	Note string
}

// NameIn returns the name of the field in Odoo major version v and whether
// the field exists in that version at all.
func (f *Field) NameIn(v int) (string, bool) {
	for _, r := range f.Renames {
		if inRange(v, r.MinVersion, r.MaxVersion) {
			return r.Name, true
		}
	}
	if !inRange(v, f.MinVersion, f.MaxVersion) {
		return "", false
	}
	return f.Name, true
}

// TypeIn returns the type of the field in Odoo major version v.
func (f *Field) TypeIn(v int) FieldType {
	for _, r := range f.Renames {
		if r.Type != "" && inRange(v, r.MinVersion, r.MaxVersion) {
			return r.Type
		}
	}
	return f.Type
}

// SelectionIn returns the selection values offered in Odoo major version v.
func (f *Field) SelectionIn(v int) []Option {
	var out []Option
	for _, o := range f.Selection {
		if inRange(v, o.MinVersion, o.MaxVersion) {
			out = append(out, o)
		}
	}
	return out
}

// HasValue reports whether value is one of the field's selection values in
// any version.
func (f *Field) HasValue(value string) bool {
	for _, o := range f.Selection {
		if o.Value == value {
			return true
		}
	}
	return false
}

// Relational reports whether the field refers to another model.
func (f *Field) Relational() bool {
	return f.Type == Many2one || f.Type == One2many || f.Type == Many2many
}

// Stored reports whether dataset files hold the field.
func (f *Field) Stored() bool { return !f.Derived }

func inRange(v, lo, hi int) bool {
	return (lo == 0 || v >= lo) && (hi == 0 || v <= hi)
}

// Model describes one Odoo model.
type Model struct {
	// Name is the technical name, for example "account.move".
	Name string
	// Description is Odoo's _description, for example "Journal Entry".
	Description string
	// Module is the Odoo module that defines the model.
	Module string
	// Enterprise is true for models of Odoo Enterprise modules.
	Enterprise bool
	// Custom is true for models that are not Odoo models (aicoo.budget).
	Custom bool
	// RecName is the field display_name is computed from.
	RecName string
	// Order is Odoo's default _order.
	Order string
	// Inherits maps a parent model to the many2one that links to it
	// (Odoo _inherits delegation): the parent's fields read through it.
	Inherits map[string]string
	// MinVersion and MaxVersion bound the Odoo major versions that have the
	// model. Zero means no bound.
	MinVersion, MaxVersion int
	// Note records version differences or semantics.
	Note string
	// Fields lists the fields in a stable order: id first, then business
	// fields, then the magic log fields.
	Fields []*Field

	index map[string]*Field
}

// Field returns the field named name (canonical name).
func (m *Model) Field(name string) (*Field, bool) {
	f, ok := m.index[name]
	return f, ok
}

// InVersion reports whether Odoo major version v has the model.
func (m *Model) InVersion(v int) bool { return inRange(v, m.MinVersion, m.MaxVersion) }

// FieldsIn returns copies of the fields Odoo major version v exposes, each
// carrying its name and type in that version. The canonical name of a copy is
// available through CanonicalName.
func (m *Model) FieldsIn(v int) []VersionedField {
	var out []VersionedField
	for _, f := range m.Fields {
		name, ok := f.NameIn(v)
		if !ok {
			continue
		}
		out = append(out, VersionedField{Name: name, Type: f.TypeIn(v), Field: f})
	}
	return out
}

// VersionedField is a field as one Odoo version exposes it.
type VersionedField struct {
	// Name is the field name in that version.
	Name string
	// Type is the field type in that version.
	Type FieldType
	// Field is the canonical field description; Field.Name is the key in
	// records.
	Field *Field
}

// Schema is the set of models the dataset knows.
type Schema struct {
	models map[string]*Model
	order  []string
}

// Model returns the model named name.
func (s *Schema) Model(name string) (*Model, bool) {
	m, ok := s.models[name]
	return m, ok
}

// Models returns all models sorted by name.
func (s *Schema) Models() []*Model {
	out := make([]*Model, 0, len(s.order))
	for _, n := range s.order {
		out = append(out, s.models[n])
	}
	return out
}

// ModelNames returns the model names sorted.
func (s *Schema) ModelNames() []string { return slices.Clone(s.order) }

// Check verifies that the schema is self-consistent: every relation names a
// model of the schema, every one2many inverse exists on its comodel, every
// selection has values and every monetary field's currency field exists. It
// returns nil for DefaultSchema.
func (s *Schema) Check() error {
	var errs []string
	for _, m := range s.Models() {
		for _, f := range m.Fields {
			where := m.Name + "." + f.Name
			if f.Relational() {
				co, ok := s.models[f.Relation]
				if !ok {
					errs = append(errs, fmt.Sprintf("%s: relation %q is not a schema model", where, f.Relation))
					continue
				}
				if f.Type == One2many {
					if !f.Derived {
						errs = append(errs, where+": one2many must be derived")
					}
					if _, ok := co.Field(f.InverseName); !ok {
						errs = append(errs, fmt.Sprintf("%s: inverse %s.%s does not exist", where, co.Name, f.InverseName))
					}
				}
			} else if f.Relation != "" {
				errs = append(errs, where+": relation set on a non-relational field")
			}
			if f.Type == Selection && len(f.Selection) == 0 {
				errs = append(errs, where+": selection without values")
			}
			if f.Type == Monetary && f.CurrencyField != "" {
				if _, ok := m.Field(f.CurrencyField); !ok {
					errs = append(errs, fmt.Sprintf("%s: currency field %q does not exist", where, f.CurrencyField))
				}
			}
		}
		if m.RecName != "" {
			if _, ok := m.Field(m.RecName); !ok {
				errs = append(errs, fmt.Sprintf("%s: rec name %q does not exist", m.Name, m.RecName))
			}
		}
		for parent, link := range m.Inherits {
			if _, ok := s.models[parent]; !ok {
				errs = append(errs, fmt.Sprintf("%s: inherits unknown model %q", m.Name, parent))
			}
			if _, ok := m.Field(link); !ok {
				errs = append(errs, fmt.Sprintf("%s: inherits link %q does not exist", m.Name, link))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("dataset: schema: %s", strings.Join(errs, "; "))
	}
	return nil
}

// MajorVersion parses an Odoo version string such as "17.0" or "saas~18.2"
// and returns its major number. It returns CanonicalVersion when the string
// cannot be parsed.
func MajorVersion(version string) int {
	v := strings.TrimPrefix(version, "saas~")
	if i := strings.IndexByte(v, '.'); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return CanonicalVersion
	}
	return n
}

// DefaultSchema returns a new copy of the schema of every model the dataset
// format knows. Each call builds a fresh value, so callers may not share
// mutations by accident.
func DefaultSchema() *Schema {
	b := &schemaBuilder{s: &Schema{models: map[string]*Model{}}}
	baseModels(b)
	accountModels(b)
	budgetModels(b)
	salesModels(b)
	productModels(b)
	stockModels(b)
	hrModels(b)
	serviceModels(b)
	slices.Sort(b.s.order)
	return b.s
}

// schemaBuilder collects models while DefaultSchema builds them.
type schemaBuilder struct {
	s *Schema
}

// modelOpts carries the optional parts of a model declaration.
type modelOpts struct {
	active     bool
	noLog      bool
	recName    string
	order      string
	inherits   map[string]string
	enterprise bool
	custom     bool
	minV, maxV int
	note       string
}

// add registers model name with its business fields, adding the magic fields
// every Odoo model has (id, display_name, create/write date and user) and
// active when o.active is set.
func (b *schemaBuilder) add(name, description, module string, o modelOpts, fields ...*Field) {
	recName := o.recName
	if recName == "" {
		recName = "name"
	}
	m := &Model{
		Name: name, Description: description, Module: module, Enterprise: o.enterprise, Custom: o.custom,
		RecName: recName, Order: o.order, Inherits: o.inherits, MinVersion: o.minV, MaxVersion: o.maxV, Note: o.note,
		index: map[string]*Field{},
	}
	if m.Order == "" {
		m.Order = "id"
	}
	all := []*Field{
		integer("id", "ID", ro, required),
		char("display_name", "Display Name", derived("the value of the model's RecName field"), notStored),
	}
	all = append(all, fields...)
	if o.active {
		all = append(all, boolean("active", "Active", def(true)))
	}
	all = append(all,
		datetime("create_date", "Created on", ro),
		m2o("create_uid", "Created by", "res.users", ro),
		datetime("write_date", "Last Updated on", ro),
		m2o("write_uid", "Last Updated by", "res.users", ro),
	)
	for _, f := range all {
		if _, dup := m.index[f.Name]; dup {
			panic("dataset: duplicate field " + name + "." + f.Name)
		}
		m.index[f.Name] = f
	}
	m.Fields = all
	b.s.models[name] = m
	b.s.order = append(b.s.order, name)
}

// fieldOpt adjusts a field while it is declared.
type fieldOpt func(*Field)

func required(f *Field) { f.Required = true }
func ro(f *Field)       { f.Readonly = true }
func notStored(f *Field) {
	f.Store = false
	f.Readonly = true
}

// computed marks a stored computed field and says how it is computed.
func computed(how string) fieldOpt {
	return func(f *Field) {
		f.Readonly = true
		f.Compute = how
	}
}

// derived marks a field that dataset files do not hold.
func derived(how string) fieldOpt {
	return func(f *Field) {
		f.Derived = true
		f.Readonly = true
		f.Compute = how
	}
}

func def(v any) fieldOpt            { return func(f *Field) { f.Default = v } }
func note(s string) fieldOpt        { return func(f *Field) { f.Note = s } }
func since(v int) fieldOpt          { return func(f *Field) { f.MinVersion = v } }
func until(v int) fieldOpt          { return func(f *Field) { f.MaxVersion = v } }
func currency(name string) fieldOpt { return func(f *Field) { f.CurrencyField = name } }

// renamed records another name for the field in versions lo..hi.
func renamed(lo, hi int, name, why string) fieldOpt {
	return func(f *Field) {
		f.Renames = append(f.Renames, Rename{MinVersion: lo, MaxVersion: hi, Name: name, Note: why})
	}
}

// retyped records another type for the field in versions lo..hi.
func retyped(lo, hi int, t FieldType, why string) fieldOpt {
	return func(f *Field) {
		f.Renames = append(f.Renames, Rename{MinVersion: lo, MaxVersion: hi, Name: f.Name, Type: t, Note: why})
	}
}

func where(conds ...Condition) fieldOpt {
	return func(f *Field) { f.InverseDomain = append(f.InverseDomain, conds...) }
}

func newField(name, label string, t FieldType, opts []fieldOpt) *Field {
	f := &Field{Name: name, String: label, Type: t, Store: true}
	for _, o := range opts {
		o(f)
	}
	return f
}

func char(n, l string, o ...fieldOpt) *Field     { return newField(n, l, Char, o) }
func text(n, l string, o ...fieldOpt) *Field     { return newField(n, l, Text, o) }
func html(n, l string, o ...fieldOpt) *Field     { return newField(n, l, HTML, o) }
func integer(n, l string, o ...fieldOpt) *Field  { return newField(n, l, Integer, o) }
func float(n, l string, o ...fieldOpt) *Field    { return newField(n, l, Float, o) }
func boolean(n, l string, o ...fieldOpt) *Field  { return newField(n, l, Boolean, o) }
func date(n, l string, o ...fieldOpt) *Field     { return newField(n, l, Date, o) }
func datetime(n, l string, o ...fieldOpt) *Field { return newField(n, l, Datetime, o) }

// monetary declares a monetary field in the currency of the record's
// currency_id unless a currency option names another field.
func monetary(n, l string, o ...fieldOpt) *Field {
	f := newField(n, l, Monetary, append([]fieldOpt{currency("currency_id")}, o...))
	return f
}

// companyMonetary declares a monetary field in company currency.
func companyMonetary(n, l string, o ...fieldOpt) *Field {
	return newField(n, l, Monetary, append([]fieldOpt{currency("company_currency_id")}, o...))
}

func sel(n, l string, opts []Option, o ...fieldOpt) *Field {
	f := newField(n, l, Selection, o)
	f.Selection = opts
	return f
}

func m2o(n, l, rel string, o ...fieldOpt) *Field {
	f := newField(n, l, Many2one, o)
	f.Relation = rel
	return f
}

func m2m(n, l, rel string, o ...fieldOpt) *Field {
	f := newField(n, l, Many2many, o)
	f.Relation = rel
	return f
}

// o2m declares a one2many; dataset files never hold it: the simulator derives
// it from the inverse many2one.
func o2m(n, l, rel, inverse string, o ...fieldOpt) *Field {
	all := append([]fieldOpt{derived("records of " + rel + " whose " + inverse + " is this record")}, o...)
	f := newField(n, l, One2many, all)
	f.Relation = rel
	f.InverseName = inverse
	return f
}

// opts builds selection options from value, label pairs.
func opts(pairs ...string) []Option {
	out := make([]Option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Option{Value: pairs[i], Label: pairs[i+1]})
	}
	return out
}

// optV returns an option available only in versions lo..hi.
func optV(value, label string, lo, hi int) Option {
	return Option{Value: value, Label: label, MinVersion: lo, MaxVersion: hi}
}
