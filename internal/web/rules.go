package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// RuleEngine enables, disables and tests alert rules. *alerts.Engine
// implements it. Methods return an error wrapping store.ErrNotFound when
// the connection has no such rule.
type RuleEngine interface {
	RuleSetEnabled(ctx context.Context, connectionID, id int64, enabled bool, by alerts.Actor) error
	RuleCreate(ctx context.Context, connectionID int64, sp alerts.RuleSpec, by alerts.Actor) (*store.AlertRule, error)
	RuleUpdate(ctx context.Context, connectionID, id int64, sp alerts.RuleSpec, by alerts.Actor) (*store.AlertRule, error)
	// RuleDelete refuses built-in rules with an error wrapping
	// alerts.ErrBuiltinRule.
	RuleDelete(ctx context.Context, connectionID, id int64, by alerts.Actor) error
	EscalationPolicyCreate(ctx context.Context, p store.EscalationPolicyParams, by alerts.Actor) (*store.EscalationPolicy, error)
	EscalationPolicyUpdate(ctx context.Context, id int64, p store.EscalationPolicyParams, by alerts.Actor) (*store.EscalationPolicy, error)
	// EscalationPolicyDelete answers store.ErrNotFound for a policy of
	// another connection.
	EscalationPolicyDelete(ctx context.Context, connectionID, id int64, by alerts.Actor) error
	// RuleTest answers "what would fire now" against the latest results,
	// without writing anything. It may return firings and an error naming
	// the evaluations that failed.
	RuleTest(ctx context.Context, connectionID int64, sp alerts.RuleSpec) ([]alerts.Firing, error)
}

var errNoRules = errors.New("web: the alert rule engine is not available in this process")

// ruleJSON is an alert rule as the API shows it.
type ruleJSON struct {
	ID                 int64             `json:"id"`
	Name               string            `json:"name"`
	Description        string            `json:"description,omitempty"`
	Builtin            string            `json:"builtin,omitempty"`
	Source             string            `json:"source"`
	InsightKind        string            `json:"insight_kind,omitempty"`
	Expression         string            `json:"expression,omitempty"`
	Threshold          float64           `json:"threshold"`
	Priority           string            `json:"priority"`
	UserID             int64             `json:"user_id,omitempty"`
	PendingEvaluations int               `json:"pending_evaluations,omitempty"`
	PendingForSeconds  int64             `json:"pending_for_seconds,omitempty"`
	Labels             map[string]string `json:"labels,omitempty"`
	Channels           []string          `json:"channels,omitempty"`
	Enabled            bool              `json:"enabled"`
	UpdatedAt          time.Time         `json:"updated_at"`
}

func newRuleJSON(r *store.AlertRule) ruleJSON {
	return ruleJSON{ID: r.ID, Name: r.Name, Description: r.Description, Builtin: r.Builtin, Source: r.Source,
		InsightKind: r.InsightKind, Expression: r.Expression, Threshold: r.Threshold, Priority: r.Priority, UserID: r.UserID,
		PendingEvaluations: r.PendingEvaluations, PendingForSeconds: int64(r.PendingFor / time.Second), Labels: r.Labels,
		Channels: r.Channels, Enabled: r.Enabled, UpdatedAt: r.UpdatedAt}
}

// firingJSON is one alert a rule would raise now.
type firingJSON struct {
	Subject  string `json:"subject"`
	Priority string `json:"priority"`
	Title    string `json:"title"`
	Detail   string `json:"detail,omitempty"`
}

// ruleTestJSON is the answer to "what would fire now".
type ruleTestJSON struct {
	Rule    ruleJSON     `json:"rule"`
	Firings []firingJSON `json:"firings"`
	// Errors describes evaluations that failed (a metric missing, say).
	Errors string `json:"errors,omitempty"`
}

// connectionRule loads the rule named in the path, answering the error
// itself when the connection has none.
func (s *Server) connectionRule(w http.ResponseWriter, r *http.Request, api bool) (*store.AlertRule, bool) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, api, err.Error())
		return nil, false
	}
	rule, err := s.cfg.Store.AlertRuleByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rule.ConnectionID != u.ConnectionID) {
		s.notFound(w, r, api, fmt.Sprintf("There is no alert rule %d.", id))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, api, err)
		return nil, false
	}
	return rule, true
}

// testRule runs the rule engine's test on a stored rule.
func (s *Server) testRule(ctx context.Context, u *store.User, rule *store.AlertRule) (*ruleTestJSON, error) {
	if s.cfg.Rules == nil {
		return nil, errNoRules
	}
	out, err := s.testSpec(ctx, u, alerts.SpecOf(rule))
	if err != nil {
		return nil, err
	}
	out.Rule = newRuleJSON(rule)
	return out, nil
}

// rulesPage is the Rules page, with the result of a test when one ran.
type rulesPage struct {
	Rules []ruleJSON
	// CanEdit enables and disables rules (admins); CanCreate writes rules;
	// Changeable are the rules the user may edit and delete; Owners names
	// the owner of each personal rule.
	CanEdit    bool
	CanCreate  bool
	Changeable map[int64]bool
	Owners     map[int64]string
	CanTest    bool
	Test       *ruleTestJSON
	TestError  string
	Notice     string
}

func (s *Server) rulesPageData(ctx context.Context, u *store.User) (rulesPage, error) {
	list, err := s.cfg.Store.AlertRuleList(ctx, u.ConnectionID, false)
	if err != nil {
		return rulesPage{}, err
	}
	p := rulesPage{CanEdit: s.can(u.Role, permAdmin) && s.cfg.Rules != nil, CanTest: s.cfg.Rules != nil,
		CanCreate: s.can(u.Role, permRulesEdit) && s.cfg.Rules != nil, Changeable: map[int64]bool{}, Owners: map[int64]string{}}
	users, err := s.cfg.Store.UserList(ctx, u.ConnectionID)
	if err != nil {
		return rulesPage{}, err
	}
	names := map[int64]string{}
	for _, x := range users {
		names[x.ID] = x.Username
	}
	for _, r := range list {
		p.Rules = append(p.Rules, newRuleJSON(r))
		p.Changeable[r.ID] = p.CanCreate && s.mayChangeRule(u, r)
		if r.UserID != 0 {
			p.Owners[r.ID] = names[r.UserID]
		}
	}
	return p, nil
}

func (s *Server) showRules(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	p, err := s.rulesPageData(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Notice = map[string]string{"enabled": "The rule is enabled.", "disabled": "The rule is disabled.",
		"saved": "The rule is saved; the next analysis evaluates it.", "deleted": "The rule is deleted."}[r.URL.Query().Get("done")]
	s.render(w, r, "rules", http.StatusOK, p)
}

func (s *Server) showRuleTest(w http.ResponseWriter, r *http.Request) {
	rule, ok := s.connectionRule(w, r, false)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	p, err := s.rulesPageData(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	res, err := s.testRule(r.Context(), u, rule)
	switch {
	case errors.Is(err, errNoRules):
		s.renderError(w, r, http.StatusNotImplemented, "Testing rules is not available in this process.")
		return
	case err != nil:
		// A rule that does not compile or evaluate is an answer, not a
		// server failure.
		p.TestError = fmt.Sprintf("Rule %q could not be tested: %v", rule.Name, err)
	default:
		p.Test = res
	}
	s.render(w, r, "rules", http.StatusOK, p)
}

func (s *Server) postRuleEnabled(enabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rule, ok := s.connectionRule(w, r, false)
		if !ok {
			return
		}
		if s.cfg.Rules == nil {
			s.renderError(w, r, http.StatusNotImplemented, "Changing rules is not available in this process.")
			return
		}
		u := userFrom(r.Context())
		if err := s.cfg.Rules.RuleSetEnabled(r.Context(), u.ConnectionID, rule.ID, enabled, ruleActor(u)); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				s.notFound(w, r, false, "There is no such alert rule.")
				return
			}
			s.serverError(w, r, err)
			return
		}
		done := "disabled"
		if enabled {
			done = "enabled"
		}
		http.Redirect(w, r, "/rules?done="+done, http.StatusSeeOther)
	}
}

func (s *Server) apiRuleList(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	list, err := s.cfg.Store.AlertRuleList(r.Context(), u.ConnectionID, false)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := struct {
		Data []ruleJSON `json:"data"`
	}{Data: []ruleJSON{}}
	for _, rule := range list {
		out.Data = append(out.Data, newRuleJSON(rule))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRuleTest(w http.ResponseWriter, r *http.Request) {
	rule, ok := s.connectionRule(w, r, true)
	if !ok {
		return
	}
	res, err := s.testRule(r.Context(), userFrom(r.Context()), rule)
	switch {
	case errors.Is(err, errNoRules):
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Testing rules is not available in this process.")
	case errors.Is(err, store.ErrNotFound):
		s.apiError(w, r, http.StatusNotFound, codeNotFound, "There is no such alert rule.")
	case err != nil:
		s.apiError(w, r, http.StatusUnprocessableEntity, "rule_error", fmt.Sprintf("Rule %q could not be tested: %v", rule.Name, err))
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) apiRuleEnabled(enabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rule, ok := s.connectionRule(w, r, true)
		if !ok {
			return
		}
		if s.cfg.Rules == nil {
			s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Changing rules is not available in this process.")
			return
		}
		u := userFrom(r.Context())
		if err := s.cfg.Rules.RuleSetEnabled(r.Context(), u.ConnectionID, rule.ID, enabled, ruleActor(u)); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				s.apiError(w, r, http.StatusNotFound, codeNotFound, "There is no such alert rule.")
				return
			}
			s.apiServerError(w, r, err)
			return
		}
		rule, err := s.cfg.Store.AlertRuleByID(r.Context(), rule.ID)
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, newRuleJSON(rule))
	}
}
