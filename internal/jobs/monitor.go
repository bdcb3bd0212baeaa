package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/store"
)

// MonitorArgs asks for one scheduled run of a monitoring job. ScheduledAt
// is the schedule's tick, not the enqueue time, so the same run enqueued
// twice (by two leaders in turn) is one unique job.
type MonitorArgs struct {
	JobID       int64     `json:"job_id"`
	ScheduledAt time.Time `json:"scheduled_at"`
}

// Kind implements river.JobArgs.
func (MonitorArgs) Kind() string { return "aicoo.monitor" }

// InsertOpts implements river.JobArgsWithInsertOpts: one River job per
// monitoring job and tick.
func (MonitorArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// FailingAlertType is the alert type raised when a monitoring job keeps failing.
const FailingAlertType = "system"

// FailingFingerprint is the fingerprint of a job's "monitoring job failing" alert.
func FailingFingerprint(jobID int64) string { return fmt.Sprintf("monitoring_job_failing:%d", jobID) }

// monitorWorker runs monitoring jobs: it records each attempt, stores the
// result once per scheduled run, and raises an alert when a job keeps failing.
type monitorWorker struct {
	river.WorkerDefaults[MonitorArgs]

	store             *store.Store
	analyzers         *Registry
	logger            *slog.Logger
	metrics           *metrics
	now               func() time.Time
	instance          string
	maxAttempts       int
	failureAlertAfter int
}

func (w *monitorWorker) Work(ctx context.Context, job *river.Job[MonitorArgs]) error {
	args := job.Args
	mj, err := w.store.MonitoringJobByID(ctx, args.JobID)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted after this run was enqueued: nothing to do, ever.
		return river.JobCancel(fmt.Errorf("monitoring job %d no longer exists", args.JobID))
	}
	if err != nil {
		return err
	}
	if !mj.Enabled {
		w.logger.InfoContext(ctx, "jobs: skipping run of disabled job", "job", mj.Name, "scheduled_at", args.ScheduledAt)
		return nil
	}
	log := w.logger.With("job", mj.Name, "job_id", mj.ID, "analyzer", mj.AnalyzerType,
		"scheduled_at", args.ScheduledAt, "attempt", job.Attempt)

	started := w.now()
	run, err := w.store.JobRunStart(ctx, store.JobRunStartParams{
		ConnectionID: mj.ConnectionID, JobID: mj.ID, RiverJobID: job.ID, Attempt: job.Attempt,
		ScheduledAt: args.ScheduledAt, StartedAt: started, Worker: w.instance,
	})
	if err != nil {
		return err
	}

	// A retried attempt whose predecessor stored the result (and then died
	// before River marked the job done) must not store it again.
	if _, err := w.store.AnalysisResultByJobAndTime(ctx, mj.ID, args.ScheduledAt); err == nil {
		log.InfoContext(ctx, "jobs: result already stored by an earlier attempt")
		w.metrics.runs.WithLabelValues(mj.AnalyzerType, store.JobRunSkipped).Inc()
		return w.store.JobRunFinish(ctx, run.ID, store.JobRunFinishParams{
			Status: store.JobRunSkipped, FinishedAt: w.now(), Duration: w.now().Sub(started),
			Error: "result already stored by an earlier attempt",
		})
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}

	outcome, runErr := w.analyze(ctx, mj, args, job.Attempt)
	finished := w.now()
	duration := finished.Sub(started)
	w.metrics.duration.WithLabelValues(mj.AnalyzerType).Observe(duration.Seconds())

	if runErr != nil {
		return w.recordFailure(ctx, log, mj, job, run, runErr, finished, duration)
	}

	if outcome.Skipped != "" {
		w.metrics.runs.WithLabelValues(mj.AnalyzerType, store.JobRunSkipped).Inc()
		log.InfoContext(ctx, "jobs: run skipped", "reason", outcome.Skipped)
		return w.store.JobRunFinish(ctx, run.ID, store.JobRunFinishParams{
			Status: store.JobRunSkipped, FinishedAt: finished, Duration: duration, Error: outcome.Skipped,
		})
	}
	status := outcome.Status
	if status == "" {
		status = store.ResultSuccess
	}
	runStatus := store.JobRunSucceeded
	if status == store.ResultPartial {
		runStatus = store.JobRunPartial
		if outcome.Problem == "" {
			outcome.Problem = "part of the run failed"
		}
	}
	err = w.store.InTx(ctx, func(tx *store.Store) error {
		if _, _, err := tx.AnalysisResultInsert(ctx, store.AnalysisResultParams{
			ConnectionID: mj.ConnectionID, JobID: mj.ID, ScheduledAt: args.ScheduledAt, RunAt: started,
			Status: status, Insights: outcome.Insights, Metrics: outcome.Metrics,
			AlertsGenerated: outcome.AlertsGenerated, Duration: duration, Cost: outcome.Cost,
		}); err != nil {
			return err
		}
		if err := tx.JobRunFinish(ctx, run.ID, store.JobRunFinishParams{
			Status: runStatus, FinishedAt: finished, Duration: duration, Error: outcome.Problem,
		}); err != nil {
			return err
		}
		failures, err := tx.MonitoringJobRecordRun(ctx, mj.ID, finished, runStatus)
		if err != nil {
			return err
		}
		if runStatus == store.JobRunPartial {
			// Not retried: River is done with it, so this run counts now.
			return w.raiseFailing(ctx, tx, log, mj, failures, outcome.Problem, finished)
		}
		_, err = tx.AlertAutoResolve(ctx, mj.ConnectionID, FailingFingerprint(mj.ID),
			fmt.Sprintf("Monitoring job %q ran successfully again.", mj.Name), finished)
		return err
	})
	if err != nil {
		return fmt.Errorf("store result of %s: %w", mj.Name, err)
	}
	w.metrics.runs.WithLabelValues(mj.AnalyzerType, runStatus).Inc()
	if runStatus == store.JobRunPartial {
		log.WarnContext(ctx, "jobs: run partly failed", "duration", duration, "status", status, "problem", outcome.Problem)
		return nil
	}
	log.InfoContext(ctx, "jobs: run succeeded", "duration", duration, "status", status)
	return nil
}

// raiseFailing raises the job's "monitoring job failing" alert once it has
// failed (or partly failed) failures runs in a row, failureAlertAfter or
// more.
func (w *monitorWorker) raiseFailing(ctx context.Context, tx *store.Store, log *slog.Logger, mj *store.MonitoringJob,
	failures int, lastErr string, at time.Time) error {
	if failures < w.failureAlertAfter {
		return nil
	}
	data, _ := json.Marshal(map[string]any{
		"job_id": mj.ID, "job": mj.Name, "analyzer": mj.AnalyzerType,
		"consecutive_failures": failures, "last_error": lastErr,
	})
	fired, err := tx.AlertRaiseWithEvent(ctx, store.AlertFireParams{
		AlertRaiseParams: store.AlertRaiseParams{
			ConnectionID: mj.ConnectionID,
			Fingerprint:  FailingFingerprint(mj.ID),
			Type:         FailingAlertType,
			Priority:     store.PriorityHigh,
			Title:        fmt.Sprintf("Monitoring job %q is failing", mj.Name),
			Description: fmt.Sprintf("The last %d scheduled runs of %q (%s) failed. Last error: %s",
				failures, mj.Name, mj.AnalyzerType, lastErr),
			Data: data,
		},
		At:   at,
		Note: fmt.Sprintf("monitoring job %q failed %d runs in a row", mj.Name, failures),
	})
	if err != nil {
		return err
	}
	if fired.Created {
		w.metrics.failingAlerts.Inc()
		log.WarnContext(ctx, "jobs: monitoring job failing, alert raised", "consecutive_failures", failures)
	}
	return nil
}

// analyze calls the analyzer, turning a panic into an error so one bad
// analyzer cannot take the process down.
func (w *monitorWorker) analyze(ctx context.Context, mj *store.MonitoringJob, args MonitorArgs, attempt int) (out Outcome, err error) {
	a, ok := w.analyzers.Lookup(mj.AnalyzerType)
	if !ok {
		return Outcome{}, fmt.Errorf("unknown analyzer type %q (known: %v)", mj.AnalyzerType, w.analyzers.Types())
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("analyzer %s panicked: %v", mj.AnalyzerType, r)
		}
	}()
	out, err = a.Func(ctx, Run{Job: mj, ScheduledAt: args.ScheduledAt, Attempt: attempt})
	if err == nil {
		for name, raw := range map[string]json.RawMessage{"insights": out.Insights, "metrics": out.Metrics} {
			if len(raw) > 0 && !json.Valid(raw) {
				return Outcome{}, fmt.Errorf("analyzer %s returned invalid %s JSON", mj.AnalyzerType, name)
			}
		}
	}
	return out, err
}

// recordFailure stores a failed attempt. Only the last attempt of a run
// counts as a failed run: earlier ones are retried.
func (w *monitorWorker) recordFailure(ctx context.Context, log *slog.Logger, mj *store.MonitoringJob, job *river.Job[MonitorArgs],
	run *store.JobRun, runErr error, finished time.Time, duration time.Duration) error {
	// The run's own context may be cancelled (timeout, shutdown); the
	// bookkeeping must still land.
	ctx = context.WithoutCancel(ctx)
	w.metrics.runs.WithLabelValues(mj.AnalyzerType, store.JobRunFailed).Inc()
	finalAttempt := job.Attempt >= w.maxAttempts
	err := w.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.JobRunFinish(ctx, run.ID, store.JobRunFinishParams{
			Status: store.JobRunFailed, FinishedAt: finished, Duration: duration, Error: runErr.Error(),
		}); err != nil {
			return err
		}
		if !finalAttempt {
			return nil
		}
		failures, err := tx.MonitoringJobRecordOutcome(ctx, mj.ID, finished, false)
		if err != nil {
			return err
		}
		insights, _ := json.Marshal([]map[string]string{{"error": runErr.Error()}})
		if _, _, err := tx.AnalysisResultInsert(ctx, store.AnalysisResultParams{
			ConnectionID: mj.ConnectionID, JobID: mj.ID, ScheduledAt: job.Args.ScheduledAt, RunAt: run.StartedAt,
			Status: store.ResultFailed, Insights: insights, Duration: duration,
		}); err != nil {
			return err
		}
		return w.raiseFailing(ctx, tx, log, mj, failures, runErr.Error(), finished)
	})
	if err != nil {
		log.ErrorContext(ctx, "jobs: recording a failed run", "error", err)
	}
	log.WarnContext(ctx, "jobs: run failed", "error", runErr, "final_attempt", finalAttempt)
	return runErr
}
