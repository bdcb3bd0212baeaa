package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// Token lifetimes offered when creating a token, in days; 0 never expires.
var tokenLifetimes = []int{30, 90, 365, 0}

// tokenView is an API token as the page and the API show it (never its
// secret or hash).
type tokenView struct {
	ID         int64      `json:"id"`
	User       string     `json:"user"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Status is "live", "expired" or "revoked".
	Status string `json:"status"`
	userID int64
}

func newTokenView(t *store.APIToken, user string, now time.Time) tokenView {
	v := tokenView{ID: t.ID, User: user, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, ExpiresAt: timePtr(t.ExpiresAt),
		LastUsedAt: timePtr(t.LastUsedAt), RevokedAt: timePtr(t.RevokedAt), Status: "live", userID: t.UserID}
	switch {
	case !t.RevokedAt.IsZero():
		v.Status = "revoked"
	case !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(now):
		v.Status = "expired"
	}
	return v
}

// visibleTokens lists the tokens u may see: their own, and for admins every
// user's of the connection, each list newest first.
func (s *Server) visibleTokens(ctx context.Context, u *store.User) ([]tokenView, error) {
	users := []*store.User{u}
	if s.can(u.Role, permAdmin) {
		all, err := s.cfg.Store.UserList(ctx, u.ConnectionID)
		if err != nil {
			return nil, err
		}
		users = append(users[:0], u)
		for _, x := range all {
			if x.ID != u.ID {
				users = append(users, x)
			}
		}
	}
	now := s.cfg.NowFunc()
	out := []tokenView{}
	for _, x := range users {
		toks, err := s.cfg.Store.APITokenList(ctx, x.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range toks {
			out = append(out, newTokenView(t, x.Username, now))
		}
	}
	return out, nil
}

type tokenError struct {
	status int
	code   string
	msg    string
}

func (e *tokenError) Error() string { return e.msg }

// createToken makes a token for u, refusing a bad name or lifetime or a
// name u already uses for a live token, and audits it.
func (s *Server) createToken(ctx context.Context, u *store.User, name string, days int) (string, tokenView, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return "", tokenView{}, &tokenError{http.StatusBadRequest, codeBadRequest, "Give the token a name of 1 to 64 characters (what uses it, e.g. \"grafana\")."}
	}
	if days < 0 || days > 3650 {
		return "", tokenView{}, &tokenError{http.StatusBadRequest, codeBadRequest, "The lifetime must be 0 (never expires) to 3650 days."}
	}
	toks, err := s.cfg.Store.APITokenList(ctx, u.ID)
	if err != nil {
		return "", tokenView{}, err
	}
	for _, t := range toks {
		if t.Name == name && t.RevokedAt.IsZero() {
			return "", tokenView{}, &tokenError{http.StatusConflict, codeConflict, "You already have a token named " + strconv.Quote(name) + "; revoke it or choose another name."}
		}
	}
	var (
		secret string
		tok    *store.APIToken
	)
	err = s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if secret, tok, err = CreateAPIToken(ctx, tx, u, name, time.Duration(days)*24*time.Hour, s.cfg.NowFunc()); err != nil {
			return err
		}
		return auditToken(ctx, tx, u, "token.created", u.Username, tok)
	})
	if err != nil {
		return "", tokenView{}, err
	}
	return secret, newTokenView(tok, u.Username, s.cfg.NowFunc()), nil
}

func auditToken(ctx context.Context, tx *store.Store, actor *store.User, action, owner string, t *store.APIToken) error {
	_, err := tx.AuditRecord(ctx, store.AuditAppendParams{ConnectionID: actor.ConnectionID, Actor: "user:" + actor.Username, Action: action,
		Subject: "user:" + owner}, TokenAuditDetails(t))
	return err
}

// TokenAuditDetails is what the audit log keeps of an API token: never
// its secret.
func TokenAuditDetails(t *store.APIToken) map[string]any {
	details := map[string]any{"token_id": t.ID, "name": t.Name, "prefix": t.Prefix}
	if !t.ExpiresAt.IsZero() {
		details["expires_at"] = t.ExpiresAt.UTC()
	}
	return details
}

// revokeToken revokes token id: the caller's own, or any of the
// connection's for an admin.
func (s *Server) revokeToken(ctx context.Context, u *store.User, id int64) (tokenView, error) {
	toks, err := s.visibleTokens(ctx, u)
	if err != nil {
		return tokenView{}, err
	}
	for _, t := range toks {
		if t.ID != id {
			continue
		}
		if t.Status == "revoked" {
			return t, &tokenError{http.StatusConflict, codeConflict, "The token " + strconv.Quote(t.Name) + " is already revoked."}
		}
		err := s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.APITokenRevoke(ctx, t.userID, t.Name); err != nil {
				return err
			}
			return auditToken(ctx, tx, u, "token.revoked", t.User, &store.APIToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix})
		})
		if err != nil {
			return t, err
		}
		t.Status = "revoked"
		now := s.cfg.NowFunc().UTC()
		t.RevokedAt = &now
		return t, nil
	}
	// Another user's token of this connection is forbidden, not hidden:
	// token ids are not secret, and the answer says what to do.
	if owner, ok := s.tokenOwner(ctx, u.ConnectionID, id); ok {
		return tokenView{}, &tokenError{http.StatusForbidden, codeForbidden, "Only " + owner + " or an administrator may revoke this token."}
	}
	return tokenView{}, &tokenError{http.StatusNotFound, codeNotFound, fmt.Sprintf("There is no API token %d.", id)}
}

// tokenOwner finds the owner of token id among the connection's users.
func (s *Server) tokenOwner(ctx context.Context, connectionID, id int64) (string, bool) {
	users, err := s.cfg.Store.UserList(ctx, connectionID)
	if err != nil {
		return "", false
	}
	for _, x := range users {
		toks, err := s.cfg.Store.APITokenList(ctx, x.ID)
		if err != nil {
			return "", false
		}
		for _, t := range toks {
			if t.ID == id {
				return x.Username, true
			}
		}
	}
	return "", false
}

func (s *Server) tokenFail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var te *tokenError
	if errors.As(err, &te) {
		if api {
			s.apiError(w, r, te.status, te.code, te.msg)
		} else {
			s.renderError(w, r, te.status, te.msg)
		}
		return
	}
	s.fail(w, r, api, err)
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) {
	toks, err := s.visibleTokens(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[tokenView]{Data: toks, Pagination: page{Page: 1, PerPage: max(len(toks), 1)}})
}

type tokenCreated struct {
	tokenView
	// Token is the secret, shown this once.
	Token string `json:"token"`
}

// bearerRequest reports whether the request came with an API token rather
// than a dashboard session.
func bearerRequest(r *http.Request) bool { return r.Header.Get("Authorization") != "" }

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) {
	if bearerRequest(r) {
		// A leaked token must not be able to mint tokens that outlive it.
		s.apiError(w, r, http.StatusForbidden, codeForbidden, "API tokens are created from the dashboard (signed in) or with aicoo token create, not with another token.")
		return
	}
	var in struct {
		Name          string `json:"name"`
		ExpiresInDays *int   `json:"expires_in_days"`
	}
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "Want {\"name\": ..., \"expires_in_days\": n (0: never)}: "+err.Error())
		return
	}
	days := 90
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
	}
	secret, v, err := s.createToken(r.Context(), userFrom(r.Context()), in.Name, days)
	if err != nil {
		s.tokenFail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusCreated, tokenCreated{tokenView: v, Token: secret})
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, true, err.Error())
		return
	}
	v, err := s.revokeToken(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.tokenFail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// tokensPage is the signed-in user's API tokens page.
type tokensPage struct {
	Mine, Others []tokenView
	IsAdmin      bool
	Lifetimes    []int
	// Created is a new token's secret, shown once; Name and Days keep the
	// form; Error says why a creation was refused; Revoked names the token
	// just revoked.
	Created, CreatedName string
	Name                 string
	Days                 int
	Error                string
	Revoked              string
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, code int, p tokensPage) {
	u := userFrom(r.Context())
	toks, err := s.visibleTokens(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, t := range toks {
		if t.userID == u.ID {
			p.Mine = append(p.Mine, t)
		} else {
			p.Others = append(p.Others, t)
		}
	}
	p.IsAdmin, p.Lifetimes = s.can(u.Role, permAdmin), tokenLifetimes
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, "tokens", code, p)
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, tokensPage{Days: 90, Revoked: r.URL.Query().Get("revoked")})
}

func (s *Server) postTokenCreate(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = -1
	}
	secret, v, err := s.createToken(r.Context(), userFrom(r.Context()), name, days)
	var te *tokenError
	if errors.As(err, &te) && te.status != http.StatusForbidden {
		s.renderTokens(w, r, te.status, tokensPage{Name: name, Days: days, Error: te.msg})
		return
	}
	if err != nil {
		s.tokenFail(w, r, false, err)
		return
	}
	// The secret is rendered into this response only (no redirect, so it is
	// in no URL or history entry), and the page is not cached (render).
	s.renderTokens(w, r, http.StatusCreated, tokensPage{Created: secret, CreatedName: v.Name, Days: 90})
}

func (s *Server) postTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, false, err.Error())
		return
	}
	v, err := s.revokeToken(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.tokenFail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/account/tokens?revoked="+url.QueryEscape(v.User+"/"+v.Name), http.StatusSeeOther)
}
