// Package fields reads Odoo record fields leniently for analyzers: a field
// the synced store does not hold (the connected Odoo version lacks it) or an
// empty value gives the zero value, so one analyzer serves Odoo 16 to 19.
// Each analyzer's doc.go states which fields its figures need.
package fields

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Float reads a number field.
func Float(r odoo.Record, f string) float64 {
	v, _ := r.Float(f)
	return v
}

// M2OID reads a many2one field's id.
func M2OID(r odoo.Record, f string) int64 {
	v, _ := r.Many2One(f)
	return v.ID
}

// M2OName reads a many2one field's display name.
func M2OName(r odoo.Record, f string) string {
	v, _ := r.Many2One(f)
	return v.Name
}

// String reads a char, text or selection field.
func String(r odoo.Record, f string) string {
	v, _ := r.String(f)
	return v
}

// Date reads a date field.
func Date(r odoo.Record, f string) odoo.Date {
	v, _ := r.Date(f)
	return v
}

// Datetime reads a datetime field (UTC).
func Datetime(r odoo.Record, f string) time.Time {
	v, _ := r.Datetime(f)
	return v
}

// Day returns the UTC date of a datetime, the zero Date for the zero time.
func Day(t time.Time) odoo.Date {
	if t.IsZero() {
		return odoo.Date{}
	}
	return odoo.DateOf(t.UTC())
}

// Bool reads a boolean field.
func Bool(r odoo.Record, f string) bool {
	v, _ := r.Bool(f)
	return v
}

// Active reports whether a record is not archived; records of models
// without an "active" field are active.
func Active(r odoo.Record) bool {
	if _, ok := r["active"]; !ok {
		return true
	}
	return Bool(r, "active")
}

// Company is a res.company with its currency code.
type Company struct {
	ID       int64
	Name     string
	Currency string
}

// Companies returns the companies by id, archived ones included (their
// records still count in their books).
func Companies(ctx context.Context, src analysis.Source) (map[int64]*Company, error) {
	out := map[int64]*Company{}
	comps, ok, err := analysis.Optional(ctx, src, "res.company")
	if err != nil || !ok {
		return out, err
	}
	curs, _, err := analysis.Optional(ctx, src, "res.currency")
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for _, c := range curs {
		codes[c.ID()] = String(c, "name")
	}
	for _, c := range comps {
		cur := codes[M2OID(c, "currency_id")]
		if cur == "" {
			cur = M2OName(c, "currency_id")
		}
		out[c.ID()] = &Company{ID: c.ID(), Name: String(c, "name"), Currency: cur}
	}
	return out, nil
}

// Currencies returns each company's currency code by company id (see
// Companies).
func Currencies(ctx context.Context, src analysis.Source) (map[int64]string, error) {
	comps, err := Companies(ctx, src)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(comps))
	for id, c := range comps {
		out[id] = c.Currency
	}
	return out, nil
}

// Names maps record ids to display names.
type Names map[int64]string

// NameIndex maps each record's id to its field.
func NameIndex(recs []odoo.Record, field string) Names {
	out := make(Names, len(recs))
	for _, r := range recs {
		out[r.ID()] = String(r, field)
	}
	return out
}

// Of returns the name of the record a many2one points at, falling back to
// the many2one's own name and then to "#id".
func (n Names) Of(r odoo.Record, f string) string {
	m, _ := r.Many2One(f)
	if s := n[m.ID]; s != "" {
		return s
	}
	if m.Name != "" {
		return m.Name
	}
	if m.ID == 0 {
		return "(no partner)"
	}
	return "#" + strconv.FormatInt(m.ID, 10)
}

// Clamp01 bounds x to [0, 1].
func Clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// Round2 rounds x to cents.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }
