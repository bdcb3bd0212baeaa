package odoosync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
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

func parseJobConfig(raw json.RawMessage) (JobConfig, error) {
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

// Analyzer returns the "odoo.sync" analyzer, which runs one Sync of the
// job's connection with a Syncer from newSyncer (which connects the Odoo
// client). A run where some models failed is partial, which the engine
// records as a failed run; a run where every model failed, or that was
// interrupted, fails so the engine retries it.
func Analyzer(newSyncer func(ctx context.Context, connectionID int64) (*Syncer, error)) jobs.Analyzer {
	return jobs.Analyzer{
		Type:        AnalyzerType,
		Description: "Copies the records that changed in Odoo into the local store (incremental sync).",
		ValidateConfigFunc: func(raw json.RawMessage) error {
			_, err := parseJobConfig(raw)
			return err
		},
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			cfg, err := parseJobConfig(run.Job.Config)
			if err != nil {
				return jobs.Outcome{}, err
			}
			s, err := newSyncer(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, fmt.Errorf("odoosync: connection %d: %w", run.Job.ConnectionID, err)
			}
			rep, syncErr := s.Sync(ctx, Opts{Full: cfg.Full, Models: cfg.Models})
			if ctx.Err() != nil || (syncErr != nil && len(rep.Models) == 0) {
				return jobs.Outcome{}, syncErr
			}
			failed := rep.Failed()
			if failed > 0 && failed == len(rep.Models) {
				return jobs.Outcome{}, syncErr
			}
			metrics, err := json.Marshal(rep.Metrics())
			if err != nil {
				return jobs.Outcome{}, fmt.Errorf("odoosync: metrics: %w", err)
			}
			out := jobs.Outcome{Status: store.ResultSuccess, Insights: json.RawMessage(`[]`), Metrics: metrics}
			if failed > 0 {
				// A partial sync leaves those models' copies behind Odoo:
				// the run counts as failed (see jobs.Outcome), and the
				// analyses withhold the figures that read them.
				out.Status = store.ResultPartial
				out.Problem = fmt.Sprintf("%d of %d models failed: %v", failed, len(rep.Models), syncErr)
				if len(rep.Deferred) > 0 {
					out.Problem += fmt.Sprintf("; %d models left for the next run (Odoo's circuit breaker is open)", len(rep.Deferred))
				}
			}
			return out, nil
		},
	}
}
