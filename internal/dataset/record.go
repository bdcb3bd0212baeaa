package dataset

import "time"

// Date and datetime layouts of the dataset (and of Odoo's wire protocols).
const (
	DateLayout     = "2006-01-02"
	DatetimeLayout = "2006-01-02 15:04:05"
)

// Record is one Odoo record: Odoo field names to values. After Load (or when
// built by the generator) values have these Go types:
//
//   - id, integer and many2one: int64 (a many2one is the bare id);
//   - float and monetary: float64;
//   - char, text, html, selection, date ("YYYY-MM-DD") and datetime
//     ("YYYY-MM-DD HH:MM:SS", UTC): string;
//   - boolean: bool;
//   - many2many: []int64;
//   - an empty char, text, html, selection, date, datetime, many2one or
//     binary value: the bool false, as Odoo returns it.
type Record map[string]any

// ID returns the record's id, or 0.
func (r Record) ID() int64 { return r.Int("id") }

// Int returns an integer or many2one field as int64; 0 when empty or not an
// integer.
func (r Record) Int(field string) int64 {
	switch v := r[field].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

// M2O returns a many2one field's id, or 0 when it is false.
func (r Record) M2O(field string) int64 { return r.Int(field) }

// Float returns a float, monetary or integer field as float64; 0 when empty.
func (r Record) Float(field string) float64 {
	switch v := r[field].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case int:
		return float64(v)
	}
	return 0
}

// Str returns a char-like field (char, text, html, selection, date,
// datetime) as a string; "" when it is false.
func (r Record) Str(field string) string {
	s, _ := r[field].(string)
	return s
}

// Bool returns a boolean field; false when missing.
func (r Record) Bool(field string) bool {
	b, _ := r[field].(bool)
	return b
}

// IDs returns a many2many field's ids; nil when empty.
func (r Record) IDs(field string) []int64 {
	v, _ := r[field].([]int64)
	return v
}

// Date returns a date field as a UTC time and whether it is set.
func (r Record) Date(field string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, r.Str(field))
	return t, err == nil
}

// Datetime returns a datetime field as a UTC time and whether it is set.
func (r Record) Datetime(field string) (time.Time, bool) {
	t, err := time.Parse(DatetimeLayout, r.Str(field))
	return t, err == nil
}

// IsEmpty reports whether the field is missing or holds Odoo's empty value
// (false, an empty string or an empty list).
func (r Record) IsEmpty(field string) bool {
	switch v := r[field].(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case []int64:
		return len(v) == 0
	}
	return false
}
