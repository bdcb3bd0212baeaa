package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

const sessionCookie = "aicoo_session"

// Sign-in limits: failed attempts per username and per client address
// within LoginWindowDefault before further attempts are refused.
const (
	LoginWindowDefault       = 15 * time.Minute
	LoginMaxPerUserDefault   = 5
	LoginMaxPerClientDefault = 20
)

type loginPage struct {
	Error    string
	Username string
	Next     string
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	if none, err := s.noUsers(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	} else if none {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	s.render(w, r, "login", http.StatusOK, loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// clientAddr is the address failed sign-ins are counted under: the peer's
// IP (a reverse proxy in front therefore shares one budget; see
// Config.LoginMaxPerClient).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginThrottled reports, when either key has used up its failed attempts,
// how long until the oldest of them leaves the window.
func (s *Server) loginThrottled(ctx context.Context, keys map[string]int) (time.Duration, error) {
	now := s.cfg.NowFunc()
	var wait time.Duration
	for key, limit := range keys {
		n, oldest, err := s.cfg.Store.LoginAttemptCount(ctx, key, now.Add(-s.cfg.LoginWindow))
		if err != nil {
			return 0, err
		}
		if n >= limit {
			wait = max(wait, oldest.Add(s.cfg.LoginWindow).Sub(now))
		}
	}
	return wait, nil
}

// login checks the credentials against every connection's users: a
// username is looked up in each connection in turn (one connection in the
// common case). Failed attempts are counted per username and per client
// address; past the limit the form answers 429 without checking.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	page := loginPage{Username: username, Next: safeNext(r.PostForm.Get("next"))}
	userKey, addrKey := "user:"+strings.ToLower(username), "addr:"+clientAddr(r)
	wait, err := s.loginThrottled(ctx, map[string]int{userKey: s.cfg.LoginMaxPerUser, addrKey: s.cfg.LoginMaxPerClient})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if wait > 0 {
		minutes := int(wait.Minutes()) + 1
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		page.Error = fmt.Sprintf("Too many failed sign-ins. Try again in %d minute%s.", minutes, plural(minutes))
		s.render(w, r, "login", http.StatusTooManyRequests, page)
		return
	}
	u, err := s.authenticate(ctx, username, password)
	if errors.Is(err, auth.ErrWrongPassword) {
		now := s.cfg.NowFunc()
		for _, k := range []string{userKey, addrKey} {
			if err := s.cfg.Store.LoginAttemptRecord(ctx, k, now); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		s.cfg.Logger.WarnContext(ctx, "web: failed sign-in", "username", username, "client", clientAddr(r))
		page.Error = "Wrong username or password."
		s.render(w, r, "login", http.StatusUnauthorized, page)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.cfg.Store.LoginAttemptClear(ctx, userKey); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// startSession stores a new session for u and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *store.User) error {
	token := auth.NewToken()
	now := s.cfg.NowFunc()
	if err := s.cfg.Store.SessionCreate(r.Context(), store.Session{
		TokenHash: auth.TokenHash(token), ConnectionID: u.ConnectionID, UserID: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL),
	}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds()),
	})
	return nil
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
		if u.Disabled || u.PasswordHash == "" {
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

// loginURL is where a visitor without a session is sent.
func loginURL(r *http.Request) string {
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}
