package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

const sessionCookie = "aicoo_session"

// Sign-in throttling. Failed sign-ins are counted per (username, client
// address) pair and per client address, never per username alone, so
// nobody can lock someone else out by guessing at their username: the
// right password from an address that has not failed is always checked.
// Past its free failures a key waits 1 s after its next failure, twice as
// long after each further one, up to LoginBackoffMaxDefault; failures are
// forgotten after LoginWindowDefault, and a pair's on a successful sign-in.
const (
	LoginWindowDefault        = time.Hour
	LoginFreePerPairDefault   = 3
	LoginFreePerClientDefault = 20
	LoginBackoffMaxDefault    = 15 * time.Minute
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

// clientAddr is the address failed sign-ins are counted and logged under:
// the peer's IP, or, when the peer is a trusted proxy
// (Config.TrustedProxies), the nearest address in X-Forwarded-For that is
// not one. Entries left of that are the client's to write, so they are
// never believed.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host // a garbled header: count it under the proxy
		}
		if !s.trustedProxy(a) {
			return a.Unmap().String()
		}
	}
	return host
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// loginBackoff is how long a key that has failed n times, free of them
// without waiting, must wait after its latest failure.
func loginBackoff(n, free int, maxWait time.Duration) time.Duration {
	over := n - free
	if over <= 0 {
		return 0
	}
	if over > 30 {
		return maxWait
	}
	return min(time.Second<<(over-1), maxWait)
}

// throttleKey is one counter failed sign-ins are recorded under.
type throttleKey struct {
	key   string
	free  int
	scope string // for the log
}

// loginThrottled reports how long until the keys' back-off has passed (0 or
// less: the attempt may be checked now).
func (s *Server) loginThrottled(ctx context.Context, keys []throttleKey) (time.Duration, error) {
	now := s.cfg.NowFunc()
	var wait time.Duration
	for _, k := range keys {
		n, latest, err := s.cfg.Store.LoginAttemptCount(ctx, k.key, now.Add(-s.cfg.LoginWindow))
		if err != nil {
			return 0, err
		}
		wait = max(wait, latest.Add(loginBackoff(n, k.free, s.cfg.LoginBackoffMax)).Sub(now))
	}
	return wait, nil
}

// loginKeys are the counters of a sign-in by username from the request's
// address. The address comes first: it has no spaces, so the first space
// ends it whatever the username holds.
func (s *Server) loginKeys(r *http.Request, username string) (pair, addr throttleKey) {
	a := s.clientAddr(r)
	return throttleKey{"pair:" + a + " " + strings.ToLower(username), s.cfg.LoginFreePerPair, "username and address"},
		throttleKey{"addr:" + a, s.cfg.LoginFreePerClient, "address"}
}

// login checks the credentials against every connection's users: a
// username is looked up in each connection in turn (one connection in the
// common case). A (username, address) pair or an address past its free
// failures waits out its back-off: attempts before then answer 429
// without checking.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	page := loginPage{Username: username, Next: safeNext(r.PostForm.Get("next"))}
	pair, addr := s.loginKeys(r, username)
	wait, err := s.loginThrottled(ctx, []throttleKey{pair, addr})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if wait > 0 {
		secs := int(wait.Seconds()) + 1
		if wait%time.Second == 0 {
			secs = int(wait.Seconds())
		}
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		s.cfg.Logger.InfoContext(ctx, "web: sign-in refused while locked out", "username", username, "client", s.clientAddr(r), "retry_after_s", secs)
		page.Error = fmt.Sprintf("Too many failed sign-ins from here. Try again in %s.", waitText(secs))
		s.render(w, r, "login", http.StatusTooManyRequests, page)
		return
	}
	u, err := s.authenticate(ctx, username, password)
	if errors.Is(err, auth.ErrWrongPassword) {
		if err := s.loginFailed(ctx, r, username, pair, addr); err != nil {
			s.serverError(w, r, err)
			return
		}
		page.Error = "Wrong username or password."
		s.render(w, r, "login", http.StatusUnauthorized, page)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.cfg.Store.LoginAttemptClear(ctx, pair.key); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

// loginFailed records a failed sign-in under both keys and logs it, and
// logs a lock-out when a key has used up its free failures.
func (s *Server) loginFailed(ctx context.Context, r *http.Request, username string, keys ...throttleKey) error {
	now := s.cfg.NowFunc()
	s.cfg.Logger.WarnContext(ctx, "web: failed sign-in", "username", username, "client", s.clientAddr(r))
	for _, k := range keys {
		if err := s.cfg.Store.LoginAttemptRecord(ctx, k.key, now); err != nil {
			return err
		}
		n, _, err := s.cfg.Store.LoginAttemptCount(ctx, k.key, now.Add(-s.cfg.LoginWindow))
		if err != nil {
			return err
		}
		if wait := loginBackoff(n, k.free, s.cfg.LoginBackoffMax); wait > 0 {
			s.cfg.Logger.WarnContext(ctx, "web: sign-in locked out", "scope", k.scope, "username", username, "client", s.clientAddr(r),
				"failures", n, "locked_for", wait.String())
		}
	}
	return nil
}

// waitText says how long in words: seconds under two minutes, minutes
// above.
func waitText(secs int) string {
	if secs < 120 {
		return fmt.Sprintf("%d second%s", secs, plural(secs))
	}
	m := (secs + 59) / 60
	return fmt.Sprintf("%d minutes", m)
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

// authenticate returns the enabled user with that username (any case) and
// password, or auth.ErrWrongPassword for any mismatch. An unknown or
// disabled user costs the same password hash check as a known one, so
// neither the answer nor its timing reveals which usernames exist.
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
			break
		}
		if err := s.checkPassword(u.PasswordHash, password); err != nil {
			return nil, err
		}
		return u, nil
	}
	hash, err := s.dummyHash()
	if err != nil {
		return nil, err
	}
	if err := s.checkPassword(hash, password); err != nil && !errors.Is(err, auth.ErrWrongPassword) {
		return nil, err
	}
	return nil, auth.ErrWrongPassword
}

// dummyHash is a hash of a random password, made the way this server
// hashes passwords, checked against for unknown users.
func (s *Server) dummyHash() (string, error) {
	s.dummyOnce.Do(func() {
		s.dummy, s.dummyErr = s.cfg.HashPasswordFunc(auth.NewPassword())
	})
	return s.dummy, s.dummyErr
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
