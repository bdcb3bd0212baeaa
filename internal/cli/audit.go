package cli

import (
	"context"
	"flag"

	"github.com/aicoo/aicoo/internal/actions"
)

func auditCommand() command {
	return command{
		name:  "audit",
		usage: " verify",
		summary: `Check the audit log: "aicoo audit verify" recomputes the hash chain of the
connection's audit log and reports the first broken entry (exit status 1), if any.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			return func(ctx context.Context, e *env) error {
				if len(e.args) != 1 || e.args[0] != "verify" {
					return errUsage
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				return actions.VerifyAudit(ctx, o.s, o.conn.ID, e.stdout)
			}
		},
	}
}
