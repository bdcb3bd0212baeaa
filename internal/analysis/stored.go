package analysis

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// JobTypePrefix starts the monitoring-job analyzer type of every area:
// "analysis.finance", "analysis.sales", ...
const JobTypePrefix = "analysis."

// JobConfig is the config of an analysis monitoring job.
type JobConfig struct {
	// Thresholds override the analyzer's defaults by name.
	Thresholds map[string]float64 `json:"thresholds,omitempty"`
}

// ParseJobConfig reads an analysis job's config; empty means defaults.
func ParseJobConfig(raw json.RawMessage) (JobConfig, error) {
	var cfg JobConfig
	if len(raw) == 0 {
		return cfg, nil
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return cfg, fmt.Errorf("want {\"thresholds\": {\"name\": number}}: %w", err)
	}
	return cfg, nil
}

// Stored is a result as a job run stores it.
type Stored struct {
	Metrics  json.RawMessage
	Insights json.RawMessage
}

// Outcome encodes a result as a job run stores it: metrics as an object
// keyed by name (suffixed "@<company id>" for per-company figures) and the
// insights as an array.
func Outcome(res *Result) (Stored, error) {
	metrics := make(map[string]Metric, len(res.Metrics))
	for _, m := range res.Metrics {
		key := m.Name
		if m.CompanyID != 0 {
			key += "@" + strconv.FormatInt(m.CompanyID, 10)
		}
		metrics[key] = m
	}
	mj, err := json.Marshal(metrics)
	if err != nil {
		return Stored{}, err
	}
	insights := res.Insights
	if insights == nil {
		insights = []Insight{}
	}
	ij, err := json.Marshal(insights)
	if err != nil {
		return Stored{}, err
	}
	return Stored{Metrics: mj, Insights: ij}, nil
}

// MetricKeys returns the stored keys of the metric called name in byKey:
// the name itself, or its per-company keys ("name@<company id>"), only
// company's when company is not 0; sorted by company.
func MetricKeys(byKey map[string]Metric, name string, company int64) []string {
	var out []string
	for k, m := range byKey {
		if (k == name || strings.HasPrefix(k, name+"@")) && (company == 0 || m.CompanyID == company) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(byKey[a].CompanyID, byKey[b].CompanyID) })
	return out
}

// StoredResult is an analysis result read back from the store: the one
// decoding of what Outcome encoded, for every reader (alerts, briefings,
// the dashboard, actions and chat tools).
type StoredResult struct {
	// Result holds the area, the metrics in key order and the insights.
	Result
	ID          int64
	JobID       int64
	ScheduledAt time.Time
	Status      string
	// ByKey are the metrics by their stored key: the name, suffixed
	// "@<company id>" for per-company figures.
	ByKey map[string]Metric
}

// DecodeResult decodes a stored result of an area.
func DecodeResult(area string, sr *store.AnalysisResult) (*StoredResult, error) {
	byKey, err := DecodeMetrics(sr.Metrics)
	if err != nil {
		return nil, fmt.Errorf("analysis: result %d metrics: %w", sr.ID, err)
	}
	out := &StoredResult{Result: Result{Area: area}, ID: sr.ID, JobID: sr.JobID, ScheduledAt: sr.ScheduledAt, Status: sr.Status, ByKey: byKey}
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		out.Metrics = append(out.Metrics, byKey[k])
	}
	if len(sr.Insights) > 0 {
		if err := json.Unmarshal(sr.Insights, &out.Insights); err != nil {
			return nil, fmt.Errorf("analysis: result %d insights: %w", sr.ID, err)
		}
	}
	return out, nil
}

// DecodeMetrics decodes only the metrics of a stored result, by key, for
// readers of many results' figures (a metric's history).
func DecodeMetrics(raw json.RawMessage) (map[string]Metric, error) {
	m := map[string]Metric{}
	if len(raw) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode metrics: %w", err)
	}
	return m, nil
}
