package actions

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/jobs"
)

// ExecuteArgs is the River job that executes one approved action.
type ExecuteArgs struct {
	ConnectionID int64 `json:"connection_id"`
	ActionID     int64 `json:"action_id"`
}

// Kind implements river.JobArgs.
func (ExecuteArgs) Kind() string { return "aicoo.action.execute" }

// InsertOpts implements river.JobArgsWithInsertOpts: one job per action
// while it is waiting or running, so approving twice enqueues once; in the
// connection's queue, so only an instance holding its Odoo key runs it.
func (a ExecuteArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.Queue(a.ConnectionID), MaxAttempts: MaxAttemptsDefault, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// MaxAttemptsDefault bounds how often a transient failure is retried.
const MaxAttemptsDefault = 8

// Worker executes actions for River. A retried job is harmless: Execute
// finds what an earlier attempt created by its marker.
type Worker struct {
	river.WorkerDefaults[ExecuteArgs]
	Service *Service
}

// Work implements river.Worker. Quiet hours snooze the job until they
// end; a permanent refusal, stale facts, a blocked or unexecutable action
// cancel it (the action's status says why); other errors are retried.
func (w *Worker) Work(ctx context.Context, job *river.Job[ExecuteArgs]) error {
	_, err := w.Service.Execute(ctx, job.Args.ConnectionID, job.Args.ActionID)
	var quiet *QuietHoursError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &quiet):
		return river.JobSnooze(max(time.Until(quiet.Until), time.Second))
	case errors.Is(err, ErrPermanent), errors.Is(err, ErrStale), errors.Is(err, ErrBlocked), errors.Is(err, ErrNotExecutable):
		return river.JobCancel(err)
	}
	return err
}

// Register adds the action worker to workers. The engine's River client
// must be built with these workers; then set Config.EnqueueFunc to insert
// ExecuteArgs with that client.
func Register(workers *river.Workers, svc *Service) error {
	return river.AddWorkerSafely(workers, &Worker{Service: svc})
}
