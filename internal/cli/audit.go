package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/aicoo/aicoo/internal/actions"
)

func auditCommand() command {
	return command{
		name:  "audit",
		usage: " verify",
		summary: `Check the audit log: "aicoo audit verify" recomputes the hash chain of the
connection's audit log and reports the first broken entry (exit status 1), if any.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			connName := fs.String("connection", "", "connection `name` (default: odoo.name from the configuration)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) != 1 || e.args[0] != "verify" {
					return errUsage
				}
				cfg, err := load(e)
				if err != nil {
					return err
				}
				if *connName == "" {
					*connName = cfg.Odoo.Name
				}
				s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
				if err != nil {
					return err
				}
				defer s.Close()
				conn, err := s.ConnectionByName(ctx, *connName)
				if err != nil {
					return fmt.Errorf("connection %q: %w", *connName, err)
				}
				return actions.VerifyAudit(ctx, s, conn.ID, e.stdout)
			}
		},
	}
}
