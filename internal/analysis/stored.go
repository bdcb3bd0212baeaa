package analysis

import (
	"encoding/json"
	"fmt"
	"strconv"
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
