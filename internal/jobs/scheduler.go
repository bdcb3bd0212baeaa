package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/store"
)

// scheduler keeps River's periodic jobs in step with the monitoring_jobs
// table. Every instance runs one, so whichever instance River elects leader
// has the full set; only the leader enqueues.
type scheduler struct {
	store    *store.Store
	client   *river.Client[*sql.Tx]
	logger   *slog.Logger
	metrics  *metrics
	now      func() time.Time
	interval time.Duration

	mu        sync.Mutex
	scheduled map[int64]scheduledJob
	lastErr   error
	lastOK    time.Time
}

// scheduledJob is what a periodic job was built from, to detect edits.
type scheduledJob struct {
	handle    rivertype.PeriodicJobHandle
	schedule  string
	updatedAt time.Time
}

func (s *scheduler) run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		if err := s.reload(ctx); err != nil && ctx.Err() == nil {
			s.logger.ErrorContext(ctx, "jobs: reloading monitoring jobs", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// reload adds, replaces and removes periodic jobs to match the table.
func (s *scheduler) reload(ctx context.Context) error {
	jobs, err := s.store.MonitoringJobList(ctx, store.MonitoringJobListParams{EnabledOnly: true})
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.lastErr = err
		return err
	}
	seen := make(map[int64]bool, len(jobs))
	periodic := s.client.PeriodicJobs()
	for _, j := range jobs {
		seen[j.ID] = true
		cur, ok := s.scheduled[j.ID]
		if ok && cur.schedule == j.Schedule && cur.updatedAt.Equal(j.UpdatedAt) {
			continue
		}
		if ok {
			periodic.Remove(cur.handle)
			delete(s.scheduled, j.ID)
		}
		sched, err := ParseSchedule(j.Schedule)
		if err != nil {
			// A bad row must not stop the others; it is reported on each reload.
			s.logger.ErrorContext(ctx, "jobs: not scheduling job with a bad schedule", "job", j.Name, "error", err)
			continue
		}
		jobID := j.ID
		handle, err := periodic.AddSafely(river.NewPeriodicJob(sched,
			func() (river.JobArgs, *river.InsertOpts) {
				return MonitorArgs{JobID: jobID, ScheduledAt: LatestTick(sched, s.now().UTC())}, nil
			},
			&river.PeriodicJobOpts{ID: fmt.Sprintf("monitoring_job:%d", j.ID)}))
		if err != nil {
			s.logger.ErrorContext(ctx, "jobs: scheduling job", "job", j.Name, "error", err)
			continue
		}
		s.scheduled[j.ID] = scheduledJob{handle: handle, schedule: j.Schedule, updatedAt: j.UpdatedAt}
		next := sched.Next(s.now())
		if err := s.store.MonitoringJobSetNextRun(ctx, j.ID, next); err != nil {
			s.logger.WarnContext(ctx, "jobs: recording next run", "job", j.Name, "error", err)
		}
		s.logger.InfoContext(ctx, "jobs: scheduled", "job", j.Name, "schedule", j.Schedule, "next_run", next)
	}
	for id, cur := range s.scheduled {
		if !seen[id] {
			periodic.Remove(cur.handle)
			delete(s.scheduled, id)
			s.logger.InfoContext(ctx, "jobs: unscheduled", "job_id", id)
		}
	}
	s.metrics.scheduled.Set(float64(len(s.scheduled)))
	s.lastErr, s.lastOK = nil, s.now()
	return nil
}

// health reports whether the last reload worked and is recent.
func (s *scheduler) health() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastErr != nil {
		return fmt.Errorf("scheduler: last reload failed: %w", s.lastErr)
	}
	if s.lastOK.IsZero() {
		return fmt.Errorf("scheduler: not started")
	}
	if age := s.now().Sub(s.lastOK); age > 3*s.interval+10*time.Second {
		return fmt.Errorf("scheduler: last reload %s ago", age.Round(time.Second))
	}
	return nil
}
