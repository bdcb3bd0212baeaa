package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/odoo"
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

// ResultFunc receives each run's result, with the job it ran for (to raise
// alerts from its insights, for example).
type ResultFunc func(ctx context.Context, job *store.MonitoringJob, res *Result) error

// JobAnalyzer adapts an analyzer to the job engine: it reads the job's
// connection from the store, runs the analyzer with the thresholds of the
// job's config, and returns the metrics and insights to be stored with the
// run. now gives the reference date; cache, if not nil, shares decoded
// records between the analyzers; onResult, if not nil, sees every result.
func JobAnalyzer(s *store.Store, a Analyzer, now func() time.Time, cache *RecordCache, onResult ResultFunc) jobs.Analyzer {
	return jobs.Analyzer{
		Type:        JobTypePrefix + a.Area(),
		Description: "Analyze " + a.Area() + " from the synced Odoo records",
		ValidateConfigFunc: func(raw json.RawMessage) error {
			_, err := parseJobConfig(raw)
			return err
		},
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			cfg, err := parseJobConfig(run.Job.Config)
			if err != nil {
				return jobs.Outcome{}, err
			}
			conn, err := s.ConnectionByID(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, err
			}
			var src Source = StoreSource{Store: s, ConnectionID: conn.ID}
			if cache != nil {
				src = cache.Source(s, conn.ID)
			}
			env := &Env{
				Source:     src,
				Today:      odoo.DateOf(now().UTC()),
				Thresholds: cfg.Thresholds,
				OdooURL:    conn.OdooURL,
			}
			res, err := Run(ctx, a, env)
			if err != nil {
				return jobs.Outcome{}, fmt.Errorf("%s analysis: %w", a.Area(), err)
			}
			if onResult != nil {
				if err := onResult(ctx, run.Job, res); err != nil {
					return jobs.Outcome{}, err
				}
			}
			return Outcome(res)
		},
	}
}

func parseJobConfig(raw json.RawMessage) (JobConfig, error) {
	var cfg JobConfig
	if len(raw) == 0 {
		return cfg, nil
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return cfg, fmt.Errorf("want {\"thresholds\": {\"name\": number}}: %w", err)
	}
	return cfg, nil
}

// Outcome turns a result into what the job engine stores: metrics as an
// object keyed by name (suffixed "@<company id>" for per-company figures)
// and the insights as an array.
func Outcome(res *Result) (jobs.Outcome, error) {
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
		return jobs.Outcome{}, err
	}
	insights := res.Insights
	if insights == nil {
		insights = []Insight{}
	}
	ij, err := json.Marshal(insights)
	if err != nil {
		return jobs.Outcome{}, err
	}
	return jobs.Outcome{Metrics: mj, Insights: ij}, nil
}
