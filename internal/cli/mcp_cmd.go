package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/store"
)

// mcpTokenEnv names the API token "aicoo mcp" acts with when --user is
// not given.
const mcpTokenEnv = "AICOO_TOKEN"

// mcpCommand serves the MCP protocol on standard input and output for one
// person. Who that is must be said: --user NAME (whoever can run aicoo
// against the store can read it all anyway, so the operator names the
// user whose role applies), or an API token in AICOO_TOKEN, the same token
// the HTTP endpoint takes, so a client configured with a token loses access
// when the token is revoked or its user disabled.
func mcpCommand() command {
	return command{
		name: "mcp",
		summary: `Serve aicoo's tools to an MCP client (Claude Desktop, Claude Code) on standard input and output.
The caller is --user NAME, or the user of the API token in AICOO_TOKEN; tools follow that user's role.
Over HTTP the dashboard serves the same at /mcp with "Authorization: Bearer <token>".`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			userName := fs.String("user", "", "the `name` of the user whose role the tools follow (default: the user of the API token in AICOO_TOKEN)")
			return func(ctx context.Context, e *env) error {
				token := e.getenv(mcpTokenEnv)
				switch {
				case *userName == "" && token == "":
					return usageErrorf("say who is asking: --user NAME, or an API token in %s (aicoo token create --user NAME)", mcpTokenEnv)
				case *userName != "" && token != "":
					return usageErrorf("give --user or %s, not both", mcpTokenEnv)
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				c, err := mcpCaller(ctx, o.s, o.conn, *userName, token, time.Now())
				if err != nil {
					return err
				}
				logger := newLogger(o.cfg, e.stderr)
				cat := areas.Catalogue()
				reg, err := askTools(o.s, cat, actions.Builtin(), nil, nil, nil)
				if err != nil {
					return err
				}
				srv := mcpserver.New(mcpConfig(o.cfg, reg, cat, logger), c)
				logger.Info("aicoo mcp: serving on standard input and output", "user", c.Username, "role", c.Role, "connection", o.conn.Name, "tools", len(reg.For(c)))
				t := &mcp.IOTransport{Reader: io.NopCloser(e.stdin), Writer: nopWriteCloser{e.rawStdout}}
				if err := srv.Run(ctx, t); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
					return fmt.Errorf("mcp: %w", err)
				}
				return nil
			}
		},
	}
}

// mcpCaller is the person "aicoo mcp" answers for: the named user, or the
// user of a live API token, of the chosen connection and not disabled.
func mcpCaller(ctx context.Context, s *store.Store, conn *store.Connection, userName, token string, now time.Time) (ask.Caller, error) {
	var u *store.User
	var err error
	if userName != "" {
		u, err = s.UserByUsername(ctx, conn.ID, userName)
		if errors.Is(err, store.ErrNotFound) {
			return ask.Caller{}, fmt.Errorf("no user %q in connection %q (aicoo user list)", userName, conn.Name)
		}
	} else {
		u, _, err = s.APITokenUser(ctx, auth.TokenHash(token), now)
		if errors.Is(err, store.ErrNotFound) {
			return ask.Caller{}, fmt.Errorf("the API token in %s is unknown, revoked or expired, or its user is disabled", mcpTokenEnv)
		}
	}
	switch {
	case err != nil:
		return ask.Caller{}, err
	case u.Disabled:
		return ask.Caller{}, fmt.Errorf("user %q is disabled", u.Username)
	case u.ConnectionID != conn.ID:
		return ask.Caller{}, fmt.Errorf("the API token in %s belongs to another connection than %q: choose its connection with --connection NAME", mcpTokenEnv, conn.Name)
	}
	return ask.Caller{UserID: u.ID, Username: u.Username, Role: u.Role, ConnectionID: u.ConnectionID, Via: "mcp"}, nil
}

// nopWriteCloser keeps standard output open when the MCP session ends.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
