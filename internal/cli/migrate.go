package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
)

func migrateCommand() command {
	return command{
		name: "migrate",
		summary: `Apply database migrations (aicoo's and the job queue's) and exit.
serve, worker and demo also migrate at start; this command lets an operator migrate first.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			data := dataFlag(fs)
			return func(ctx context.Context, e *env) error {
				cfg, err := load(e)
				if err != nil {
					return err
				}
				useData(cfg, *data)
				logger := newLogger(cfg, e.stderr)
				s, err := store.Open(ctx, store.Config{
					PostgresDSN: string(cfg.Store.PostgresDSN), DataDir: cfg.Store.DataDir,
					MaxOpenConns: cfg.Store.MaxOpenConns, Logger: logger,
				})
				if err != nil {
					return err
				}
				defer s.Close()
				n, err := s.Migrate(ctx)
				if err != nil {
					return err
				}
				if err := jobs.Migrate(ctx, s, onceMigrationLogs(logger)); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s schema up to date (%d aicoo migrations applied now)\n", s.Dialect(), n)
				return nil
			}
		},
	}
}
