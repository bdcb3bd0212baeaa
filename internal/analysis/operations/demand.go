package operations

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/seasonal"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Product demand: the daily consumption of each storable product (done
// moves out of stock to customers or production, customer returns
// deducted, inventory adjustments left out: the rule of positions), its
// seasonal forecast (internal/analysis/seasonal, month-of-year factors
// learnt on the company's total consumption) and the forecast's backtest.

// DemandHorizons are the horizons (weeks) the demand backtest scores.
var DemandHorizons = []int{1, 4, 8}

// bandZ is the normal quantile of the upper end of the 80% band.
const bandZ = 1.2816

// demand is the consumption history of one company.
type demand struct {
	company  int64
	products map[int64]seasonal.Daily // from the product's first done move
	total    seasonal.Daily           // all products, normalised, from the company's first done move
	model    seasonal.Model
	why      string
	profile  seasonal.Profile // as of Today; Flat when the run-rate is chosen
}

// demandHistory builds the daily consumption of every storable product of
// company c up to today.
func demandHistory(d *data, c int64, today odoo.Date) *demand {
	type point struct {
		product int64
		day     odoo.Date
		qty     float64
	}
	var pts []point
	first := map[int64]odoo.Date{}
	var start odoo.Date
	for i := range d.moves {
		m := &d.moves[i]
		p := d.products[m.product]
		if m.company != c || p == nil || !p.storable || m.state != "done" || today.Before(m.date) {
			continue
		}
		if f, ok := first[m.product]; !ok || m.date.Before(f) {
			first[m.product] = m.date
		}
		if start.IsZero() || m.date.Before(start) {
			start = m.date
		}
		if m.inventory {
			continue
		}
		srcIn, dstIn := d.internal(m.src), d.internal(m.dst)
		qty := d.convert(m.done, m.uom, p.uom)
		switch {
		case srcIn && !dstIn && consumptionDest(d.locations[m.dst].usage):
			pts = append(pts, point{m.product, m.date, qty})
		case !srcIn && dstIn && d.locations[m.src].usage == "customer":
			pts = append(pts, point{m.product, m.date, -qty})
		}
	}
	dm := &demand{company: c, products: map[int64]seasonal.Daily{}, total: seasonal.NewDaily(start, today)}
	if start.IsZero() {
		dm.total = seasonal.Daily{Start: today}
	}
	for _, pt := range pts {
		s, ok := dm.products[pt.product]
		if !ok {
			s = seasonal.NewDaily(first[pt.product], today)
			dm.products[pt.product] = s
		}
		s.Add(pt.day, pt.qty)
	}
	// The total the seasons are learnt on weighs each product by its
	// first year's mean (data every backtest origin already knows), so a
	// product of a few units a week, whose rounded quantities barely move
	// with the seasons, counts as much as one sold by the thousand.
	firstYear := dm.total.Start.AddDays(364)
	// In product order: float sums in map order differ in the last digits
	// from run to run, and the analyses must give the same figures.
	for _, id := range dm.productIDs() {
		s := dm.products[id]
		mean := s.Sum(dm.total.Start, firstYear)
		if mean <= 0 {
			continue
		}
		for i, v := range s.Values {
			dm.total.Add(s.Start.AddDays(i), v/mean)
		}
	}
	return dm
}

// productIDs returns the ids of the products with consumption, ascending.
func (dm *demand) productIDs() []int64 {
	ids := make([]int64, 0, len(dm.products))
	for id := range dm.products {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// backtest forecasts, as of every seventh day back from today with
// MinMonths of history, the demand of each product consumed in the
// LevelDays before, for the weeks after, and scores the forecasts.
func (dm *demand) backtest(today odoo.Date) *seasonal.Table {
	ids := dm.productIDs()
	b := seasonal.Backtest{Title: fmt.Sprintf("product demand per week, company %d", dm.company), Unit: "units", Period: seasonal.Week,
		Horizons: DemandHorizons, Today: today, Origins: seasonal.WeekOrigins(dm.total.Start, today),
		Input: func(asOf odoo.Date) ([]seasonal.Pair, seasonal.Profile) {
			var pairs []seasonal.Pair
			for _, id := range ids {
				s := dm.products[id]
				if s.Sum(asOf.AddDays(-seasonal.LevelDays+1), asOf) <= 0 {
					continue // not consumed lately: not forecast (the stock check skips it too)
				}
				pairs = append(pairs, seasonal.Pair{Known: s, Actual: s})
			}
			return pairs, dm.productProfile(asOf)
		}}
	return b.Run()
}

// productProfile returns the profile a product's demand is forecast with
// as of asOf: the month factors and weekdays of the company's total, damped
// by how strongly the products follow them (seasonal.Response), without
// the total's growth (it grows by products and customers added more than
// by each product's demand: with it, the backtest's MAPE was 2 points
// worse on the medium demo company).
func (dm *demand) productProfile(asOf odoo.Date) seasonal.Profile {
	p := seasonal.Learn(dm.total, asOf)
	if !p.OK {
		return p
	}
	p.Growth = 1
	ss := make([]seasonal.Daily, 0, len(dm.products))
	for _, id := range dm.productIDs() {
		ss = append(ss, dm.products[id])
	}
	return p.Damped(seasonal.Response(ss, p, asOf))
}

// demandFor returns the demand model of company c as of today: the
// consumption history, and the seasonal profile when a year and a month of
// history support it and the backtest prefers it to the run-rate.
func demandFor(d *data, c int64, today odoo.Date) *demand {
	dm := demandHistory(d, c, today)
	dm.model, dm.why = dm.backtest(today).Choose()
	dm.profile = seasonal.Flat()
	if dm.model == seasonal.Seasonal {
		dm.profile = dm.productProfile(today)
	}
	return dm
}

// overLead returns product p's expected consumption over the lead days
// after today and the half-width of its 80% band (need + spread is the
// upper end), or ok false without a history. Weekly totals of the last
// LevelDays vary by sd; over lead days that is sd·√(lead/7) for the weeks'
// own noise plus sd·(lead/7)/√13 for the error of the level they are
// forecast from.
func (dm *demand) overLead(p int64, today odoo.Date, lead int) (need, spread float64, ok bool) {
	s, ok := dm.products[p]
	if !ok || lead <= 0 {
		return 0, 0, false
	}
	need = math.Max(0, dm.profile.Forecast(s, today, today.AddDays(1), today.AddDays(lead)))
	const weeks = seasonal.LevelDays / 7
	var sum, sumSq float64
	for k := range weeks {
		w := s.Sum(today.AddDays(-7*k-6), today.AddDays(-7*k))
		sum += w
		sumSq += w * w
	}
	mean := sum / weeks
	sd := math.Sqrt(math.Max(0, (sumSq-weeks*mean*mean)/(weeks-1)))
	l := float64(lead) / 7
	return need, bandZ * sd * math.Sqrt(l+l*l/weeks), true
}

// DemandBacktests backtests the weekly product demand forecast of every
// company of src with books ending today (`aicoo eval forecast`).
func DemandBacktests(ctx context.Context, src analysis.Source, today odoo.Date) ([]*seasonal.Table, error) {
	d, err := load(ctx, src, today.AddDays(-ConsumptionWindowDaysDefault))
	if err != nil {
		return nil, err
	}
	if !d.stock {
		return nil, nil
	}
	seen := map[int64]bool{}
	for i := range d.moves {
		seen[d.moves[i].company] = true
	}
	var out []*seasonal.Table
	for _, c := range d.companyList(seen) {
		out = append(out, demandHistory(d, c, today).backtest(today))
	}
	return out, nil
}
