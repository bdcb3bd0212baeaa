package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/aicoo/aicoo/internal/actions"
)

func auditCommand() command {
	return command{
		name:  "audit",
		usage: " verify",
		summary: `Check that the audit log of actions and approvals is intact.
"aicoo audit verify" recomputes the hash chain of the connection's audit log and reports
the first broken entry (exit status 1), if any.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			asJSON := fs.Bool("json", false, "print the result as JSON (shape in docs/cli.md); exit status 1 when broken all the same")
			return func(ctx context.Context, e *env) error {
				if len(e.args) != 1 || e.args[0] != "verify" {
					return errUsage
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				if *asJSON {
					res, err := o.s.AuditVerify(ctx, o.conn.ID)
					if err != nil {
						return err
					}
					if err := writeJSON(e.stdout, auditJSON{Intact: res.BrokenAt == 0, Entries: res.Entries, BrokenAt: res.BrokenAt, Reason: res.Reason}); err != nil {
						return err
					}
					if res.BrokenAt != 0 {
						return fmt.Errorf("%w at entry %d: %s", actions.ErrAuditBroken, res.BrokenAt, res.Reason)
					}
					return nil
				}
				return actions.VerifyAudit(ctx, o.s, o.conn.ID, e.stdout)
			}
		},
	}
}
