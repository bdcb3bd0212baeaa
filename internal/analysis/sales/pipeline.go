package sales

import (
	"fmt"
	"sort"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/robust"
)

// inWindow reports whether t falls in the n days ending Today (Today and
// the n-1 days before it). The zero time is never in a window.
func inWindow(env *analysis.Env, t time.Time, n int) bool {
	if t.IsZero() {
		return false
	}
	age := analysis.DaysBetween(fields.Day(t), env.Today)
	return age >= 0 && age < n
}

// pipelineMetrics reports the open pipeline of company c by stage: deal
// count, expected revenue and probability-weighted (prorated) revenue, as
// Odoo's pipeline analysis shows them for active opportunities.
func pipelineMetrics(env *analysis.Env, d *data, c int64, res *analysis.Result) {
	cur := d.currency[c]
	type agg struct {
		ids                []int64
		expected, weighted float64
	}
	by := map[int64]*agg{}
	total := &agg{}
	for _, dl := range d.deals {
		if dl.company != c || dl.state != dealOpen {
			continue
		}
		a := by[dl.stage]
		if a == nil {
			a = &agg{}
			by[dl.stage] = a
		}
		w := dl.expected * dl.prob / 100
		for _, x := range []*agg{a, total} {
			x.ids = append(x.ids, dl.id)
			x.expected += dl.expected
			x.weighted += w
		}
	}
	res.Metrics = append(res.Metrics,
		metric("sales.pipeline.count", float64(len(total.ids)), "count", c, env.Ref(modelLead, total.ids...)),
		metric("sales.pipeline.expected_revenue", total.expected, cur, c),
		metric("sales.pipeline.weighted_revenue", total.weighted, cur, c))
	for s, a := range by {
		name := stageLabel(d, s)
		p := fmt.Sprintf("sales.pipeline.stage.%d.", s)
		ms := []analysis.Metric{
			metric(p+"count", float64(len(a.ids)), "count", c, env.Ref(modelLead, a.ids...)),
			metric(p+"expected_revenue", a.expected, cur, c),
			metric(p+"weighted_revenue", a.weighted, cur, c),
		}
		for i := range ms {
			ms[i].Note = name
		}
		res.Metrics = append(res.Metrics, ms...)
	}
}

// progressMetrics reports how deals moved over the last 30 days: new
// opportunities, stage advances (when the stage history is synced), won
// and lost deals and won revenue, and the median sales cycle of the deals
// won in the last 365 days.
func progressMetrics(env *analysis.Env, d *data, c int64, res *analysis.Result) {
	var created, won, lost int
	var wonRevenue float64
	var cycles []float64
	for _, dl := range d.deals {
		if dl.company != c {
			continue
		}
		if inWindow(env, dl.created, 30) && dl.state != dealHidden {
			created++
		}
		switch dl.state {
		case dealWon:
			if inWindow(env, dl.closed, 30) {
				won++
				wonRevenue += dl.expected
			}
			if inWindow(env, dl.closed, 365) && !dl.created.IsZero() {
				cycles = append(cycles, float64(analysis.DaysBetween(fields.Day(dl.created), fields.Day(dl.closed))))
			}
		case dealLost:
			if inWindow(env, dl.closed, 30) {
				lost++
			}
		}
	}
	res.Metrics = append(res.Metrics,
		metric("sales.deals.created_30d", float64(created), "count", c),
		metric("sales.deals.won_30d", float64(won), "count", c),
		metric("sales.deals.lost_30d", float64(lost), "count", c),
		metric("sales.deals.won_revenue_30d", wonRevenue, d.currency[c], c))
	cyc := analysis.Metric{Name: "sales.cycle_days.median_365d", Unit: "days", CompanyID: c, Note: "no deal won in the last 365 days"}
	if len(cycles) > 0 {
		cyc = metric(cyc.Name, robust.Median(cycles), "days", c)
	}
	res.Metrics = append(res.Metrics, cyc)
	adv := analysis.Metric{Name: "sales.deals.stage_advances_30d", Unit: "count", CompanyID: c,
		Note: "the stage history (chatter tracking) is not synced"}
	if d.history {
		var n int
		for _, m := range d.messages {
			rid, _ := m.Int("res_id")
			if dl := d.byID[rid]; dl != nil && dl.company == c && inWindow(env, fields.Datetime(m, "date"), 30) {
				n++
			}
		}
		adv = metric(adv.Name, float64(n), "count", c)
	}
	res.Metrics = append(res.Metrics, adv)
}

// winLossMetrics reports win rates (won / (won + lost) of the deals closed
// in the period) over 90 and 365 days, per salesperson over 365 days, and
// the lost deals of the last 365 days per lost reason.
func winLossMetrics(env *analysis.Env, d *data, c int64, res *analysis.Result) {
	for _, period := range []int{90, 365} {
		var won, lost []int64
		type wl struct{ won, lost []int64 }
		byUser := map[int64]*wl{}
		byReason := map[int64][]int64{}
		for _, dl := range d.deals {
			if dl.company != c || !inWindow(env, dl.closed, period) {
				continue
			}
			u := byUser[dl.user]
			if u == nil {
				u = &wl{}
				byUser[dl.user] = u
			}
			switch dl.state {
			case dealWon:
				won = append(won, dl.id)
				u.won = append(u.won, dl.id)
			case dealLost:
				lost = append(lost, dl.id)
				u.lost = append(u.lost, dl.id)
				byReason[dl.reason] = append(byReason[dl.reason], dl.id)
			}
		}
		p := fmt.Sprintf("%dd", period)
		res.Metrics = append(res.Metrics,
			metric("sales.deals.won_"+p, float64(len(won)), "count", c, env.Ref(modelLead, won...)),
			metric("sales.deals.lost_"+p, float64(len(lost)), "count", c, env.Ref(modelLead, lost...)),
			rate("sales.win_rate."+p, len(won), len(lost), c, ""))
		if period != 365 {
			continue
		}
		users := make([]int64, 0, len(byUser))
		for u := range byUser {
			users = append(users, u)
		}
		sort.Slice(users, func(i, j int) bool { return users[i] < users[j] })
		for _, u := range users {
			x := byUser[u]
			if len(x.won)+len(x.lost) == 0 {
				continue
			}
			name := d.userNames[u]
			if u == 0 {
				name = "unassigned"
			}
			m := rate(fmt.Sprintf("sales.win_rate.%s.user.%d", p, u), len(x.won), len(x.lost), c, name)
			if u != 0 {
				m.Refs = []analysis.Ref{env.Ref(modelUser, u)}
			}
			res.Metrics = append(res.Metrics, m)
		}
		for r, ids := range byReason {
			m := metric(fmt.Sprintf("sales.lost.%s.reason.%d", p, r), float64(len(ids)), "count", c, env.Ref(modelLead, ids...))
			m.Note = d.reasonName[r]
			if r == 0 {
				m.Note = "no lost reason given"
			} else {
				m.Refs = append(m.Refs, env.Ref(modelLostReason, r))
			}
			res.Metrics = append(res.Metrics, m)
		}
	}
}

// rate returns won/(won+lost), unavailable without closed deals.
func rate(name string, won, lost int, c int64, note string) analysis.Metric {
	if won+lost == 0 {
		return analysis.Metric{Name: name, Unit: "ratio", CompanyID: c, Note: "no deal closed in the period"}
	}
	m := analysis.Metric{Name: name, Value: float64(won) / float64(won+lost), Unit: "ratio", CompanyID: c, Available: true, Note: note}
	m.Value = float64(int(m.Value*10000+0.5)) / 10000
	return m
}
