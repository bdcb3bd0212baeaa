package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// ResultFunc receives each run's result, with the job it ran for (to raise
// alerts from its insights, for example).
type ResultFunc func(ctx context.Context, job *store.MonitoringJob, res *analysis.Result) error

// JobAnalyzer adapts an analyzer to the job engine: it reads the job's
// connection from the store, runs the analyzer with the thresholds of the
// job's config, and returns the metrics and insights to be stored with the
// run. now gives the reference date; cache, if not nil, shares decoded
// records between the analyzers; onResult, if not nil, sees every result.
func JobAnalyzer(s *store.Store, a analysis.Analyzer, now func() time.Time, cache *analysis.RecordCache, onResult ResultFunc) jobs.Analyzer {
	return jobs.Analyzer{
		Type:        analysis.JobTypePrefix + a.Area(),
		Description: "Analyze " + a.Area() + " from the synced Odoo records",
		ValidateConfigFunc: func(raw json.RawMessage) error {
			_, err := analysis.ParseJobConfig(raw)
			return err
		},
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			cfg, err := analysis.ParseJobConfig(run.Job.Config)
			if err != nil {
				return jobs.Outcome{}, err
			}
			conn, err := s.ConnectionByID(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, err
			}
			var src analysis.Source = analysis.StoreSource{Store: s, ConnectionID: conn.ID}
			if cache != nil {
				src = cache.AnalysisSource(s, conn.ID)
			}
			env := &analysis.Env{
				Source:     src,
				Today:      odoo.DateOf(now().UTC()),
				Thresholds: cfg.Thresholds,
				OdooURL:    conn.OdooURL,
			}
			res, err := analysis.Run(ctx, a, env)
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

// Outcome turns a result into what the job engine stores (see
// analysis.Outcome).
func Outcome(res *analysis.Result) (jobs.Outcome, error) {
	st, err := analysis.Outcome(res)
	if err != nil {
		return jobs.Outcome{}, err
	}
	return jobs.Outcome{Metrics: st.Metrics, Insights: st.Insights}, nil
}
