package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/store"
)

type overviewPage struct {
	Connection *store.Connection
	Alerts     []*store.Alert
	Jobs       []*store.MonitoringJob
	Runs       []*store.JobRun
	Sync       []*store.OdooSyncState
	Figures    []figureCard
	LowestCash []lowestCashCard // the 13-week forecast's lowest week
	Charts     []template.HTML  // the figure history, drawn (charts.go)
	Attention  *attentionView
	// rendered is the page's content, rendered once per gathering.
	rendered *overviewContent
}

// loadOverview gathers what the overview shows to u: key figures, open
// alerts, monitoring jobs and their latest runs, and sync status, each
// limited to the areas u's role may see.
func (s *Server) loadOverview(ctx context.Context, u *store.User) (*overviewPage, error) {
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	page := &overviewPage{Connection: conn}
	if page.Alerts, err = s.listAlerts(ctx, u, alertFilter{Status: "open"}, 50); err != nil {
		return nil, err
	}
	if page.Jobs, err = s.visibleJobs(ctx, u); err != nil {
		return nil, err
	}
	runs, err := s.cfg.Store.JobRunList(ctx, store.JobRunListParams{ConnectionID: conn.ID, Limit: 60})
	if err != nil {
		return nil, err
	}
	page.Runs = filterRuns(runs, page.Jobs, 20)
	if page.Figures, err = s.loadFigures(ctx, u.Role, page.Jobs); err != nil {
		return nil, err
	}
	if page.LowestCash, err = s.loadLowestCash(ctx, u); err != nil {
		return nil, err
	}
	if page.Sync, err = s.cfg.Store.OdooSyncStateList(ctx, conn.ID); err != nil {
		return nil, err
	}
	if page.Charts, err = s.chartsFor(ctx, u, "", nil); err != nil {
		return nil, err
	}
	if page.Attention, err = s.loadAttention(ctx, conn.ID, u.Role, page.Jobs, s.cfg.NowFunc()); err != nil {
		return nil, err
	}
	return page, nil
}

type overviewJSON struct {
	Connection   string           `json:"connection"`
	Figures      []figureCard     `json:"figures"`
	LowestCash   []lowestCashCard `json:"lowest_cash_13_weeks"`
	OpenAlerts   int              `json:"open_alerts"`
	ByPriority   map[string]int   `json:"open_alerts_by_priority"`
	Attention    []attentionJSON  `json:"attention"`
	FailingJobs  int              `json:"failing_jobs"`
	ModelsSynced int              `json:"models_synced"`
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request) {
	page, err := s.overviewFor(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := overviewJSON{Connection: page.Connection.Name, Figures: page.Figures, LowestCash: page.LowestCash, ByPriority: map[string]int{}}
	if out.LowestCash == nil {
		out.LowestCash = []lowestCashCard{}
	}
	if out.Figures == nil {
		out.Figures = []figureCard{}
	}
	for _, a := range page.Alerts {
		out.OpenAlerts++
		out.ByPriority[a.Priority]++
	}
	out.Attention = []attentionJSON{}
	for _, it := range page.Attention.Items {
		out.Attention = append(out.Attention, attentionJSON{AlertID: it.AlertID, ActionID: it.ActionID, Kind: it.Kind, Priority: it.Priority,
			Title: it.Title, Money: it.Stake.Money, Currency: it.Currency, Score: it.Stake.Score, Driver: it.Stake.Driver, Waiting: it.Waiting})
	}
	for _, j := range page.Jobs {
		if j.ConsecutiveFailures > 0 {
			out.FailingJobs++
		}
	}
	for _, st := range page.Sync {
		if !st.LastSuccessAt.IsZero() {
			out.ModelsSynced++
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// attentionJSON is one item of the overview's ranked attention list.
type attentionJSON struct {
	AlertID  int64   `json:"alert_id,omitempty"`
	ActionID int64   `json:"action_id,omitempty"`
	Kind     string  `json:"kind"`
	Priority string  `json:"priority"`
	Title    string  `json:"title"`
	Money    float64 `json:"money_at_stake"`
	Currency string  `json:"currency,omitempty"`
	Score    float64 `json:"score"`
	Driver   string  `json:"driver,omitempty"`
	Waiting  string  `json:"waiting_action,omitempty"`
}

type meJSON struct {
	ID           int64    `json:"id"`
	Username     string   `json:"username"`
	Email        string   `json:"email"`
	Role         string   `json:"role"`
	ConnectionID int64    `json:"connection_id"`
	Permissions  []string `json:"permissions"`
	Areas        []string `json:"areas"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	out := meJSON{ID: u.ID, Username: u.Username, Email: u.Email, Role: u.Role, ConnectionID: u.ConnectionID, Permissions: []string{}, Areas: []string{}}
	for _, p := range access.AllPerms() {
		if s.can(u.Role, p) {
			out.Permissions = append(out.Permissions, string(p))
		}
	}
	for _, a := range s.areas {
		if s.canSeeArea(u.Role, a) {
			out.Areas = append(out.Areas, a)
		}
	}
	writeJSON(w, http.StatusOK, out)
}
