// Package jobs runs aicoo's scheduled work on River: each enabled row of
// monitoring_jobs becomes a River periodic job, every attempt is recorded in
// job_runs, each scheduled run stores its result once, and a job that keeps
// failing raises a "monitoring job failing" alert.
//
// Any number of instances can run an Engine on one PostgreSQL database. Each
// works only the queues of the connections it holds (Queue) and the global
// queue, so a job runs only where its connection's secrets and channels
// are. Each enqueues its own connections' periodic runs; unique job
// arguments (job and scheduled tick) keep a tick to one run when several
// instances hold one connection, and their workers share the runs. A job
// whose process dies is made available again when that instance starts
// again (rescueOwn), or rescued by River after Config.RescueAfter and
// retried by another instance of its connection.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
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
	WorkersDefault    = 4
	JobTimeoutDefault = 10 * time.Minute
	// RescueAfterDefault must exceed the longest job: JobTimeoutDefault,
	// plus time for a cancelled job to return and record its end. A job
	// running longer than this is taken for dead and retried.
	RescueAfterDefault       = 15 * time.Minute
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
	// Instance names this process in job_runs.worker and is its River
	// client id. Give it a name that is the same after a restart (see
	// rescueOwn); it defaults to hostname:pid, which is not.
	Instance string
	// Connections are the connections this process holds the secrets and
	// settings of: it works their queues (Queue) and enqueues their
	// monitoring jobs and ticks, and nothing of other connections.
	Connections []int64
	// ConnectionOfJob names the connection of a job of another package's
	// kind waiting in River's default queue from before queues were per
	// connection, so it can be moved to its connection's queue.
	ConnectionOfJob   ConnectionOfJobFunc
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
	// Ticks is work run on fixed intervals, globally or per connection.
	Ticks []Tick
}

// Engine owns the River client, the monitoring worker and the scheduler.
type Engine struct {
	cfg       Config
	client    *river.Client[*sql.Tx]
	scheduler *scheduler
	periodic  *periodic
	ticks     map[string]Tick
	metrics   *metrics
	stopSched context.CancelFunc
	schedDone chan struct{}
	// instanceLock holds the PostgreSQL lock on the instance id.
	instanceLock *sql.Conn
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
	ticks, err := checkTicks(cfg.Ticks)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, metrics: m, ticks: ticks, periodic: newPeriodic(cfg.Logger)}
	if err := e.buildClient(); err != nil {
		return nil, err
	}
	e.scheduler = &scheduler{
		store: cfg.Store, periodic: e.periodic, connections: cfg.Connections, adopt: e.adoptLegacy,
		logger: cfg.Logger, metrics: m, now: cfg.NowFunc,
		interval: cfg.ReloadInterval, scheduled: map[int64]scheduledJob{},
	}
	return e, nil
}

// buildClient builds the River client and its workers for e.cfg.Instance.
func (e *Engine) buildClient() error {
	cfg := e.cfg
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &monitorWorker{
		store: cfg.Store, analyzers: cfg.Analyzers, logger: cfg.Logger, metrics: e.metrics, now: cfg.NowFunc,
		instance: cfg.Instance, maxAttempts: cfg.MaxAttempts, failureAlertAfter: cfg.FailureAlertAfter,
	}); err != nil {
		return fmt.Errorf("jobs: register worker: %w", err)
	}
	if len(e.ticks) > 0 {
		if err := river.AddWorkerSafely(workers, &tickWorker{ticks: e.ticks}); err != nil {
			return fmt.Errorf("jobs: register tick worker: %w", err)
		}
	}
	if cfg.RegisterWorkersFunc != nil {
		if err := cfg.RegisterWorkersFunc(workers); err != nil {
			return fmt.Errorf("jobs: register workers: %w", err)
		}
	}
	// The global queue's work is light housekeeping.
	queues := map[string]river.QueueConfig{GlobalQueue: {MaxWorkers: 1}}
	for _, c := range cfg.Connections {
		queues[Queue(c)] = river.QueueConfig{MaxWorkers: cfg.Workers}
	}
	client, err := river.NewClient(driverFor(cfg.Store), &river.Config{
		ID:                   sanitizeID(cfg.Instance),
		Logger:               cfg.Logger.With("component", "river"),
		Queues:               queues,
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          cfg.MaxAttempts,
		// There is no LISTEN/NOTIFY through database/sql, so every
		// instance polls.
		FetchPollInterval: time.Second,
	})
	if err != nil {
		return fmt.Errorf("jobs: river client: %w", err)
	}
	e.client = client
	e.periodic.client = client
	return nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// ClientID is the River client id of an instance name: the name, with
// anything but letters, digits, '-', '_' and '.' made '_'. River records it
// in each job's attempted_by.
func ClientID(instance string) string { return sanitizeID(instance) }

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
//
// Before taking any job it makes the jobs its previous process left
// running available again (see rescueOwn), and moves its connections' jobs
// out of River's default queue (see adoptLegacy).
func (e *Engine) Start(ctx context.Context) error {
	claimed, err := e.claimInstance(ctx)
	if err != nil {
		return err
	}
	if !claimed {
		stable := e.cfg.Instance
		e.cfg.Instance = fmt.Sprintf("%s-%d", stable, os.Getpid())
		e.cfg.Logger.WarnContext(ctx, "jobs: another live process has this instance's name; using a per-process name, and jobs its earlier process left running wait for jobs.rescue_after",
			"instance", stable, "now", e.cfg.Instance)
		if err := e.buildClient(); err != nil {
			return err
		}
	} else if n, err := e.rescueOwn(ctx); err != nil {
		return err
	} else if n > 0 {
		e.cfg.Logger.InfoContext(ctx, "jobs: jobs left running by this instance's previous process are available again", "instance", e.cfg.Instance, "jobs", n)
	}
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start river: %w", err)
	}
	if err := e.scheduler.reload(ctx); err != nil {
		e.cfg.Logger.ErrorContext(ctx, "jobs: first reload of monitoring jobs", "error", err)
	}
	scheduleTicks(e.periodic, e.cfg.Ticks, e.cfg.Connections)
	schedCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.stopSched = cancel
	e.schedDone = make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { e.scheduler.run(schedCtx) })
	wg.Go(func() { e.periodic.run(schedCtx) })
	go func() {
		wg.Wait()
		close(e.schedDone)
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
	defer func() {
		if e.instanceLock != nil {
			e.instanceLock.Close()
			e.instanceLock = nil
		}
	}()
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

// RunNow enqueues an immediate run of a monitoring job, outside its
// schedule, in its connection's queue.
func (e *Engine) RunNow(ctx context.Context, jobID int64) error {
	mj, err := e.cfg.Store.MonitoringJobByID(ctx, jobID)
	if err != nil {
		return fmt.Errorf("jobs: run job %d now: %w", jobID, err)
	}
	_, err = e.insertChecked(ctx, MonitorArgs{JobID: jobID, ScheduledAt: e.cfg.NowFunc().UTC().Truncate(time.Microsecond)},
		&river.InsertOpts{Queue: Queue(mj.ConnectionID)})
	if err != nil {
		return fmt.Errorf("jobs: run job %d now: %w", jobID, err)
	}
	return nil
}

// Insert enqueues a job of a kind registered through RegisterWorkersFunc.
// The job's InsertOpts must name its queue: Queue(connection) for a
// connection's job.
func (e *Engine) Insert(ctx context.Context, args river.JobArgs) error {
	if _, err := e.insertChecked(ctx, args, nil); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// InsertManyTx enqueues jobs in the caller's transaction, so they commit or
// vanish with the rows that asked for them (the notification outbox).
// Each job must name its queue, as for Insert.
func (e *Engine) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	for _, p := range params {
		if err := checkQueue(p.Args, p.InsertOpts); err != nil {
			return nil, err
		}
	}
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
