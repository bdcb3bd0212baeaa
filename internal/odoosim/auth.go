package odoosim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sync"
)

// userInfo is a User resolved against the dataset.
type userInfo struct {
	login    string
	password string
	apiKeys  []string
	uid      int64
	readOnly bool
}

// resolveUsers gives every user its uid: the option's, else the dataset's
// res.users record with the same login, else (first user only) the lowest
// res.users id, else a fresh id.
func (s *Server) resolveUsers(users []User) ([]*userInfo, error) {
	byLogin := map[string]int64{}
	var maxID, minID int64
	for _, r := range s.ds.Records("res.users") {
		byLogin[r.Str("login")] = r.ID()
		maxID = max(maxID, r.ID())
		if minID == 0 {
			minID = r.ID()
		}
	}
	taken := map[int64]string{}
	out := make([]*userInfo, 0, len(users))
	for i, u := range users {
		uid := u.UID
		if uid == 0 {
			uid = byLogin[u.Login]
		}
		if uid == 0 && i == 0 && minID != 0 {
			if _, used := taken[minID]; !used && !slices.ContainsFunc(users, func(o User) bool { return byLogin[o.Login] == minID }) {
				uid = minID
			}
		}
		if uid == 0 {
			maxID = max(maxID+1, 2)
			uid = maxID
		}
		if other, dup := taken[uid]; dup {
			return nil, fmt.Errorf("odoosim: users %q and %q have the same uid %d", other, u.Login, uid)
		}
		taken[uid] = u.Login
		out = append(out, &userInfo{login: u.Login, password: u.Password, apiKeys: u.APIKeys, uid: uid, readOnly: u.ReadOnly})
	}
	return out, nil
}

// secretKind says which secrets a login accepts.
type secretKind int

const (
	// passwordOrKey is the RPC services' check: the password or an API key.
	passwordOrKey secretKind = iota
	// passwordOnly is the interactive (web session) check.
	passwordOnly
	// keyOnly is the JSON-2 bearer check.
	keyOnly
)

// secretMatches reports whether secret is the user's password or one of
// its API keys, as kind allows. Odoo checks API keys only for
// non-interactive logins (odoo/addons/base/models/res_users.py
// ResUsers._check_credentials: "if not interactive: ... apikeys
// _check_credentials(scope='rpc')"); /web/session/authenticate is
// interactive, the XML-RPC and JSON-RPC services are not.
func (u *userInfo) secretMatches(secret string, kind secretKind) bool {
	if secret == "" {
		return false
	}
	ok := false
	if kind != keyOnly && u.password != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(u.password)) == 1 {
		ok = true
	}
	if kind == passwordOnly {
		return ok
	}
	for _, k := range u.apiKeys {
		if subtle.ConstantTimeCompare([]byte(secret), []byte(k)) == 1 {
			ok = true
		}
	}
	return ok
}

// authenticate returns the user with login and secret, or nil.
func (s *Server) authenticate(login, secret string, kind secretKind) *userInfo {
	for _, u := range s.users {
		if u.login == login && u.secretMatches(secret, kind) {
			return u
		}
	}
	return nil
}

// checkUID returns the user whose uid and secret match, as Odoo's
// security.check does before every object call, or AccessDenied.
func (s *Server) checkUID(uid any, secret any) (*userInfo, error) {
	id, ok := asInt(uid)
	pw, _ := secret.(string)
	if ok {
		for _, u := range s.users {
			if u.uid == id && u.secretMatches(pw, passwordOrKey) {
				return u, nil
			}
		}
	}
	return nil, errAccessDenied()
}

// userByKey returns the user owning API key key, or nil.
func (s *Server) userByKey(key string) *userInfo {
	for _, u := range s.users {
		if u.secretMatches(key, keyOnly) {
			return u
		}
	}
	return nil
}

// checkDB fails like Odoo when db is not the database served.
func (s *Server) checkDB(db any) error {
	name, _ := db.(string)
	if name != s.db {
		return errUnknownDatabase(name)
	}
	return nil
}

// sessionStore holds web sessions created by /web/session/authenticate.
type sessionStore struct {
	mu       sync.Mutex
	sessions map[string]*userInfo
}

// sessionsMax bounds the number of web sessions kept.
const sessionsMax = 10000

func newSessionStore() *sessionStore { return &sessionStore{sessions: map[string]*userInfo{}} }

// create opens a session for u and returns its id.
func (st *sessionStore) create(u *userInfo) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	sid := hex.EncodeToString(b)
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.sessions) >= sessionsMax {
		for k := range st.sessions {
			delete(st.sessions, k)
			break
		}
	}
	st.sessions[sid] = u
	return sid
}

// user returns the user of the request's session cookie, or nil.
func (st *sessionStore) user(r *http.Request) *userInfo {
	c, err := r.Cookie("session_id")
	if err != nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sessions[c.Value]
}

// destroy ends the request's session.
func (st *sessionStore) destroy(r *http.Request) {
	if c, err := r.Cookie("session_id"); err == nil {
		st.mu.Lock()
		delete(st.sessions, c.Value)
		st.mu.Unlock()
	}
}
