package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

const sessionCookie = "aicoo_session"

type ctxKey int

const userKey ctxKey = iota

// userFrom returns the signed-in user put in the context by requireUser.
func userFrom(ctx context.Context) *store.User {
	u, _ := ctx.Value(userKey).(*store.User)
	return u
}

// requireUser sends visitors without a live session to the login page.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err == nil {
			u, err := s.cfg.Store.SessionUser(r.Context(), auth.TokenHash(c.Value), s.cfg.NowFunc())
			if err == nil {
				next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
				return
			}
			if !errors.Is(err, store.ErrNotFound) {
				s.serverError(w, r, err)
				return
			}
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}

type loginPage struct {
	Error    string
	Username string
	Next     string
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "login", http.StatusOK, loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// login checks the credentials against every connection's users: a
// username is looked up in each connection in turn (one connection in the
// common case).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	page := loginPage{Username: username, Next: safeNext(r.PostForm.Get("next"))}
	u, err := s.authenticate(r.Context(), username, password)
	if errors.Is(err, auth.ErrWrongPassword) {
		page.Error = "Wrong username or password."
		s.render(w, r, "login", http.StatusUnauthorized, page)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	token := auth.NewToken()
	now := s.cfg.NowFunc()
	if err := s.cfg.Store.SessionCreate(r.Context(), store.Session{
		TokenHash: auth.TokenHash(token), ConnectionID: u.ConnectionID, UserID: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL),
	}); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds()),
	})
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

// authenticate returns the enabled user with that username and password,
// or auth.ErrWrongPassword for any mismatch (unknown user included, so the
// answer does not reveal which usernames exist).
func (s *Server) authenticate(ctx context.Context, username, password string) (*store.User, error) {
	conns, err := s.cfg.Store.Connections(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range conns {
		u, err := s.cfg.Store.UserByUsername(ctx, c.ID, username)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Disabled {
			return nil, auth.ErrWrongPassword
		}
		if err := auth.CheckPassword(u.PasswordHash, password); err != nil {
			return nil, err
		}
		return u, nil
	}
	return nil, auth.ErrWrongPassword
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Store.SessionDelete(r.Context(), auth.TokenHash(c.Value)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
