// Package jobs runs aicoo's scheduled work on River: each enabled row of
// monitoring_jobs becomes a River periodic job, every attempt is recorded in
// job_runs, each scheduled run stores its result once, and a job that keeps
// failing raises a "monitoring job failing" alert.
//
// Any number of instances can run an Engine on one PostgreSQL database: River
// elects one leader to enqueue periodic jobs, unique job arguments (job and
// scheduled tick) keep a tick to one run across leader changes, and workers
// on every instance share the runs. A job whose process dies is rescued by
// River after Config.RescueAfter and retried elsewhere.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/store"
)

// Defaults for Config fields left zero.
const (
	WorkersDefault           = 4
	JobTimeoutDefault        = 10 * time.Minute
	RescueAfterDefault       = time.Hour
	MaxAttemptsDefault       = 3
	FailureAlertAfterDefault = 3
	ReloadIntervalDefault    = 30 * time.Second
)

// Config configures an Engine.
type Config struct {
	Store     *store.Store
	Analyzers *Registry
	Logger    *slog.Logger
	// Registerer receives the engine's metrics. Nil registers nothing.
	Registerer prometheus.Registerer
	// Instance names this process in job_runs.worker. Defaults to
	// hostname:pid.
	Instance          string
	Workers           int
	JobTimeout        time.Duration
	RescueAfter       time.Duration
	MaxAttempts       int
	FailureAlertAfter int
	ReloadInterval    time.Duration
	// NowFunc is the clock for run records. Defaults to time.Now.
	NowFunc func() time.Time
	// RegisterWorkersFunc, when set, adds other packages' River workers
	// (action executions, notification deliveries) to the engine's client.
	RegisterWorkersFunc func(*river.Workers) error
	// Ticks is housekeeping run on fixed intervals across the cluster.
	Ticks []Tick
}

// Engine owns the River client, the monitoring worker and the scheduler.
type Engine struct {
	cfg       Config
	client    *river.Client[*sql.Tx]
	scheduler *scheduler
	metrics   *metrics
	stopSched context.CancelFunc
	schedDone chan struct{}
}

func driverFor(s *store.Store) riverdriver.Driver[*sql.Tx] {
	if s.Dialect() == store.Postgres {
		return riverdatabasesql.New(s.DB())
	}
	return riversqlite.New(s.DB())
}

// New builds an engine. It does not start anything: call Start.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Analyzers == nil {
		return nil, errors.New("jobs: Store and Analyzers are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Instance == "" {
		host, _ := os.Hostname()
		cfg.Instance = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	cfg.Workers = cmpOr(cfg.Workers, WorkersDefault)
	cfg.JobTimeout = cmpOr(cfg.JobTimeout, JobTimeoutDefault)
	cfg.RescueAfter = cmpOr(cfg.RescueAfter, RescueAfterDefault)
	cfg.MaxAttempts = cmpOr(cfg.MaxAttempts, MaxAttemptsDefault)
	cfg.FailureAlertAfter = cmpOr(cfg.FailureAlertAfter, FailureAlertAfterDefault)
	cfg.ReloadInterval = cmpOr(cfg.ReloadInterval, ReloadIntervalDefault)
	if cfg.RescueAfter <= cfg.JobTimeout {
		return nil, fmt.Errorf("jobs: rescue after (%s) must exceed the job timeout (%s)", cfg.RescueAfter, cfg.JobTimeout)
	}

	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("jobs: metrics: %w", err)
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &monitorWorker{
		store: cfg.Store, analyzers: cfg.Analyzers, logger: cfg.Logger, metrics: m, now: cfg.NowFunc,
		instance: cfg.Instance, maxAttempts: cfg.MaxAttempts, failureAlertAfter: cfg.FailureAlertAfter,
	}); err != nil {
		return nil, fmt.Errorf("jobs: register worker: %w", err)
	}
	periodic, ticks, err := tickPeriodicJobs(cfg.Ticks, cfg.NowFunc)
	if err != nil {
		return nil, err
	}
	if len(ticks) > 0 {
		if err := river.AddWorkerSafely(workers, &tickWorker{ticks: ticks}); err != nil {
			return nil, fmt.Errorf("jobs: register tick worker: %w", err)
		}
	}
	if cfg.RegisterWorkersFunc != nil {
		if err := cfg.RegisterWorkersFunc(workers); err != nil {
			return nil, fmt.Errorf("jobs: register workers: %w", err)
		}
	}
	client, err := river.NewClient(driverFor(cfg.Store), &river.Config{
		ID:                   sanitizeID(cfg.Instance),
		Logger:               cfg.Logger.With("component", "river"),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          cfg.MaxAttempts,
		PeriodicJobs:         periodic,
		// Only the leader enqueues periodic jobs; there is no LISTEN/NOTIFY
		// through database/sql, so every instance polls.
		FetchPollInterval: time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	e := &Engine{cfg: cfg, client: client, metrics: m}
	e.scheduler = &scheduler{
		store: cfg.Store, client: client, logger: cfg.Logger, metrics: m, now: cfg.NowFunc,
		interval: cfg.ReloadInterval, scheduled: map[int64]scheduledJob{},
	}
	return e, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// sanitizeID makes an instance name acceptable as a River client ID.
func sanitizeID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Start starts River and the scheduler. The scheduler's first reload
// happens before Start returns, so a healthy engine has its jobs scheduled.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start river: %w", err)
	}
	if err := e.scheduler.reload(ctx); err != nil {
		e.cfg.Logger.ErrorContext(ctx, "jobs: first reload of monitoring jobs", "error", err)
	}
	schedCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.stopSched = cancel
	e.schedDone = make(chan struct{})
	go func() {
		defer close(e.schedDone)
		e.scheduler.run(schedCtx)
	}()
	return nil
}

// Stop stops scheduling, lets running jobs finish until ctx is done, then
// cancels them; River returns cancelled jobs to the queue for a retry.
func (e *Engine) Stop(ctx context.Context) error {
	if e.stopSched != nil {
		e.stopSched()
		<-e.schedDone
	}
	err := e.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = e.client.StopAndCancel(cctx)
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Reload re-reads monitoring_jobs now instead of at the next interval.
func (e *Engine) Reload(ctx context.Context) error { return e.scheduler.reload(ctx) }

// Healthy reports an error when the scheduler is not keeping up.
func (e *Engine) Healthy() error { return e.scheduler.health() }

// RunNow enqueues an immediate run of a monitoring job, outside its schedule.
func (e *Engine) RunNow(ctx context.Context, jobID int64) error {
	_, err := e.client.Insert(ctx, MonitorArgs{JobID: jobID, ScheduledAt: e.cfg.NowFunc().UTC().Truncate(time.Microsecond)}, nil)
	if err != nil {
		return fmt.Errorf("jobs: run job %d now: %w", jobID, err)
	}
	return nil
}

// Insert enqueues a job of a kind registered through RegisterWorkersFunc.
func (e *Engine) Insert(ctx context.Context, args river.JobArgs) error {
	if _, err := e.client.Insert(ctx, args, nil); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// InsertManyTx enqueues jobs in the caller's transaction, so they commit or
// vanish with the rows that asked for them (the notification outbox).
func (e *Engine) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return e.client.InsertManyTx(ctx, tx, params)
}

// Migrate applies River's own migrations to the store's database.
func Migrate(ctx context.Context, s *store.Store, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := rivermigrate.New(driverFor(s), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("jobs: river migrator: %w", err)
	}
	if s.Dialect() == store.Postgres {
		// Instances starting together take turns.
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			return fmt.Errorf("jobs: migrate lock: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7261, 1)`); err != nil {
			return fmt.Errorf("jobs: migrate lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7261, 1)`)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate river: %w", err)
	}
	for _, v := range res.Versions {
		logger.InfoContext(ctx, "jobs: river migration applied", "version", v.Version, "duration", v.Duration)
	}
	return nil
}

// MigrationsPending reports whether River's schema is behind this binary.
func MigrationsPending(ctx context.Context, s *store.Store) (bool, error) {
	m, err := rivermigrate.New(driverFor(s), nil)
	if err != nil {
		return false, fmt.Errorf("jobs: river migrator: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("jobs: validate river schema: %w", err)
	}
	return !res.OK, nil
}
