package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// healthz answers while the process serves HTTP: a liveness probe.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

type readyReport struct {
	Status string            `json:"status"` // "ready", "degraded" or "not ready"
	Checks map[string]string `json:"checks"` // name -> "ok" or the failure
}

// readyz runs every readiness check (store reachable, migrations applied,
// scheduler running) and answers 503 when any fails; a failed Degraded
// check (the Odoo sync) is named with the status "degraded" and a 200.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	rep := readyReport{Status: "ready", Checks: map[string]string{}}
	code := http.StatusOK
	for _, c := range s.cfg.Checks {
		if err := c.Func(ctx); err != nil {
			rep.Checks[c.Name] = err.Error()
			if !c.Degraded {
				rep.Status, code = "not ready", http.StatusServiceUnavailable
			} else if code == http.StatusOK {
				rep.Status = "degraded"
			}
			continue
		}
		rep.Checks[c.Name] = "ok"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(rep)
}
