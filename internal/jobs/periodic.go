package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
)

// periodic enqueues this instance's periodic work: the monitoring jobs and
// ticks of the connections it holds, and the global ticks. It replaces
// River's periodic jobs, which only the elected leader enqueues: the
// leader may hold none of a connection's secrets, and if it enqueued every
// connection's runs, those of a connection no running instance holds would
// pile up in a queue nobody works. Here each instance enqueues its own
// connections' runs; instances holding the same connection enqueue the
// same unique job (its arguments name the scheduled time), so a run is
// enqueued once.
type periodic struct {
	client *river.Client[*sql.Tx]
	logger *slog.Logger

	mu      sync.Mutex
	entries map[string]*periodicEntry
	wake    chan struct{}
}

type periodicEntry struct {
	sched cron.Schedule
	next  time.Time
	// job builds the run of the scheduled time at.
	job func(at time.Time) (river.JobArgs, *river.InsertOpts)
}

func newPeriodic(logger *slog.Logger) *periodic {
	return &periodic{logger: logger, entries: map[string]*periodicEntry{}, wake: make(chan struct{}, 1)}
}

// set adds or replaces the entry under key; its first run is the
// schedule's next time from now, as with River's periodic jobs.
func (p *periodic) set(key string, sched cron.Schedule, job func(at time.Time) (river.JobArgs, *river.InsertOpts)) time.Time {
	next := sched.Next(time.Now())
	p.mu.Lock()
	p.entries[key] = &periodicEntry{sched: sched, next: next, job: job}
	p.mu.Unlock()
	p.poke()
	return next
}

func (p *periodic) remove(key string) {
	p.mu.Lock()
	delete(p.entries, key)
	p.mu.Unlock()
}

func (p *periodic) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// due returns the runs whose time has come, advancing their entries past
// now (a run missed while the process was busy or asleep is not caught
// up), and the time of the next one.
func (p *periodic) due(now time.Time) (runs []func() (river.JobArgs, *river.InsertOpts), next time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.entries {
		if !e.next.After(now) {
			at, job := e.next, e.job
			runs = append(runs, func() (river.JobArgs, *river.InsertOpts) { return job(at) })
			for !e.next.After(now) && !e.next.IsZero() {
				e.next = e.sched.Next(now)
			}
		}
		if !e.next.IsZero() && (next.IsZero() || e.next.Before(next)) {
			next = e.next
		}
	}
	return runs, next
}

func (p *periodic) run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-p.wake:
		}
		runs, next := p.due(time.Now())
		for _, r := range runs {
			args, opts := r()
			if _, err := p.client.Insert(ctx, args, opts); err != nil && ctx.Err() == nil {
				p.logger.ErrorContext(ctx, "jobs: enqueueing a periodic run", "kind", args.Kind(), "error", err)
			}
		}
		wait := time.Minute // new entries poke; a minute bounds clock jumps
		if !next.IsZero() {
			wait = min(wait, max(time.Until(next), 0))
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}
