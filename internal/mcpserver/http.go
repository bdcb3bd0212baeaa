package mcpserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/ask"
)

// ErrInvalidToken is what a VerifyFunc returns (wrapped) for a token that is
// unknown, revoked or expired, or whose user is disabled: the client gets
// 401.
var ErrInvalidToken = auth.ErrInvalidToken

// VerifyFunc returns the caller a bearer token stands for and when the
// token expires (zero for never). It is called on every HTTP request, so a
// revoked token or a disabled user is refused at once.
type VerifyFunc func(ctx context.Context, token string) (c ask.Caller, expires time.Time, err error)

// HTTPOptions configure HTTPHandler.
type HTTPOptions struct {
	// SessionTimeout closes a session idle this long. Defaults to
	// SessionTimeoutDefault.
	SessionTimeout time.Duration
	// Logger receives the transport's failures. Defaults to cfg.Logger.
	Logger *slog.Logger
}

// SessionTimeoutDefault is how long an idle MCP session over HTTP is kept.
const SessionTimeoutDefault = 30 * time.Minute

type callerKey struct{}

// HTTPHandler serves MCP as streamable HTTP. Every request needs
// "Authorization: Bearer <token>", checked by verify; without one, or with
// one verify refuses, the answer is 401. A session gets a server for the
// token's caller (New) and is bound to that user and role: a request of
// the session with another user's token, or after the user's role changed,
// is refused (403), and the client starts a new session.
func HTTPHandler(cfg Config, verify VerifyFunc, opts HTTPOptions) http.Handler {
	logger := cmp.Or(opts.Logger, cfg.Logger, slog.New(slog.DiscardHandler))
	h := mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server {
		c, ok := r.Context().Value(callerKey{}).(ask.Caller)
		if !ok {
			return nil // 400; cannot happen behind requireToken
		}
		return New(cfg, c)
	}, &mcp.StreamableHTTPOptions{
		SessionTimeout: cmp.Or(opts.SessionTimeout, SessionTimeoutDefault),
		Logger:         sdkLogger(logger),
		// The SDK refuses requests reaching a loopback address with another
		// Host header (DNS rebinding). A bearer token is required here, which
		// a rebound page does not have, and that check would refuse aicoo
		// behind a reverse proxy on the same machine.
		DisableLocalhostProtection: true,
	})
	// The SDK's middleware puts the token's identity where the streamable
	// handler reads it to bind sessions to a user; requireToken has already
	// verified the token and hands its result over in the context.
	bind := auth.RequireBearerToken(func(ctx context.Context, _ string, _ *http.Request) (*auth.TokenInfo, error) {
		ti, ok := ctx.Value(tokenInfoKey{}).(*auth.TokenInfo)
		if !ok {
			return nil, ErrInvalidToken
		}
		return ti, nil
	}, &auth.RequireBearerTokenOptions{AllowMissingExpiration: true})
	return requireToken(verify, logger, bind(h))
}

type tokenInfoKey struct{}

// requireToken answers 401 to a request without a valid bearer token, and
// passes the caller on in the request's context.
func requireToken(verify VerifyFunc, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			unauthorized(w, `Bearer realm="aicoo"`, `Send an aicoo API token as "Authorization: Bearer <token>" (create one on your account page, or with "aicoo token create --user NAME").`)
			return
		}
		c, expires, err := verify(r.Context(), token)
		switch {
		case errors.Is(err, ErrInvalidToken):
			unauthorized(w, `Bearer realm="aicoo", error="invalid_token"`, "The API token is unknown, revoked or expired.")
			return
		case err != nil:
			logger.ErrorContext(r.Context(), "mcp: checking an API token", "error", err)
			http.Error(w, "internal error: see the server log", http.StatusInternalServerError)
			return
		}
		c.Via = "mcp"
		ti := &auth.TokenInfo{
			// A session stays with the user, role and connection it began with.
			UserID:     fmt.Sprintf("%d/%s/%d", c.UserID, c.Role, c.ConnectionID),
			Expiration: expires,
		}
		ctx := context.WithValue(context.WithValue(r.Context(), callerKey{}, c), tokenInfoKey{}, ti)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func unauthorized(w http.ResponseWriter, challenge, msg string) {
	w.Header().Set("WWW-Authenticate", challenge)
	http.Error(w, msg, http.StatusUnauthorized)
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header; the scheme is case-insensitive (RFC 9110 section 11.1).
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}
