package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoosim"
)

func odooSimCommand() command {
	return command{
		name: "odoo-sim",
		summary: `Serve an Odoo-compatible server (XML-RPC, JSON-RPC, JSON-2) over a dataset.
Loads --dataset DIR, or generates a demo company from --size and --seed. Prints the
URL, database, login and API key. For trying aicoo and for tests; see docs/odoo-simulator.md.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			addr := fs.String("addr", "127.0.0.1:8069", "listen `address`")
			dir := fs.String("dataset", "", "dataset `folder` to serve (see docs/dataset-format.md)")
			size := fs.String("size", defaultSize, "size of a generated company: small, medium or large")
			seed := fs.Uint64("seed", 1, "seed of a generated company")
			today := fs.String("today", "", "last day of a generated company's history, YYYY-MM-DD (default: today)")
			db := fs.String("odoo-database", "", "database name (default: the dataset's, else "+odoosim.DatabaseDefault+")")
			ver := fs.String("version", "", "Odoo version to emulate, e.g. 16.0, 17.0, 19.0 (default: the dataset's)")
			login := fs.String("odoo-username", odoosim.LoginDefault, "login of the user")
			password := secretFlag(fs, "odoo-password", "the user's password (default: "+odoosim.PasswordDefault+")")
			apiKey := secretFlag(fs, "odoo-api-key", "the user's API key (default: generated and printed)")
			deprecatedAlias(fs, "db", "odoo-database")
			deprecatedAlias(fs, "login", "odoo-username")
			fs.Var(fs.Lookup("odoo-password").Value, "password", fs.Lookup("odoo-password").Usage)
			fs.Var(fs.Lookup("odoo-api-key").Value, "api-key", fs.Lookup("odoo-api-key").Usage)
			latency := fs.Duration("latency", 0, "delay added to every request")
			errorRate := fs.Float64("error-rate", 0, "fraction (0-1) of requests that fail with 502 before doing any work")
			timeoutRate := fs.Float64("timeout-rate", 0, "fraction (0-1) of requests that hang, then fail with 504")
			return func(ctx context.Context, e *env) error {
				if *errorRate < 0 || *errorRate > 1 || *timeoutRate < 0 || *timeoutRate > 1 {
					return fmt.Errorf("--error-rate and --timeout-rate must be between 0 and 1")
				}
				if _, err := demodata.ParseSize(*size); err != nil && *dir == "" {
					return fmt.Errorf("--size: %w", err)
				}
				day := time.Now()
				if *today != "" {
					var err error
					if day, err = time.Parse(time.DateOnly, *today); err != nil {
						return fmt.Errorf("--today %q: want YYYY-MM-DD", *today)
					}
				}
				pw, err := password(os.Stdin)
				if err != nil {
					return err
				}
				if pw == "" {
					pw = odoosim.PasswordDefault
				}
				key, err := apiKey(os.Stdin)
				if err != nil {
					return err
				}
				if key == "" {
					var err error
					if key, err = odoosim.NewAPIKey(); err != nil {
						return err
					}
				}
				src := odoosim.Source{Dir: *dir, Size: *size, Seed: *seed, Today: day}
				started := time.Now()
				sim, err := odoosim.Open(ctx, src, odoosim.Options{
					Database: *db, Version: *ver,
					Users:   []odoosim.User{{Login: *login, Password: pw, APIKeys: []string{key}}},
					Latency: *latency, ErrorRate: *errorRate, TimeoutRate: *timeoutRate, Seed: *seed,
				})
				if err != nil {
					return err
				}
				what := *dir
				if what == "" {
					what = fmt.Sprintf("generated %s company, seed %d, in %s", *size, *seed, time.Since(started).Round(10*time.Millisecond))
				}
				cfg, err := loadDefaults(e)
				if err != nil {
					return err
				}
				logger := newLogger(cfg, e.stderr)
				return serveHTTP(ctx, logger, *addr, sim, 5*time.Second, func(a interface{ String() string }) {
					fmt.Fprintf(e.stdout, "Odoo simulator (Odoo %s) serving %s\n  URL:      http://%s\n  Database: %s\n  Login:    %s\n  Password: %s\n  API key:  %s\n",
						sim.Version(), what, a.String(), sim.Database(), *login, pw, key)
				}, nil)
			}
		},
	}
}
