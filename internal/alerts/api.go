package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// The functions the CLI and the API call.

func (e *Engine) checkRefs(ctx context.Context, connectionID int64, sp RuleSpec) error {
	if sp.UserID != 0 {
		users, err := e.s.UserList(ctx, connectionID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(users, func(u *store.User) bool { return u.ID == sp.UserID }) {
			return fmt.Errorf("alerts: rule %q: user %d does not exist in this connection", sp.Name, sp.UserID)
		}
	}
	if sp.EscalationPolicyID != 0 {
		p, err := e.s.EscalationPolicyByID(ctx, sp.EscalationPolicyID)
		if err != nil || p.ConnectionID != connectionID {
			return fmt.Errorf("alerts: rule %q: escalation policy %d does not exist in this connection", sp.Name, sp.EscalationPolicyID)
		}
	}
	return nil
}

// Audit actions of rule changes.
const (
	AuditRuleCreated  = "rule.created"
	AuditRuleUpdated  = "rule.updated"
	AuditRuleDeleted  = "rule.deleted"
	AuditRuleEnabled  = "rule.enabled"
	AuditRuleDisabled = "rule.disabled"
)

// label is how an actor is named in the audit log: "user:<name>", or
// "system" when nobody is named.
func (a Actor) label() string {
	if a.Username == "" {
		return "system"
	}
	return "user:" + a.Username
}

// auditRule appends a rule change to the audit log in tx.
func auditRule(ctx context.Context, tx *store.Store, connectionID int64, by Actor, action string, r *store.AlertRule, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["rule_id"], details["name"] = r.ID, r.Name
	_, err := tx.AuditRecord(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: by.label(), Action: action,
		Subject: fmt.Sprintf("alert_rule:%d", r.ID)}, details)
	return err
}

// specDetails is what the audit log keeps of a rule's definition.
func specDetails(sp RuleSpec) map[string]any {
	return map[string]any{"source": sp.Source, "insight_kind": sp.InsightKind, "expression": sp.Expression,
		"threshold": sp.Threshold, "priority": sp.Priority, "user_id": sp.UserID, "channels": sp.Channels, "enabled": sp.Enabled}
}

// RuleCreate compiles and stores a user-defined rule, audited as by's; a
// rule that does not compile is rejected with the reason.
func (e *Engine) RuleCreate(ctx context.Context, connectionID int64, sp RuleSpec, by Actor) (*store.AlertRule, error) {
	if _, err := CompileIn(e.cat, e.chans, sp); err != nil {
		return nil, err
	}
	if err := e.checkRefs(ctx, connectionID, sp); err != nil {
		return nil, err
	}
	if _, err := e.s.AlertRuleByName(ctx, connectionID, sp.Name); err == nil {
		return nil, fmt.Errorf("alerts: a rule named %q already exists", sp.Name)
	}
	var r *store.AlertRule
	err := e.s.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = tx.AlertRuleCreate(ctx, sp.params(connectionID, "")); err != nil {
			return err
		}
		return auditRule(ctx, tx, connectionID, by, AuditRuleCreated, r, specDetails(sp))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RuleUpdate compiles and stores a new definition of a rule, audited as
// by's. A built-in rule keeps its source and insight kind.
func (e *Engine) RuleUpdate(ctx context.Context, connectionID, id int64, sp RuleSpec, by Actor) (*store.AlertRule, error) {
	cur, err := e.rule(ctx, connectionID, id)
	if err != nil {
		return nil, err
	}
	if cur.Builtin != "" && (sp.Source != cur.Source || sp.InsightKind != cur.InsightKind) {
		return nil, fmt.Errorf("alerts: rule %q is built in: its source and insight kind cannot change", cur.Name)
	}
	if cur.Source != store.RuleSourceAlert {
		if _, err := CompileIn(e.cat, e.chans, sp); err != nil {
			return nil, err
		}
	}
	if err := e.checkRefs(ctx, connectionID, sp); err != nil {
		return nil, err
	}
	if sp.Name != cur.Name {
		if _, err := e.s.AlertRuleByName(ctx, connectionID, sp.Name); err == nil {
			return nil, fmt.Errorf("alerts: a rule named %q already exists", sp.Name)
		}
	}
	var r *store.AlertRule
	err = e.s.InTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = tx.AlertRuleUpdate(ctx, id, sp.params(connectionID, cur.Builtin)); err != nil {
			return err
		}
		d := specDetails(sp)
		d["before"] = specDetails(SpecOf(cur))
		return auditRule(ctx, tx, connectionID, by, AuditRuleUpdated, r, d)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (e *Engine) rule(ctx context.Context, connectionID, id int64) (*store.AlertRule, error) {
	r, err := e.s.AlertRuleByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	if r.ConnectionID != connectionID {
		return nil, fmt.Errorf("alerts: rule %d: %w", id, store.ErrNotFound)
	}
	return r, nil
}

// RuleSetEnabled enables or disables a rule, audited as by's.
func (e *Engine) RuleSetEnabled(ctx context.Context, connectionID, id int64, enabled bool, by Actor) error {
	r, err := e.rule(ctx, connectionID, id)
	if err != nil {
		return err
	}
	action := AuditRuleDisabled
	if enabled {
		action = AuditRuleEnabled
	}
	return e.s.InTx(ctx, func(tx *store.Store) error {
		if err := tx.AlertRuleSetEnabled(ctx, id, enabled); err != nil {
			return err
		}
		return auditRule(ctx, tx, connectionID, by, action, r, nil)
	})
}

// ErrBuiltinRule is returned when deleting a built-in rule, which can
// only be disabled.
var ErrBuiltinRule = errors.New("built-in rule")

// RuleDelete deletes a user-defined rule, audited as by's; built-in rules
// can only be disabled (ErrBuiltinRule).
func (e *Engine) RuleDelete(ctx context.Context, connectionID, id int64, by Actor) error {
	r, err := e.rule(ctx, connectionID, id)
	if err != nil {
		return err
	}
	if r.Builtin != "" {
		return fmt.Errorf("alerts: rule %q is a %w: disable it instead of deleting it", r.Name, ErrBuiltinRule)
	}
	return e.s.InTx(ctx, func(tx *store.Store) error {
		if err := tx.AlertRuleDelete(ctx, id); err != nil {
			return err
		}
		return auditRule(ctx, tx, connectionID, by, AuditRuleDeleted, r, specDetails(SpecOf(r)))
	})
}

// RuleList lists a connection's rules.
func (e *Engine) RuleList(ctx context.Context, connectionID int64) ([]*store.AlertRule, error) {
	return e.s.AlertRuleList(ctx, connectionID, false)
}

// RuleTest answers "what would fire now": it evaluates a rule (saved or
// not) against the latest stored result of every analysis job of the
// connection, without writing anything. Pending periods are ignored.
func (e *Engine) RuleTest(ctx context.Context, connectionID int64, sp RuleSpec) ([]Firing, error) {
	p, err := CompileIn(e.cat, e.chans, sp)
	if err != nil {
		return nil, err
	}
	results, err := e.LatestResults(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	r := &store.AlertRule{Name: sp.Name, Description: sp.Description, Source: sp.Source, InsightKind: sp.InsightKind,
		Expression: sp.Expression, Threshold: sp.Threshold, Priority: sp.Priority}
	var out []Firing
	var errs []string
	for _, res := range results {
		if !appliesTo(e.cat, p, res.Area) {
			continue
		}
		f, ee, _ := fires(r, p, res)
		out = append(out, f...)
		errs = append(errs, ee...)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("alerts: test rule %q: %s", sp.Name, strings.Join(errs, "; "))
	}
	return out, nil
}

// LatestResults returns the latest successful result of each analysis job
// of the connection, decoded.
func (e *Engine) LatestResults(ctx context.Context, connectionID int64) ([]*analysis.Result, error) {
	jobs, err := e.s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID})
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	var out []*analysis.Result
	for _, j := range jobs {
		area, ok := strings.CutPrefix(j.AnalyzerType, analysis.JobTypePrefix)
		if !ok {
			continue
		}
		sr, err := e.s.AnalysisResultLatest(ctx, j.ID, time.Time{})
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		res, err := analysis.DecodeResult(area, sr)
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		out = append(out, &res.Result)
	}
	return out, nil
}

// Actor names who acts on an alert.
type Actor struct {
	UserID   int64
	Username string
}

func (a Actor) params(connectionID, alertID int64, note string, at time.Time) store.AlertActParams {
	name := a.Username
	if name == "" {
		name = "system"
	}
	return store.AlertActParams{ConnectionID: connectionID, AlertID: alertID, UserID: a.UserID, Actor: name, Note: note, At: at}
}

// Acknowledge acknowledges a new alert, which stops its escalation. With
// ackTimeout > 0 the alert returns to new if still open after it.
func (e *Engine) Acknowledge(ctx context.Context, connectionID, alertID int64, by Actor, note string, ackTimeout time.Duration) (*store.AlertDetail, error) {
	a, err := e.s.AlertAcknowledge(ctx, by.params(connectionID, alertID, note, e.now()), ackTimeout)
	if err == nil && e.metrics != nil && e.firstAck(ctx, alertID) {
		e.metrics.observeAck(a)
	}
	return a, err
}

// firstAck reports whether the alert's only acknowledgement is the one
// just made: an acknowledgement that timed out and was renewed is not a
// second response to the same alert. A failed read counts as first.
func (e *Engine) firstAck(ctx context.Context, alertID int64) bool {
	events, err := e.s.AlertEventList(ctx, alertID)
	if err != nil {
		return true
	}
	n := 0
	for _, ev := range events {
		if ev.Action == store.AlertEventAcknowledged {
			n++
		}
	}
	return n <= 1
}

// Resolve resolves an open alert; why is required.
func (e *Engine) Resolve(ctx context.Context, connectionID, alertID int64, by Actor, why string) (*store.AlertDetail, error) {
	if strings.TrimSpace(why) == "" {
		return nil, errors.New("alerts: resolve: say why (a note is required)")
	}
	return e.s.AlertResolve(ctx, by.params(connectionID, alertID, why, e.now()))
}

// Dismiss dismisses an open alert; why is required.
func (e *Engine) Dismiss(ctx context.Context, connectionID, alertID int64, by Actor, why string) (*store.AlertDetail, error) {
	if strings.TrimSpace(why) == "" {
		return nil, errors.New("alerts: dismiss: say why (a note is required)")
	}
	return e.s.AlertDismiss(ctx, by.params(connectionID, alertID, why, e.now()))
}

// Snooze keeps one alert quiet for d.
func (e *Engine) Snooze(ctx context.Context, connectionID, alertID int64, by Actor, d time.Duration, note string) (*store.AlertDetail, error) {
	if d <= 0 || d > 30*24*time.Hour {
		return nil, fmt.Errorf("alerts: snooze: %s is not between 0 and 30 days", d)
	}
	now := e.now()
	return e.s.AlertSnooze(ctx, by.params(connectionID, alertID, note, now), now.Add(d))
}

// SilenceMaxDuration bounds a silence: silences are time-boxed.
const SilenceMaxDuration = 90 * 24 * time.Hour

// SilenceCreate validates and stores a silence. A zero start means now.
func (e *Engine) SilenceCreate(ctx context.Context, p store.SilenceParams) (*store.Silence, error) {
	if _, err := compileSilence(p.Matchers); err != nil {
		return nil, fmt.Errorf("alerts: silence: %w", err)
	}
	if p.StartsAt.IsZero() {
		p.StartsAt = e.now()
	}
	if !p.EndsAt.After(p.StartsAt) || p.EndsAt.Sub(p.StartsAt) > SilenceMaxDuration {
		return nil, fmt.Errorf("alerts: silence: it must end after it starts and last at most %s", SilenceMaxDuration)
	}
	return e.s.SilenceCreate(ctx, p)
}

// Priorities are the alert priorities, most urgent first; a policy may be
// attached to each.
var Priorities = []string{store.PriorityCritical, store.PriorityHigh, store.PriorityMedium, store.PriorityLow}

// Audit actions of escalation policy changes.
const (
	AuditPolicyCreated = "escalation_policy.created"
	AuditPolicyUpdated = "escalation_policy.updated"
	AuditPolicyDeleted = "escalation_policy.deleted"
)

func auditPolicy(ctx context.Context, tx *store.Store, by Actor, action string, p *store.EscalationPolicy) error {
	_, err := tx.AuditRecord(ctx, store.AuditAppendParams{ConnectionID: p.ConnectionID, Actor: by.label(), Action: action,
		Subject: fmt.Sprintf("escalation_policy:%d", p.ID)}, map[string]any{"name": p.Name, "levels": p.Levels, "repeat": p.Repeat, "priorities": p.Priorities})
	return err
}

// EscalationPolicyCreate checks and stores an escalation policy, audited
// as by's.
func (e *Engine) EscalationPolicyCreate(ctx context.Context, p store.EscalationPolicyParams, by Actor) (*store.EscalationPolicy, error) {
	if err := e.checkPolicy(ctx, 0, p); err != nil {
		return nil, err
	}
	var out *store.EscalationPolicy
	err := e.s.InTx(ctx, func(tx *store.Store) error {
		var err error
		if out, err = tx.EscalationPolicyCreate(ctx, p); err != nil {
			return err
		}
		return auditPolicy(ctx, tx, by, AuditPolicyCreated, out)
	})
	return out, err
}

// policy returns a policy of the connection.
func (e *Engine) policy(ctx context.Context, connectionID, id int64) (*store.EscalationPolicy, error) {
	p, err := e.s.EscalationPolicyByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	if p.ConnectionID != connectionID {
		return nil, fmt.Errorf("alerts: escalation policy %d: %w", id, store.ErrNotFound)
	}
	return p, nil
}

// EscalationPolicyUpdate checks and replaces a policy, audited as by's.
// Alerts already escalating under it take its new levels at their next
// step.
func (e *Engine) EscalationPolicyUpdate(ctx context.Context, id int64, p store.EscalationPolicyParams, by Actor) (*store.EscalationPolicy, error) {
	if _, err := e.policy(ctx, p.ConnectionID, id); err != nil {
		return nil, err
	}
	if err := e.checkPolicy(ctx, id, p); err != nil {
		return nil, err
	}
	var out *store.EscalationPolicy
	err := e.s.InTx(ctx, func(tx *store.Store) error {
		var err error
		if out, err = tx.EscalationPolicyUpdate(ctx, id, p); err != nil {
			return err
		}
		return auditPolicy(ctx, tx, by, AuditPolicyUpdated, out)
	})
	return out, err
}

// EscalationPolicyDelete deletes a policy, audited as by's: the rules and
// alerts that used it stop escalating.
func (e *Engine) EscalationPolicyDelete(ctx context.Context, connectionID, id int64, by Actor) error {
	p, err := e.policy(ctx, connectionID, id)
	if err != nil {
		return err
	}
	return e.s.InTx(ctx, func(tx *store.Store) error {
		if err := tx.EscalationPolicyDelete(ctx, id); err != nil {
			return err
		}
		return auditPolicy(ctx, tx, by, AuditPolicyDeleted, p)
	})
}

// checkPolicy checks policy id's new params (id 0: a new policy).
func (e *Engine) checkPolicy(ctx context.Context, id int64, p store.EscalationPolicyParams) error {
	var errs []error
	if len(p.Priorities) > 0 {
		pols, err := e.s.EscalationPolicyList(ctx, p.ConnectionID)
		if err != nil {
			return err
		}
		for _, pr := range p.Priorities {
			if !slices.Contains(Priorities, pr) {
				errs = append(errs, fmt.Errorf("%q is not a priority (%s)", pr, strings.Join(Priorities, ", ")))
				continue
			}
			for _, other := range pols {
				if other.ID != id && slices.Contains(other.Priorities, pr) {
					errs = append(errs, fmt.Errorf("priority %s already follows policy %q: detach it there first", pr, other.Name))
				}
			}
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	if len(p.Levels) == 0 {
		errs = append(errs, errors.New("a policy needs at least one level"))
	}
	if p.Repeat < 0 || p.Repeat > 10 {
		errs = append(errs, fmt.Errorf("repeat %d is not between 0 and 10", p.Repeat))
	}
	users, err := e.s.UserList(ctx, p.ConnectionID)
	if err != nil {
		return err
	}
	for i, l := range p.Levels {
		if len(l.UserIDs) == 0 && len(l.Roles) == 0 {
			errs = append(errs, fmt.Errorf("level %d names nobody: choose people or roles", i+1))
		}
		for _, r := range l.Roles {
			if !store.ValidRole(r) {
				errs = append(errs, fmt.Errorf("level %d: %q is not a role", i+1, r))
			}
		}
		for _, id := range l.UserIDs {
			if !slices.ContainsFunc(users, func(u *store.User) bool { return u.ID == id }) {
				errs = append(errs, fmt.Errorf("level %d: user %d does not exist in this connection", i+1, id))
			}
		}
		if time.Duration(l.Timeout) < time.Minute {
			errs = append(errs, fmt.Errorf("level %d: timeout %s is under a minute", i+1, time.Duration(l.Timeout)))
		}
		for _, c := range l.Channels {
			if err := e.chans.Check(c); err != nil {
				errs = append(errs, fmt.Errorf("level %d: %w", i+1, err))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("alerts: escalation policy %q: %w", p.Name, errors.Join(errs...))
	}
	return nil
}
