package store

import (
	"context"
	"fmt"
	"time"
)

// Job run statuses.
const (
	JobRunRunning   = "running"
	JobRunSucceeded = "succeeded"
	JobRunFailed    = "failed"
	// JobRunPartial marks a run that stored a result but left part of its
	// work undone (a sync where some models failed); it counts as a failed
	// run for the failing-job alert.
	JobRunPartial = "partial"
	// JobRunAbandoned marks an attempt whose process died mid-run; a later
	// attempt of the same River job sets it.
	JobRunAbandoned = "abandoned"
	// JobRunSkipped marks a retried attempt that found its result already
	// stored and did not run the analyzer again.
	JobRunSkipped = "skipped"
)

// JobRun is one attempt of one scheduled run of a monitoring job.
type JobRun struct {
	ID           int64
	ConnectionID int64
	JobID        int64
	RiverJobID   int64
	Attempt      int
	ScheduledAt  time.Time
	StartedAt    time.Time
	FinishedAt   time.Time // zero while running
	Status       string
	Error        string
	Duration     time.Duration
	Worker       string
}

// JobRunStartParams describes an attempt that is starting.
type JobRunStartParams struct {
	ConnectionID int64
	JobID        int64
	RiverJobID   int64
	Attempt      int
	ScheduledAt  time.Time
	StartedAt    time.Time
	Worker       string
}

const jobRunColumns = `id, connection_id, job_id, river_job_id, attempt, scheduled_at, started_at, finished_at, status, error, duration_ms, worker`

func scanJobRun(row interface{ Scan(...any) error }) (*JobRun, error) {
	var (
		r        JobRun
		finished nullTimeScanner
		ms       int64
	)
	if err := row.Scan(&r.ID, &r.ConnectionID, &r.JobID, &r.RiverJobID, &r.Attempt, &r.ScheduledAt, &r.StartedAt,
		&finished, &r.Status, &r.Error, &ms, &r.Worker); err != nil {
		return nil, err
	}
	r.ScheduledAt, r.StartedAt, r.FinishedAt = r.ScheduledAt.UTC(), r.StartedAt.UTC(), finished.Time
	r.Duration = time.Duration(ms) * time.Millisecond
	return &r, nil
}

// JobRunStart records an attempt as running. Earlier attempts of the same
// River job still marked running belong to a process that died: they are
// marked abandoned in the same statement batch.
func (s *Store) JobRunStart(ctx context.Context, p JobRunStartParams) (*JobRun, error) {
	if _, err := s.q.ExecContext(ctx, `
		UPDATE job_runs SET status = $2, error = 'the process running this attempt stopped before it finished'
		WHERE river_job_id = $1 AND status = 'running'`, p.RiverJobID, JobRunAbandoned); err != nil {
		return nil, fmt.Errorf("store: job %d: abandon stale runs: %w", p.JobID, err)
	}
	r, err := scanJobRun(s.q.QueryRowContext(ctx, `
		INSERT INTO job_runs (connection_id, job_id, river_job_id, attempt, scheduled_at, started_at, status, worker)
		VALUES ($1, $2, $3, $4, $5, $6, 'running', $7)
		RETURNING `+jobRunColumns,
		p.ConnectionID, p.JobID, p.RiverJobID, p.Attempt, timestamp(p.ScheduledAt), timestamp(p.StartedAt), p.Worker))
	if err != nil {
		return nil, fmt.Errorf("store: job %d: start run: %w", p.JobID, err)
	}
	return r, nil
}

// JobRunFinishParams describes how an attempt ended.
type JobRunFinishParams struct {
	Status     string
	FinishedAt time.Time
	Duration   time.Duration
	Error      string
}

// JobRunFinish records how an attempt ended.
func (s *Store) JobRunFinish(ctx context.Context, id int64, p JobRunFinishParams) error {
	res, err := s.q.ExecContext(ctx, `
		UPDATE job_runs SET status = $2, finished_at = $3, error = $4, duration_ms = $5
		WHERE id = $1`, id, p.Status, timestamp(p.FinishedAt), p.Error, p.Duration.Milliseconds())
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish run %d: %w", id, ErrNotFound)
	}
	return nil
}

// JobRunByID returns one attempt or ErrNotFound.
func (s *Store) JobRunByID(ctx context.Context, id int64) (*JobRun, error) {
	r, err := scanJobRun(s.q.QueryRowContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("job run %d", id))
	}
	return r, nil
}

// JobRunListParams filters JobRunList.
type JobRunListParams struct {
	ConnectionID int64 // 0 means every connection
	JobID        int64 // 0 means every job
	Limit        int   // defaults to 50
}

// JobRunList lists attempts, newest first.
func (s *Store) JobRunList(ctx context.Context, p JobRunListParams) ([]*JobRun, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs
		WHERE (connection_id = $1 OR $1 = 0) AND (job_id = $2 OR $2 = 0)
		ORDER BY started_at DESC, id DESC LIMIT $3`, p.ConnectionID, p.JobID, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list job runs: %w", err)
	}
	defer rows.Close()
	var out []*JobRun
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list job runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
