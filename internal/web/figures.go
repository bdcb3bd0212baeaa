package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
)

// keyFigure is a headline metric shown as a card on the overview.
type keyFigure struct {
	Label  string
	Metric string // metric name in the area's results
	Area   string // the analysis job (area) that computes it
	// Good says which direction is good: "up", "down" or "" (neutral).
	Good string
}

// keyFigureNames are the overview's cards, in order.
var keyFigureNames = []string{"finance.cash.position", "finance.cash.runway_days", "finance.ar.overdue",
	"finance.dso_days", "sales.pipeline.weighted_revenue", "sales.win_rate.365d", "operations.stock.stockout_risk",
	"customers.churn_risk.count"}

// keyFiguresOf describes the named metrics from the catalogue: label,
// area and good direction (a metric not catalogued shows its name).
func keyFiguresOf(cat *analysis.Catalogue, names ...string) []keyFigure {
	out := make([]keyFigure, len(names))
	for i, n := range names {
		area, _, _ := strings.Cut(n, ".")
		out[i] = keyFigure{Label: n, Metric: n, Area: area}
		if m, ok := cat.Metric(n); ok {
			out[i].Label, out[i].Good = m.Label, m.Good
		}
	}
	return out
}

// metricValue is the part of a stored metric a card needs.
type metricValue struct {
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Available bool    `json:"available"`
	Note      string  `json:"note,omitempty"`
}

// figureCard is a key figure ready to render.
type figureCard struct {
	Label     string    `json:"label"`
	Metric    string    `json:"metric"`
	Area      string    `json:"area"`
	Value     string    `json:"value"`
	Raw       float64   `json:"raw"`
	Unit      string    `json:"unit"`
	Available bool      `json:"available"`                  // false: not computed yet or not available in this Odoo
	Note      string    `json:"note,omitempty"`             // why it is missing
	Day       string    `json:"change_day,omitempty"`       // change since yesterday, "" when unknown
	Week      string    `json:"change_week,omitempty"`      // change since last week
	DayClass  string    `json:"change_day_class,omitempty"` // "better", "worse" or ""
	WeekClass string    `json:"change_week_class,omitempty"`
	AsOf      time.Time `json:"as_of"`
}

// figuresTTL bounds how long computed key figures are reused. They are
// recomputed anyway as soon as an analysis job of the connection has run
// again (see figuresStamp); the bound only guards against a result stored
// some other way.
const figuresTTL = 10 * time.Minute

// figuresCache holds recently computed cards per connection and role.
// Decoding every area's metrics three times (now, a day and a week ago)
// was most of the overview's cost.
type figuresCache struct {
	mu      sync.Mutex
	entries map[figuresKey]figuresEntry
}

type figuresKey struct {
	connectionID int64
	role         string
}

type figuresEntry struct {
	at    time.Time
	stamp string
	cards []figureCard
}

// figuresStamp names the state of the analyses the figures come from: each
// analysis job's last run. The job worker stores a result and the run's
// outcome in one transaction, so a new result always comes with a new
// stamp.
func figuresStamp(jobs []*store.MonitoringJob) string {
	var b strings.Builder
	for _, j := range jobs {
		if strings.HasPrefix(j.AnalyzerType, "analysis.") {
			fmt.Fprintf(&b, "%d:%d;", j.ID, j.LastRunAt.UnixNano())
		}
	}
	return b.String()
}

// loadFigures returns the key figures, computed again when an analysis of
// the connection has run since, or after figuresTTL.
func (s *Server) loadFigures(ctx context.Context, role string, jobs []*store.MonitoringJob) ([]figureCard, error) {
	if len(jobs) == 0 {
		return s.computeFigures(ctx, role, jobs)
	}
	key := figuresKey{connectionID: jobs[0].ConnectionID, role: role}
	stamp := figuresStamp(jobs)
	now := s.cfg.NowFunc()
	s.figures.mu.Lock()
	e, ok := s.figures.entries[key]
	s.figures.mu.Unlock()
	if ok && e.stamp == stamp && fresh(e.at, now, figuresTTL) {
		return e.cards, nil
	}
	cards, err := s.computeFigures(ctx, role, jobs)
	if err != nil {
		return nil, err
	}
	s.figures.mu.Lock()
	if s.figures.entries == nil {
		s.figures.entries = map[figuresKey]figuresEntry{}
	}
	s.figures.entries[key] = figuresEntry{at: now, stamp: stamp, cards: cards}
	s.figures.mu.Unlock()
	return cards, nil
}

// computeFigures reads each area's latest result and those of a day and a
// week before, to show every headline figure with its change.
// Only the figures of areas the role may see are returned.
func (s *Server) computeFigures(ctx context.Context, role string, jobs []*store.MonitoringJob) ([]figureCard, error) {
	byArea := map[string]*store.MonitoringJob{}
	for _, j := range jobs {
		if area, ok := strings.CutPrefix(j.AnalyzerType, "analysis."); ok {
			byArea[area] = j
		}
	}
	cache := map[string][3]*snapshot{}
	load := func(area string) ([3]*snapshot, error) {
		if snaps, ok := cache[area]; ok {
			return snaps, nil
		}
		var snaps [3]*snapshot
		j := byArea[area]
		if j == nil {
			cache[area] = snaps
			return snaps, nil
		}
		var now time.Time
		for i, back := range []time.Duration{0, 24 * time.Hour, 7 * 24 * time.Hour} {
			at := time.Time{}
			if i > 0 {
				if now.IsZero() {
					break
				}
				at = now.Add(-back)
			}
			r, err := s.cfg.Store.AnalysisResultLatest(ctx, j.ID, at)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return snaps, err
			}
			byKey, err := analysis.DecodeMetrics(r.Metrics)
			if err != nil {
				return snaps, fmt.Errorf("metrics of result %d: %w", r.ID, err)
			}
			m := make(map[string]metricValue, len(byKey))
			for k, v := range byKey {
				m[k] = metricValue{Value: v.Value, Unit: v.Unit, Available: v.Available, Note: v.Note}
			}
			snaps[i] = &snapshot{at: r.ScheduledAt, metrics: m}
			if i == 0 {
				now = r.ScheduledAt
			}
		}
		cache[area] = snaps
		return snaps, nil
	}
	var cards []figureCard
	for _, kf := range s.keyFigures {
		if !s.canSeeArea(role, kf.Area) {
			continue
		}
		card := figureCard{Label: kf.Label, Metric: kf.Metric, Area: kf.Area}
		snaps, err := load(kf.Area)
		if err != nil {
			return nil, err
		}
		cur, ok := lookupMetric(snaps[0], kf.Metric)
		switch {
		case snaps[0] == nil:
			card.Note = "not computed yet"
		case !ok:
			card.Note = "not computed"
		case !cur.Available && strings.HasPrefix(cur.Note, analysis.WithheldNotePrefix):
			card.Note = cur.Note // a model not completely synced: say which, since when
		case !cur.Available:
			card.Note = "not available in this Odoo"
		default:
			card.Available, card.Value, card.AsOf = true, formatMetric(cur), snaps[0].at
			card.Raw, card.Unit = cur.Value, cur.Unit
			if prev, ok := lookupMetric(snaps[1], kf.Metric); ok && prev.Available {
				card.Day, card.DayClass = change(cur, prev, kf.Good)
			}
			if prev, ok := lookupMetric(snaps[2], kf.Metric); ok && prev.Available {
				card.Week, card.WeekClass = change(cur, prev, kf.Good)
			}
		}
		cards = append(cards, card)
	}
	return cards, nil
}

// snapshot is one stored result's metrics.
type snapshot struct {
	at      time.Time
	metrics map[string]metricValue
}

// lookupMetric finds a metric by name, or as the per-company figure
// ("name@<company>") of the first company that has it.
func lookupMetric(snap *snapshot, name string) (metricValue, bool) {
	if snap == nil {
		return metricValue{}, false
	}
	if m, ok := snap.metrics[name]; ok {
		return m, true
	}
	best := ""
	for k := range snap.metrics {
		if strings.HasPrefix(k, name+"@") && (best == "" || k < best) {
			best = k
		}
	}
	if best == "" {
		return metricValue{}, false
	}
	return snap.metrics[best], true
}

// formatMetric renders a value with its unit: money without decimals and
// with thousands separators, ratios as percentages.
func formatMetric(m metricValue) string {
	switch m.Unit {
	case "ratio":
		return fmt.Sprintf("%.1f%%", m.Value*100)
	case "percent":
		return fmt.Sprintf("%.1f%%", m.Value)
	case "days":
		return fmt.Sprintf("%s days", thousands(math.Round(m.Value)))
	case "count":
		return thousands(math.Round(m.Value))
	case "":
		return thousands(m.Value)
	}
	return thousands(math.Round(m.Value)) + " " + m.Unit
}

// thousands formats v for people: whole numbers without decimals, others
// with two.
func thousands(v float64) string {
	if v == math.Trunc(v) {
		return numfmt.Number(v, 0)
	}
	return numfmt.Number(v, 2)
}

// change describes cur against prev, and whether that is better or worse
// given which direction is good.
func change(cur, prev metricValue, good string) (string, string) {
	d := cur.Value - prev.Value
	if math.Abs(d) < 1e-9 {
		return "no change", ""
	}
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	text := sign + formatMetric(metricValue{Value: math.Abs(d), Unit: cur.Unit})
	if prev.Value != 0 && cur.Unit != "ratio" && cur.Unit != "percent" {
		text += fmt.Sprintf(" (%s%.0f%%)", sign, math.Abs(d/prev.Value)*100)
	}
	class := ""
	switch {
	case good == "up" && d > 0, good == "down" && d < 0:
		class = "better"
	case good != "":
		class = "worse"
	}
	return text, class
}
