package cli

import (
	"context"
	"flag"
	"net"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/search"
	"github.com/aicoo/aicoo/internal/web"
)

func serveCommand() command {
	return command{
		name: "serve",
		summary: `Run aicoo: the web dashboard, the scheduler and the job workers.
Start several on one PostgreSQL database to share the work.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			data := dataFlag(fs)
			addr := fs.String("addr", "", "listen `address`, overrides server.addr")
			return func(ctx context.Context, e *env) error {
				cfg, err := load(e)
				if err != nil {
					return err
				}
				useData(cfg, *data)
				if *addr != "" {
					cfg.Server.Addr = *addr
				}
				return serve(ctx, e, cfg, true, nil, nil)
			}
		},
	}
}

func workerCommand() command {
	return command{
		name: "worker",
		summary: `Run the scheduler and job workers without the dashboard, to scale out.
Needs PostgreSQL (store.postgres_dsn). Serves /healthz, /readyz and /metrics on server.addr.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			data := dataFlag(fs)
			addr := fs.String("addr", "", "listen `address` for health and metrics, overrides server.addr")
			return func(ctx context.Context, e *env) error {
				cfg, err := load(e)
				if err != nil {
					return err
				}
				useData(cfg, *data)
				if *addr != "" {
					cfg.Server.Addr = *addr
				}
				if !cfg.UsesPostgres() {
					e.stderr.Write([]byte("aicoo worker: note: on SQLite a separate worker process shares one database file; use PostgreSQL to run workers on other machines\n"))
				}
				return serve(ctx, e, cfg, false, nil, nil)
			}
		},
	}
}

// serve runs an instance until ctx is done. With dashboard false only the
// operational endpoints are served. prepare, if not nil, runs once the
// store is open and before requests are accepted; started, if not nil, is
// called with the instance's URL once it accepts requests.
func serve(ctx context.Context, e *env, cfg *config.Config, dashboard bool, prepare func(context.Context, *app) error, started func(a *app, url string)) error {
	logger := newLogger(cfg, e.stderr)
	a, err := startApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(ctx, a); err != nil {
			a.stop(context.Background())
			return err
		}
	}
	shutdown := time.Duration(cfg.Server.ShutdownTimeout)
	proxies, err := cfg.Server.Proxies() // validated with the configuration
	if err != nil {
		a.stop(context.Background())
		return err
	}
	// One search index per connection for the dashboard, built in the
	// background as soon as the instance accepts requests.
	searcher := newSearchService(a, logger)
	plans := cashplan.New(a.store, nil)
	var (
		mcpCfg *mcpserver.Config
		asker  web.Asker
	)
	if dashboard {
		// The chat and MCP clients answer with the app's registry, and
		// with the dashboard's search and forecast.
		if err := a.askReg.Add(search.Tool(searcher), cashplan.Tool(plans)); err != nil {
			a.stop(context.Background())
			return err
		}
		c := mcpConfig(cfg, a.askReg, a.cat, logger)
		mcpCfg, asker = &c, a.chat
	}
	srv, err := web.New(web.Config{
		Store: a.store, Logger: logger, Gatherer: a.metrics, Checks: a.checks(), Version: version,
		Secure: strings.HasPrefix(cfg.PublicURL(), "https://"), OpsOnly: !dashboard,
		AlertActions: alertActions{a}, Jobs: a.engine, Odoo: connectionTester{a}, Broker: a.webBroker, Inbox: a.broker,
		Briefings: a.briefer, BriefingAt: briefingAt(cfg), Rules: a.alerts, Actions: a.actions, Catalogue: a.cat, ActionKinds: a.kinds,
		Impact: actionImpact{a.actions}, Channels: channelTester{a}, ChannelKinds: a.channels, CashPlan: plans, Search: searcher,
		Ask: asker, Records: a.records,
		SetupToken: string(cfg.Server.SetupToken), MetricsToken: string(cfg.Server.MetricsToken), TrustedProxies: proxies,
		MCP: mcpCfg,
	})
	if err != nil {
		a.stop(context.Background())
		return err
	}
	if cfg.Server.MetricsToken == "" && !loopbackAddr(cfg.Server.Addr) {
		logger.Warn("aicoo: /metrics is open to anyone who reaches " + cfg.Server.Addr + "; set server.metrics_token to require a bearer token")
	}
	err = serveHTTP(ctx, logger, cfg.Server.Addr, srv.Handler(), shutdown, func(addr interface{ String() string }) {
		url := "http://" + addr.String()
		logger.Info("aicoo started", "version", version, "url", url, "store", a.store.Dialect(), "dashboard", dashboard)
		if dashboard {
			warmSearch(ctx, a, searcher, logger)
			base := cfg.PublicURL()
			if cfg.Server.BaseURL == "" {
				base = url
			}
			if err := srv.AnnounceSetup(ctx, base); err != nil {
				logger.Error("aicoo: checking for first-run setup", "error", err)
			}
		}
		if started != nil {
			started(a, url)
		}
	}, srv.CloseStreams)
	// Jobs get the shutdown timeout to finish; River retries what is cut off.
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdown)
	defer cancel()
	a.stop(stopCtx)
	return err
}

// loopbackAddr reports whether a listen address only accepts local
// connections.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
