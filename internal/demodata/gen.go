package demodata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Record is a dataset record.
type Record = dataset.Record

// day is a calendar day counted from 1970-01-01 (UTC).
type day int

// dayOf returns the UTC calendar day of t.
func dayOf(t time.Time) day {
	t = t.UTC()
	return day(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// timeOf returns midnight UTC of d.
func timeOf(d day) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// weekday returns the day of the week of d (0 is Sunday).
func (d day) weekday() int { return (int(d)%7 + 7 + 4) % 7 }

func (d day) weekend() bool { w := d.weekday(); return w == 0 || w == 6 }

// nextWorkday returns d, or the Monday after it when d is a weekend day.
func (d day) nextWorkday() day {
	for d.weekend() {
		d++
	}
	return d
}

// dateRange pre-formats the dates of a window of days so records share the
// strings (and their interface boxes) instead of allocating one per field.
type dateRange struct {
	first  day
	dates  []any
	years  []int
	months []int
	doms   []int
}

func newDateRange(first, last day) *dateRange {
	n := int(last-first) + 1
	r := &dateRange{first: first, dates: make([]any, n), years: make([]int, n), months: make([]int, n), doms: make([]int, n)}
	for i := range n {
		t := timeOf(first + day(i))
		r.dates[i] = t.Format(dataset.DateLayout)
		r.years[i] = t.Year()
		r.months[i] = int(t.Month())
		r.doms[i] = t.Day()
	}
	return r
}

func (r *dateRange) in(d day) bool { return d >= r.first && int(d-r.first) < len(r.dates) }

// gen holds the state of one generation run.
type gen struct {
	opt Options
	p   sizeParams
	ds  *dataset.Dataset
	err error

	today, start day
	dates        *dateRange

	// Independent random streams per area, so that changing one area does
	// not reshuffle the others.
	rMaster, rSales, rCRM, rStock, rAcc, rExp, rSup *rand.Rand

	ref  refs
	seqs map[string]int

	usdRates []float64 // USD per EUR, by day offset from start

	customers []*customer
	vendors   []*vendor
	overheads []*vendor
	products  []*product
	goods     []*product
	services  []*product
	employees []*employee

	pendingOut []*picking   // outgoing pickings waiting for stock
	arrivals   [][]*receipt // by day offset
	payQueue   [][]payEvent // by day offset
	billQueue  [][]*receipt // receipts to bill, by day offset
	openItems  []*openItem
	payments   []*payment
	orders     []*saleOrder
	leads      []*lead

	book             *nameBook
	overheadByKey    map[string]*vendor
	expenseProducts  []*expenseProduct
	deliveredInMonth []int
	vatOut, vatIn    []int64 // cents per month index
	revenue          float64 // expected monthly revenue (EUR)
	avgOrder         float64 // expected order value (EUR)
	opening          struct{ bank, cash []Record }

	matchSeq int
	inj      injections
	truth    []Item
}

func newGen(opt Options, p sizeParams) *gen {
	seed := opt.Seed
	stream := func(k uint64) *rand.Rand {
		return rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15^(k*0xBF58476D1CE4E5B9)))
	}
	g := &gen{
		opt: opt, p: p,
		rMaster: stream(1), rSales: stream(2), rCRM: stream(3), rStock: stream(4), rAcc: stream(5), rExp: stream(6), rSup: stream(7),
		seqs: map[string]int{}, overheadByKey: map[string]*vendor{},
	}
	g.today = dayOf(opt.Today)
	g.start = g.today - HistoryDays + 1
	g.dates = newDateRange(g.start-400, g.today+400)
	n := HistoryDays + 1
	g.arrivals = make([][]*receipt, n)
	g.payQueue = make([][]payEvent, n)
	g.billQueue = make([][]*receipt, n)
	g.deliveredInMonth = make([]int, 26)
	g.vatOut = make([]int64, 26)
	g.vatIn = make([]int64, 26)
	return g
}

// off returns the offset of d from the first simulated day.
func (g *gen) off(d day) int { return int(d - g.start) }

// inHistory reports whether d is a simulated day (start..today).
func (g *gen) inHistory(d day) bool { return d >= g.start && d <= g.today }

// date returns d as an Odoo date value.
func (g *gen) date(d day) any {
	if g.dates.in(d) {
		return g.dates.dates[int(d-g.dates.first)]
	}
	return timeOf(d).Format(dataset.DateLayout)
}

func (g *gen) year(d day) int {
	if g.dates.in(d) {
		return g.dates.years[int(d-g.dates.first)]
	}
	return timeOf(d).Year()
}

func (g *gen) month(d day) int {
	if g.dates.in(d) {
		return g.dates.months[int(d-g.dates.first)]
	}
	return int(timeOf(d).Month())
}

// dom returns the day of the month of d.
func (g *gen) dom(d day) int {
	if g.dates.in(d) {
		return g.dates.doms[int(d-g.dates.first)]
	}
	return timeOf(d).Day()
}

// monthName returns "January 2025" for the month of d.
func (g *gen) monthName(d day) string { return timeOf(d).Format("January 2006") }

// monthStart returns the first day of the month of d.
func (g *gen) monthStart(d day) day {
	t := timeOf(d)
	return dayOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
}

// addMonths returns the first day of the month n months after the month of d.
func (g *gen) addMonths(d day, n int) day {
	t := timeOf(d)
	return dayOf(time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC))
}

// dt returns a datetime value for d at sec seconds after midnight UTC.
func (g *gen) dt(d day, sec int) string {
	if sec < 0 {
		sec = 0
	}
	if sec >= 86400 {
		d += day(sec / 86400)
		sec %= 86400
	}
	s, _ := g.date(d).(string)
	b := make([]byte, 0, 19)
	b = append(b, s...)
	b = append(b, ' ')
	b = append2(b, sec/3600)
	b = append(b, ':')
	b = append2(b, sec/60%60)
	b = append(b, ':')
	b = append2(b, sec%60)
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// workTime returns a random second of the working day (07:00-17:00 UTC).
func workTime(r *rand.Rand) int { return 7*3600 + r.IntN(10*3600) }

// add appends rec to model and returns its id. The first error is kept in
// g.err; later calls still return ids so callers need not check each one.
func (g *gen) add(model string, rec Record) int64 {
	id, err := g.ds.Add(model, rec)
	if err != nil && g.err == nil {
		g.err = fmt.Errorf("demodata: %w", err)
	}
	return id
}

// stamp sets the magic log fields of rec.
func stamp(rec Record, created string, uid int64) Record {
	rec["create_date"] = created
	rec["write_date"] = created
	rec["create_uid"] = uid
	rec["write_uid"] = uid
	return rec
}

// touch records a later write to rec.
func touch(rec Record, when string, uid int64) {
	if w, _ := rec["write_date"].(string); when > w {
		rec["write_date"] = when
		rec["write_uid"] = uid
	}
}

// next returns the next number of the sequence key.
func (g *gen) next(key string) int {
	g.seqs[key]++
	return g.seqs[key]
}

// seqName returns "<prefix>/<year>/<n padded to 5>" numbered per prefix and
// year, like Odoo's journal sequences.
func (g *gen) seqName(prefix string, d day) string {
	y := g.year(d)
	key := prefix + "/" + strconv.Itoa(y)
	n := g.next(key)
	return fmt.Sprintf("%s/%d/%05d", prefix, y, n)
}

// money converts cents to a float amount.
func money(c int64) float64 { return float64(c) / 100 }

// cents converts an amount to cents.
func cents(x float64) int64 { return int64(math.Round(x * 100)) }

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func f2(x float64) float64 { return math.Round(x*100) / 100 }

func m2o(id int64) any {
	if id == 0 {
		return false
	}
	return id
}

func str(s string) any {
	if s == "" {
		return false
	}
	return s
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// lognormal returns a log-normally distributed value with the given median
// and spread (sigma of the log), clamped to [median/cap, median*cap].
func lognormal(r *rand.Rand, median, sigma, cap float64) float64 {
	v := median * math.Exp(r.NormFloat64()*sigma)
	return math.Max(median/cap, math.Min(median*cap, v))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// usdRate returns the USD rate (USD per EUR) of d.
func (g *gen) usdRate(d day) float64 {
	i := g.off(d)
	if i < 0 {
		i = 0
	}
	if i >= len(g.usdRates) {
		i = len(g.usdRates) - 1
	}
	return g.usdRates[i]
}

// rateOf returns the rate of the currency (1 for EUR) on d.
func (g *gen) rateOf(usd bool, d day) float64 {
	if usd {
		return g.usdRate(d)
	}
	return 1
}

// toCompany converts document cents to company cents at rate.
func toCompany(c int64, rate float64) int64 {
	if rate == 1 {
		return c
	}
	return int64(math.Round(float64(c) / rate))
}

func (g *gen) currencyID(usd bool) int64 {
	if usd {
		return g.ref.usd
	}
	return g.ref.eur
}

func (g *gen) progress(phase string, done, total int) {
	if g.opt.ProgressFunc != nil {
		g.opt.ProgressFunc(Progress{Phase: phase, Done: done, Total: total})
	}
}
