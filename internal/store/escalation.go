package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// EscalationLevel is one step of an escalation policy: notify these users
// on these channels, then wait Timeout for an acknowledgement.
type EscalationLevel struct {
	UserIDs []int64 `json:"user_ids"`
	// Roles notify every enabled user of these roles as well, as they are
	// when the step is taken.
	Roles    []string     `json:"roles,omitempty"`
	Channels []string     `json:"channels"`
	Timeout  JSONDuration `json:"timeout"`
}

// JSONDuration is a time.Duration written as a Go duration string ("15m").
type JSONDuration time.Duration

// MarshalJSON implements json.Marshaler.
func (d JSONDuration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *JSONDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"15m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = JSONDuration(v)
	return nil
}

// EscalationPolicy is a ladder of levels, climbed while an alert stays
// unacknowledged, and climbed again up to Repeat more times.
type EscalationPolicy struct {
	ID           int64
	ConnectionID int64
	Name         string
	Levels       []EscalationLevel
	Repeat       int
	// Priorities are the alert priorities the policy is attached to: an
	// alert of one of them whose rule names no policy climbs this one.
	Priorities []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// EscalationPolicyParams describes a policy to create or update.
type EscalationPolicyParams struct {
	ConnectionID int64
	Name         string
	Levels       []EscalationLevel
	Repeat       int
	// Priorities replace the priorities the policy is attached to; each
	// priority has at most one policy per connection.
	Priorities []string
}

const escalationColumns = `id, connection_id, name, levels, repeat_count, created_at, updated_at`

func scanEscalationPolicy(row interface{ Scan(...any) error }) (*EscalationPolicy, error) {
	var (
		p      EscalationPolicy
		levels string
	)
	if err := row.Scan(&p.ID, &p.ConnectionID, &p.Name, &levels, &p.Repeat, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(levels), &p.Levels); err != nil {
		return nil, fmt.Errorf("levels: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// EscalationPolicyCreate stores a policy.
func (s *Store) EscalationPolicyCreate(ctx context.Context, p EscalationPolicyParams) (*EscalationPolicy, error) {
	levels, err := json.Marshal(nonNil(p.Levels))
	if err != nil {
		return nil, fmt.Errorf("store: create escalation policy %q: %w", p.Name, err)
	}
	ep, err := scanEscalationPolicy(s.q.QueryRowContext(ctx, `INSERT INTO escalation_policies (connection_id, name, levels,
		repeat_count, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING `+escalationColumns,
		p.ConnectionID, p.Name, string(levels), p.Repeat, s.nowUTC()))
	if err != nil {
		return nil, fmt.Errorf("store: create escalation policy %q: %w", p.Name, err)
	}
	if err := s.setPolicyPriorities(ctx, ep, p.Priorities); err != nil {
		return nil, err
	}
	return ep, nil
}

// EscalationPolicyUpdate replaces a policy's name, levels and repeat count.
func (s *Store) EscalationPolicyUpdate(ctx context.Context, id int64, p EscalationPolicyParams) (*EscalationPolicy, error) {
	levels, err := json.Marshal(nonNil(p.Levels))
	if err != nil {
		return nil, fmt.Errorf("store: update escalation policy %d: %w", id, err)
	}
	ep, err := scanEscalationPolicy(s.q.QueryRowContext(ctx, `UPDATE escalation_policies SET name = $2, levels = $3,
		repeat_count = $4, updated_at = $5 WHERE id = $1 RETURNING `+escalationColumns, id, p.Name, string(levels), p.Repeat, s.nowUTC()))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("update escalation policy %d", id))
	}
	if err := s.setPolicyPriorities(ctx, ep, p.Priorities); err != nil {
		return nil, err
	}
	return ep, nil
}

// setPolicyPriorities replaces the priorities ep is attached to. Run it in
// a transaction with the policy's write: it deletes, then inserts, and the
// primary key refuses a priority another policy of the connection holds.
func (s *Store) setPolicyPriorities(ctx context.Context, ep *EscalationPolicy, priorities []string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM escalation_priorities WHERE policy_id = $1`, ep.ID); err != nil {
		return fmt.Errorf("store: detach priorities of escalation policy %d: %w", ep.ID, err)
	}
	ep.Priorities = []string{}
	for _, pr := range priorities {
		if slices.Contains(ep.Priorities, pr) {
			continue
		}
		if _, err := s.q.ExecContext(ctx, `INSERT INTO escalation_priorities (connection_id, priority, policy_id) VALUES ($1, $2, $3)`,
			ep.ConnectionID, pr, ep.ID); err != nil {
			return fmt.Errorf("store: attach escalation policy %d to priority %s: %w", ep.ID, pr, err)
		}
		ep.Priorities = append(ep.Priorities, pr)
	}
	slices.SortFunc(ep.Priorities, func(a, b string) int { return PriorityRank(a) - PriorityRank(b) })
	return nil
}

// policyPriorities fills the priorities of a connection's policies.
func (s *Store) policyPriorities(ctx context.Context, connectionID int64, pols ...*EscalationPolicy) error {
	rows, err := s.q.QueryContext(ctx, `SELECT policy_id, priority FROM escalation_priorities WHERE connection_id = $1`, connectionID)
	if err != nil {
		return fmt.Errorf("store: escalation priorities: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*EscalationPolicy{}
	for _, p := range pols {
		p.Priorities = []string{}
		byID[p.ID] = p
	}
	for rows.Next() {
		var id int64
		var pr string
		if err := rows.Scan(&id, &pr); err != nil {
			return fmt.Errorf("store: escalation priorities: %w", err)
		}
		if p := byID[id]; p != nil {
			p.Priorities = append(p.Priorities, pr)
		}
	}
	for _, p := range pols {
		slices.SortFunc(p.Priorities, func(a, b string) int { return PriorityRank(a) - PriorityRank(b) })
	}
	return rows.Err()
}

// EscalationPolicyByID returns one policy.
func (s *Store) EscalationPolicyByID(ctx context.Context, id int64) (*EscalationPolicy, error) {
	ep, err := scanEscalationPolicy(s.q.QueryRowContext(ctx, `SELECT `+escalationColumns+` FROM escalation_policies WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("escalation policy %d", id))
	}
	if err := s.policyPriorities(ctx, ep.ConnectionID, ep); err != nil {
		return nil, err
	}
	return ep, nil
}

// EscalationPolicyList lists a connection's policies by name.
func (s *Store) EscalationPolicyList(ctx context.Context, connectionID int64) ([]*EscalationPolicy, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+escalationColumns+` FROM escalation_policies WHERE connection_id = $1 ORDER BY name`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list escalation policies: %w", err)
	}
	defer rows.Close()
	var out []*EscalationPolicy
	for rows.Next() {
		ep, err := scanEscalationPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list escalation policies: %w", err)
		}
		out = append(out, ep)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list escalation policies: %w", err)
	}
	if err := s.policyPriorities(ctx, connectionID, out...); err != nil {
		return nil, err
	}
	return out, nil
}

// EscalationPolicyDelete deletes a policy; rules and alerts using it stop
// escalating.
func (s *Store) EscalationPolicyDelete(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM escalation_policies WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: delete escalation policy %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete escalation policy %d: %w", id, ErrNotFound)
	}
	return nil
}

// The routing state of package alerts' notification tick: notification
// groups, per-user daily counts and the digest held back by the daily cap.

// AlertGroup is the notification state of one group of alerts (the alerts
// of one rule).
type AlertGroup struct {
	ConnectionID int64
	Key          string
	NextFlushAt  time.Time // zero: nothing scheduled
	LastFlushAt  time.Time
	NextRepeatAt time.Time
	Flushes      int64
}

// AlertGroupGet returns a group's state, or a new zero state when the group
// has none yet.
func (s *Store) AlertGroupGet(ctx context.Context, connectionID int64, key string) (*AlertGroup, error) {
	g := AlertGroup{ConnectionID: connectionID, Key: key}
	var next, last, repeat nullTimeScanner
	err := s.q.QueryRowContext(ctx, `SELECT next_flush_at, last_flush_at, next_repeat_at, flushes FROM alert_groups
		WHERE connection_id = $1 AND group_key = $2`, connectionID, key).Scan(&next, &last, &repeat, &g.Flushes)
	if errors.Is(err, sql.ErrNoRows) {
		return &g, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: alert group %q: %w", key, err)
	}
	g.NextFlushAt, g.LastFlushAt, g.NextRepeatAt = next.Time, last.Time, repeat.Time
	return &g, nil
}

// AlertGroupPut stores a group's state.
func (s *Store) AlertGroupPut(ctx context.Context, g *AlertGroup) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO alert_groups (connection_id, group_key, next_flush_at, last_flush_at, next_repeat_at, flushes)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (connection_id, group_key) DO UPDATE SET next_flush_at = excluded.next_flush_at,
			last_flush_at = excluded.last_flush_at, next_repeat_at = excluded.next_repeat_at, flushes = excluded.flushes`,
		g.ConnectionID, g.Key, nullTime(g.NextFlushAt), nullTime(g.LastFlushAt), nullTime(g.NextRepeatAt), g.Flushes); err != nil {
		return fmt.Errorf("store: put alert group %q: %w", g.Key, err)
	}
	return nil
}

// AlertGroupList lists a connection's groups by key.
func (s *Store) AlertGroupList(ctx context.Context, connectionID int64) ([]*AlertGroup, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT group_key, next_flush_at, last_flush_at, next_repeat_at, flushes FROM alert_groups
		WHERE connection_id = $1 ORDER BY group_key`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list alert groups: %w", err)
	}
	defer rows.Close()
	var out []*AlertGroup
	for rows.Next() {
		g := AlertGroup{ConnectionID: connectionID}
		var next, last, repeat nullTimeScanner
		if err := rows.Scan(&g.Key, &next, &last, &repeat, &g.Flushes); err != nil {
			return nil, fmt.Errorf("store: list alert groups: %w", err)
		}
		g.NextFlushAt, g.LastFlushAt, g.NextRepeatAt = next.Time, last.Time, repeat.Time
		out = append(out, &g)
	}
	return out, rows.Err()
}

// AlertNotifyCount returns how many notifications the user got on day
// ("2006-01-02").
func (s *Store) AlertNotifyCount(ctx context.Context, userID int64, day string) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT sent FROM alert_notify_counts WHERE user_id = $1 AND day = $2`, userID, day).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: notification count of user %d: %w", userID, err)
	}
	return n, nil
}

// AlertNotifyCountAdd counts one more notification for the user on day.
func (s *Store) AlertNotifyCountAdd(ctx context.Context, connectionID, userID int64, day string) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO alert_notify_counts (connection_id, user_id, day, sent) VALUES ($1, $2, $3, 1)
		ON CONFLICT (user_id, day) DO UPDATE SET sent = alert_notify_counts.sent + 1`, connectionID, userID, day); err != nil {
		return fmt.Errorf("store: count notification of user %d: %w", userID, err)
	}
	return nil
}

// AlertDigestItem is an alert held back from a user by the daily cap, to
// go out in that day's digest.
type AlertDigestItem struct {
	UserID  int64
	Day     string
	AlertID int64
	Channel string
}

// AlertDigestAdd holds an alert back for the user's digest of day.
func (s *Store) AlertDigestAdd(ctx context.Context, connectionID int64, it AlertDigestItem) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO alert_digest_items (connection_id, user_id, day, alert_id, channel, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, day, alert_id, channel) DO NOTHING`,
		connectionID, it.UserID, it.Day, it.AlertID, it.Channel, s.nowUTC()); err != nil {
		return fmt.Errorf("store: hold alert %d for digest: %w", it.AlertID, err)
	}
	return nil
}

// AlertDigestDue lists the connection's held items of days before day, by
// user, day and alert.
func (s *Store) AlertDigestDue(ctx context.Context, connectionID int64, day string) ([]AlertDigestItem, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT user_id, day, alert_id, channel FROM alert_digest_items
		WHERE connection_id = $1 AND day < $2 ORDER BY user_id, day, alert_id, channel`, connectionID, day)
	if err != nil {
		return nil, fmt.Errorf("store: due digest items: %w", err)
	}
	defer rows.Close()
	var out []AlertDigestItem
	for rows.Next() {
		var it AlertDigestItem
		if err := rows.Scan(&it.UserID, &it.Day, &it.AlertID, &it.Channel); err != nil {
			return nil, fmt.Errorf("store: due digest items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// AlertDigestDelete removes a user's held items of one day, once sent.
func (s *Store) AlertDigestDelete(ctx context.Context, userID int64, day string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM alert_digest_items WHERE user_id = $1 AND day = $2`, userID, day); err != nil {
		return fmt.Errorf("store: delete digest of user %d: %w", userID, err)
	}
	return nil
}
