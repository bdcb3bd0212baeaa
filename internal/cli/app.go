package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/pipeline"
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
	records *analysis.RecordCache
	// cat and kinds are the app's registrations, built once at start and
	// handed to every part that names areas or action types: the
	// dashboard, the alert rules, the ask tools, the search, the
	// briefings and the actions service.
	cat   *analysis.Catalogue
	kinds *actions.Kinds
	// askReg is the tools the chat and MCP clients answer with.
	askReg    *ask.Registry
	actions   *actions.Service
	deliverer *notify.Worker
	// channels are the notification channel kinds of this process and the
	// ones its configuration enables (notifier, channelTester, dashboard).
	channels  *notify.Registry
	alerts    *alerts.Engine
	outbox    *notify.Outbox
	broker    *notify.Broker
	webBroker *web.Broker
	llm       *llm.Client
	briefer   *briefing.Generator
	chat      *chat.Service
	migrated  atomic.Bool
	clients   sync.Map // connection id -> *odoo.Client, connected
	pipeline  *pipeline.Pipeline
	now       func() time.Time
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

// areaAnalyzers lists the business analyzers, one per area (package areas).
func areaAnalyzers() []analysis.Analyzer { return areas.Analyzers() }

// newRecordCache returns the cache of decoded records the analyses of this
// process share: it keeps the fields the analyzers read, at most
// jobs.record_cache_max records.
func newRecordCache(cfg *config.Config) *analysis.RecordCache {
	return analysis.NewRecordCacheWith(analysis.CacheOptions{Fields: areas.Fields(), MaxRecords: cfg.Jobs.RecordCacheMax})
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

// startServices builds the notification, alert, language-model and
// briefing services (the job engine, built after, runs their work).
func (a *app) startServices(logger *slog.Logger) error {
	var err error
	if a.channels, err = notify.Builtin(a.cfg, notify.Deps{Odoo: a.odooDiscuss}); err != nil {
		return err
	}
	a.broker = notify.NewBroker()
	a.webBroker = web.NewBroker()
	if a.deliverer, err = notify.NewWorker(notify.WorkerConfig{Store: a.store, Channels: a.channels.Channels(), Broker: a.broker, Logger: logger, Registerer: a.metrics}); err != nil {
		return err
	}
	if a.outbox, err = notify.NewOutbox(notify.OutboxConfig{Inserter: lazyInserter{a}}); err != nil {
		return err
	}
	alertMetrics, err := alerts.NewMetrics(alerts.MetricsConfig{Store: a.store, Registerer: a.metrics, Logger: logger})
	if err != nil {
		return err
	}
	a.alerts = alerts.New(a.store, alerts.Config{Notifier: outboxNotifier{a}, Logger: logger, BaseURL: a.cfg.PublicURL(), Metrics: alertMetrics,
		Catalogue: a.cat, Channels: a.channels})
	if a.llm, err = newLLM(a.cfg, a.store, logger); err != nil {
		return err
	}
	if a.briefer, err = newBriefer(a.cfg, a.store, a.cat, a.llm, logger); err != nil {
		return err
	}
	if a.askReg, err = a.newAskRegistry(); err != nil {
		return err
	}
	a.chat, err = newChat(a.cfg, a.store, a.llm, a.askReg, logger, a.metrics)
	return err
}

// alertPublisher tells the dashboards open in this process of each alert
// an analysis raised or resolved.
type alertPublisher struct{ b *web.Broker }

func (p alertPublisher) AlertChanged(connectionID int64, c alerts.Change) {
	p.b.Publish(web.Event{Type: "alert", ConnectionID: connectionID, AlertID: c.AlertID, Area: c.Area, Status: c.Status, Title: c.Title})
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
	for _, d := range pipeline.DefaultJobs(areaAnalyzers()) {
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
	a := &app{cfg: cfg, logger: logger, store: s, metrics: prometheus.NewRegistry(), creds: creds, now: time.Now, records: newRecordCache(cfg),
		cat: areas.Catalogue(), kinds: actions.Builtin()}
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
		Store: s, Logger: logger, Kinds: a.kinds,
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
	a.pipeline, err = pipeline.New(pipeline.Config{
		Store: s, Logger: logger, Analyzers: areaAnalyzers(), Records: a.records,
		Alerts: a.alerts, Actions: a.actions, Publisher: alertPublisher{a.webBroker},
		NewSyncer: func(ctx context.Context, connectionID int64) (*odoosync.Syncer, error) {
			client, err := a.odooFor(ctx, connectionID)
			if err != nil {
				return nil, err
			}
			return newSyncer(a.store, client, a.logger, connectionID, nil)
		},
		HoldsCredentials: func(connectionID int64) bool { _, ok := a.creds.get(connectionID); return ok },
		Briefings:        a.deliverBriefingsOf,
		Housekeeping:     a.housekeeping,
		History: &history.Updater{Store: s, Now: a.now,
			Source: func(id int64) analysis.Source { return a.records.AnalysisSource(s, id) }},
		Now: a.now,
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	reg, err := a.pipeline.Analyzers()
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
		Ticks: a.pipeline.Ticks(),
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	a.pipeline.Attach(a.engine)
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

// newAskRegistry builds the ask tool registry of the app: the chat and the
// MCP endpoint answer with it. Proposals go through the app's actions
// service, briefings through its generator, and both name the app's
// areas and action types; extra are the tools of the services the
// dashboard shares (the search, the cash forecast).
func (a *app) newAskRegistry(extra ...ask.Tool) (*ask.Registry, error) {
	var br ask.Briefer
	// The briefing tool writes from the template: a question must not
	// spend a model call on a briefing (the chat's own call reads it).
	if g, err := newBriefer(a.cfg, a.store, a.cat, nil, slog.New(slog.DiscardHandler)); err == nil {
		br = g
	}
	reg, err := askTools(a.store, a.cat, a.kinds, lazyProposer{a}, br, a.records)
	if err != nil {
		return nil, err
	}
	return reg, reg.Add(extra...)
}

// lazyProposer lets the registry be built before the actions service it
// proposes through.
type lazyProposer struct{ a *app }

func (l lazyProposer) Propose(ctx context.Context, connectionID int64, p actions.Proposal) (*store.Action, bool, error) {
	if l.a.actions == nil {
		return nil, false, errors.New("proposing actions is not available in this process")
	}
	return l.a.actions.Propose(ctx, connectionID, p)
}

// askTools is the one place the tools of the ask registry are chosen,
// checked against the catalogue's permission table, and labelling and
// showing actions by kinds (who approves a type sees its actions). Without a proposer
// (a command without the actions service) propose_action says proposing
// is not available there; without a cache the record tools read the
// store.
func askTools(s *store.Store, cat *analysis.Catalogue, kinds *actions.Kinds, prop ask.Proposer, br ask.Briefer, cache *analysis.RecordCache) (*ask.Registry, error) {
	return ask.NewTools(ask.Deps{Store: s, Access: access.New(cat), Catalogue: cat, Kinds: kinds, Now: time.Now, Actions: prop, Briefings: br, Cache: cache})
}

// mcpConfig is the MCP server's configuration over reg: metric resources
// from the catalogue, sources linked to the dashboard's public address
// when server.base_url is set.
func mcpConfig(cfg *config.Config, reg *ask.Registry, cat *analysis.Catalogue, logger *slog.Logger) mcpserver.Config {
	return mcpserver.Config{Registry: reg, Catalogue: cat, BaseURL: cfg.Server.BaseURL, Version: version, Logger: logger}
}
