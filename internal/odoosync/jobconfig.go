package odoosync

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// AnalyzerType is the analyzer type of the sync monitoring job.
const AnalyzerType = "odoo.sync"

// JobConfig is the config of an "odoo.sync" monitoring job. The empty
// object syncs every configured model incrementally.
type JobConfig struct {
	// Full fetches everything and sweeps every model on each run.
	Full bool `json:"full,omitempty"`
	// Models restricts the run to these models.
	Models []string `json:"models,omitempty"`
}

// ParseJobConfig reads an "odoo.sync" job's config, refusing unknown
// fields.
func ParseJobConfig(raw json.RawMessage) (JobConfig, error) {
	var c JobConfig
	if len(raw) == 0 {
		return c, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("odoosync: job config: %w", err)
	}
	return c, nil
}

// Metrics is the metrics JSON of an "odoo.sync" run.
type Metrics struct {
	DurationMS int64                   `json:"duration_ms"`
	Full       bool                    `json:"full"`
	Fetched    int64                   `json:"fetched"`
	Deleted    int64                   `json:"deleted"`
	Failed     int                     `json:"failed"`
	Deferred   []string                `json:"deferred,omitempty"`
	Models     map[string]ModelMetrics `json:"models"`
}

// ModelMetrics are the figures of one model in Metrics.
type ModelMetrics struct {
	Status     string `json:"status"`
	Fetched    int64  `json:"fetched"`
	Upserted   int64  `json:"upserted"`
	Deleted    int64  `json:"deleted"`
	Repaired   int64  `json:"repaired,omitempty"`
	Total      int64  `json:"total"`
	Swept      bool   `json:"swept,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// Metrics summarises the report for a job run or an API.
func (r *Report) Metrics() Metrics {
	m := Metrics{DurationMS: r.Duration.Milliseconds(), Full: r.Full, Failed: r.Failed(), Deferred: r.Deferred, Models: map[string]ModelMetrics{}}
	for _, mr := range r.Models {
		mm := ModelMetrics{Status: mr.Status, Fetched: mr.Fetched, Upserted: mr.Upserted, Deleted: mr.Deleted,
			Repaired: mr.Repaired, Total: mr.Total, Swept: mr.Swept, DurationMS: mr.Duration.Milliseconds()}
		if mr.Err != nil {
			mm.Error = mr.Err.Error()
		}
		m.Models[mr.Model] = mm
		m.Fetched += mr.Fetched
		m.Deleted += mr.Deleted
	}
	return m
}
