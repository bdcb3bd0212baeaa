package sales

import (
	"fmt"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// nextActions suggests next actions per salesperson: overdue activities on
// open deals, and open deals with no open activity at all (stalled deals
// have their own insight and are left out).
func nextActions(env *analysis.Env, d *data, stalled map[int64]bool, res *analysis.Result) {
	type key struct{ company, user int64 }
	type todo struct {
		deals, acts []int64
		oldest      int
		value       float64
	}
	overdue := map[key]*todo{}
	idle := map[key]*todo{}
	overdueCount := map[int64]int{}
	idleCount := map[int64]int{}
	for _, dl := range d.deals {
		if dl.state != dealOpen {
			continue
		}
		if len(dl.openActs) == 0 && !dl.planned {
			if !d.hasActs || stalled[dl.id] {
				continue
			}
			k := key{dl.company, dl.user}
			t := idle[k]
			if t == nil {
				t = &todo{}
				idle[k] = t
			}
			t.deals = append(t.deals, dl.id)
			t.value += dl.expected
			idleCount[dl.company]++
			continue
		}
		for _, a := range dl.openActs {
			late := analysis.DaysBetween(a.deadline, env.Today)
			if a.deadline.IsZero() || late <= 0 {
				continue
			}
			u := a.user
			if u == 0 {
				u = dl.user
			}
			k := key{dl.company, u}
			t := overdue[k]
			if t == nil {
				t = &todo{}
				overdue[k] = t
			}
			if len(t.deals) == 0 || t.deals[len(t.deals)-1] != dl.id {
				t.deals = append(t.deals, dl.id)
				t.value += dl.expected
			}
			t.acts = append(t.acts, a.id)
			t.oldest = max(t.oldest, late)
			overdueCount[dl.company]++
		}
	}
	companies := map[int64]bool{}
	for _, dl := range d.deals {
		companies[dl.company] = true
	}
	for c := range companies {
		if !d.hasActs {
			for _, n := range []string{"sales.activities.overdue", "sales.deals.without_next_activity"} {
				res.Metrics = append(res.Metrics, analysis.Metric{Name: n, Unit: "count", CompanyID: c, Note: "activities are not synced"})
			}
			continue
		}
		res.Metrics = append(res.Metrics, metric("sales.activities.overdue", float64(overdueCount[c]), "count", c),
			metric("sales.deals.without_next_activity", float64(idleCount[c]), "count", c))
	}
	mediumDays := int(env.Threshold(ThresholdOverdueActivityDays, OverdueActivityDaysDefault))
	emit := func(m map[key]*todo, kind string) {
		keys := make([]key, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].company != keys[j].company {
				return keys[i].company < keys[j].company
			}
			return keys[i].user < keys[j].user
		})
		for _, k := range keys {
			t := m[k]
			who := d.userNames[k.user]
			if who == "" {
				who = "unassigned"
			}
			in := analysis.Insight{Kind: kind, Priority: "low", CompanyID: k.company,
				Subject: fmt.Sprintf("%s:%d:%s", modelUser, k.user, kind),
				Refs:    []analysis.Ref{env.Ref(modelLead, t.deals...)},
				Facts:   map[string]float64{"deals": float64(len(t.deals)), "expected_revenue": fields.Round2(t.value)}}
			if kind == KindOverdueActivity {
				in.Title = fmt.Sprintf("%s has %d overdue activities on %d open deals", who, len(t.acts), len(t.deals))
				in.Detail = fmt.Sprintf("The oldest is %d days overdue. Do them or reschedule them.", t.oldest)
				in.Refs = append(in.Refs, env.Ref(modelActivity, t.acts...))
				in.Facts["activities"] = float64(len(t.acts))
				in.Facts["oldest_days_overdue"] = float64(t.oldest)
				in.Score = fields.Clamp01(float64(t.oldest) / 60)
				if t.oldest >= mediumDays {
					in.Priority = "medium"
				}
			} else {
				in.Title = fmt.Sprintf("%s has %d open deals with no next activity", who, len(t.deals))
				in.Detail = fmt.Sprintf("Plan the next step on each (%.2f %s expected in total).", t.value, d.currency[k.company])
				in.Score = fields.Clamp01(float64(len(t.deals)) / 20)
			}
			if k.user != 0 {
				in.Refs = append(in.Refs, env.Ref(modelUser, k.user))
			}
			res.Insights = append(res.Insights, in)
		}
	}
	emit(overdue, KindOverdueActivity)
	emit(idle, KindNoNextActivity)
}
