package operations

import (
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
)

// decoder reads fields from records. A field the record lacks (because the
// connected Odoo version does not have it) reads as its zero value; a field
// with an unexpected type is an error, kept as the first one seen, so a
// figure is never computed from silently misread data.
type decoder struct {
	err error
}

func (d *decoder) fail(model string, r odoo.Record, err error) {
	if d.err == nil {
		d.err = fmt.Errorf("operations: %s %d: %w", model, r.ID(), err)
	}
}

func (d *decoder) has(r odoo.Record, name string) bool {
	_, ok := r[name]
	return ok
}

func (d *decoder) str(model string, r odoo.Record, name string) string {
	if !d.has(r, name) {
		return ""
	}
	v, err := r.String(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v
}

func (d *decoder) float(model string, r odoo.Record, name string) float64 {
	if !d.has(r, name) {
		return 0
	}
	v, err := r.Float(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v
}

func (d *decoder) int(model string, r odoo.Record, name string) int64 {
	if !d.has(r, name) {
		return 0
	}
	v, err := r.Int(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v
}

// boolOr reads a boolean field, def when the record lacks it.
func (d *decoder) boolOr(model string, r odoo.Record, name string, def bool) bool {
	if !d.has(r, name) {
		return def
	}
	v, err := r.Bool(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v
}

func (d *decoder) m2o(model string, r odoo.Record, name string) int64 {
	if !d.has(r, name) {
		return 0
	}
	v, err := r.Many2One(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v.ID
}

func (d *decoder) date(model string, r odoo.Record, name string) odoo.Date {
	if !d.has(r, name) {
		return odoo.Date{}
	}
	v, err := r.Date(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v
}

// datetime reads a datetime field as UTC; the zero time means False.
func (d *decoder) datetime(model string, r odoo.Record, name string) time.Time {
	if !d.has(r, name) {
		return time.Time{}
	}
	v, err := r.Datetime(name)
	if err != nil {
		d.fail(model, r, err)
	}
	return v
}

// day reads a datetime field and returns its UTC calendar date, the zero
// Date for False.
func (d *decoder) day(model string, r odoo.Record, name string) odoo.Date {
	t := d.datetime(model, r, name)
	if t.IsZero() {
		return odoo.Date{}
	}
	return odoo.DateOf(t.UTC())
}
