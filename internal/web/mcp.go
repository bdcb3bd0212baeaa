package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/store"
)

// mountMCP serves MCP as streamable HTTP at /mcp when Config.MCP is set.
// It sits outside the guarded routes: it takes only API tokens (never the
// session cookie, so a page cannot reach it with a visitor's sign-in) and
// answers 401 without one; the caller is the token's user with their role.
func (s *Server) mountMCP(mux *http.ServeMux) {
	if s.cfg.MCP == nil {
		return
	}
	h := mcpserver.HTTPHandler(*s.cfg.MCP, s.mcpCaller, mcpserver.HTTPOptions{Logger: s.cfg.Logger})
	mux.Handle("/mcp", h)
}

// mcpCaller is the caller an API token stands for: its user, role and
// connection. Unknown, revoked and expired tokens and disabled users are
// refused, as on the JSON API.
func (s *Server) mcpCaller(ctx context.Context, token string) (ask.Caller, time.Time, error) {
	u, t, err := s.cfg.Store.APITokenUser(ctx, auth.TokenHash(token), s.cfg.NowFunc())
	if errors.Is(err, store.ErrNotFound) {
		return ask.Caller{}, time.Time{}, fmt.Errorf("web: %w", mcpserver.ErrInvalidToken)
	}
	if err != nil {
		return ask.Caller{}, time.Time{}, fmt.Errorf("web: MCP token: %w", err)
	}
	return ask.Caller{UserID: u.ID, Username: u.Username, Role: u.Role, ConnectionID: u.ConnectionID, Via: "mcp"}, t.ExpiresAt, nil
}
