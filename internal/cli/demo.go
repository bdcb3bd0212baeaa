package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// demoConnection names the connection the demo creates.
const demoConnection = "demo"

// demoCompanyDir is where, inside the data folder, the demo keeps the
// simulated Odoo's data between runs.
const demoCompanyDir = "odoo-sim"

func demoCommand() command {
	return command{
		name: "demo",
		summary: `Run the whole product on built-in defaults, nothing to set up.
A built-in Odoo simulator serves a generated company (kept in the data folder between
runs), aicoo syncs and analyzes it, and the dashboard runs on localhost; prints the
address and the admin login.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			addr := fs.String("addr", "127.0.0.1:8080", "listen `address` of the dashboard")
			data := fs.String("data", "aicoo-demo", "data `folder` (created if missing)")
			password := secretFlag(fs, "admin-password", "the admin user's password (default: generated and printed)")
			size := fs.String("size", defaultSize, "size of the generated company on first run: small, medium or large")
			seed := fs.Uint64("seed", 1, "seed of the generated company on first run")
			verbose := fs.Bool("verbose", false, "log every step at info level (default: warnings only, unless log.level is set)")
			return func(ctx context.Context, e *env) error {
				cfg, err := config.Load("", e.environ)
				if err != nil {
					return err
				}
				// The terminal shows the banner and one line per milestone;
				// the logs say only what needs a look, unless asked.
				switch {
				case *verbose:
					cfg.Log.Level = "info"
				case !cfg.IsSet("log.level"):
					cfg.Log.Level = "warn"
				}
				cfg.Server.Addr = *addr
				cfg.Store.DataDir = *data
				cfg.Store.PostgresDSN = ""
				pw, err := password(os.Stdin)
				if err != nil {
					return err
				}
				if pw == "" {
					pw = auth.NewPassword()
				}
				hash, err := auth.HashPassword(pw)
				if err != nil {
					return fmt.Errorf("--admin-password: %w", err)
				}
				logger := newLogger(cfg, e.stderr)

				sim, simURL, stopSim, err := startDemoOdoo(ctx, e, logger, filepath.Join(*data, demoCompanyDir), *size, *seed)
				if err != nil {
					return err
				}
				defer stopSim()
				cfg.Odoo = config.OdooConfig{Name: demoConnection, URL: simURL, Database: sim.Database(),
					Username: sim.Login(), APIKey: config.Secret(sim.APIKey()), Protocol: "auto"}
				if cfg.Discuss.Channel == "" {
					// Every Odoo has a "general" Discuss channel: the demo can
					// post there (Settings' test send, rules naming odoo_discuss).
					cfg.Discuss.Channel = "general"
				}
				if err := cfg.Validate(); err != nil {
					return err
				}
				abs, _ := filepath.Abs(cfg.Store.DataDir)
				restart := false
				var conn *store.Connection
				prepare := func(ctx context.Context, a *app) error {
					if err := ensureDemoAdmin(ctx, a.store, hash); err != nil {
						return err
					}
					var err error
					if conn, err = a.store.ConnectionByName(ctx, demoConnection); err != nil {
						return err
					}
					restart, err = synced(ctx, a.store, conn.ID)
					return err
				}
				started := time.Now()
				return serve(ctx, e, cfg, true, prepare, func(a *app, url string) {
					first := "The first sync of the company runs now; the dashboard fills in as it completes."
					if restart {
						first = "Syncing the changes since the last run; the dashboard shows the saved figures meanwhile."
					}
					fmt.Fprintf(e.stdout, "\naicoo demo is running.\n\n  Dashboard: %s\n  Login:     admin\n  Password:  %s\n  Data:      %s (SQLite)\n  Odoo:      %s (simulated, database %q, Odoo %s)\n\n%s\nPress Ctrl+C to stop. From another terminal in this folder, try:\n  %s\n  %s\n\n",
						url, pw, abs, simURL, sim.Database(), sim.Version(), first,
						demoExample(*data, "alerts list"), demoExample(*data, "brief"))
					a.syncNow(ctx, demoConnection)
					w := &demoWatch{s: a.store, conn: conn, w: e.stdout, since: started.Add(-time.Second), every: time.Second, briefingAt: cfg.Briefing.Time}
					go w.run(ctx)
				})
			}
		},
	}
}

// startDemoOdoo loads the demo company from dir, or generates and saves it
// on first run, and serves it on a free loopback port. stop saves what the
// simulator's clients changed and shuts it down.
func startDemoOdoo(ctx context.Context, e *env, logger *slog.Logger, dir, size string, seed uint64) (*odoosim.Server, string, func(), error) {
	src := odoosim.Source{Dir: dir}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(e.stdout, "Generating a %s demo company (seed %d); this happens once per data folder...\n", size, seed)
		src = odoosim.Source{Size: size, Seed: seed, Today: time.Now()}
	}
	started := time.Now()
	sim, err := odoosim.Open(ctx, src, odoosim.Options{Logger: logger.With("component", "odoo-sim")})
	if err != nil {
		return nil, "", nil, fmt.Errorf("demo company: %w", err)
	}
	if src.Dir == "" {
		if err := saveDataset(sim, dir); err != nil {
			return nil, "", nil, err
		}
		fmt.Fprintf(e.stdout, "Generated in %s and saved to %s.\n", time.Since(started).Round(100*time.Millisecond), dir)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("demo Odoo: %w", err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		if err := saveDataset(sim, dir); err != nil {
			logger.Error("saving the demo company", "error", err)
		}
	}
	return sim, "http://" + ln.Addr().String(), stop, nil
}

func saveDataset(sim *odoosim.Server, dir string) error {
	return sim.ReadDataset(func(ds *dataset.Dataset) error {
		if err := ds.Save(dir); err != nil {
			return fmt.Errorf("save demo company to %s: %w", dir, err)
		}
		return nil
	})
}

// syncNow enqueues an immediate run of the connection's Odoo sync job.
func (a *app) syncNow(ctx context.Context, connection string) {
	conn, err := a.store.ConnectionByName(ctx, connection)
	if err != nil {
		a.logger.Error("sync now", "error", err)
		return
	}
	js, err := a.store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: conn.ID, EnabledOnly: true})
	if err != nil {
		a.logger.Error("sync now", "error", err)
		return
	}
	for _, j := range js {
		if j.AnalyzerType == odoosync.AnalyzerType {
			if err := a.engine.RunNow(ctx, j.ID); err != nil {
				a.logger.Error("sync now", "error", err)
			}
		}
	}
}

// ensureDemoAdmin sets the demo admin's password, creating the admin on
// first run.
func ensureDemoAdmin(ctx context.Context, s *store.Store, passwordHash string) error {
	conn, err := s.ConnectionByName(ctx, demoConnection)
	if err != nil {
		return err
	}
	u, err := s.UserByUsername(ctx, conn.ID, "admin")
	switch {
	case errors.Is(err, store.ErrNotFound):
		_, err = s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "admin", Role: store.RoleAdmin, PasswordHash: passwordHash})
		return err
	case err != nil:
		return err
	}
	return s.UserSetPassword(ctx, u.ID, passwordHash)
}

// synced reports whether a sync of the connection has succeeded before:
// a restart of the demo syncs only the changes.
func synced(ctx context.Context, s *store.Store, connectionID int64) (bool, error) {
	states, err := s.OdooSyncStateList(ctx, connectionID)
	if err != nil {
		return false, err
	}
	for _, st := range states {
		if !st.LastSuccessAt.IsZero() {
			return true, nil
		}
	}
	return false, nil
}

// demoExample is a command line that works as printed from the folder the
// demo runs in: with the default data folder the commands find the demo's
// store themselves.
func demoExample(data, args string) string {
	cmd := progName() + " " + args
	if filepath.Clean(data) != demoDataDir {
		abs, err := filepath.Abs(data)
		if err != nil {
			abs = data
		}
		cmd += " --data " + shellQuote(abs)
	}
	return cmd
}

// progName is how the person started aicoo: "aicoo" when it is on the
// PATH, "go run ./cmd/aicoo" under go run, else the path they typed.
func progName() string {
	arg0 := os.Args[0]
	if strings.Contains(arg0, "go-build") {
		return "go run ./cmd/aicoo"
	}
	if p, err := exec.LookPath(filepath.Base(arg0)); err == nil {
		if a, err := filepath.Abs(arg0); err == nil && (p == a || !strings.ContainsRune(arg0, filepath.Separator)) {
			return filepath.Base(arg0)
		}
	}
	return arg0
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
