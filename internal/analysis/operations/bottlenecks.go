package operations

import (
	"fmt"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// Bottlenecks: operation types whose open transfers pile up beyond what the
// team processes, and task stages where work sits.

// bottleneckFigures finds the picking types and task stages of company c
// where work piles up: transfers due (scheduled on or before Today) and not
// done, measured in days of the type's recent throughput.
func (a *run) bottleneckFigures(c int64) {
	type queue struct {
		open, ready, waiting []int64
		ages                 []float64
		doneRecent           int
	}
	queues := map[int64]*queue{}
	from := a.today.AddDays(-a.throughputDays + 1)
	for _, p := range a.pickingsSorted {
		if p.company != c && p.company != 0 || p.pickingType == 0 {
			continue
		}
		q := queues[p.pickingType]
		if q == nil {
			q = &queue{}
			queues[p.pickingType] = q
		}
		switch {
		case p.state == "done":
			if !p.done.IsZero() && !p.done.Before(from) && !a.today.Before(p.done) {
				q.doneRecent++
			}
		case openState(p.state):
			// Only transfers already due pile up; one scheduled for
			// later (a receipt the vendor has not shipped yet) is not
			// work waiting.
			since := p.scheduled
			if since.IsZero() {
				since = p.created
			}
			if since.IsZero() || a.today.Before(since) {
				continue
			}
			q.open = append(q.open, p.id)
			if p.state == "assigned" {
				q.ready = append(q.ready, p.id)
			} else {
				q.waiting = append(q.waiting, p.id)
			}
			q.ages = append(q.ages, float64(analysis.DaysBetween(since, a.today)))
		}
	}
	types := make([]int64, 0, len(queues))
	for t := range queues {
		types = append(types, t)
	}
	sortInt64(types)
	for _, t := range types {
		q := queues[t]
		n := len(q.open)
		if n < a.minQueue {
			continue
		}
		perDay := float64(q.doneRecent) / float64(a.throughputDays)
		days := 9999.0
		if perDay > 0 {
			days = float64(n) / perDay
		}
		if days < a.backlogDays {
			continue
		}
		pt := a.d.pickTypes[t]
		cause := "most are ready but not processed: a handling capacity problem"
		if len(q.waiting) > len(q.ready) {
			cause = "most wait for stock or a previous operation: a supply problem"
		}
		prio := "medium"
		if days >= 2*a.backlogDays {
			prio = "high"
		}
		a.res.Insights = append(a.res.Insights, analysis.Insight{
			Kind: KindBottleneck, Priority: prio, CompanyID: c,
			Title: fmt.Sprintf("%s: %d transfers due and not done, %.0f days of work at the current pace", pt.name, n, days),
			Detail: fmt.Sprintf("%d %s transfers are due and still open (%d ready, %d waiting), against %d done in the last %d days; the median one was due %.0f days ago. %s.",
				n, pt.name, len(q.ready), len(q.waiting), q.doneRecent, a.throughputDays, median(q.ages), capitalize(cause)),
			Subject: fmt.Sprintf("stock.picking.type:%d", t),
			Refs:    []analysis.Ref{a.env.Ref("stock.picking.type", t), a.env.Ref("stock.picking", q.open...)},
			Facts: map[string]float64{"open": float64(n), "ready": float64(len(q.ready)), "waiting": float64(len(q.waiting)),
				"done_per_day": fields.Round2(perDay), "backlog_days": fields.Round2(days), "median_age_days": fields.Round2(median(q.ages))},
			Score: fields.Clamp01(days / (4 * a.backlogDays)),
		})
	}
	a.taskBottlenecks(c)
}

// taskBottlenecks flags open (unfolded) task stages holding at least
// minQueue tasks whose median time in the stage exceeds taskStageDays.
func (a *run) taskBottlenecks(c int64) {
	if !a.d.project {
		return
	}
	type stage struct {
		ids  []int64
		ages []float64
	}
	stages := map[int64]*stage{}
	var all []float64
	for _, t := range a.d.tasks {
		if t.company != c && t.company != 0 || t.stage == 0 || t.since.IsZero() {
			continue
		}
		s := stages[t.stage]
		if s == nil {
			s = &stage{}
			stages[t.stage] = s
		}
		age := float64(max(0, analysis.DaysBetween(t.since, a.today)))
		s.ids = append(s.ids, t.id)
		s.ages = append(s.ages, age)
		all = append(all, age)
	}
	a.metric(c, "operations.tasks.open", float64(len(all)), "count", "open tasks in stages that are not folded", nil)
	m := a.metric(c, "operations.tasks.median_days_in_stage", fields.Round2(median(all)), "days", "median days open tasks have sat in their current stage", nil)
	m.Available = len(all) > 0
	ids := make([]int64, 0, len(stages))
	for id := range stages {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		s := stages[id]
		med := median(s.ages)
		if len(s.ids) < a.minQueue || med < a.taskStageDays {
			continue
		}
		name := a.d.taskStages[id].name
		a.res.Insights = append(a.res.Insights, analysis.Insight{
			Kind: KindBottleneck, Priority: "medium", CompanyID: c,
			Title:   fmt.Sprintf("%d tasks pile up in %q", len(s.ids), name),
			Detail:  fmt.Sprintf("%d open tasks sit in the stage %q, for a median of %.0f days (all open tasks: %.0f days).", len(s.ids), name, med, median(all)),
			Subject: fmt.Sprintf("project.task.type:%d", id),
			Refs:    []analysis.Ref{a.env.Ref("project.task.type", id), a.env.Ref("project.task", s.ids...)},
			Facts:   map[string]float64{"open": float64(len(s.ids)), "median_days_in_stage": fields.Round2(med)},
			Score:   fields.Clamp01(med / (4 * a.taskStageDays)),
		})
	}
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
