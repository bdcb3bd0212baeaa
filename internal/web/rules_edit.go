package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// The rules editor: people write their own alert rules on the Rules page,
// test them against the latest analysis results before saving, and change
// or delete them later. A rule is the person's own (it notifies them) or,
// for admins, org-wide. Built-in rules are only enabled and disabled.

// ruleInput is a rule as the editor and the API take it.
type ruleInput struct {
	Name               string   `json:"name"`
	Description        string   `json:"description,omitempty"`
	Source             string   `json:"source"` // metric or insight
	InsightKind        string   `json:"insight_kind,omitempty"`
	Expression         string   `json:"expression,omitempty"`
	Threshold          float64  `json:"threshold,omitempty"`
	Priority           string   `json:"priority"`
	PendingEvaluations int      `json:"pending_evaluations,omitempty"`
	Channels           []string `json:"channels,omitempty"`
	// EscalationPolicyID escalates the rule's unacknowledged alerts with
	// that policy (0: none).
	EscalationPolicyID int64 `json:"escalation_policy_id,omitempty"`
	// Scope is "mine" (the default: a personal rule, which notifies its
	// owner: the person who writes it, or its current owner when an admin
	// edits it) or "org" (admins only: everyone the rule's area concerns).
	Scope   string `json:"scope,omitempty"`
	Enabled *bool  `json:"enabled,omitempty"`
}

// IsEnabled reports whether the rule is to be enabled (the default).
func (in ruleInput) IsEnabled() bool { return in.Enabled == nil || *in.Enabled }

// spec checks the parts of the input the rule engine does not know about
// (scope, permission) and returns the rule's spec.
func (in ruleInput) spec(voc *vocab, u *store.User) (alerts.RuleSpec, error) {
	sp := alerts.RuleSpec{Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description), Source: in.Source,
		InsightKind: in.InsightKind, Expression: strings.TrimSpace(in.Expression), Threshold: in.Threshold,
		Priority: strings.TrimSpace(in.Priority), PendingEvaluations: in.PendingEvaluations, Channels: in.Channels,
		EscalationPolicyID: in.EscalationPolicyID, Enabled: true}
	if in.Enabled != nil {
		sp.Enabled = *in.Enabled
	}
	if sp.Source == store.RuleSourceMetric {
		sp.InsightKind = ""
	}
	switch in.Scope {
	case "", "mine":
		sp.UserID = u.ID
	case "org":
		if !voc.can(u.Role, permAdmin) {
			return sp, errors.New("only administrators write org-wide rules; choose \"mine\"")
		}
	default:
		return sp, fmt.Errorf("scope must be mine or org, not %q", in.Scope)
	}
	if len(sp.Name) > 120 || len(sp.Description) > 1000 || len(sp.Expression) > 2000 {
		return sp, errors.New("the name (120), description (1,000) or expression (2,000 characters) is too long")
	}
	return sp, nil
}

// keepOwner keeps a personal rule its owner's when an admin edits it.
func keepOwner(sp alerts.RuleSpec, cur *store.AlertRule) alerts.RuleSpec {
	if sp.UserID != 0 && cur.UserID != 0 {
		sp.UserID = cur.UserID
	}
	return sp
}

// ruleActor names the person changing a rule in the audit log.
func ruleActor(u *store.User) alerts.Actor { return alerts.Actor{UserID: u.ID, Username: u.Username} }

// mayChangeRule reports whether u may edit or delete r: their own rule, or
// any user-written rule for admins. Built-in rules are only enabled and
// disabled, by admins.
func (voc *vocab) mayChangeRule(u *store.User, r *store.AlertRule) bool {
	if r.Builtin != "" || !voc.can(u.Role, permRulesEdit) {
		return false
	}
	return r.UserID == u.ID || voc.can(u.Role, permAdmin)
}

// ruleMessage turns the engine's refusal into a sentence for the form.
func ruleMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "alerts: ")
	return strings.ReplaceAll(msg, "\n", "; ")
}

// ruleHelp is what the editor lists next to the expression: the metrics a
// rule may read, by area, and the insight kinds.
type ruleHelp struct {
	Areas        []ruleHelpArea
	InsightKinds []string
	Channels     []string
}

type ruleHelpArea struct {
	Label   string
	Metrics []ruleHelpMetric
}

type ruleHelpMetric struct {
	Name, Label, Unit, Description string
}

func (s *Server) newRuleHelp() ruleHelp {
	h := ruleHelp{InsightKinds: s.cat.InsightKinds(), Channels: s.cfg.ChannelKinds.Names()}
	for _, name := range s.cat.Areas() {
		a, _ := s.cat.Area(name)
		ha := ruleHelpArea{Label: a.Label}
		for _, m := range a.Metrics {
			ha.Metrics = append(ha.Metrics, ruleHelpMetric{Name: m.Name, Label: m.Label, Unit: m.Unit, Description: m.Description})
		}
		h.Areas = append(h.Areas, ha)
	}
	return h
}

// ruleForm is the editor page: the input, the outcome of a test or a
// refused save, and the help.
type ruleForm struct {
	ID      int64 // 0 for a new rule
	In      ruleInput
	IsAdmin bool
	Error   string
	Test    *ruleTestJSON
	Help    ruleHelp
	// Policies are the escalation policies to choose from.
	Policies []*store.EscalationPolicy
}

func (s *Server) renderRuleForm(w http.ResponseWriter, r *http.Request, code int, f ruleForm) {
	f.IsAdmin = s.can(userFrom(r.Context()).Role, permAdmin)
	f.Help = s.newRuleHelp()
	f.Policies, _ = s.cfg.Store.EscalationPolicyList(r.Context(), userFrom(r.Context()).ConnectionID)
	if f.In.Source == "" {
		f.In.Source = store.RuleSourceMetric
	}
	if f.In.Priority == "" {
		f.In.Priority = store.PriorityHigh
	}
	s.render(w, r, "rule_form", code, f)
}

func formRuleInput(r *http.Request) (ruleInput, error) {
	if err := r.ParseForm(); err != nil {
		return ruleInput{}, errors.New("the form could not be read")
	}
	f := r.PostForm
	in := ruleInput{Name: f.Get("name"), Description: f.Get("description"), Source: f.Get("source"),
		InsightKind: f.Get("insight_kind"), Expression: f.Get("expression"), Priority: f.Get("priority"),
		Channels: f["channels"], Scope: f.Get("scope")}
	if v := f.Get("escalation_policy"); v != "" && v != "0" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, fmt.Errorf("escalation policy %q is not a policy", v)
		}
		in.EscalationPolicyID = id
	}
	enabled := f.Get("enabled") != ""
	in.Enabled = &enabled
	if t := strings.TrimSpace(f.Get("threshold")); t != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", ""), 64)
		if err != nil {
			return in, fmt.Errorf("threshold %q is not a number", t)
		}
		in.Threshold = v
	}
	if p := strings.TrimSpace(f.Get("pending_evaluations")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 100 {
			return in, fmt.Errorf("pending evaluations %q must be a whole number from 0 to 100", p)
		}
		in.PendingEvaluations = n
	}
	return in, nil
}

func inputOf(r *store.AlertRule) ruleInput {
	in := ruleInput{Name: r.Name, Description: r.Description, Source: r.Source, InsightKind: r.InsightKind,
		Expression: r.Expression, Threshold: r.Threshold, Priority: r.Priority, PendingEvaluations: r.PendingEvaluations,
		Channels: r.Channels, EscalationPolicyID: r.EscalationPolicyID, Scope: "mine", Enabled: &r.Enabled}
	if r.UserID == 0 {
		in.Scope = "org"
	}
	return in
}

func (s *Server) showRuleNew(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Rules == nil {
		s.renderError(w, r, http.StatusNotImplemented, "Changing rules is not available in this process.")
		return
	}
	enabled := true
	s.renderRuleForm(w, r, http.StatusOK, ruleForm{In: ruleInput{Expression: "finance.cash.runway_days < threshold", Threshold: 60,
		Channels: []string{"in_app"}, Scope: "mine", Enabled: &enabled}})
}

func (s *Server) showRuleEdit(w http.ResponseWriter, r *http.Request) {
	rule, ok := s.connectionRule(w, r, false)
	if !ok {
		return
	}
	if !s.mayChangeRule(userFrom(r.Context()), rule) {
		s.renderError(w, r, http.StatusForbidden, "You may change only your own rules; built-in rules are only enabled or disabled.")
		return
	}
	s.renderRuleForm(w, r, http.StatusOK, ruleForm{ID: rule.ID, In: inputOf(rule)})
}

// postRuleForm saves (or, with do=test, only tests) a new rule or, with an
// id in the path, a change to one.
func (s *Server) postRuleForm(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	if s.cfg.Rules == nil {
		s.renderError(w, r, http.StatusNotImplemented, "Changing rules is not available in this process.")
		return
	}
	var cur *store.AlertRule
	if r.PathValue("id") != "" {
		rule, ok := s.connectionRule(w, r, false)
		if !ok {
			return
		}
		if !s.mayChangeRule(u, rule) {
			s.renderError(w, r, http.StatusForbidden, "You may change only your own rules; built-in rules are only enabled or disabled.")
			return
		}
		cur = rule
	}
	in, err := formRuleInput(r)
	form := ruleForm{In: in}
	if cur != nil {
		form.ID = cur.ID
	}
	if err != nil {
		form.Error = err.Error()
		s.renderRuleForm(w, r, http.StatusBadRequest, form)
		return
	}
	sp, err := in.spec(s.vocab, u)
	if err != nil {
		form.Error = err.Error()
		s.renderRuleForm(w, r, http.StatusBadRequest, form)
		return
	}
	if r.PostForm.Get("do") == "test" {
		form.Test, err = s.testSpec(r.Context(), u, sp)
		if err != nil {
			form.Error = "The rule cannot be tested yet: " + ruleMessage(err)
		}
		s.renderRuleForm(w, r, http.StatusOK, form)
		return
	}
	var saved *store.AlertRule
	if cur == nil {
		saved, err = s.cfg.Rules.RuleCreate(r.Context(), u.ConnectionID, sp, ruleActor(u))
	} else {
		saved, err = s.cfg.Rules.RuleUpdate(r.Context(), u.ConnectionID, cur.ID, keepOwner(sp, cur), ruleActor(u))
	}
	if err != nil {
		form.Error = "Not saved: " + ruleMessage(err)
		s.renderRuleForm(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/rules?done=saved#rule-%d", saved.ID), http.StatusSeeOther)
}

func (s *Server) postRuleDelete(w http.ResponseWriter, r *http.Request) {
	rule, ok := s.connectionRule(w, r, false)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	if s.cfg.Rules == nil {
		s.renderError(w, r, http.StatusNotImplemented, "Changing rules is not available in this process.")
		return
	}
	if !s.mayChangeRule(u, rule) {
		s.renderError(w, r, http.StatusForbidden, "You may delete only your own rules; built-in rules are only disabled.")
		return
	}
	if err := s.cfg.Rules.RuleDelete(r.Context(), u.ConnectionID, rule.ID, ruleActor(u)); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/rules?done=deleted", http.StatusSeeOther)
}

// testSpec runs an unsaved rule against the latest results.
func (s *Server) testSpec(ctx context.Context, u *store.User, sp alerts.RuleSpec) (*ruleTestJSON, error) {
	firings, err := s.cfg.Rules.RuleTest(ctx, u.ConnectionID, sp)
	if err != nil && firings == nil {
		return nil, err
	}
	rule := &store.AlertRule{Name: sp.Name, Description: sp.Description, Source: sp.Source, InsightKind: sp.InsightKind,
		Expression: sp.Expression, Threshold: sp.Threshold, Priority: sp.Priority, UserID: sp.UserID, Channels: sp.Channels, Enabled: sp.Enabled}
	out := &ruleTestJSON{Rule: newRuleJSON(rule), Firings: []firingJSON{}}
	if err != nil {
		out.Errors = err.Error()
	}
	for _, f := range firings {
		out.Firings = append(out.Firings, firingJSON{Subject: f.Subject, Priority: f.Priority, Title: f.Title, Detail: f.Detail})
	}
	return out, nil
}

// The API of the editor.

func (s *Server) apiRuleInput(w http.ResponseWriter, r *http.Request) (alerts.RuleSpec, bool) {
	u := userFrom(r.Context())
	if s.cfg.Rules == nil {
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Changing rules is not available in this process.")
		return alerts.RuleSpec{}, false
	}
	var in ruleInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a rule as JSON: "+err.Error())
		return alerts.RuleSpec{}, false
	}
	sp, err := in.spec(s.vocab, u)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return alerts.RuleSpec{}, false
	}
	return sp, true
}

func (s *Server) apiRuleCreate(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	sp, ok := s.apiRuleInput(w, r)
	if !ok {
		return
	}
	rule, err := s.cfg.Rules.RuleCreate(r.Context(), u.ConnectionID, sp, ruleActor(u))
	if err != nil {
		s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, ruleMessage(err))
		return
	}
	writeJSON(w, http.StatusCreated, newRuleJSON(rule))
}

func (s *Server) apiRuleUpdate(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	cur, ok := s.connectionRule(w, r, true)
	if !ok {
		return
	}
	if !s.mayChangeRule(u, cur) {
		s.apiError(w, r, http.StatusForbidden, codeForbidden, "You may change only your own rules; built-in rules are only enabled or disabled.")
		return
	}
	sp, ok := s.apiRuleInput(w, r)
	if !ok {
		return
	}
	rule, err := s.cfg.Rules.RuleUpdate(r.Context(), u.ConnectionID, cur.ID, keepOwner(sp, cur), ruleActor(u))
	if err != nil {
		s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, ruleMessage(err))
		return
	}
	writeJSON(w, http.StatusOK, newRuleJSON(rule))
}

func (s *Server) apiRuleDelete(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	cur, ok := s.connectionRule(w, r, true)
	if !ok {
		return
	}
	if s.cfg.Rules == nil {
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Changing rules is not available in this process.")
		return
	}
	if !s.mayChangeRule(u, cur) {
		s.apiError(w, r, http.StatusForbidden, codeForbidden, "You may delete only your own rules; built-in rules are only disabled.")
		return
	}
	if err := s.cfg.Rules.RuleDelete(r.Context(), u.ConnectionID, cur.ID, ruleActor(u)); err != nil {
		s.apiServerError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiRuleTestSpec(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	sp, ok := s.apiRuleInput(w, r)
	if !ok {
		return
	}
	res, err := s.testSpec(r.Context(), u, sp)
	if err != nil {
		s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, ruleMessage(err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// hasChannel is for the form's checkboxes.
func hasChannel(list []string, c string) bool { return slices.Contains(list, c) }
