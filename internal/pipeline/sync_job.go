package pipeline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// SyncAnalyzer returns the "odoo.sync" job analyzer, which runs one Sync
// of the job's connection with a Syncer from newSyncer (which connects the
// Odoo client). A run where some models failed is partial, which the
// engine records as a failed run; a run where every model failed, or that
// was interrupted, fails so the engine retries it.
func SyncAnalyzer(newSyncer func(ctx context.Context, connectionID int64) (*odoosync.Syncer, error)) jobs.Analyzer {
	return jobs.Analyzer{
		Type:        odoosync.AnalyzerType,
		Description: "Copies the records that changed in Odoo into the local store (incremental sync).",
		ValidateConfigFunc: func(raw json.RawMessage) error {
			_, err := odoosync.ParseJobConfig(raw)
			return err
		},
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			cfg, err := odoosync.ParseJobConfig(run.Job.Config)
			if err != nil {
				return jobs.Outcome{}, err
			}
			s, err := newSyncer(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, fmt.Errorf("odoosync: connection %d: %w", run.Job.ConnectionID, err)
			}
			rep, syncErr := s.Sync(ctx, odoosync.Opts{Full: cfg.Full, Models: cfg.Models})
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
