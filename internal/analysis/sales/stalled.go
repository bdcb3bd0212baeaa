package sales

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/robust"
)

// norms holds the normal time (days) deals spend in each stage.
type norms struct {
	byStage map[int64]float64 // stages with enough completed stays
	samples map[int64]int
	pooled  float64 // over all stages, for stages with too few stays
	source  string  // "stage history", "lost deals" or "default"
}

// normal returns the normal days in stage s.
func (n norms) normal(s int64) float64 {
	if v, ok := n.byStage[s]; ok {
		return v
	}
	return n.pooled
}

// learnNorms learns the normal time in each stage from completed stays:
// from the stage-change tracking of the chatter when it is synced (entry
// to exit of every stage a deal moved on from), otherwise from lost deals
// (their last stage update to their closing). The normal time is the
// median stay; a stage with fewer than the minimum stays uses the median
// of all stays.
func learnNorms(env *analysis.Env, d *data) norms {
	stays := historyStays(d)
	n := norms{byStage: map[int64]float64{}, samples: map[int64]int{}, source: "stage history"}
	if len(stays) == 0 {
		n.source = "lost deals"
		stays = map[int64][]float64{}
		for _, dl := range d.deals {
			if dl.state != dealLost || dl.closed.IsZero() || dl.stage == 0 {
				continue
			}
			if s := d.stages[dl.stage]; s != nil && s.won {
				continue
			}
			stays[dl.stage] = append(stays[dl.stage], math.Max(0, days(dl.stageUpdate, dl.closed)))
		}
	}
	minSamples := int(env.Threshold(ThresholdStageMinSamples, StageMinSamplesDefault))
	var all []float64
	for s, xs := range stays {
		all = append(all, xs...)
		n.samples[s] = len(xs)
		if len(xs) >= minSamples && len(xs) > 0 {
			n.byStage[s] = robust.Median(xs)
		}
	}
	if len(all) > 0 {
		n.pooled = robust.Median(all)
	} else {
		n.pooled = env.Threshold(ThresholdStageNormalDays, StageNormalDaysDefault)
		n.source = "default"
	}
	return n
}

// historyStays returns, per stage, the days deals stayed in it before
// moving to another stage, from "Stage: A -> B" tracking messages. A
// deal's first stay starts at its creation.
func historyStays(d *data) map[int64][]float64 {
	if len(d.messages) == 0 {
		return nil
	}
	byName := map[string]int64{}
	ids := make([]int64, 0, len(d.stages))
	for id := range d.stages {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if name := d.stages[id].name; name != "" {
			if _, dup := byName[name]; !dup {
				byName[name] = id
			}
		}
	}
	type change struct {
		at   time.Time
		id   int64
		from int64
	}
	perDeal := map[int64][]change{}
	for _, m := range d.messages {
		from, ok := stageFrom(fields.String(m, "tracking"))
		if !ok {
			continue
		}
		rid, _ := m.Int("res_id")
		perDeal[rid] = append(perDeal[rid], change{at: fields.Datetime(m, "date"), id: m.ID(), from: byName[from]})
	}
	out := map[int64][]float64{}
	for rid, cs := range perDeal {
		dl := d.byID[rid]
		sort.Slice(cs, func(i, j int) bool {
			if !cs[i].at.Equal(cs[j].at) {
				return cs[i].at.Before(cs[j].at)
			}
			return cs[i].id < cs[j].id
		})
		entry := dl.created
		for _, c := range cs {
			if c.from != 0 && !entry.IsZero() {
				if s := d.stages[c.from]; s == nil || !s.won {
					out[c.from] = append(out[c.from], math.Max(0, days(entry, c.at)))
				}
			}
			entry = c.at
		}
	}
	d.history = len(out) > 0
	return out
}

// stageFrom returns the old stage name of a "Stage: A -> B" tracking line.
func stageFrom(tracking string) (string, bool) {
	for _, line := range strings.Split(tracking, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "Stage:")
		if !ok {
			continue
		}
		from, _, ok := strings.Cut(rest, "->")
		if !ok {
			return "", false
		}
		return strings.TrimSpace(from), true
	}
	return "", false
}

// detectStalled flags open deals with nothing planned whose last stage
// change or activity is older than the stall factor times the normal time
// in their stage (and than the minimum idle days).
func detectStalled(env *analysis.Env, d *data, n norms, res *analysis.Result) map[int64]bool {
	factor := env.Threshold(ThresholdStallFactor, StallFactorDefault)
	minDays := env.Threshold(ThresholdStallMinDays, StallMinDaysDefault)
	high := env.Threshold(ThresholdHighValueDeal, HighValueDealDefault)
	stalled := map[int64]bool{}
	count := map[int64]int{}
	for _, dl := range d.deals {
		if dl.state != dealOpen || dl.planned {
			continue
		}
		normal := n.normal(dl.stage)
		limit := math.Max(minDays, factor*normal)
		idle := float64(analysis.DaysBetween(fields.Day(dl.lastTouch), env.Today))
		if dl.lastTouch.IsZero() || idle <= limit {
			continue
		}
		inStage := float64(analysis.DaysBetween(fields.Day(dl.stageUpdate), env.Today))
		stalled[dl.id] = true
		count[dl.company]++
		prio := "medium"
		if dl.expected >= high {
			prio = "high"
		}
		stageName := stageLabel(d, dl.stage)
		cur := d.currency[dl.company]
		detail := fmt.Sprintf("%q has been in %s for %.0f days and idle for %.0f days; deals usually leave this stage within %.1f days (limit %.0f days). No activity is planned.",
			dl.name, stageName, inStage, idle, normal, limit)
		if dl.expected > 0 {
			detail += fmt.Sprintf(" Expected revenue %.2f %s at %.0f%%.", dl.expected, cur, dl.prob)
		}
		refs := []analysis.Ref{env.Ref(modelLead, dl.id)}
		if dl.stage != 0 {
			refs = append(refs, env.Ref(modelStage, dl.stage))
		}
		res.Insights = append(res.Insights, analysis.Insight{
			Kind: KindStalledDeal, Priority: prio, CompanyID: dl.company,
			Title:   fmt.Sprintf("Stalled deal: %s (%.0f days idle in %s)", dl.name, idle, stageName),
			Detail:  detail,
			Subject: fmt.Sprintf("%s:%d", modelLead, dl.id),
			Refs:    refs,
			Facts: map[string]float64{"days_in_stage": inStage, "idle_days": idle, "normal_days": fields.Round2(normal),
				"limit_days": fields.Round2(limit), "expected_revenue": dl.expected, "probability": dl.prob},
			Score: fields.Clamp01(1 - limit/idle),
		})
	}
	for _, dl := range d.deals {
		if _, seen := count[dl.company]; !seen {
			count[dl.company] = 0
		}
	}
	for c, k := range count {
		res.Metrics = append(res.Metrics, metric("sales.deals.stalled", float64(k), "count", c))
	}
	return stalled
}

// normMetrics reports the learned normal days per stage.
func normMetrics(env *analysis.Env, d *data, n norms, res *analysis.Result) {
	for id, s := range d.stages {
		if s.won {
			continue
		}
		m := metric(fmt.Sprintf("sales.stage.%d.normal_days", id), n.normal(id), "days", 0, env.Ref(modelStage, id))
		m.Note = fmt.Sprintf("%s: median of %d completed stays (%s)", s.name, n.samples[id], n.source)
		if _, own := n.byStage[id]; !own {
			m.Note = fmt.Sprintf("%s: too few completed stays (%d); median of all stages (%s)", s.name, n.samples[id], n.source)
		}
		res.Metrics = append(res.Metrics, m)
	}
}

func stageLabel(d *data, id int64) string {
	if s := d.stages[id]; s != nil && s.name != "" {
		return s.name
	}
	if id == 0 {
		return "no stage"
	}
	return fmt.Sprintf("stage %d", id)
}
