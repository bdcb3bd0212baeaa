package odoo

import (
	"fmt"
	"time"
)

// Record is one record as Odoo sent it: field name to wire value. Its
// methods decode a field safely (False, pairs, numbers as float64 or
// json.Number, UTC datetimes) and fail with a clear error when the field is
// missing or has an unexpected type.
type Record map[string]any

func (r Record) field(name string) (any, error) {
	v, ok := r[name]
	if !ok {
		return nil, fmt.Errorf("field %q missing from the record", name)
	}
	return v, nil
}

// ID returns the "id" field, or 0 when it is missing.
func (r Record) ID() int64 {
	id, _ := decodeInt(r["id"])
	return id
}

// Int decodes an integer field.
func (r Record) Int(name string) (int64, error) { return get(r, name, decodeInt) }

// Float decodes a float or monetary field.
func (r Record) Float(name string) (float64, error) { return get(r, name, decodeFloat) }

// String decodes a char, text, html or selection field; False gives "".
func (r Record) String(name string) (string, error) { return get(r, name, decodeString) }

// Bool decodes a boolean field.
func (r Record) Bool(name string) (bool, error) { return get(r, name, decodeBool) }

// Many2One decodes a many2one field; False gives the zero Many2One.
func (r Record) Many2One(name string) (Many2One, error) { return get(r, name, decodeMany2One) }

// IDs decodes a one2many or many2many field.
func (r Record) IDs(name string) ([]int64, error) { return get(r, name, decodeIDs) }

// Date decodes a date field; False gives the zero Date.
func (r Record) Date(name string) (Date, error) { return get(r, name, decodeDate) }

// Datetime decodes a datetime field as UTC; False gives the zero time.
func (r Record) Datetime(name string) (time.Time, error) { return get(r, name, decodeDatetime) }

func get[T any](r Record, name string, decode func(any) (T, error)) (T, error) {
	var zero T
	v, err := r.field(name)
	if err != nil {
		return zero, err
	}
	out, err := decode(v)
	if err != nil {
		return zero, fmt.Errorf("field %q: %w", name, err)
	}
	return out, nil
}

// recordDecoder decodes the fields of one record and keeps the first error,
// so typed readers stay short.
type recordDecoder struct {
	rec   Record
	model string
	err   error
}

func newDecoder(model string, rec Record) *recordDecoder {
	return &recordDecoder{rec: rec, model: model}
}

func decodeField[T any](d *recordDecoder, name string, decode func(any) (T, error)) T {
	out, err := get(d.rec, name, decode)
	if err != nil && d.err == nil {
		d.err = decodeError("read", d.model, "record %d: %w", d.rec.ID(), err)
	}
	return out
}

func (d *recordDecoder) has(name string) bool { _, ok := d.rec[name]; return ok }

func (d *recordDecoder) id() int64                      { return decodeField(d, "id", decodeInt) }
func (d *recordDecoder) int(name string) int64          { return decodeField(d, name, decodeInt) }
func (d *recordDecoder) float(name string) float64      { return decodeField(d, name, decodeFloat) }
func (d *recordDecoder) str(name string) string         { return decodeField(d, name, decodeString) }
func (d *recordDecoder) bool(name string) bool          { return decodeField(d, name, decodeBool) }
func (d *recordDecoder) m2o(name string) Many2One       { return decodeField(d, name, decodeMany2One) }
func (d *recordDecoder) ids(name string) []int64        { return decodeField(d, name, decodeIDs) }
func (d *recordDecoder) date(name string) Date          { return decodeField(d, name, decodeDate) }
func (d *recordDecoder) datetime(name string) time.Time { return decodeField(d, name, decodeDatetime) }

// optional variants return the zero value when the field was not read
// (because it does not exist in the connected version).
func (d *recordDecoder) optStr(name string) string {
	if !d.has(name) {
		return ""
	}
	return d.str(name)
}

func (d *recordDecoder) optFloat(name string) float64 {
	if !d.has(name) {
		return 0
	}
	return d.float(name)
}

func (d *recordDecoder) optBool(name string) bool {
	if !d.has(name) {
		return false
	}
	return d.bool(name)
}

func (d *recordDecoder) optM2O(name string) Many2One {
	if !d.has(name) {
		return Many2One{}
	}
	return d.m2o(name)
}

func (d *recordDecoder) optDate(name string) Date {
	if !d.has(name) {
		return Date{}
	}
	return d.date(name)
}

func (d *recordDecoder) optDatetime(name string) time.Time {
	if !d.has(name) {
		return time.Time{}
	}
	return d.datetime(name)
}
