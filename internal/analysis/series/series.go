package series

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/robust"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Kind is the insight kind of an unusual week.
const Kind = string(dataset.KindSeriesAnomaly)

// HistoryDays is how much history the series cover, ending at Today: two
// years, so that a week can be compared with the same week last year.
const HistoryDays = 730

// minExpensesPerWeek is how many expenses a week, on average over the
// history, a category needs to get a series of its own: a sparser series
// is a few receipts a month, whose weekly totals have no range to leave
// (a duplicate or one big receipt is the expenses analyzer's finding).
const minExpensesPerWeek = 5

// Analyzer watches the daily business series for unusual weeks.
type Analyzer struct{}

// New returns the series analyzer.
func New() analysis.Analyzer { return Analyzer{} }

// Area names the analyzer.
func (Analyzer) Area() string { return "series" }

// builder accumulates the daily points of the series of one company.
type builder struct {
	start, today odoo.Date
	n            int
	byKey        map[string]*Series
}

func (b *builder) get(cid int64, name, label, unit, model string, stock bool) *Series {
	key := strconv.FormatInt(cid, 10) + "/" + name
	s := b.byKey[key]
	if s == nil {
		s = &Series{Name: name, Label: label, Unit: unit, CompanyID: cid, Stock: stock, Start: b.start,
			Values: make([]float64, b.n), Model: model, IDs: map[int][]int64{}}
		b.byKey[key] = s
	}
	return s
}

// add adds v on day d (ignored outside the window) with record id.
func (b *builder) add(s *Series, d odoo.Date, v float64, id int64) {
	i := analysis.DaysBetween(b.start, d)
	if d.IsZero() || i < 0 || i >= b.n {
		return
	}
	s.Values[i] += v
	s.sum += abs(v)
	s.sumSq += v * v
	if id != 0 {
		s.IDs[i] = append(s.IDs[i], id)
	}
}

// Analyze builds the series and reports the unusual recent weeks.
func (a Analyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	all, err := Build(ctx, env.Source, env.Today)
	if err != nil {
		return nil, err
	}
	res := &analysis.Result{Area: a.Area()}
	multi := multiCompany(all)
	for _, s := range all {
		found, history := Scan(s)
		last7, _ := s.span(len(s.Values)-7, len(s.Values)-1)
		res.Metrics = append(res.Metrics,
			analysis.Metric{Name: "series." + s.Name + ".last_7_days", Value: fields.Round2(last7), Unit: s.Unit, CompanyID: s.CompanyID,
				Available: true, Note: noteLast7(s)},
			analysis.Metric{Name: "series." + s.Name + ".alerts_past_year", Value: float64(history), Unit: "count", CompanyID: s.CompanyID,
				Available: true, Note: "detector alerts in the year before the last 14 days (history, not insights)"},
			analysis.Metric{Name: "series." + s.Name + ".unusual_weeks", Value: float64(len(found)), Unit: "count", CompanyID: s.CompanyID,
				Available: true, Note: "weeks with an alert in the last 14 days outside the expected range"})
		for _, f := range found {
			res.Insights = append(res.Insights, insight(env, s, f, multi))
		}
	}
	res.Sort()
	return res, nil
}

func noteLast7(s *Series) string {
	if s.Stock {
		return "change over the last 7 days"
	}
	return "total of the last 7 days"
}

func multiCompany(all []*Series) bool {
	for _, s := range all[min(1, len(all)):] {
		if s.CompanyID != all[0].CompanyID {
			return true
		}
	}
	return false
}

// insight words one unusual week.
func insight(env *analysis.Env, s *Series, f Finding, multi bool) analysis.Insight {
	what := "this week"
	if f.To.Before(env.Today) {
		what = "in week " + f.Week
	}
	fmtv := func(v float64) string {
		if s.Unit == "count" {
			return strconv.FormatFloat(v, 'f', 0, 64)
		}
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + s.Unit
	}
	label := s.Label
	if s.Stock {
		label += " change"
	}
	lo, hi := f.Low, f.High
	if s.Unit == "count" {
		lo, hi = float64(int64(lo+0.999)), float64(int64(hi))
	}
	title := fmt.Sprintf("%s %s %s, expected %s to %s for a %s week", label, what, fmtv(f.Observed), fmtv(lo), fmtv(hi),
		f.From.AddDays(3).In(time.UTC).Month()) // an ISO week's month is its Thursday's
	var season string
	switch {
	case !f.YearlyUsed:
		season = "less than a year and eight weeks of history, so no comparison with last year"
	case s.Stock:
		season = fmt.Sprintf("shifted by %s, the difference the same weeks showed last year", fmtv(f.Yearly))
	default:
		season = fmt.Sprintf("scaled by %.2f, the ratio the same weeks showed last year", f.Yearly)
	}
	detail := fmt.Sprintf("%s from %s to %s: %s. Expected %s (range %s to %s): the same weekdays of the 8 weeks before, %s. "+
		"The detector first flagged %s (score %.2f).", s.Label, f.From, f.To, fmtv(f.Observed), fmtv(f.Expected), fmtv(lo), fmtv(hi),
		season, f.AlertDay, f.Score)
	prio := "medium"
	if w := f.High - f.Low; w > 0 && (f.Observed < f.Low-w/2 || f.Observed > f.High+w/2) {
		prio = "high"
	}
	subject := "series:" + s.Name + ":" + f.Week
	if multi {
		subject += ":company:" + strconv.FormatInt(s.CompanyID, 10)
	}
	dev := 0.0
	if w := f.High - f.Low; w > 0 {
		dev = (f.Observed - f.Expected) / (w / 2)
	}
	in := analysis.Insight{Kind: Kind, Priority: prio, Title: title, Detail: detail, CompanyID: s.CompanyID, Subject: subject,
		Refs: []analysis.Ref{env.Ref(s.Model, f.IDs...)},
		Facts: map[string]float64{"observed": fields.Round2(f.Observed), "expected": fields.Round2(f.Expected),
			"expected_low": fields.Round2(f.Low), "expected_high": fields.Round2(f.High), "score": fields.Round2(f.Score),
			"deviation": fields.Round2(dev)},
		Score: fields.Clamp01(abs(dev) / 4)}
	if f.YearlyUsed {
		in.Facts["yearly_adjustment"] = fields.Round2(f.Yearly)
	}
	return in
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Build returns the daily series of every company over the HistoryDays
// ending at today: revenue (posted customer invoices net of credit notes,
// untaxed, by invoice date), confirmed sale orders, receipts (money into
// the bank and cash journals' liquidity accounts), the cash balance on
// those accounts and expenses by category (hr.expense by product). Models
// that are not installed leave their series out.
func Build(ctx context.Context, src analysis.Source, today odoo.Date) ([]*Series, error) {
	b := &builder{start: today.AddDays(-(HistoryDays - 1)), today: today, n: HistoryDays, byKey: map[string]*Series{}}
	currencies, err := companyCurrencies(ctx, src)
	if err != nil {
		return nil, err
	}
	cur := func(cid int64) string {
		if c := currencies[cid]; c != "" {
			return c
		}
		return "EUR"
	}
	moves, ok, err := analysis.Optional(ctx, src, "account.move")
	if err != nil {
		return nil, err
	}
	if ok {
		for _, m := range moves {
			t := fields.String(m, "move_type")
			if (t != "out_invoice" && t != "out_refund") || fields.String(m, "state") != "posted" {
				continue
			}
			cid := fields.M2OID(m, "company_id")
			d := fields.Date(m, "invoice_date")
			if d.IsZero() {
				d = fields.Date(m, "date")
			}
			b.add(b.get(cid, "revenue", "Revenue", cur(cid), "account.move", false), d, fields.Float(m, "amount_untaxed_signed"), m.ID())
		}
	}
	orders, ok, err := analysis.Optional(ctx, src, "sale.order")
	if err != nil {
		return nil, err
	}
	if ok {
		for _, o := range orders {
			if st := fields.String(o, "state"); st != "sale" && st != "done" {
				continue
			}
			cid := fields.M2OID(o, "company_id")
			b.add(b.get(cid, "orders", "Orders", "count", "sale.order", false), fields.Day(fields.Datetime(o, "date_order")), 1, o.ID())
		}
	}
	if err := b.cash(ctx, src, cur); err != nil {
		return nil, err
	}
	if err := b.expenses(ctx, src, cur); err != nil {
		return nil, err
	}
	out := make([]*Series, 0, len(b.byKey))
	for _, s := range b.byKey {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CompanyID != out[j].CompanyID {
			return out[i].CompanyID < out[j].CompanyID
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func companyCurrencies(ctx context.Context, src analysis.Source) (map[int64]string, error) {
	comps, ok, err := analysis.Optional(ctx, src, "res.company")
	if err != nil || !ok {
		return nil, err
	}
	out := map[int64]string{}
	for _, c := range comps {
		out[c.ID()] = fields.M2OName(c, "currency_id")
	}
	return out, nil
}

// cash adds receipts and the cash balance, from posted journal items on
// the liquidity accounts (finance.LiquidityAccounts). The balance before
// the window is carried in as the first day's opening.
func (b *builder) cash(ctx context.Context, src analysis.Source, cur func(int64) string) error {
	journals, ok, err := analysis.Optional(ctx, src, "account.journal")
	if err != nil || !ok {
		return err
	}
	lines, ok, err := analysis.Optional(ctx, src, "account.move.line")
	if err != nil || !ok {
		return err
	}
	lq := finance.LiquidityAccounts(journals)
	opening := map[int64]float64{}
	for _, l := range lines {
		cid := fields.M2OID(l, "company_id")
		q := lq[cid]
		if q == nil || fields.String(l, "parent_state") != "posted" || !q.Accounts[fields.M2OID(l, "account_id")] {
			continue
		}
		d, bal := fields.Date(l, "date"), fields.Float(l, "balance")
		if d.Before(b.start) {
			opening[cid] += bal
			continue
		}
		cash := b.get(cid, "cash", "Cash", cur(cid), "account.move", true)
		b.add(cash, d, bal, fields.M2OID(l, "move_id"))
		if bal > 0 {
			b.add(b.get(cid, "receipts", "Receipts", cur(cid), "account.move", false), d, bal, fields.M2OID(l, "move_id"))
		}
	}
	for _, s := range b.byKey {
		if s.Name != "cash" {
			continue
		}
		run := opening[s.CompanyID]
		for i := range s.Values {
			run += s.Values[i]
			s.Values[i] = run
		}
	}
	return nil
}

// expenses adds one series per expense category (product) with enough
// history to have a rhythm.
func (b *builder) expenses(ctx context.Context, src analysis.Source, cur func(int64) string) error {
	recs, ok, err := analysis.Optional(ctx, src, "hr.expense")
	if err != nil || !ok {
		return err
	}
	type cat struct {
		cid  int64
		id   int64
		name string
	}
	byCat := map[cat][]odoo.Record{}
	for _, e := range recs {
		if st := fields.String(e, "state"); st == "draft" || st == "refused" || st == "cancel" {
			continue
		}
		c := cat{fields.M2OID(e, "company_id"), fields.M2OID(e, "product_id"), fields.M2OName(e, "product_id")}
		byCat[c] = append(byCat[c], e)
	}
	names, err := productNames(ctx, src)
	if err != nil {
		return err
	}
	for c, es := range byCat {
		if len(es) < minExpensesPerWeek*HistoryDays/7 || c.id == 0 {
			continue
		}
		name := c.name
		if name == "" {
			name = names[c.id]
		}
		if name == "" {
			name = "Category " + strconv.FormatInt(c.id, 10)
		}
		// The name carries the product id, not its name: metric names
		// must not change when products are renamed or not yet synced.
		s := b.get(c.cid, "expenses."+strconv.FormatInt(c.id, 10), strings.TrimSpace(name+" expenses"), cur(c.cid), "hr.expense", false)
		amounts := make([]float64, len(es))
		for i, e := range es {
			amounts[i] = fields.Float(e, "total_amount")
			if _, ok := e["total_amount_company"]; ok {
				amounts[i] = fields.Float(e, "total_amount_company")
			}
		}
		// One outsized expense is the expenses analyzer's
		// unusual_transaction; here it counts at most expenseCap times
		// its category's median, so the series watch the run rate and
		// one receipt does not raise a second insight.
		limit := expenseCap * robust.Median(amounts)
		for i, e := range es {
			b.add(s, fields.Date(e, "date"), min(amounts[i], limit), e.ID())
		}
	}
	return nil
}

// expenseCap is the multiple of its category's median at which one
// expense is capped in the category's series (the expenses analyzer's
// anomaly factor).
const expenseCap = 5

// productNames maps product ids to names, empty when products are not
// synced.
func productNames(ctx context.Context, src analysis.Source) (map[int64]string, error) {
	recs, _, err := analysis.Optional(ctx, src, "product.product")
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(recs))
	for _, r := range recs {
		out[r.ID()] = fields.String(r, "name")
	}
	return out, nil
}
