package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

type ctxKey int

const userKey ctxKey = iota

// userFrom returns the signed-in user put in the context by guard.
func userFrom(ctx context.Context) *store.User {
	u, _ := ctx.Value(userKey).(*store.User)
	return u
}

// errBadToken is a Bearer token that is unknown, revoked or expired.
var errBadToken = errors.New("web: invalid API token")

// requestUser identifies the caller: by an API token ("Authorization:
// Bearer", API routes only) or by the session cookie. It returns nil, nil
// for an anonymous request.
func (s *Server) requestUser(r *http.Request, api bool) (*store.User, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); api && h != "" {
		token, ok := bearerToken(h)
		if !ok {
			return nil, errBadToken
		}
		u, _, err := s.cfg.Store.APITokenUser(ctx, auth.TokenHash(token), s.cfg.NowFunc())
		if errors.Is(err, store.ErrNotFound) {
			return nil, errBadToken
		}
		return u, err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	u, err := s.cfg.Store.SessionUser(ctx, auth.TokenHash(c.Value), s.cfg.NowFunc())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header. The scheme is case-insensitive (RFC 6750 and RFC 9110 section
// 11.1), so "bearer" is accepted too.
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// guard authenticates the caller and checks the route's permission before
// calling its handler: anonymous page visits go to the login page (or to
// first-run setup), anonymous API calls get 401, and a role without the
// permission gets 403.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.requestUser(r, rt.api)
		switch {
		case errors.Is(err, errBadToken):
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			s.apiError(w, r, http.StatusUnauthorized, codeUnauthenticated, "The API token is unknown, revoked or expired.")
			return
		case err != nil:
			s.fail(w, r, rt.api, err)
			return
		case u == nil && rt.api:
			w.Header().Set("WWW-Authenticate", `Bearer realm="aicoo"`)
			s.apiError(w, r, http.StatusUnauthorized, codeUnauthenticated, "Sign in or send an API token as \"Authorization: Bearer <token>\".")
			return
		case u == nil:
			http.Redirect(w, r, loginURL(r), http.StatusSeeOther)
			return
		}
		if rt.perm != "" && !s.can(u.Role, rt.perm) {
			s.forbidden(w, r.WithContext(context.WithValue(r.Context(), userKey, u)), rt.api, "Your role ("+u.Role+") may not do this.")
			return
		}
		rt.handler(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	})
}

// requireArea answers 403 and returns false when the signed-in user may not
// see the area.
func (s *Server) requireArea(w http.ResponseWriter, r *http.Request, api bool, area string) bool {
	u := userFrom(r.Context())
	if s.canSeeArea(u.Role, area) {
		return true
	}
	s.forbidden(w, r, api, "Your role ("+u.Role+") may not see "+area+" figures.")
	return false
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, api bool, msg string) {
	if api {
		s.apiError(w, r, http.StatusForbidden, codeForbidden, msg)
		return
	}
	s.renderError(w, r, http.StatusForbidden, msg)
}

// fail answers an internal error in the caller's format.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	if api {
		s.apiServerError(w, r, err)
		return
	}
	s.serverError(w, r, err)
}
