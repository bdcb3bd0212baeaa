package briefing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
)

// Facts is everything a briefing says, computed by code. It is stored with
// the briefing's Markdown.
type Facts struct {
	Role    string    `json:"role"`
	Title   string    `json:"title"`
	Company string    `json:"company"`
	Date    string    `json:"date"`  // the reader's local date, YYYY-MM-DD
	AsOf    time.Time `json:"as_of"` // newest analysis used
	Figures []Figure  `json:"figures"`
	// Forecasts are forward-looking figures.
	Forecasts []Figure `json:"forecasts,omitempty"`
	Alerts    []Item   `json:"alerts"`
	// AlertsOpen counts the open alerts of the role's areas at or above its
	// minimum priority, listed or not.
	AlertsOpen      int            `json:"alerts_open"`
	AlertsByPrio    map[string]int `json:"alerts_by_priority"`
	Insights        int            `json:"insights"`
	Recommendations []Item         `json:"recommendations"`
	// Decisions are proposed actions waiting for a person's approval
	// (the first few); DecisionsWaiting counts them all.
	Decisions        []Item `json:"decisions,omitempty"`
	DecisionsWaiting int    `json:"decisions_waiting"`
	// Missing names the areas without any analysis result yet.
	Missing   []string  `json:"missing,omitempty"`
	Narrative Narrative `json:"narrative"`
	// Charts are the role's charts (Role.Charts) with their values, for
	// the email's images; the model never sees them.
	Charts []chart.Chart `json:"charts,omitempty"`
}

// Narrative records who wrote the summary paragraph.
type Narrative struct {
	Source string `json:"source"` // "model" or "template"
	Model  string `json:"model,omitempty"`
	// Rejected says why the model's text was not used (grounding failure,
	// budget, provider error), empty when it was or none was asked.
	Rejected string `json:"rejected,omitempty"`
	// RejectedText keeps a rejected model text for review.
	RejectedText string `json:"rejected_text,omitempty"`
}

// Figure is a headline metric with its changes.
type Figure struct {
	Name      string         `json:"name"`
	Label     string         `json:"label"`
	Value     float64        `json:"value"`
	Unit      string         `json:"unit"`
	Display   string         `json:"display"`
	Day       *float64       `json:"day_change,omitempty"`
	Week      *float64       `json:"week_change,omitempty"`
	DayText   string         `json:"day_text,omitempty"`
	WeekText  string         `json:"week_text,omitempty"`
	Good      string         `json:"good,omitempty"` // "up", "down" or ""
	Note      string         `json:"note,omitempty"`
	Refs      []analysis.Ref `json:"refs,omitempty"`
	Available bool           `json:"available"`
}

// Item is an alert or a recommendation with the records behind it.
type Item struct {
	Priority string         `json:"priority"`
	Kind     string         `json:"kind,omitempty"`
	Area     string         `json:"area"`
	Text     string         `json:"text"`
	Detail   string         `json:"detail,omitempty"`
	Refs     []analysis.Ref `json:"refs,omitempty"`
}

// URL returns the first record link of the item, or "".
func (it Item) URL() string { return firstURL(it.Refs) }

func firstURL(refs []analysis.Ref) string {
	for _, r := range refs {
		if r.URL != "" {
			return r.URL
		}
	}
	return ""
}

// snapshot is one stored result.
type snapshot struct {
	at       time.Time
	metrics  map[string]analysis.Metric
	insights []analysis.Insight
}

// lookup finds a metric by name, or the per-company figure of the first
// company that has it.
func (s *snapshot) lookup(name string) (analysis.Metric, bool) {
	if s == nil {
		return analysis.Metric{}, false
	}
	if m, ok := s.metrics[name]; ok {
		return m, true
	}
	best := ""
	for k := range s.metrics {
		if strings.HasPrefix(k, name+"@") && (best == "" || k < best) {
			best = k
		}
	}
	if best == "" {
		return analysis.Metric{}, false
	}
	return s.metrics[best], true
}

// loadArea reads an area's latest result at or before at, and those a day
// and a week before it.
func loadArea(ctx context.Context, s *store.Store, job *store.MonitoringJob, at time.Time) ([3]*snapshot, error) {
	var snaps [3]*snapshot
	if job == nil {
		return snaps, nil
	}
	for i, back := range []time.Duration{0, 24 * time.Hour, 7 * 24 * time.Hour} {
		if i > 0 && snaps[0] == nil {
			break
		}
		t := at
		if i > 0 {
			t = snaps[0].at.Add(-back)
		}
		r, err := s.AnalysisResultLatest(ctx, job.ID, t)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return snaps, fmt.Errorf("briefing: %w", err)
		}
		snap := &snapshot{at: r.ScheduledAt}
		if i == 0 {
			res, err := analysis.DecodeResult(job.Name, r)
			if err != nil {
				return snaps, fmt.Errorf("briefing: %w", err)
			}
			snap.metrics, snap.insights = res.ByKey, res.Insights
		} else if snap.metrics, err = analysis.DecodeMetrics(r.Metrics); err != nil {
			return snaps, fmt.Errorf("briefing: metrics of result %d: %w", r.ID, err)
		}
		snaps[i] = snap
	}
	return snaps, nil
}

// buildFacts gathers the bundle for a role at a time, over the areas of
// cat.
func buildFacts(ctx context.Context, s *store.Store, cat *analysis.Catalogue, conn *store.Connection, role Role, date string, at time.Time) (*Facts, error) {
	f := &Facts{Role: role.Name, Title: role.Title, Company: conn.Name, Date: date, AlertsByPrio: map[string]int{}}
	jobs, err := s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: conn.ID})
	if err != nil {
		return nil, fmt.Errorf("briefing: %w", err)
	}
	byArea := map[string]*store.MonitoringJob{}
	for _, j := range jobs {
		if area, ok := strings.CutPrefix(j.AnalyzerType, analysis.JobTypePrefix); ok {
			byArea[area] = j
		}
	}
	snaps := map[string][3]*snapshot{}
	for _, area := range cat.Areas() {
		if !slices.Contains(role.Areas, area) && !roleNeedsArea(role, area) {
			continue
		}
		sn, err := loadArea(ctx, s, byArea[area], at)
		if err != nil {
			return nil, err
		}
		snaps[area] = sn
		if sn[0] == nil && slices.Contains(role.Areas, area) {
			f.Missing = append(f.Missing, area)
		}
		if sn[0] != nil && sn[0].at.After(f.AsOf) {
			f.AsOf = sn[0].at
		}
	}
	for _, name := range role.Figures {
		f.Figures = append(f.Figures, figureOf(cat, name, snaps[areaOf(name)]))
	}
	for _, name := range forecastFigures {
		if slices.Contains(role.Areas, areaOf(name)) {
			if fig := figureOf(cat, name, snaps[areaOf(name)]); fig.Available {
				f.Forecasts = append(f.Forecasts, fig)
			}
		}
	}

	// What needs attention: the open alerts of the role's areas.
	alerts, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: conn.ID, OpenOnly: true, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("briefing: %w", err)
	}
	for _, a := range alerts {
		if !slices.Contains(role.Areas, a.Type) && !(role.Name == store.RoleCEO && a.Type != "") {
			continue
		}
		if store.PriorityRank(a.Priority) > store.PriorityRank(role.MinPriority) {
			continue
		}
		f.AlertsOpen++
		f.AlertsByPrio[a.Priority]++
		if len(f.Alerts) < role.MaxAlerts {
			var data struct {
				Kind string         `json:"kind"`
				Refs []analysis.Ref `json:"refs"`
			}
			_ = json.Unmarshal(a.Data, &data) // alerts not raised from insights have other data
			f.Alerts = append(f.Alerts, Item{Priority: a.Priority, Kind: data.Kind, Area: a.Type, Text: a.Title, Detail: a.Description, Refs: data.Refs})
		}
	}

	// Recommendations: the most urgent findings, one per subject, three to five.
	var insights []analysis.Insight
	for _, area := range role.Areas {
		if sn := snaps[area]; sn[0] != nil {
			insights = append(insights, sn[0].insights...)
		}
	}
	f.Insights = len(insights)
	sort.SliceStable(insights, func(i, j int) bool {
		a, b := insights[i], insights[j]
		if analysis.PriorityRank(a.Priority) != analysis.PriorityRank(b.Priority) {
			return analysis.PriorityRank(a.Priority) < analysis.PriorityRank(b.Priority)
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Subject < b.Subject
	})
	perKind := map[string]int{}
	for _, in := range insights {
		if len(f.Recommendations) == 5 {
			break
		}
		// Variety: at most two of a kind while others wait.
		if perKind[in.Kind] >= 2 {
			continue
		}
		perKind[in.Kind]++
		f.Recommendations = append(f.Recommendations, Item{Priority: in.Priority, Kind: in.Kind, Area: areaOfKind(in, snaps),
			Text: action(in.Kind) + in.Title, Refs: in.Refs})
	}
	for _, in := range insights { // fill up to three when one kind dominates
		if len(f.Recommendations) >= 3 {
			break
		}
		if !slices.ContainsFunc(f.Recommendations, func(it Item) bool { return it.Text == action(in.Kind)+in.Title }) {
			f.Recommendations = append(f.Recommendations, Item{Priority: in.Priority, Kind: in.Kind, Area: areaOfKind(in, snaps), Text: action(in.Kind) + in.Title, Refs: in.Refs})
		}
	}
	if err := addDecisions(ctx, s, conn.ID, f); err != nil {
		return nil, err
	}
	if f.Charts, err = buildCharts(ctx, s, cat, conn.ID, role.Charts, byArea, date, at); err != nil {
		return nil, err
	}
	return f, nil
}

// maxDecisions is how many waiting decisions a briefing lists.
const maxDecisions = 5

// addDecisions lists the actions waiting for approval, oldest first.
func addDecisions(ctx context.Context, s *store.Store, connectionID int64, f *Facts) error {
	pending, err := s.ActionList(ctx, store.ActionListParams{ConnectionID: connectionID, Statuses: []string{"pending"}})
	if err != nil {
		return fmt.Errorf("briefing: waiting decisions: %w", err)
	}
	f.DecisionsWaiting = len(pending)
	for _, act := range pending {
		if len(f.Decisions) == maxDecisions {
			break
		}
		f.Decisions = append(f.Decisions, Item{Kind: act.ActionType, Text: act.Description})
	}
	return nil
}

// roleNeedsArea reports whether a role's figures read an area it does not
// otherwise cover.
func roleNeedsArea(role Role, area string) bool {
	return slices.ContainsFunc(role.Figures, func(m string) bool { return areaOf(m) == area })
}

func areaOfKind(in analysis.Insight, snaps map[string][3]*snapshot) string {
	for area, sn := range snaps {
		if sn[0] != nil && slices.ContainsFunc(sn[0].insights, func(x analysis.Insight) bool { return x.Kind == in.Kind && x.Subject == in.Subject }) {
			return area
		}
	}
	return ""
}

// action starts a recommendation for a detector's finding.
func action(kind string) string {
	switch kind {
	case "overdue_invoice":
		return "Chase payment: "
	case "stalled_deal":
		return "Revive or close: "
	case "stockout_risk":
		return "Reorder: "
	case "churn_risk":
		return "Call the customer: "
	case "duplicate_expense":
		return "Check for a duplicate: "
	case "budget_overrun":
		return "Review the budget: "
	case "supplier_late":
		return "Talk to the supplier: "
	case "unusual_transaction":
		return "Verify: "
	case "low_cash_runway":
		return "Protect cash: "
	}
	return "Look into: "
}

func figureOf(cat *analysis.Catalogue, name string, snaps [3]*snapshot) Figure {
	// Labels and good directions come from the analyzers' catalogue; a
	// metric not catalogued shows its name.
	info, ok := cat.Metric(name)
	if !ok {
		info.Label = name
	}
	fig := Figure{Name: name, Label: info.Label, Good: info.Good}
	cur, ok := snaps[0].lookup(name)
	switch {
	case snaps[0] == nil:
		fig.Note = "not computed yet"
		return fig
	case !ok:
		fig.Note = "not computed"
		return fig
	case !cur.Available:
		fig.Note = "not available in this Odoo"
		return fig
	}
	fig.Available, fig.Value, fig.Unit, fig.Refs = true, cur.Value, cur.Unit, cur.Refs
	fig.Display = formatValue(cur.Value, cur.Unit)
	if prev, ok := snaps[1].lookup(name); ok && prev.Available {
		d := cur.Value - prev.Value
		fig.Day, fig.DayText = &d, changeText(cur.Value, prev.Value, cur.Unit)
	}
	if prev, ok := snaps[2].lookup(name); ok && prev.Available {
		d := cur.Value - prev.Value
		fig.Week, fig.WeekText = &d, changeText(cur.Value, prev.Value, cur.Unit)
	}
	return fig
}

// formatValue renders a value with its unit: money and counts without
// decimals and with thousands separators, ratios as percentages.
func formatValue(v float64, unit string) string {
	switch unit {
	case "ratio":
		return fmt.Sprintf("%.1f%%", v*100)
	case "percent":
		return fmt.Sprintf("%.1f%%", v)
	case "days":
		return thousands(math.Round(v)) + " days"
	case "count", "":
		return thousands(math.Round(v))
	}
	return thousands(math.Round(v)) + " " + unit
}

func changeText(cur, prev float64, unit string) string {
	d := cur - prev
	if math.Abs(d) < 1e-9 {
		return "no change"
	}
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	if unit == "ratio" {
		return fmt.Sprintf("%s%.1f pts", sign, math.Abs(d)*100)
	}
	text := sign + formatValue(math.Abs(d), unit)
	if prev != 0 && unit != "percent" {
		text += fmt.Sprintf(" (%s%.0f%%)", sign, math.Abs(d/prev)*100)
	}
	return text
}

func thousands(v float64) string { return numfmt.Number(v, 0) }
