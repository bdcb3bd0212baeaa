package cli

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

func tokenCommand() command {
	return command{
		name:  "token",
		usage: " create|revoke|list",
		summary: `Manage API tokens for the JSON API (sent as "Authorization: Bearer <token>").
  aicoo token create --user NAME [--name N] [--ttl 720h]   prints the token once
  aicoo token revoke --user NAME --name N
  aicoo token list --user NAME`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			userName := fs.String("user", "", "the token's user (required)")
			name := fs.String("name", "cli", "name of the token, unique per user")
			ttl := fs.Duration("ttl", 0, "lifetime of a new token, e.g. 720h (default: no expiry)")
			asJSON := fs.Bool("json", false, "list: print JSON (shape in docs/cli.md)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) != 1 {
					return errUsage
				}
				if *userName == "" {
					return fmt.Errorf("--user is required")
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				s, conn := o.s, o.conn
				u, err := s.UserByUsername(ctx, conn.ID, *userName)
				if err != nil {
					return err
				}
				switch e.args[0] {
				case "create":
					var tok string
					err := s.InTx(ctx, func(tx *store.Store) error {
						secret, t, err := web.CreateAPIToken(ctx, tx, u, *name, *ttl, time.Now())
						if err != nil {
							return err
						}
						tok = secret
						return auditUserChange(ctx, tx, conn.ID, "token.created", u, web.TokenAuditDetails(t))
					})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "token %q for %s (shown once, store it now):\n%s\n", *name, u.Username, tok)
					return nil
				case "revoke":
					err := s.InTx(ctx, func(tx *store.Store) error {
						toks, err := tx.APITokenList(ctx, u.ID)
						if err != nil {
							return err
						}
						for _, t := range toks {
							if t.Name == *name && t.RevokedAt.IsZero() {
								if err := tx.APITokenRevoke(ctx, u.ID, *name); err != nil {
									return err
								}
								return auditUserChange(ctx, tx, conn.ID, "token.revoked", u, web.TokenAuditDetails(t))
							}
						}
						return fmt.Errorf("%s has no live token named %q (aicoo token list --user %s)", u.Username, *name, u.Username)
					})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "token %q of %s revoked\n", *name, u.Username)
					return nil
				case "list":
					toks, err := s.APITokenList(ctx, u.ID)
					if err != nil {
						return err
					}
					if *asJSON {
						out := []tokenJSON{}
						for _, t := range toks {
							out = append(out, tokenOf(t))
						}
						return writeJSON(e.stdout, out)
					}
					tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "NAME\tCREATED\tEXPIRES\tLAST USED\tSTATUS")
					now := time.Now()
					for _, t := range toks {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, stamp(t.CreatedAt), stamp(t.ExpiresAt), stamp(t.LastUsedAt), tokenStatus(t, now))
					}
					return tw.Flush()
				}
				return errUsage
			}
		},
	}
}

// tokenStatus is "live", "revoked <when>" or "expired".
func tokenStatus(t *store.APIToken, now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked " + stamp(t.RevokedAt)
	case !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(now):
		return "expired"
	}
	return "live"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}
