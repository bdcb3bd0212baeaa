package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// noUsers reports whether nobody can sign in yet: no connection has a user.
func (s *Server) noUsers(ctx context.Context) (bool, error) {
	conns, err := s.cfg.Store.Connections(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range conns {
		us, err := s.cfg.Store.UserList(ctx, c.ID)
		if err != nil {
			return false, err
		}
		if len(us) > 0 {
			return false, nil
		}
	}
	return true, nil
}

type setupPage struct {
	Error      string
	Token      string
	Username   string
	Email      string
	Connection string
	MinLength  int
}

// errSetupDone is returned when a user appeared while the form was filled.
var errSetupDone = errors.New("web: setup already done")

// showSetup asks the first visitor to create the administrator, while no
// user exists. Afterwards it sends visitors to the login page.
func (s *Server) showSetup(w http.ResponseWriter, r *http.Request) {
	conn, ok := s.setupConnection(w, r)
	if !ok {
		return
	}
	s.render(w, r, "setup", http.StatusOK, setupPage{Connection: conn.Name, MinLength: auth.MinPasswordLength, Token: r.URL.Query().Get("token")})
}

// AnnounceSetup logs, while nobody can sign in yet, where to create the
// first administrator and the setup token that page asks for. Call it once
// the server listens; baseURL is the dashboard's public URL.
func (s *Server) AnnounceSetup(ctx context.Context, baseURL string) error {
	none, err := s.noUsers(ctx)
	if err != nil || !none {
		return err
	}
	setupURL := strings.TrimRight(baseURL, "/") + "/setup"
	if s.setupConfigured {
		// The operator chose it; it is not repeated in the log.
		s.cfg.Logger.WarnContext(ctx, "web: no administrator yet; open the setup page and enter server.setup_token", "url", setupURL)
		return nil
	}
	s.cfg.Logger.WarnContext(ctx, "web: no administrator yet; open the setup page and enter the setup token printed here",
		"url", setupURL+"?token="+url.QueryEscape(s.cfg.SetupToken), "setup_token", s.cfg.SetupToken)
	return nil
}

// setupTokenOK compares the submitted token with the server's in constant
// time.
func (s *Server) setupTokenOK(token string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.cfg.SetupToken)) == 1
}

// setupConnection returns the connection the first admin belongs to, or
// redirects to the login page when setup is over.
func (s *Server) setupConnection(w http.ResponseWriter, r *http.Request) (*store.Connection, bool) {
	none, err := s.noUsers(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	if !none {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil, false
	}
	conns, err := s.cfg.Store.Connections(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	if len(conns) == 0 {
		s.renderError(w, r, http.StatusServiceUnavailable, "No Odoo connection is configured yet. Start aicoo with an [odoo] section in its configuration, then reload this page.")
		return nil, false
	}
	return conns[0], true
}

// setup creates the administrator and signs them in. Only possible while
// no user exists; the check and the insert share one transaction.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	conn, ok := s.setupConnection(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	page := setupPage{Connection: conn.Name, MinLength: auth.MinPasswordLength, Token: r.PostForm.Get("token"),
		Username: strings.TrimSpace(r.PostForm.Get("username")), Email: strings.TrimSpace(r.PostForm.Get("email"))}
	if !s.setupTokenOK(page.Token) {
		s.cfg.Logger.WarnContext(r.Context(), "web: setup refused: wrong setup token", "client", s.clientAddr(r))
		page.Token = ""
		page.Error = "The setup token is missing or wrong. The server printed it in its log when it started (\"no administrator yet\")."
		s.render(w, r, "setup", http.StatusForbidden, page)
		return
	}
	password := r.PostForm.Get("password")
	switch {
	case page.Username == "":
		page.Error = "Choose a username."
	case password != r.PostForm.Get("password2"):
		page.Error = "The two passwords differ."
	}
	var hash string
	if page.Error == "" {
		var err error
		if hash, err = auth.HashPassword(password); err != nil {
			page.Error = strings.TrimPrefix(err.Error(), "auth: ") + "."
		}
	}
	if page.Error != "" {
		s.render(w, r, "setup", http.StatusUnprocessableEntity, page)
		return
	}
	var u *store.User
	err := s.cfg.Store.InTx(r.Context(), func(tx *store.Store) error {
		us, err := tx.UserList(r.Context(), conn.ID)
		if err != nil {
			return err
		}
		if len(us) > 0 {
			return errSetupDone
		}
		u, err = tx.UserCreate(r.Context(), store.UserCreateParams{ConnectionID: conn.ID, Username: page.Username, Email: page.Email,
			Role: store.RoleAdmin, PasswordHash: hash})
		return err
	})
	if errors.Is(err, errSetupDone) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.cfg.Logger.InfoContext(r.Context(), "web: first administrator created", "username", u.Username, "connection", conn.Name)
	if err := s.startSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
