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

// check records err unless the record simply lacks the field. Reading
// first and looking at the map only on error keeps the common path to one
// lookup.
func (d *decoder) check(model string, r odoo.Record, name string, err error) {
	if err != nil && d.has(r, name) {
		d.fail(model, r, err)
	}
}

func (d *decoder) str(model string, r odoo.Record, name string) string {
	v, err := r.String(name)
	d.check(model, r, name, err)
	return v
}

func (d *decoder) float(model string, r odoo.Record, name string) float64 {
	v, err := r.Float(name)
	d.check(model, r, name, err)
	return v
}

func (d *decoder) int(model string, r odoo.Record, name string) int64 {
	v, err := r.Int(name)
	d.check(model, r, name, err)
	return v
}

// boolOr reads a boolean field, def when the record lacks it.
func (d *decoder) boolOr(model string, r odoo.Record, name string, def bool) bool {
	v, err := r.Bool(name)
	if err != nil && !d.has(r, name) {
		return def
	}
	d.check(model, r, name, err)
	return v
}

func (d *decoder) m2o(model string, r odoo.Record, name string) int64 {
	v, err := r.Many2One(name)
	d.check(model, r, name, err)
	return v.ID
}

func (d *decoder) date(model string, r odoo.Record, name string) odoo.Date {
	v, err := r.Date(name)
	d.check(model, r, name, err)
	return v
}

// datetime reads a datetime field as UTC; the zero time means False.
func (d *decoder) datetime(model string, r odoo.Record, name string) time.Time {
	v, err := r.Datetime(name)
	d.check(model, r, name, err)
	return v
}

// day reads a datetime field and returns its UTC calendar date, the zero
// Date for False. Odoo's "YYYY-MM-DD HH:MM:SS" strings are naive UTC, so
// their first ten characters are the UTC date: that fast path avoids a full
// time parse per record.
func (d *decoder) day(model string, r odoo.Record, name string) odoo.Date {
	if s, ok := r[name].(string); ok {
		if day, ok := fastDate(s); ok {
			return day
		}
	}
	t := d.datetime(model, r, name)
	if t.IsZero() {
		return odoo.Date{}
	}
	return odoo.DateOf(t.UTC())
}

// fastDate parses the "YYYY-MM-DD" prefix of a date or datetime string; ok
// is false when s does not start with a valid date.
func fastDate(s string) (odoo.Date, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' || len(s) > 10 && s[10] != ' ' {
		return odoo.Date{}, false
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	dd, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || dd < 1 || dd > daysIn(y, m) {
		return odoo.Date{}, false
	}
	return odoo.Date{Year: y, Month: time.Month(m), Day: dd}, true
}

// daysIn returns the number of days of month m of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
