package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Alert rule sources: what a rule reads.
const (
	// RuleSourceInsight rules match analyzer insights of one kind.
	RuleSourceInsight = "insight"
	// RuleSourceMetric rules evaluate an expression over metrics.
	RuleSourceMetric = "metric"
	// RuleSourceAlert rules route alerts raised elsewhere (the job engine's
	// "monitoring job failing"), matched by alert type and fingerprint prefix.
	RuleSourceAlert = "alert"
)

// AlertRule is a stored alert rule of a connection. Package alerts compiles
// and evaluates it; the store keeps it as written.
type AlertRule struct {
	ID           int64
	ConnectionID int64
	// UserID is the one user the rule belongs to, 0 for an org-wide rule.
	UserID      int64
	Name        string
	Description string
	// Builtin is the key of a built-in rule, empty for a user-defined one.
	Builtin string
	Source  string
	// InsightKind is the insight kind of an insight rule, or the alert type
	// and fingerprint prefix ("system:monitoring_job_failing:") of an alert rule.
	InsightKind string
	Expression  string
	Threshold   float64
	// Priority is a priority name, "insight" (keep the insight's), or an
	// expression giving a priority name.
	Priority           string
	PendingEvaluations int
	PendingFor         time.Duration
	Labels             map[string]string
	Channels           []string
	EscalationPolicyID int64
	GroupWait          time.Duration
	GroupInterval      time.Duration
	RepeatInterval     time.Duration
	Enabled            bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// AlertRuleParams is what a rule is created or updated with.
type AlertRuleParams struct {
	ConnectionID       int64
	UserID             int64
	Name               string
	Description        string
	Builtin            string
	Source             string
	InsightKind        string
	Expression         string
	Threshold          float64
	Priority           string
	PendingEvaluations int
	PendingFor         time.Duration
	Labels             map[string]string
	Channels           []string
	EscalationPolicyID int64
	GroupWait          time.Duration
	GroupInterval      time.Duration
	RepeatInterval     time.Duration
	Enabled            bool
}

const alertRuleColumns = `id, connection_id, user_id, name, description, builtin, rule_type, insight_kind, expression, threshold,
	priority, pending_evaluations, pending_for_ms, labels, notification_channels, escalation_policy_id,
	group_wait_ms, group_interval_ms, repeat_interval_ms, enabled, created_at, updated_at`

func scanAlertRule(row interface{ Scan(...any) error }) (*AlertRule, error) {
	var (
		r                       AlertRule
		userID, policyID        *int64
		labels, channels        string
		pendingMS, wait, gi, ri int64
	)
	if err := row.Scan(&r.ID, &r.ConnectionID, &userID, &r.Name, &r.Description, &r.Builtin, &r.Source, &r.InsightKind,
		&r.Expression, &r.Threshold, &r.Priority, &r.PendingEvaluations, &pendingMS, &labels, &channels, &policyID,
		&wait, &gi, &ri, &r.Enabled, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if userID != nil {
		r.UserID = *userID
	}
	if policyID != nil {
		r.EscalationPolicyID = *policyID
	}
	if err := json.Unmarshal([]byte(labels), &r.Labels); err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	if err := json.Unmarshal([]byte(channels), &r.Channels); err != nil {
		return nil, fmt.Errorf("channels: %w", err)
	}
	r.PendingFor = time.Duration(pendingMS) * time.Millisecond
	r.GroupWait = time.Duration(wait) * time.Millisecond
	r.GroupInterval = time.Duration(gi) * time.Millisecond
	r.RepeatInterval = time.Duration(ri) * time.Millisecond
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

func (p AlertRuleParams) args() ([]any, error) {
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	if p.Channels == nil {
		p.Channels = []string{}
	}
	labels, err := json.Marshal(p.Labels)
	if err != nil {
		return nil, err
	}
	channels, err := json.Marshal(p.Channels)
	if err != nil {
		return nil, err
	}
	return []any{p.ConnectionID, nullID(p.UserID), p.Name, p.Description, p.Builtin, p.Source, p.InsightKind, p.Expression,
		p.Threshold, p.Priority, p.PendingEvaluations, p.PendingFor.Milliseconds(), string(labels), string(channels),
		nullID(p.EscalationPolicyID), p.GroupWait.Milliseconds(), p.GroupInterval.Milliseconds(),
		p.RepeatInterval.Milliseconds(), p.Enabled}, nil
}

// AlertRuleCreate stores a new rule. A name already used in the connection
// is an error.
func (s *Store) AlertRuleCreate(ctx context.Context, p AlertRuleParams) (*AlertRule, error) {
	args, err := p.args()
	if err != nil {
		return nil, fmt.Errorf("store: create alert rule %q: %w", p.Name, err)
	}
	args = append(args, s.nowUTC())
	r, err := scanAlertRule(s.q.QueryRowContext(ctx, `INSERT INTO alert_rules (connection_id, user_id, name, description,
		builtin, rule_type, insight_kind, expression, threshold, priority, pending_evaluations, pending_for_ms, labels,
		notification_channels, escalation_policy_id, group_wait_ms, group_interval_ms, repeat_interval_ms, enabled,
		condition, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, '{}', $20, $20)
		RETURNING `+alertRuleColumns, args...))
	if err != nil {
		return nil, fmt.Errorf("store: create alert rule %q: %w", p.Name, err)
	}
	return r, nil
}

// AlertRuleEnsureBuiltin creates the built-in rule p.Builtin of the
// connection when it does not exist yet; an existing one, with the edits
// made to it, is kept. It reports whether it created the rule.
func (s *Store) AlertRuleEnsureBuiltin(ctx context.Context, p AlertRuleParams) (*AlertRule, bool, error) {
	if p.Builtin == "" {
		return nil, false, errors.New("store: ensure built-in alert rule: no built-in key")
	}
	r, err := scanAlertRule(s.q.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules
		WHERE connection_id = $1 AND builtin = $2`, p.ConnectionID, p.Builtin))
	if err == nil {
		return r, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("store: ensure built-in alert rule %q: %w", p.Builtin, err)
	}
	r, err = s.AlertRuleCreate(ctx, p)
	return r, err == nil, err
}

// AlertRuleUpdate replaces a rule's definition (not its connection or
// built-in key).
func (s *Store) AlertRuleUpdate(ctx context.Context, id int64, p AlertRuleParams) (*AlertRule, error) {
	args, err := p.args()
	if err != nil {
		return nil, fmt.Errorf("store: update alert rule %d: %w", id, err)
	}
	// Neither the connection nor the built-in key changes.
	a := args
	args = append([]any{id}, a[1:4]...)
	args = append(args, a[5:]...)
	args = append(args, s.nowUTC())
	r, err := scanAlertRule(s.q.QueryRowContext(ctx, `UPDATE alert_rules SET user_id = $2, name = $3, description = $4,
		rule_type = $5, insight_kind = $6, expression = $7, threshold = $8, priority = $9,
		pending_evaluations = $10, pending_for_ms = $11, labels = $12, notification_channels = $13,
		escalation_policy_id = $14, group_wait_ms = $15, group_interval_ms = $16, repeat_interval_ms = $17,
		enabled = $18, updated_at = $19
		WHERE id = $1
		RETURNING `+alertRuleColumns, args...))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("update alert rule %d", id))
	}
	return r, nil
}

// AlertRuleSetEnabled enables or disables a rule.
func (s *Store) AlertRuleSetEnabled(ctx context.Context, id int64, enabled bool) error {
	res, err := s.q.ExecContext(ctx, `UPDATE alert_rules SET enabled = $2, updated_at = $3 WHERE id = $1`, id, enabled, s.nowUTC())
	if err != nil {
		return fmt.Errorf("store: enable alert rule %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: enable alert rule %d: %w", id, ErrNotFound)
	}
	return nil
}

// AlertRuleDelete deletes a rule; its alerts stay, without a rule.
func (s *Store) AlertRuleDelete(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM alert_rules WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: delete alert rule %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete alert rule %d: %w", id, ErrNotFound)
	}
	return nil
}

// AlertRuleByID returns one rule.
func (s *Store) AlertRuleByID(ctx context.Context, id int64) (*AlertRule, error) {
	r, err := scanAlertRule(s.q.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("alert rule %d", id))
	}
	return r, nil
}

// AlertRuleByName returns the connection's rule of that name.
func (s *Store) AlertRuleByName(ctx context.Context, connectionID int64, name string) (*AlertRule, error) {
	r, err := scanAlertRule(s.q.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules
		WHERE connection_id = $1 AND name = $2`, connectionID, name))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("alert rule %q", name))
	}
	return r, nil
}

// AlertRuleList lists a connection's rules by name.
func (s *Store) AlertRuleList(ctx context.Context, connectionID int64, enabledOnly bool) ([]*AlertRule, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules
		WHERE connection_id = $1 AND (enabled OR $2 = FALSE) ORDER BY name, id`, connectionID, enabledOnly)
	if err != nil {
		return nil, fmt.Errorf("store: list alert rules: %w", err)
	}
	defer rows.Close()
	var out []*AlertRule
	for rows.Next() {
		r, err := scanAlertRule(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list alert rules: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AlertRuleState is how long a rule's condition has held for one subject
// while the rule waits out its pending period.
type AlertRuleState struct {
	RuleID      int64
	Subject     string
	Since       time.Time
	Evaluations int
	LastAt      time.Time
}

// AlertRuleStateHold records one more evaluation in which the condition
// holds for the subject at time at, and returns the state.
func (s *Store) AlertRuleStateHold(ctx context.Context, connectionID, ruleID int64, subject string, at time.Time) (*AlertRuleState, error) {
	st := AlertRuleState{RuleID: ruleID, Subject: subject}
	err := s.q.QueryRowContext(ctx, `INSERT INTO alert_rule_states (rule_id, subject, connection_id, since, evaluations, last_at)
		VALUES ($1, $2, $3, $4, 1, $4)
		ON CONFLICT (rule_id, subject) DO UPDATE SET evaluations = alert_rule_states.evaluations + 1, last_at = excluded.last_at
		RETURNING since, evaluations, last_at`, ruleID, subject, connectionID, timestamp(at)).Scan(&st.Since, &st.Evaluations, &st.LastAt)
	if err != nil {
		return nil, fmt.Errorf("store: alert rule %d state of %q: %w", ruleID, subject, err)
	}
	st.Since, st.LastAt = st.Since.UTC(), st.LastAt.UTC()
	return &st, nil
}

// AlertRuleStateClear forgets the pending states of a rule whose subject
// starts with prefix, except for the subjects in keep, and returns how many
// it removed.
func (s *Store) AlertRuleStateClear(ctx context.Context, ruleID int64, prefix string, keep []string) (int64, error) {
	keepJSON, err := json.Marshal(nonNil(keep))
	if err != nil {
		return 0, err
	}
	var q string
	if s.dialect == Postgres {
		q = `DELETE FROM alert_rule_states WHERE rule_id = $1 AND substr(subject, 1, length($3::text)) = $3::text
			AND subject NOT IN (SELECT jsonb_array_elements_text($2::jsonb))`
	} else {
		q = `DELETE FROM alert_rule_states WHERE rule_id = $1 AND substr(subject, 1, length($3)) = $3
			AND subject NOT IN (SELECT value FROM json_each($2))`
	}
	res, err := s.q.ExecContext(ctx, q, ruleID, string(keepJSON), prefix)
	if err != nil {
		return 0, fmt.Errorf("store: clear alert rule %d states: %w", ruleID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
