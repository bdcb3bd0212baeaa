package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// app is a running aicoo instance: store, job engine and metrics.
type app struct {
	cfg      *config.Config
	logger   *slog.Logger
	store    *store.Store
	metrics  *prometheus.Registry
	engine   *jobs.Engine
	migrated atomic.Bool
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
	if err := jobs.Migrate(ctx, s, logger); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// analyzers lists the analyzer types this binary can run.
func analyzers() (*jobs.Registry, error) {
	return jobs.NewRegistry()
}

// startApp opens the store, ensures the configured connection and starts
// the job engine.
func startApp(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*app, error) {
	s, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, logger: logger, store: s, metrics: prometheus.NewRegistry()}
	a.migrated.Store(true)
	a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := a.ensureConnection(ctx); err != nil {
		s.Close()
		return nil, err
	}
	reg, err := analyzers()
	if err != nil {
		s.Close()
		return nil, err
	}
	a.engine, err = jobs.New(jobs.Config{
		Store: s, Analyzers: reg, Logger: logger, Registerer: a.metrics,
		Workers:           cfg.Jobs.Workers,
		JobTimeout:        time.Duration(cfg.Jobs.JobTimeout),
		RescueAfter:       time.Duration(cfg.Jobs.RescueAfter),
		MaxAttempts:       cfg.Jobs.MaxAttempts,
		FailureAlertAfter: cfg.Jobs.FailureAlertAfter,
		ReloadInterval:    time.Duration(cfg.Jobs.ReloadInterval),
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
// [odoo] section, so the configuration file stays the source of truth for it.
func (a *app) ensureConnection(ctx context.Context) error {
	o := a.cfg.Odoo
	_, err := a.store.ConnectionUpsert(ctx, store.ConnectionUpsertParams{
		Name: o.Name, OdooURL: o.URL, OdooDatabase: o.Database, OdooUsername: o.Username, OdooProtocol: o.Protocol,
	})
	return err
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
	}
}

// serveHTTP serves h on addr until ctx is done, then shuts down gracefully.
// ready, if not nil, receives the bound address once listening.
func serveHTTP(ctx context.Context, logger *slog.Logger, addr string, h http.Handler, shutdownTimeout time.Duration, ready func(net.Addr)) error {
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
