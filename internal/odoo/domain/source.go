package domain

import "fmt"

// FieldType is an Odoo field type, as reported by fields_get.
type FieldType string

// The field types the evaluator understands. Binary and reference fields
// compare as strings and many2one_reference as integers.
const (
	TypeChar        FieldType = "char"
	TypeText        FieldType = "text"
	TypeHTML        FieldType = "html"
	TypeInteger     FieldType = "integer"
	TypeFloat       FieldType = "float"
	TypeMonetary    FieldType = "monetary"
	TypeBoolean     FieldType = "boolean"
	TypeDate        FieldType = "date"
	TypeDatetime    FieldType = "datetime"
	TypeSelection   FieldType = "selection"
	TypeMany2one    FieldType = "many2one"
	TypeOne2many    FieldType = "one2many"
	TypeMany2many   FieldType = "many2many"
	TypeBinary      FieldType = "binary"
	TypeReference   FieldType = "reference"
	TypeMany2oneRef FieldType = "many2one_reference"
)

// The types of the built-in fields "id" and "display_name" when the Source
// does not declare them.
const (
	typeID          FieldType = "(id)"
	typeDisplayName FieldType = "(display_name)"
)

// Relational reports whether t is many2one, one2many or many2many.
func (t FieldType) Relational() bool {
	return t == TypeMany2one || t == TypeOne2many || t == TypeMany2many
}

// Field is the metadata the evaluator needs about one field.
type Field struct {
	// Type is the field type.
	Type FieldType
	// Relation is the comodel of a relational field, such as "res.partner".
	Relation string
	// InverseName is, for a one2many field, the many2one field of Relation
	// that points back to this model. When set, the one2many's records are
	// found through it and the stored one2many value is ignored; when empty,
	// the stored value (a list of ids) is used.
	InverseName string
	// Unsearchable marks a non-stored field without a search method. Odoo
	// up to 18 ignores a condition on it (the condition matches every
	// record, odoo/osv/expression.py "Non-stored field %s cannot be
	// searched."), also inside dotted paths; EvalOpts.Ignored hears of it.
	Unsearchable bool
}

// Source is the read-only view of a dataset that the evaluator needs. The
// simulator implements it over its in-memory records. Implementations must
// not change the data while a Matcher built on them is in use.
//
// Field, Value and DisplayName are called for every record examined, so they
// should be cheap (map lookups). IDs is called at most once per model per
// Matcher, when a sub-search or hierarchy needs every record of a model.
type Source interface {
	// Field returns the metadata of field name on model, and false if the
	// model has no such field. Fields "id" and "display_name" need not be
	// declared: when Field reports them missing, the evaluator uses the
	// record id and DisplayName.
	Field(model, name string) (Field, bool)
	// IDs returns the ids of every record of model, archived ones included.
	IDs(model string) []int64
	// Value returns the stored value of field name of record id of model,
	// in the shapes Odoo data files use: false or nil when empty; int64
	// (or int, float64) for integers, float64 for floats; strings for
	// char, text, html, selection, "YYYY-MM-DD" dates and
	// "YYYY-MM-DD HH:MM:SS" UTC datetimes; bool for booleans; an id (or
	// false, nil or 0) for a many2one, and a list of ids ([]int64, []int or
	// []any of numbers) for a many2many or a one2many without InverseName.
	// A many2one given as an [id, name] pair is accepted too.
	Value(model string, id int64, name string) any
	// DisplayName returns the display name of record id of model, which is
	// what many2one conditions with a string value and name searches compare
	// against (usually its "name", or its _rec_name field).
	DisplayName(model string, id int64) string
}

// ParentNamer is implemented by a Source whose models use a parent field
// other than "parent_id" for child_of and parent_of (Odoo's _parent_name).
type ParentNamer interface {
	// ParentName returns the name of model's parent field, or "" for the
	// default "parent_id".
	ParentName(model string) string
}

// EvalOpts holds optional settings of Compile.
type EvalOpts struct {
	// ActiveTest mimics Odoo's context key active_test, which is true unless
	// the caller's context says otherwise. When set, and the model has an
	// "active" (or else "x_active") boolean field that the domain does not
	// mention, Compile adds ('active', '=', True) to the domain; and the
	// sub-searches of "any" conditions and dotted paths through one2many and
	// many2many fields skip archived records the same way. Many2one
	// traversals never filter archived records, as in Odoo. Defaults to
	// false: the domain is evaluated exactly as written.
	ActiveTest bool
	// Ignored, when set, is called for every condition dropped because its
	// field is Unsearchable (at compile time).
	Ignored func(model, field string)
}

// FieldError reports a domain naming a field its model does not have. Odoo
// raises ValueError("Invalid field 'x' on model 'y'") in that case.
type FieldError struct {
	// Model is the model the field was looked up on, which for a dotted
	// path is the comodel reached so far.
	Model string
	// Field is the missing field name.
	Field string
}

// Error returns "domain: Invalid field 'x' on model 'y'".
func (e *FieldError) Error() string {
	return fmt.Sprintf("domain: Invalid field '%s' on model '%s'", e.Field, e.Model)
}
