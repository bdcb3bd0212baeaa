package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/store"
)

// forecastJSON is one company's forecast as the API gives it.
type forecastJSON struct {
	*forecast.Company
	// Pipeline says whether the weighted pipeline is counted.
	Pipeline bool `json:"pipeline"`
	// FlowsOff are the recurring flows switched off.
	FlowsOff []string `json:"flows_off"`
	// Partners names the partners of the items.
	Partners map[string]string `json:"partners"`
	SyncedAt time.Time         `json:"synced_at"`
}

// scenarioJSON is a saved scenario with its outcome.
type scenarioJSON struct {
	ID        int64                    `json:"id,omitempty"`
	Name      string                   `json:"name"`
	MinCash   float64                  `json:"min_cash"`
	Changes   []forecast.Change        `json:"changes"`
	UpdatedAt *time.Time               `json:"updated_at,omitempty"`
	Result    *forecast.ScenarioResult `json:"result,omitempty"`
	Error     string                   `json:"error,omitempty"`
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) (*store.User, *cashplan.Plan, *forecast.Company, bool) {
	u, ok := s.forecastGate(w, r, true, r.Method != http.MethodGet)
	if !ok {
		return nil, nil, nil, false
	}
	plan, err := s.cfg.CashPlan.Plan(r.Context(), u.ConnectionID, r.URL.Query().Get("pipeline") == "1")
	if err != nil {
		s.planError(w, r, true, err)
		return nil, nil, nil, false
	}
	id, _ := strconv.ParseInt(r.URL.Query().Get("company"), 10, 64)
	c := plan.Company(id)
	if c == nil {
		s.apiError(w, r, http.StatusConflict, codeConflict, "No company has accounting data to forecast.")
		return nil, nil, nil, false
	}
	return u, plan, c, true
}

func (s *Server) apiForecast(w http.ResponseWriter, r *http.Request) {
	_, plan, c, ok := s.apiPlan(w, r)
	if !ok {
		return
	}
	out := forecastJSON{Company: c, Pipeline: plan.Pipeline, FlowsOff: plan.Off, Partners: map[string]string{}, SyncedAt: plan.SyncedAt}
	if out.FlowsOff == nil {
		out.FlowsOff = []string{}
	}
	for id, n := range plan.Partners {
		out.Partners[strconv.FormatInt(id, 10)] = n
	}
	writeJSON(w, http.StatusOK, out)
}

func newScenarioJSON(sc *cashplan.Scenario, c *forecast.Company) scenarioJSON {
	t := sc.UpdatedAt
	out := scenarioJSON{ID: sc.ID, Name: sc.Name, MinCash: sc.MinCash, Changes: sc.Changes, UpdatedAt: &t}
	res, err := cashplan.Run(c, sc.Scenario)
	if err != nil {
		out.Error = err.Error()
	}
	out.Result = res
	return out
}

func (s *Server) apiScenarioList(w http.ResponseWriter, r *http.Request) {
	u, _, c, ok := s.apiPlan(w, r)
	if !ok {
		return
	}
	list, err := s.cfg.CashPlan.Scenarios(r.Context(), u.ConnectionID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := scenarioList{Data: []scenarioJSON{}}
	for _, sc := range list {
		out.Data = append(out.Data, newScenarioJSON(sc, c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiScenarioGet(w http.ResponseWriter, r *http.Request) {
	u, _, c, ok := s.apiPlan(w, r)
	if !ok {
		return
	}
	sc, ok := s.pathScenario(w, r, u, true)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, newScenarioJSON(sc, c))
}

// scenarioList lists the saved scenarios, each run on the forecast.
type scenarioList struct {
	Data []scenarioJSON `json:"data"`
}

// flowSwitchJSON answers switching a recurring flow.
type flowSwitchJSON struct {
	ID  string `json:"id"`
	Off bool   `json:"off"`
}

// scenarioInput is a scenario as the API takes it.
type scenarioInput struct {
	Name    string            `json:"name"`
	MinCash float64           `json:"min_cash"`
	Changes []forecast.Change `json:"changes"`
}

func (s *Server) readScenario(w http.ResponseWriter, r *http.Request) (forecast.Scenario, bool) {
	var in scenarioInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a scenario as JSON (name, min_cash, changes): "+err.Error())
		return forecast.Scenario{}, false
	}
	return forecast.Scenario{Name: in.Name, MinCash: in.MinCash, Changes: in.Changes}, true
}

func (s *Server) scenarioRefused(w http.ResponseWriter, r *http.Request, err error) {
	var bad *cashplan.CheckError
	if errors.As(err, &bad) {
		s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, bad.Msg)
		return
	}
	s.planError(w, r, true, err)
}

func (s *Server) apiScenarioPreview(w http.ResponseWriter, r *http.Request) {
	_, _, c, ok := s.apiPlan(w, r)
	if !ok {
		return
	}
	sc, ok := s.readScenario(w, r)
	if !ok {
		return
	}
	res, err := cashplan.Run(c, sc)
	if err != nil {
		s.scenarioRefused(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, scenarioJSON{Name: sc.Name, MinCash: sc.MinCash, Changes: sc.Changes, Result: res})
}

func (s *Server) apiScenarioSave(w http.ResponseWriter, r *http.Request) {
	u, _, c, ok := s.apiPlan(w, r)
	if !ok {
		return
	}
	var id int64
	if r.PathValue("id") != "" {
		cur, ok := s.pathScenario(w, r, u, true)
		if !ok {
			return
		}
		id = cur.ID
	}
	sc, ok := s.readScenario(w, r)
	if !ok {
		return
	}
	saved, err := s.cfg.CashPlan.SaveScenario(r.Context(), u.ConnectionID, id, sc, u.ID)
	if err != nil {
		s.scenarioRefused(w, r, err)
		return
	}
	code := http.StatusOK
	if id == 0 {
		code = http.StatusCreated
	}
	writeJSON(w, code, newScenarioJSON(saved, c))
}

func (s *Server) apiScenarioDelete(w http.ResponseWriter, r *http.Request) {
	u, ok := s.forecastGate(w, r, true, true)
	if !ok {
		return
	}
	sc, ok := s.pathScenario(w, r, u, true)
	if !ok {
		return
	}
	if err := s.cfg.CashPlan.DeleteScenario(r.Context(), u.ConnectionID, sc.ID); err != nil {
		s.apiServerError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiForecastFlow(off bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.forecastGate(w, r, true, true)
		if !ok {
			return
		}
		id := r.PathValue("id")
		if err := s.cfg.CashPlan.SwitchFlow(r.Context(), u.ConnectionID, id, off, u.ID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				s.apiError(w, r, http.StatusNotFound, codeNotFound, "The forecast has no recurring flow "+strconv.Quote(id)+".")
				return
			}
			s.planError(w, r, true, err)
			return
		}
		writeJSON(w, http.StatusOK, flowSwitchJSON{ID: id, Off: off})
	}
}
