package web

import (
	"net/http"

	"github.com/aicoo/aicoo/internal/store"
)

// operationsPage is the administrators' view of how aicoo itself runs: what
// is synced from Odoo, the monitoring jobs and their latest runs. It left
// the overview, which is for the people who run the company.
type operationsPage struct {
	Connection *store.Connection
	Sync       []*store.OdooSyncState
	Jobs       []*store.MonitoringJob
	Runs       []*store.JobRun
	// JobNames names each run's job.
	JobNames map[int64]string
}

func (s *Server) showOperations(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx := r.Context()
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := operationsPage{Connection: conn}
	if p.Jobs, err = s.visibleJobs(ctx, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	runs, err := s.cfg.Store.JobRunList(ctx, store.JobRunListParams{ConnectionID: conn.ID, Limit: 60})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Runs = filterRuns(runs, p.Jobs, 20)
	p.JobNames = map[int64]string{}
	for _, j := range p.Jobs {
		p.JobNames[j.ID] = j.Name
	}
	if p.Sync, err = s.cfg.Store.OdooSyncStateList(ctx, conn.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "operations", http.StatusOK, p)
}
