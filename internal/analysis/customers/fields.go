package customers

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Field readers that treat a missing or undecodable field as empty: synced
// records only carry the fields the connected Odoo version has.

func str(r odoo.Record, f string) string         { s, _ := r.String(f); return s }
func num(r odoo.Record, f string) float64        { x, _ := r.Float(f); return x }
func m2o(r odoo.Record, f string) int64          { m, _ := r.Many2One(f); return m.ID }
func m2oName(r odoo.Record, f string) string     { m, _ := r.Many2One(f); return m.Name }
func date(r odoo.Record, f string) odoo.Date     { d, _ := r.Date(f); return d }
func datetime(r odoo.Record, f string) time.Time { t, _ := r.Datetime(f); return t }

// active reports the "active" field, true when the model has none.
func active(r odoo.Record) bool {
	if _, ok := r["active"]; !ok {
		return true
	}
	b, err := r.Bool("active")
	return err != nil || b
}

// dayOf returns the UTC date of a datetime, the zero Date for the zero time.
func dayOf(t time.Time) odoo.Date {
	if t.IsZero() {
		return odoo.Date{}
	}
	return odoo.DateOf(t.UTC())
}

// median returns the median of xs (which it sorts), NaN when empty.
func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the q-quantile of xs by linear interpolation between
// order statistics (type 7, as numpy and spreadsheets), sorting xs. NaN when
// xs is empty.
func quantile(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return xs[n-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// companyCurrencies maps each res.company id to its currency code, from
// res.company and res.currency. Missing models give an empty map.
func companyCurrencies(ctx context.Context, src analysis.Source) (map[int64]string, error) {
	out := map[int64]string{}
	companies, ok, err := analysis.Optional(ctx, src, "res.company")
	if err != nil || !ok {
		return out, err
	}
	currencies, _, err := analysis.Optional(ctx, src, "res.currency")
	if err != nil {
		return out, err
	}
	code := map[int64]string{}
	for _, c := range currencies {
		code[c.ID()] = str(c, "name")
	}
	for _, c := range companies {
		cur, _ := c.Many2One("currency_id")
		name := code[cur.ID]
		if name == "" {
			name = cur.Name
		}
		out[c.ID()] = name
	}
	return out, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
