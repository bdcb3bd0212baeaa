package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

func syncCommand() command {
	return command{
		name: "sync",
		summary: `Sync the configured Odoo connection into the store now, with progress.
Incremental by default (only what changed since the last sync); --full fetches everything
and sweeps for deleted records.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			data := dataFlag(fs)
			full := fs.Bool("full", false, "fetch every record again and sweep for deletions")
			models := fs.String("models", "", "comma-separated models to sync (default: all)")
			odooOpts := odooFlags(fs)
			return func(ctx context.Context, e *env) error {
				cfg, err := load(e)
				if err != nil {
					return err
				}
				useData(cfg, *data)
				var over odooOverrides
				if err := odooOpts(e, &over); err != nil {
					return err
				}
				over.apply(cfg)
				if err := cfg.Validate(); err != nil {
					return err
				}
				var only []string
				if *models != "" {
					only = strings.Split(*models, ",")
				}
				logger := newLogger(cfg, e.stderr)
				s, err := openStore(ctx, cfg, logger)
				if err != nil {
					return err
				}
				defer s.Close()
				return runSync(ctx, e, cfg, s, logger, *full, only)
			}
		},
	}
}

// runSync syncs the configured connection once into s, drawing progress on
// stderr.
func runSync(ctx context.Context, e *env, cfg *config.Config, s *store.Store, logger *slog.Logger, full bool, only []string) error {
	if cfg.Odoo.URL == "" {
		return errors.New("no Odoo configured: set odoo.url, odoo.database, odoo.username and odoo.api_key")
	}
	o := cfg.Odoo
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: o.Name, OdooURL: o.URL, OdooDatabase: o.Database, OdooUsername: o.Username, OdooProtocol: o.Protocol})
	if err != nil {
		return err
	}
	client, err := odooClient(ctx, conn, string(o.APIKey), logger)
	if err != nil {
		return err
	}
	syncer, err := newSyncer(s, client, logger, conn.ID, odoosync.NewProgressPrinter(e.stderr, stderrIsTerminal(e.stderr)))
	if err != nil {
		return err
	}
	rep, err := syncer.Sync(ctx, odoosync.Opts{Full: full, Models: only})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "synced %d records from %d models in %s (%d failed)\n", rep.Fetched(), len(rep.Models), rep.Duration.Round(1e7), rep.Failed())
	return rep.Err()
}
