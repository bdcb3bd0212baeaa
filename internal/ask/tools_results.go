package ask

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

func (t *tools) resultTools() []Tool {
	nameDesc := `Metric name as the catalogue has it, e.g. "finance.cash.position", "finance.ar.overdue", "sales.pipeline.weighted_revenue".`
	return []Tool{{
		Name: "metric",
		Description: "A figure aicoo computed in its latest analysis (or the latest as of a date): cash, receivables overdue, pipeline, " +
			"stock-out risk... with its label, unit and when it was computed. Per-company figures are listed per company.",
		Schema: schema(map[string]any{
			"name":       prop("string", nameDesc),
			"company_id": map[string]any{"type": "integer", "description": "Only this company's figure (companies with their own figure)."},
			"as_of":      prop("string", "Date YYYY-MM-DD: the latest figure computed by the end of that day. Omitted: the latest."),
		}, "name"),
		Perm: access.View, Run: t.metric,
	}, {
		Name:        "metric_history",
		Description: "How a figure moved: its value at the end of each day between two dates, from aicoo's stored analyses.",
		Schema: schema(map[string]any{
			"name": prop("string", nameDesc),
			"from": prop("string", "First date YYYY-MM-DD (default: 30 days before to)."),
			"to":   prop("string", "Last date YYYY-MM-DD (default: today)."),
		}, "name"),
		Perm: access.View, Run: t.metricHistory,
	}, {
		Name: "explain_metric",
		Description: "What a figure is made of: its description and the Odoo records behind its latest value (as the analytics " +
			"drill-down shows them), with their names.",
		Schema: schema(map[string]any{"name": prop("string", nameDesc)}, "name"),
		Perm:   access.View, Run: t.explainMetric,
	}, {
		Name:        "alerts",
		Description: "Alerts aicoo raised (open by default), most urgent and newest first, limited to the areas the user sees.",
		Schema: schema(map[string]any{
			"status":   enumProp("Which alerts (default open: new or acknowledged).", "open", "all", "new", "acknowledged", "resolved", "dismissed"),
			"priority": enumProp("Only this priority.", "critical", "high", "medium", "low"),
			"area":     prop("string", "Only alerts of this area: finance, sales, operations, customers, expenses, series."),
			"limit":    map[string]any{"type": "integer", "description": "At most this many (default 20, max 100).", "minimum": 1, "maximum": 100},
		}),
		Perm: access.View, Run: t.alerts,
	}, {
		Name:        "alert",
		Description: "One alert with the Odoo records behind it and its history (raised, acknowledged, notified, escalated, resolved...).",
		Schema:      schema(map[string]any{"id": map[string]any{"type": "integer", "description": "The alert id.", "minimum": 1}}, "id"),
		Perm:        access.View, Run: t.alert,
	}, {
		Name:        "briefing",
		Description: "The daily briefing of a role for a date: headline figures with their changes, open alerts, decisions waiting and recommendations.",
		Schema: schema(map[string]any{
			"role": enumProp("Whose briefing (default: the user's own). Roles limited to some areas may only read their own.", "ceo", "cfo", "sales", "ops"),
			"date": prop("string", "Date YYYY-MM-DD (default: today)."),
		}),
		Perm: access.View, Run: t.briefing,
	}, {
		Name: "actions",
		Description: "Autonomous actions aicoo proposed or ran (follow-ups, reminders, draft RFQs, meetings, tasks), pending approval by default, " +
			"with their reasons and who may approve them.",
		Schema: schema(map[string]any{
			"status": enumProp("Which actions (default pending).", "pending", "approved", "executed", "rolled_back", "closed", "all"),
			"type":   prop("string", "Only this action type, e.g. followup_activity, payment_reminder, draft_rfq."),
			"limit":  map[string]any{"type": "integer", "description": "At most this many (default 20, max 100).", "minimum": 1, "maximum": 100},
		}),
		Perm: access.View, Run: t.listActions,
	}}
}

// metricArea returns the area of a metric name and checks the caller may
// see it.
func (t *tools) metricArea(tool string, c Caller, name string) (string, analysis.MetricInfo, error) {
	area, _, _ := strings.Cut(name, ".")
	if !t.d.Catalogue.IsArea(area) {
		return "", analysis.MetricInfo{}, inputErr(tool, "no metric %q: names start with an area (%s)", name, strings.Join(t.d.Catalogue.Areas(), ", "))
	}
	if !t.d.Access.CanSeeArea(c.Role, area) {
		return "", analysis.MetricInfo{}, refuse(tool, c.Role, "the figure "+name, area)
	}
	info, ok := t.d.Catalogue.Metric(name)
	if !ok {
		info = analysis.MetricInfo{Name: name, Label: name}
	}
	return area, info, nil
}

// areaJob returns the analysis job of an area on the caller's connection.
func (t *tools) areaJob(ctx context.Context, c Caller, area string) (*store.MonitoringJob, error) {
	jobs, err := t.d.Store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: c.ConnectionID})
	if err != nil {
		return nil, fmt.Errorf("ask: jobs: %w", err)
	}
	for _, j := range jobs {
		if j.AnalyzerType == analysis.JobTypePrefix+area {
			return j, nil
		}
	}
	return nil, nil
}

// metricValue is a figure as the result tools return it.
type metricValue struct {
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Label       string    `json:"label"`
	Description string    `json:"description,omitempty"`
	CompanyID   int64     `json:"company_id,omitempty"`
	Value       float64   `json:"value"`
	Unit        string    `json:"unit"`
	Display     string    `json:"display"`
	Available   bool      `json:"available"`
	Note        string    `json:"note,omitempty"`
	AsOf        time.Time `json:"as_of"`
}

// display renders a value for people: money to the cent, ratios as
// percentages.
func display(v float64, unit string) string {
	switch unit {
	case "ratio":
		return fmt.Sprintf("%.1f%%", v*100)
	case "percent":
		return fmt.Sprintf("%.1f%%", v)
	case "days":
		return fmt.Sprintf("%.0f days", v)
	case "count":
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case "":
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return money(v, unit)
}

// roundFor rounds a figure by its unit: money to cents.
func roundFor(v float64, unit string) float64 {
	switch unit {
	case "ratio", "percent", "days", "count", "":
		return math.Round(v*1e4) / 1e4
	}
	return cents(v)
}

// metricPath is the dashboard page of the metric stored under key in
// byKey: the company is named only when the result has several.
func metricPath(area string, byKey map[string]analysis.Metric, key string) string {
	m := byKey[key]
	name := m.Name
	if name == "" {
		name, _, _ = strings.Cut(key, "@")
	}
	var company int64
	for _, o := range byKey {
		// A figure of no company (0) does not make the result multi-company.
		if o.CompanyID != 0 && o.CompanyID != m.CompanyID {
			company = m.CompanyID
			break
		}
	}
	return areas.MetricPath(area, name, company, "")
}

// latestResult reads the latest stored result of an area scheduled by t
// (zero: the latest), or nil when there is none.
func (t *tools) latestResult(ctx context.Context, c Caller, area string, at time.Time) (*analysis.StoredResult, error) {
	j, err := t.areaJob(ctx, c, area)
	if err != nil || j == nil {
		return nil, err
	}
	sr, err := t.d.Store.AnalysisResultLatest(ctx, j.ID, at)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ask: latest %s result: %w", area, err)
	}
	return analysis.DecodeResult(area, sr)
}

func (t *tools) metric(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "metric"
	var p struct {
		Name      string `json:"name"`
		CompanyID int64  `json:"company_id"`
		AsOf      string `json:"as_of"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	area, info, err := t.metricArea(tool, c, p.Name)
	if err != nil {
		return nil, err
	}
	var at time.Time
	if p.AsOf != "" {
		day, err := parseDay(tool, "as_of", p.AsOf, time.Time{})
		if err != nil {
			return nil, err
		}
		at = day.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	res, err := t.latestResult(ctx, c, area, at)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return &Output{Data: []metricValue{}, Text: fmt.Sprintf("The %s analysis has not run yet, so %s is not known.", area, info.Label)}, nil
	}
	keys := analysis.MetricKeys(res.ByKey, p.Name, p.CompanyID)
	if len(keys) == 0 {
		return nil, inputErr(tool, "the latest %s analysis has no metric %q", area, p.Name)
	}
	out := &Output{}
	var vals []metricValue
	var texts []string
	for _, k := range keys {
		m := res.ByKey[k]
		v := metricValue{Key: k, Name: p.Name, Label: info.Label, Description: info.Description, CompanyID: m.CompanyID,
			Value: roundFor(m.Value, m.Unit), Unit: m.Unit, Available: m.Available, Note: m.Note, AsOf: res.ScheduledAt}
		v.Display = "not available"
		if m.Available {
			v.Display = display(m.Value, m.Unit)
		}
		vals = append(vals, v)
		texts = append(texts, fmt.Sprintf("%s: %s", info.Label, v.Display))
		out.Sources = append(out.Sources, Source{Label: info.Label, Path: metricPath(area, res.ByKey, k)})
	}
	out.Data = vals
	out.Text = strings.Join(texts, "; ") + " (as of " + res.ScheduledAt.Format("2006-01-02 15:04") + " UTC)."
	return out, nil
}

// historyPoint is a figure at the end of one day.
type historyPoint struct {
	Date      string  `json:"date"`
	Value     float64 `json:"value"`
	Available bool    `json:"available"`
}

func (t *tools) metricHistory(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "metric_history"
	var p struct {
		Name string `json:"name"`
		From string `json:"from"`
		To   string `json:"to"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	area, info, err := t.metricArea(tool, c, p.Name)
	if err != nil {
		return nil, err
	}
	now := t.now()
	to, err := parseDay(tool, "to", p.To, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	from, err := parseDay(tool, "from", p.From, to.AddDate(0, 0, -30))
	if err != nil {
		return nil, err
	}
	if from.After(to) {
		return nil, inputErr(tool, "from (%s) is after to (%s)", p.From, p.To)
	}
	j, err := t.areaJob(ctx, c, area)
	if err != nil {
		return nil, err
	}
	points := []historyPoint{}
	unit := info.Unit
	if j != nil {
		// Results are newest first; a day keeps its last result.
		results, err := t.d.Store.AnalysisResultList(ctx, store.AnalysisResultListParams{ConnectionID: c.ConnectionID, JobID: j.ID, Limit: 5000})
		if err != nil {
			return nil, fmt.Errorf("ask: %s history: %w", p.Name, err)
		}
		seen := map[string]bool{}
		end := to.AddDate(0, 0, 1)
		for _, r := range results {
			if r.ScheduledAt.Before(from) || !r.ScheduledAt.Before(end) {
				continue
			}
			day := r.ScheduledAt.UTC().Format(time.DateOnly)
			if seen[day] || (r.Status != store.ResultSuccess && r.Status != store.ResultPartial) {
				continue
			}
			ms, err := analysis.DecodeMetrics(r.Metrics)
			if err != nil {
				return nil, fmt.Errorf("ask: %s history: %w", p.Name, err)
			}
			keys := analysis.MetricKeys(ms, p.Name, 0)
			if len(keys) == 0 {
				continue
			}
			m := ms[keys[0]]
			seen[day], unit = true, m.Unit
			points = append(points, historyPoint{Date: day, Value: roundFor(m.Value, m.Unit), Available: m.Available})
		}
	}
	slices.Reverse(points)
	out := &Output{Data: map[string]any{"name": p.Name, "label": info.Label, "unit": unit, "points": points},
		Sources: []Source{{Label: info.Label, Path: areas.MetricPath(area, p.Name, 0, "")}}}
	if len(points) == 0 {
		out.Text = fmt.Sprintf("No %s figures between %s and %s.", info.Label, from.Format(time.DateOnly), to.Format(time.DateOnly))
	} else {
		first, last := points[0], points[len(points)-1]
		out.Text = fmt.Sprintf("%s went from %s on %s to %s on %s.", info.Label, display(first.Value, unit), first.Date, display(last.Value, unit), last.Date)
	}
	return out, nil
}

// explainedRecord is one record behind a figure.
type explainedRecord struct {
	Model string `json:"model"`
	ID    int64  `json:"id"`
	Name  string `json:"name,omitempty"`
}

// explainMax bounds the records listed for one figure (the drill-down's
// own bound is 500; a model needs fewer to explain).
const explainMax = 50

func (t *tools) explainMetric(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "explain_metric"
	var p struct {
		Name string `json:"name"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	area, info, err := t.metricArea(tool, c, p.Name)
	if err != nil {
		return nil, err
	}
	res, err := t.latestResult(ctx, c, area, time.Time{})
	if err != nil {
		return nil, err
	}
	if res == nil {
		return &Output{Data: nil, Text: fmt.Sprintf("The %s analysis has not run yet.", area)}, nil
	}
	keys := analysis.MetricKeys(res.ByKey, p.Name, 0)
	if len(keys) == 0 {
		return nil, inputErr(tool, "the latest %s analysis has no metric %q", area, p.Name)
	}
	r, err := t.openRecords(ctx, c)
	if err != nil {
		return nil, err
	}
	type part struct {
		Key       string            `json:"key"`
		CompanyID int64             `json:"company_id,omitempty"`
		Value     float64           `json:"value"`
		Display   string            `json:"display"`
		Records   []explainedRecord `json:"records"`
		Total     int               `json:"total_records"`
	}
	data := map[string]any{"name": p.Name, "label": info.Label, "description": info.Description, "unit": info.Unit, "as_of": res.ScheduledAt}
	var parts []part
	out := &Output{}
	for _, k := range keys {
		m := res.ByKey[k]
		pt := part{Key: k, CompanyID: m.CompanyID, Value: roundFor(m.Value, m.Unit), Display: display(m.Value, m.Unit), Records: []explainedRecord{}}
		if !m.Available {
			pt.Display = "not available"
		}
		out.Sources = append(out.Sources, Source{Label: info.Label, Path: metricPath(area, res.ByKey, k)})
		for _, ref := range m.Refs {
			pt.Total += len(ref.IDs)
			if !r.visible(ref.Model) {
				continue // counted, not listed: records of an area the role does not see
			}
			for _, id := range ref.IDs {
				if len(pt.Records) == explainMax {
					break
				}
				rec := explainedRecord{Model: ref.Model, ID: id}
				if r.usable(ref.Model) {
					rec.Name = r.DisplayName(ref.Model, id)
				}
				pt.Records = append(pt.Records, rec)
				if len(out.Sources) < sourcesMax {
					out.Sources = append(out.Sources, Source{Label: t.recordLabel(ref.Model, rec.Name, id), Model: ref.Model, ID: id})
				}
			}
		}
		parts = append(parts, pt)
	}
	if r.err != nil {
		return nil, r.err
	}
	data["figures"] = parts
	out.Data = data
	desc := cmp.Or(info.Description, info.Label)
	out.Text = fmt.Sprintf("%s: %s. %s Computed from %d Odoo records.", info.Label, parts[0].Display, desc, parts[0].Total)
	return out, nil
}
