package operations

import (
	"context"
	"math"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// StockValue is the metric of a company's stock value as of a day: the
// value of its stock.valuation.layer records created that day or before, in
// company currency.
const StockValue = "operations.stock.value"

// stockValueUnavailable says why StockValue cannot be computed.
const stockValueUnavailable = "stock.valuation.layer is not available: Odoo 19 keeps the value on stock moves, or stock_account is not installed"

// Valuation holds the valuation layers of Odoo 16-18 (stock_account), the
// record of every change of stock value: a layer per valued stock move, plus
// revaluations and landed costs. The stock value at a date is the sum of the
// values of the layers created up to it, which is what Odoo's inventory
// valuation report at a date adds up.
type Valuation struct {
	// layers are sorted by day.
	layers []layer
}

type layer struct {
	company int64
	day     odoo.Date
	cents   int64
}

// LoadValuation reads the valuation layers of src. ok is false when the
// model is not available (Odoo 19, which removed it, or stock_account not
// installed).
func LoadValuation(ctx context.Context, src analysis.Source) (*Valuation, bool, error) {
	recs, ok, err := fetch(ctx, src, "stock.valuation.layer")
	if err != nil || !ok {
		return nil, ok, err
	}
	var dec decoder
	const ml = "stock.valuation.layer"
	v := &Valuation{layers: make([]layer, 0, len(recs))}
	for _, r := range recs {
		// value is rounded to the currency in Odoo; summing cents keeps the
		// total exact whatever the number of layers.
		v.layers = append(v.layers, layer{company: dec.m2o(ml, r, "company_id"), day: dec.day(ml, r, "create_date"),
			cents: int64(math.Round(dec.float(ml, r, "value") * 100))})
	}
	if dec.err != nil {
		return nil, false, dec.err
	}
	sort.SliceStable(v.layers, func(i, j int) bool { return v.layers[i].day.Before(v.layers[j].day) })
	return v, true, nil
}

// AsOf returns each company's stock value at the end of day d (layers
// created on d or before, UTC). Companies without layers are absent.
func (v *Valuation) AsOf(d odoo.Date) map[int64]float64 {
	cents := map[int64]int64{}
	for _, l := range v.layers {
		if d.Before(l.day) {
			break
		}
		cents[l.company] += l.cents
	}
	out := make(map[int64]float64, len(cents))
	for c, n := range cents {
		out[c] = float64(n) / 100
	}
	return out
}

// Series returns each company's stock value at the end of each day of
// days, which must be ascending, in one pass over the layers.
func (v *Valuation) Series(days []odoo.Date) map[int64][]float64 {
	out := map[int64][]float64{}
	cents := map[int64]int64{}
	i := 0
	for k, d := range days {
		for ; i < len(v.layers) && !d.Before(v.layers[i].day); i++ {
			l := v.layers[i]
			if _, ok := out[l.company]; !ok {
				out[l.company] = make([]float64, len(days))
			}
			cents[l.company] += l.cents
		}
		for c, n := range cents {
			out[c][k] = float64(n) / 100
		}
	}
	return out
}

// Companies returns the companies that have layers, ascending.
func (v *Valuation) Companies() []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, l := range v.layers {
		if !seen[l.company] {
			seen[l.company] = true
			out = append(out, l.company)
		}
	}
	sortInt64(out)
	return out
}

// valueFigure publishes company c's stock value as of today.
func (a *run) valueFigure(c int64) {
	if a.d.valuation == nil {
		a.unavailable(c, stockValueUnavailable, StockValue)
		return
	}
	a.metric(c, StockValue, a.d.valueToday[c], a.d.currencies[c],
		"sum of the value of the stock valuation layers created up to today, company currency", nil)
}
