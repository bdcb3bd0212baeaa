package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/analysis/series"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// app is a running aicoo instance: store, job engine and metrics.
type app struct {
	cfg     *config.Config
	logger  *slog.Logger
	store   *store.Store
	metrics *prometheus.Registry
	engine  *jobs.Engine
	creds   *credentials
	// records shares decoded synced records between the analyses.
	records   *analysis.RecordCache
	actions   *actions.Service
	deliverer *notify.Worker
	// channels are the delivery channels of this process (channelTester).
	channels  []notify.Channel
	alerts    *alerts.Engine
	outbox    *notify.Outbox
	broker    *notify.Broker
	webBroker *web.Broker
	llm       *llm.Client
	briefer   *briefing.Generator
	migrated  atomic.Bool
	clients   sync.Map // connection id -> *odoo.Client, connected
	// syncing holds the connections with a sync running in this process.
	syncing sync.Map
	now     func() time.Time
}

// openStore opens the configured store and applies aicoo's and River's
// migrations.
func openStore(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*store.Store, error) {
	s, err := store.Open(ctx, store.Config{
		PostgresDSN:  string(cfg.Store.PostgresDSN),
		DataDir:      cfg.Store.DataDir,
		MaxOpenConns: cfg.Store.MaxOpenConns,
		Logger:       logger,
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, s, onceMigrationLogs(logger)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// areaAnalyzers lists the business analyzers, one per area.
func areaAnalyzers() []analysis.Analyzer {
	return []analysis.Analyzer{finance.New(), sales.New(), operations.New(), customers.New(), expenses.New(), series.New()}
}

// analyzers lists the analyzer types this binary can run: the Odoo sync
// and one per business area. A successful sync triggers the connection's
// analyses at once, so they see fresh data.
func (a *app) analyzers() (*jobs.Registry, error) {
	syncer := odoosync.Analyzer(func(ctx context.Context, connectionID int64) (*odoosync.Syncer, error) {
		client, err := a.odooFor(ctx, connectionID)
		if err != nil {
			return nil, err
		}
		return newSyncer(a.store, client, a.logger, connectionID, nil)
	})
	syncFunc := syncer.Func
	syncer.Func = func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
		// One sync per connection at a time: a long first sync must not be
		// joined by the next scheduled one doing the same work.
		if busy, err := a.syncBusy(ctx, run.Job.ConnectionID); err != nil || busy {
			if err != nil {
				return jobs.Outcome{}, err
			}
			return jobs.Outcome{Skipped: "another sync of this connection was running"}, nil
		}
		defer a.syncing.Delete(run.Job.ConnectionID)
		out, err := syncFunc(ctx, run)
		if err == nil {
			a.runAnalyses(ctx, run.Job.ConnectionID)
		}
		return out, err
	}
	list := []jobs.Analyzer{syncer, a.actionsMaintainer()}
	for _, an := range areaAnalyzers() {
		list = append(list, analysis.JobAnalyzer(a.store, an, time.Now, a.records, a.onResult))
	}
	return jobs.NewRegistry(list...)
}

// syncBusy claims the connection's sync for this process, or reports that
// a sync is already running: here, or in another instance that updated the
// connection's sync state within the last two minutes.
func (a *app) syncBusy(ctx context.Context, connectionID int64) (bool, error) {
	if _, loaded := a.syncing.LoadOrStore(connectionID, true); loaded {
		return true, nil
	}
	states, err := a.store.OdooSyncStateList(ctx, connectionID)
	if err != nil {
		a.syncing.Delete(connectionID)
		return false, err
	}
	for _, st := range states {
		if st.Status == store.OdooSyncRunning && a.now().Sub(st.UpdatedAt) < 2*time.Minute {
			a.syncing.Delete(connectionID)
			return true, nil
		}
	}
	return false, nil
}

// housekeeping removes expired sessions and old failed sign-ins.
func (a *app) housekeeping(ctx context.Context) error {
	now := a.now()
	if _, err := a.store.SessionDeleteExpired(ctx, now); err != nil {
		return err
	}
	_, err := a.store.LoginAttemptDeleteBefore(ctx, now.Add(-web.LoginWindowDefault))
	return err
}

// runAnalyses enqueues an immediate run of every enabled analysis job of a
// connection.
func (a *app) runAnalyses(ctx context.Context, connectionID int64) {
	js, err := a.store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID, EnabledOnly: true})
	if err != nil {
		a.logger.ErrorContext(ctx, "listing analyses to run after sync", "error", err)
		return
	}
	for _, j := range js {
		if strings.HasPrefix(j.AnalyzerType, analysis.JobTypePrefix) {
			if err := a.engine.RunNow(ctx, j.ID); err != nil {
				a.logger.ErrorContext(ctx, "enqueueing analysis after sync", "job", j.Name, "error", err)
			}
		}
	}
}

// startServices builds the notification, alert, language-model and
// briefing services (the job engine, built after, runs their work).
func (a *app) startServices(logger *slog.Logger) error {
	chans, err := notifyChannels(a.cfg, a.odooDiscuss)
	if err != nil {
		return err
	}
	a.channels = chans
	a.broker = notify.NewBroker()
	a.webBroker = web.NewBroker()
	if a.deliverer, err = notify.NewWorker(notify.WorkerConfig{Store: a.store, Channels: chans, Broker: a.broker, Logger: logger, Registerer: a.metrics}); err != nil {
		return err
	}
	if a.outbox, err = notify.NewOutbox(notify.OutboxConfig{Inserter: lazyInserter{a}}); err != nil {
		return err
	}
	alertMetrics, err := alerts.NewMetrics(alerts.MetricsConfig{Store: a.store, Registerer: a.metrics, Logger: logger})
	if err != nil {
		return err
	}
	a.alerts = alerts.New(a.store, alerts.Config{Notifier: outboxNotifier{a}, Logger: logger, BaseURL: a.cfg.PublicURL(), Metrics: alertMetrics})
	if a.llm, err = newLLM(a.cfg, a.store, logger); err != nil {
		return err
	}
	a.briefer, err = newBriefer(a.cfg, a.store, a.llm, logger)
	return err
}

// onResult turns a result's insights into alerts and action proposals.
func (a *app) onResult(ctx context.Context, job *store.MonitoringJob, res *analysis.Result) error {
	er, err := a.alerts.Evaluate(ctx, job.ConnectionID, res)
	if err != nil {
		return err
	}
	// Open dashboards of this process hear of each change at once.
	for _, c := range er.Changes {
		a.webBroker.Publish(web.Event{Type: "alert", ConnectionID: job.ConnectionID, AlertID: c.AlertID, Area: c.Area, Status: c.Status, Title: c.Title})
	}
	a.logger.InfoContext(ctx, "alert rules evaluated", "area", res.Area, "raised", er.Raised, "updated", er.Updated,
		"resolved", er.Resolved, "pending", er.Pending, "no_data", er.NoData, "errors", strings.Join(er.Errors, "; "))
	if _, ok := a.creds.get(job.ConnectionID); !ok {
		return nil // no Odoo credentials here: nothing can be proposed or checked
	}
	pr, err := a.actions.ProposeInsights(ctx, job.ConnectionID, res.Insights, actions.ProposalOpts{Today: odoo.DateOf(a.now().UTC())})
	if err != nil {
		// Proposals are a bonus on top of the analysis: a failure is logged,
		// and the analysis result still stored.
		a.logger.ErrorContext(ctx, "proposing actions", "area", res.Area, "error", err)
		return nil
	}
	attrs := []any{"area", res.Area, "created", pr.Created, "existing", pr.Existing}
	for _, st := range slices.Sorted(maps.Keys(pr.ByStatus)) {
		attrs = append(attrs, st, pr.ByStatus[st])
	}
	a.logger.InfoContext(ctx, "actions proposed", attrs...)
	return nil
}

// actionsMaintainer is the "actions.maintain" monitoring job: it expires
// stale proposals and enqueues approved actions whose enqueue was lost.
func (a *app) actionsMaintainer() jobs.Analyzer {
	return jobs.Analyzer{
		Type:        "actions.maintain",
		Description: "Expire stale action proposals, execute approved actions and check the impact of executed ones",
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			expired, err := a.actions.ExpireStale(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, err
			}
			ids, err := a.actions.Runnable(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, err
			}
			for _, id := range ids {
				if err := a.engine.Insert(ctx, actions.ExecuteArgs{ConnectionID: run.Job.ConnectionID, ActionID: id}); err != nil {
					return jobs.Outcome{}, err
				}
			}
			// The impact check reads only the store; a failure is logged and
			// leaves expiry and execution done.
			ir, err := a.actions.EvaluateImpact(ctx, run.Job.ConnectionID)
			if err != nil {
				a.logger.ErrorContext(ctx, "checking action impact", "connection", run.Job.ConnectionID, "error", err)
				ir = &actions.ImpactReport{}
			}
			m, _ := json.Marshal(map[string]int{"expired": expired, "enqueued": len(ids), "impact_checked": ir.Checked,
				"impact_improved": ir.Improved, "impact_not_improved": ir.NotImproved, "impact_pending": ir.Pending})
			return jobs.Outcome{Metrics: m}, nil
		},
	}
}

// odooFor returns a connected client for a connection whose secret this
// process holds, reusing one client per connection.
func (a *app) odooFor(ctx context.Context, connectionID int64) (*odoo.Client, error) {
	if c, ok := a.clients.Load(connectionID); ok {
		return c.(*odoo.Client), nil
	}
	conn, err := a.store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	key, ok := a.creds.get(connectionID)
	if !ok {
		return nil, fmt.Errorf("no Odoo API key for connection %q in this process", conn.Name)
	}
	c, err := odooClient(ctx, conn, key, a.logger)
	if err != nil {
		return nil, err
	}
	actual, _ := a.clients.LoadOrStore(connectionID, c)
	return actual.(*odoo.Client), nil
}

// ensureDefaultJobs creates the standard monitoring jobs of a connection
// when missing (existing ones, and the edits made to them, are kept): an
// Odoo sync every five minutes, and each area's analysis every hour (and
// after every sync).
func (a *app) ensureDefaultJobs(ctx context.Context, conn *store.Connection) error {
	if conn.OdooURL == "" {
		return nil
	}
	defs := []store.MonitoringJobParams{
		{Name: "odoo-sync", Schedule: "@every 5m", AnalyzerType: odoosync.AnalyzerType},
		{Name: "actions", Schedule: "@every 15m", AnalyzerType: "actions.maintain"},
	}
	for _, an := range areaAnalyzers() {
		defs = append(defs, store.MonitoringJobParams{Name: an.Area(), Schedule: "@every 1h", AnalyzerType: analysis.JobTypePrefix + an.Area()})
	}
	for _, d := range defs {
		d.ConnectionID, d.Enabled = conn.ID, true
		if _, created, err := a.store.MonitoringJobEnsure(ctx, d); err != nil {
			return err
		} else if created {
			a.logger.InfoContext(ctx, "monitoring job created", "connection", conn.Name, "job", d.Name, "schedule", d.Schedule)
		}
	}
	return nil
}

// startApp opens the store, ensures the configured connection and its
// default jobs, and starts the job engine.
func startApp(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*app, error) {
	s, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	creds := &credentials{}
	a := &app{cfg: cfg, logger: logger, store: s, metrics: prometheus.NewRegistry(), creds: creds, now: time.Now, records: analysis.NewRecordCache()}
	a.migrated.Store(true)
	a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	conn, err := a.ensureConnection(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := a.ensureDefaultJobs(ctx, conn); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := alerts.EnsureBuiltinRules(ctx, s, conn.ID); err != nil {
		s.Close()
		return nil, err
	}
	if err := a.startServices(logger); err != nil {
		s.Close()
		return nil, err
	}
	a.actions, err = actions.New(actions.Config{
		Store: s, Logger: logger,
		OdooFunc: func(ctx context.Context, connectionID int64) (actions.Odoo, error) {
			return a.odooFor(ctx, connectionID)
		},
		EnqueueFunc: func(ctx context.Context, connectionID, actionID int64) error {
			return a.engine.Insert(ctx, actions.ExecuteArgs{ConnectionID: connectionID, ActionID: actionID})
		},
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	reg, err := a.analyzers()
	if err != nil {
		s.Close()
		return nil, err
	}
	a.engine, err = jobs.New(jobs.Config{
		Store: s, Analyzers: reg, Logger: logger, Registerer: a.metrics,
		// This process holds one connection's secrets and channels: it
		// works that connection's queue only (see docs/architecture.md, Jobs).
		Instance: instanceName(cfg), Connections: []int64{conn.ID}, ConnectionOfJob: a.connectionOfJob,
		Workers:           cfg.Jobs.Workers,
		JobTimeout:        time.Duration(cfg.Jobs.JobTimeout),
		RescueAfter:       time.Duration(cfg.Jobs.RescueAfter),
		MaxAttempts:       cfg.Jobs.MaxAttempts,
		FailureAlertAfter: cfg.Jobs.FailureAlertAfter,
		ReloadInterval:    time.Duration(cfg.Jobs.ReloadInterval),
		RegisterWorkersFunc: func(w *river.Workers) error {
			if err := actions.Register(w, a.actions); err != nil {
				return err
			}
			return notify.Register(w, a.deliverer)
		},
		// Alert escalation and briefings run per connection, in its queue,
		// with this process's channels and language model.
		Ticks: []jobs.Tick{
			{Name: "alerts", Interval: 30 * time.Second, ConnectionFunc: func(ctx context.Context, connectionID int64) error {
				_, err := a.alerts.TickConnection(ctx, connectionID)
				return err
			}},
			// Often, so a new connection's first briefing follows its first
			// analyses closely (a tick with nothing due is a few reads per
			// connection), with time for slow model calls; runs never
			// overlap, so a slow one is not repeated by the next ticks.
			{Name: "briefings", Interval: 20 * time.Second, Timeout: 5 * time.Minute, ConnectionFunc: a.deliverBriefingsOf},
			{Name: "housekeeping", Interval: time.Hour, Func: a.housekeeping},
		},
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := a.engine.Start(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return a, nil
}

// ensureConnection creates or updates the connection described by the
// [odoo] section, so the configuration file stays the source of truth for
// it, and keeps its API key in memory.
func (a *app) ensureConnection(ctx context.Context) (*store.Connection, error) {
	o := a.cfg.Odoo
	conn, err := a.store.ConnectionUpsert(ctx, store.ConnectionUpsertParams{
		Name: o.Name, OdooURL: o.URL, OdooDatabase: o.Database, OdooUsername: o.Username, OdooProtocol: o.Protocol,
	})
	if err != nil {
		return nil, err
	}
	if o.APIKey != "" {
		a.creds.set(conn.ID, string(o.APIKey))
	}
	return conn, nil
}

// stop stops the engine (running jobs get until ctx is done) and closes
// the store.
func (a *app) stop(ctx context.Context) {
	if err := a.engine.Stop(ctx); err != nil {
		a.logger.Error("stopping job engine", "error", err)
	}
	if err := a.store.Close(); err != nil {
		a.logger.Error("closing store", "error", err)
	}
}

// checks are the readiness conditions of /readyz.
func (a *app) checks() []web.Check {
	return []web.Check{
		{Name: "store", Func: a.store.Ping},
		{Name: "migrations", Func: func(ctx context.Context) error {
			// Migrations cannot be undone under a running process: once
			// applied, the answer is cached.
			if a.migrated.Load() {
				return nil
			}
			pending, err := a.store.MigrationsPending(ctx)
			if err == nil && !pending {
				pending, err = jobs.MigrationsPending(ctx, a.store)
			}
			if err != nil {
				return err
			}
			if pending {
				return errors.New("migrations pending: run aicoo migrate")
			}
			a.migrated.Store(true)
			return nil
		}},
		{Name: "scheduler", Func: func(context.Context) error { return a.engine.Healthy() }},
		{Name: "odoo-sync", Degraded: true, Func: a.syncHealthy},
	}
}

// syncHealthy fails while the Odoo sync of a connection this process holds
// credentials for has failed, wholly or partly, on its last run. It names
// no connection: /readyz is public.
func (a *app) syncHealthy(ctx context.Context) error {
	js, err := a.store.MonitoringJobList(ctx, store.MonitoringJobListParams{EnabledOnly: true})
	if err != nil {
		return err
	}
	failing, worst := 0, 0
	for _, j := range js {
		if _, mine := a.creds.get(j.ConnectionID); !mine || j.AnalyzerType != odoosync.AnalyzerType || j.ConsecutiveFailures == 0 {
			continue
		}
		failing, worst = failing+1, max(worst, j.ConsecutiveFailures)
	}
	if failing > 0 {
		return fmt.Errorf("the Odoo sync of %d connection(s) is failing (up to %d runs in a row failed or partly failed; figures read from the models not synced are not shown)", failing, worst)
	}
	return nil
}

// serveHTTP serves h on addr until ctx is done, then shuts down gracefully.
// ready, if not nil, receives the bound address once listening.
func serveHTTP(ctx context.Context, logger *slog.Logger, addr string, h http.Handler, shutdownTimeout time.Duration, ready func(interface{ String() string }), onShutdown func()) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if strings.Contains(err.Error(), "address already in use") {
			return fmt.Errorf("listen on %s: the address is in use (another aicoo running?); choose another with --addr or server.addr", addr)
		}
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if onShutdown != nil {
		// Long-lived responses (live alert streams) end when shutdown begins.
		srv.RegisterOnShutdown(onShutdown)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}
