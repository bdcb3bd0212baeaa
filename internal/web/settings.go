package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

type connectionJSON struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	OdooURL      string `json:"odoo_url"`
	OdooDatabase string `json:"odoo_database"`
	OdooUsername string `json:"odoo_username"`
	OdooProtocol string `json:"odoo_protocol"`
	Enabled      bool   `json:"enabled"`
	CanTest      bool   `json:"can_test"`
}

type userJSON struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	Timezone  string    `json:"timezone"`
	Phone     string    `json:"phone"` // E.164, where SMS alerts go; "" for none
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func newUserJSON(u *store.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, Email: u.Email, Role: u.Role, Timezone: u.Timezone, Phone: u.Phone, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

type settingsPage struct {
	Connection connectionJSON
	Users      []userJSON
	Test       *ConnectionReport
	TestError  string
	// Channels lists the notification channels; ChannelsAvailable is false
	// when this process cannot report or test them.
	Channels          []ChannelStatus
	ChannelsAvailable bool
	ChannelTest       *channelTestResult
}

func (s *Server) loadSettings(ctx context.Context, u *store.User) (*settingsPage, error) {
	c, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	p := &settingsPage{Connection: connectionJSON{ID: c.ID, Name: c.Name, OdooURL: c.OdooURL, OdooDatabase: c.OdooDatabase,
		OdooUsername: c.OdooUsername, OdooProtocol: c.OdooProtocol, Enabled: c.Enabled, CanTest: s.cfg.Odoo != nil}, Users: []userJSON{}}
	users, err := s.cfg.Store.UserList(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range users {
		p.Users = append(p.Users, newUserJSON(x))
	}
	if s.cfg.Channels != nil {
		p.ChannelsAvailable, p.Channels = true, s.cfg.Channels.Channels(ctx)
	}
	return p, nil
}

func (s *Server) apiConnection(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadSettings(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p.Connection)
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadSettings(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[userJSON]{Data: p.Users, Pagination: page{Page: 1, PerPage: max(len(p.Users), 1)}})
}

var errNoTester = errors.New("web: connection tests are not available in this process")

// testConnection runs the connection test with a time limit.
func (s *Server) testConnection(ctx context.Context, connectionID int64) (*ConnectionReport, error) {
	if s.cfg.Odoo == nil {
		return nil, errNoTester
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	start := time.Now()
	rep, err := s.cfg.Odoo.TestConnection(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	if rep.Latency == 0 {
		rep.Latency = time.Since(start)
	}
	rep.LatencyMS = rep.Latency.Milliseconds()
	if rep.Modules == nil {
		rep.Modules = []string{}
	}
	return rep, nil
}

func (s *Server) apiConnectionTest(w http.ResponseWriter, r *http.Request) {
	rep, err := s.testConnection(r.Context(), userFrom(r.Context()).ConnectionID)
	switch {
	case errors.Is(err, errNoTester):
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Connection tests are not available in this process.")
	case err != nil:
		// The failure is the answer: report it, do not hide it as a 500.
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "report": rep})
	}
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadSettings(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "settings", http.StatusOK, p)
}

func (s *Server) postConnectionTest(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	p, err := s.loadSettings(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Test, err = s.testConnection(r.Context(), u.ConnectionID)
	if errors.Is(err, errNoTester) {
		s.renderError(w, r, http.StatusNotImplemented, "Connection tests are not available in this process.")
		return
	}
	if err != nil {
		p.TestError = err.Error()
	}
	s.render(w, r, "settings", http.StatusOK, p)
}

type syncJSON struct {
	Model         string     `json:"model"`
	Status        string     `json:"status"`
	RecordCount   int64      `json:"record_count"`
	LastSyncedAt  *time.Time `json:"last_synced_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	ProgressDone  int64      `json:"progress_done"`
	ProgressTotal int64      `json:"progress_total"`
}

func (s *Server) apiSync(w http.ResponseWriter, r *http.Request) {
	states, err := s.cfg.Store.OdooSyncStateList(r.Context(), userFrom(r.Context()).ConnectionID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := []syncJSON{}
	for _, st := range states {
		out = append(out, syncJSON{Model: st.Model, Status: st.Status, RecordCount: st.RecordCount, LastSyncedAt: timePtr(st.LastSyncedAt),
			LastSuccessAt: timePtr(st.LastSuccessAt), LastError: st.LastError, ProgressDone: st.ProgressDone, ProgressTotal: st.ProgressTotal})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}
