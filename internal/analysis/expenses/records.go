package expenses

import (
	"context"
	"errors"
	"strconv"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// The accessors below read a field leniently: a field the synced store does
// not hold (because the connected Odoo version lacks it) or an empty value
// gives the zero value. Every figure states which fields it needs in doc.go.

func num(r odoo.Record, f string) float64 {
	v, _ := r.Float(f)
	return v
}

func ref(r odoo.Record, f string) int64 {
	v, _ := r.Many2One(f)
	return v.ID
}

func refName(r odoo.Record, f string) string {
	v, _ := r.Many2One(f)
	return v.Name
}

func str(r odoo.Record, f string) string {
	v, _ := r.String(f)
	return v
}

func day(r odoo.Record, f string) odoo.Date {
	v, _ := r.Date(f)
	return v
}

func flag(r odoo.Record, f string) bool {
	v, _ := r.Bool(f)
	return v
}

// active reports whether a record is not archived; records of models
// without an "active" field are active.
func active(r odoo.Record) bool {
	if _, ok := r["active"]; !ok {
		return true
	}
	return flag(r, "active")
}

// fetch reads a model; ok is false when the model is unavailable in this
// Odoo (module not installed). Other errors are returned.
func fetch(ctx context.Context, src analysis.Source, model string) (recs []odoo.Record, ok bool, err error) {
	recs, err = analysis.Records(ctx, src, model)
	if errors.Is(err, analysis.ErrUnavailable) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return recs, true, nil
}

// company is a res.company with its currency code.
type company struct {
	id       int64
	name     string
	currency string
}

// companies returns the companies by id, archived ones included (their
// records still count in their books).
func companies(ctx context.Context, src analysis.Source) (map[int64]*company, error) {
	out := map[int64]*company{}
	comps, ok, err := fetch(ctx, src, "res.company")
	if err != nil || !ok {
		return out, err
	}
	curs, _, err := fetch(ctx, src, "res.currency")
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for _, c := range curs {
		codes[c.ID()] = str(c, "name")
	}
	for _, c := range comps {
		cur := codes[ref(c, "currency_id")]
		if cur == "" {
			cur = refName(c, "currency_id")
		}
		out[c.ID()] = &company{id: c.ID(), name: str(c, "name"), currency: cur}
	}
	return out, nil
}

// names maps record ids to display names.
type names map[int64]string

func nameIndex(recs []odoo.Record, field string) names {
	out := make(names, len(recs))
	for _, r := range recs {
		out[r.ID()] = str(r, field)
	}
	return out
}

// of returns the name of id, falling back to the many2one's own name and
// then to "#id".
func (n names) of(r odoo.Record, f string) string {
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

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}
