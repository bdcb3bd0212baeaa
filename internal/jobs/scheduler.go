package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/store"
)

// scheduler keeps the periodic runs of this instance's connections'
// monitoring jobs in step with the monitoring_jobs table. Every instance
// runs one for the connections it holds; instances holding the same
// connection enqueue the same unique runs.
type scheduler struct {
	store       *store.Store
	periodic    *periodic
	connections []int64
	// adopt moves jobs left in the legacy queue; run on every reload, so a
	// legacy job River rescues later is adopted too.
	adopt    func(context.Context) error
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
	var jobs []*store.MonitoringJob
	var err error
	for _, c := range s.connections {
		var js []*store.MonitoringJob
		if js, err = s.store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: c, EnabledOnly: true}); err != nil {
			break
		}
		jobs = append(jobs, js...)
	}
	if err == nil && s.adopt != nil {
		err = s.adopt(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.lastErr = err
		return err
	}
	seen := make(map[int64]bool, len(jobs))
	for _, j := range jobs {
		seen[j.ID] = true
		cur, ok := s.scheduled[j.ID]
		if ok && cur.schedule == j.Schedule && cur.updatedAt.Equal(j.UpdatedAt) {
			continue
		}
		if ok {
			s.periodic.remove(periodicKey(j.ID))
			delete(s.scheduled, j.ID)
		}
		sched, err := ParseSchedule(j.Schedule)
		if err != nil {
			// A bad row must not stop the others; it is reported on each reload.
			s.logger.ErrorContext(ctx, "jobs: not scheduling job with a bad schedule", "job", j.Name, "error", err)
			continue
		}
		jobID, queue := j.ID, Queue(j.ConnectionID)
		// A run is named by its scheduled time, the same on every instance.
		s.periodic.set(periodicKey(j.ID), sched, func(at time.Time) (river.JobArgs, *river.InsertOpts) {
			return MonitorArgs{JobID: jobID, ScheduledAt: at.UTC()}, &river.InsertOpts{Queue: queue}
		})
		s.scheduled[j.ID] = scheduledJob{schedule: j.Schedule, updatedAt: j.UpdatedAt}
		next := sched.Next(s.now())
		if err := s.store.MonitoringJobSetNextRun(ctx, j.ID, next); err != nil {
			s.logger.WarnContext(ctx, "jobs: recording next run", "job", j.Name, "error", err)
		}
		s.logger.InfoContext(ctx, "jobs: scheduled", "job", j.Name, "schedule", j.Schedule, "next_run", next)
	}
	for id := range s.scheduled {
		if !seen[id] {
			s.periodic.remove(periodicKey(id))
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

func periodicKey(jobID int64) string { return fmt.Sprintf("monitoring_job:%d", jobID) }
