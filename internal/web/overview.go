package web

import (
	"net/http"

	"github.com/aicoo/aicoo/internal/store"
)

type overviewPage struct {
	Connection *store.Connection
	Alerts     []*store.Alert
	Jobs       []*store.MonitoringJob
	Runs       []*store.JobRun
	Sync       []*store.OdooSyncState
	Figures    []figureCard
}

// showOverview is the signed-in home page: open alerts, monitoring jobs and
// their latest runs for the user's connection.
func (s *Server) showOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := userFrom(ctx)
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	page := overviewPage{Connection: conn}
	if page.Alerts, err = s.cfg.Store.AlertList(ctx, store.AlertListParams{ConnectionID: conn.ID, OpenOnly: true, Limit: 50}); err != nil {
		s.serverError(w, r, err)
		return
	}
	if page.Jobs, err = s.cfg.Store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: conn.ID}); err != nil {
		s.serverError(w, r, err)
		return
	}
	if page.Runs, err = s.cfg.Store.JobRunList(ctx, store.JobRunListParams{ConnectionID: conn.ID, Limit: 20}); err != nil {
		s.serverError(w, r, err)
		return
	}
	if page.Figures, err = s.loadFigures(ctx, page.Jobs); err != nil {
		s.serverError(w, r, err)
		return
	}
	if page.Sync, err = s.cfg.Store.OdooSyncStateList(ctx, conn.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "overview", http.StatusOK, page)
}
