package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/aicoo/aicoo/internal/store"
)

// MinInterval is the shortest time allowed between two runs of a job of
// the analyzer type: a sync at most every minute (Odoo is not to be
// hammered), an analysis every five minutes (it reads every synced record),
// anything else (actions) every minute.
func MinInterval(analyzerType string) time.Duration {
	switch {
	case strings.HasPrefix(analyzerType, "analysis."):
		return 5 * time.Minute
	}
	return time.Minute
}

// HumanInterval prints a duration for people: "5 minutes", "1 hour", "30s".
func HumanInterval(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return d.String()
}

// kindName names a job kind in a sentence.
func kindName(analyzerType string) string {
	switch {
	case strings.HasPrefix(analyzerType, "analysis."):
		return "an analysis job (" + analyzerType + ")"
	case analyzerType == "odoo.sync":
		return "an Odoo sync job"
	}
	return "a " + analyzerType + " job"
}

// ScheduleError is a schedule refused for a reason the user can fix.
type ScheduleError struct{ Msg string }

func (e *ScheduleError) Error() string { return e.Msg }

// shortestGap returns the shortest time between consecutive runs of sched
// over the year from `from` (a cron expression's gaps vary: "0,1 9 * * *").
func shortestGap(sched cron.Schedule, from time.Time) time.Duration {
	if a, ok := sched.(alignedEvery); ok {
		return time.Duration(a)
	}
	prev := sched.Next(from)
	gap := time.Duration(1<<63 - 1)
	// 2000 ticks cover a day of minutes and a year of daily runs.
	for range 2000 {
		next := sched.Next(prev)
		if next.IsZero() {
			break
		}
		gap = min(gap, next.Sub(prev))
		if next.Sub(from) > 366*24*time.Hour {
			break
		}
		prev = next
	}
	return gap
}

// CheckSchedule parses expr for a job of analyzerType and refuses one that
// would run more often than MinInterval. It returns the parsed schedule.
func CheckSchedule(analyzerType, expr string, now time.Time) (cron.Schedule, error) {
	sched, err := ParseSchedule(strings.TrimSpace(expr))
	if err != nil {
		return nil, &ScheduleError{Msg: err.Error()}
	}
	if limit, gap := MinInterval(analyzerType), shortestGap(sched, now); gap < limit {
		return nil, &ScheduleError{Msg: fmt.Sprintf("schedule %q runs %s apart; %s may run at most every %s", expr, HumanInterval(gap), kindName(analyzerType), HumanInterval(limit))}
	}
	return sched, nil
}

// ScheduleChange changes a monitoring job's schedule and enabled flag.
type ScheduleChange struct {
	ConnectionID, JobID int64
	// Schedule is the new schedule; "" keeps the current one.
	Schedule string
	// Enabled, when set, enables or disables the job.
	Enabled *bool
	// Actor is who made the change, for the audit log ("user:olga", "cli").
	Actor string
	Now   time.Time
}

// UpdateSchedule applies a schedule change after checking it, records the
// next run time at once (none for a disabled job) and appends an audit
// entry, in one transaction. Call Engine.Reload afterwards so a running
// scheduler uses it without waiting for its next reload.
func UpdateSchedule(ctx context.Context, s *store.Store, c ScheduleChange) (*store.MonitoringJob, error) {
	var out *store.MonitoringJob
	err := s.InTx(ctx, func(tx *store.Store) error {
		j, err := tx.MonitoringJobByID(ctx, c.JobID)
		if err != nil {
			return err
		}
		if j.ConnectionID != c.ConnectionID {
			return fmt.Errorf("monitoring job %d: %w", c.JobID, store.ErrNotFound)
		}
		schedule, enabled := j.Schedule, j.Enabled
		if c.Schedule != "" {
			schedule = strings.TrimSpace(c.Schedule)
		}
		if c.Enabled != nil {
			enabled = *c.Enabled
		}
		// Disabling always works, even a job whose old schedule is below
		// today's minimum; a schedule that will run is checked.
		var sched cron.Schedule
		if enabled || c.Schedule != "" {
			if sched, err = CheckSchedule(j.AnalyzerType, schedule, c.Now); err != nil {
				return err
			}
		}
		if out, err = tx.MonitoringJobUpdate(ctx, j.ID, store.MonitoringJobParams{ConnectionID: j.ConnectionID, Name: j.Name,
			Schedule: schedule, AnalyzerType: j.AnalyzerType, Config: j.Config, Enabled: enabled}); err != nil {
			return err
		}
		var next time.Time
		if enabled && sched != nil {
			next = sched.Next(c.Now).UTC()
		}
		if err := tx.MonitoringJobSetNextRun(ctx, j.ID, next); err != nil {
			return err
		}
		out.NextRunAt = next
		details, err := json.Marshal(map[string]any{"job_id": j.ID, "from": map[string]any{"schedule": j.Schedule, "enabled": j.Enabled},
			"to": map[string]any{"schedule": schedule, "enabled": enabled}})
		if err != nil {
			return err
		}
		_, err = tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: j.ConnectionID, Actor: c.Actor, Action: "job.schedule_changed",
			Subject: "job:" + j.Name, Details: details})
		return err
	})
	return out, err
}
