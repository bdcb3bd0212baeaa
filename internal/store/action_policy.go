package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ActionPolicy is the stored policy of one action type on one connection
// (action_policies). Package actions validates and applies it; a type
// without a row uses that package's defaults.
type ActionPolicy struct {
	ConnectionID int64
	ActionType   string
	// Mode is auto, approve or never.
	Mode string
	// MaxAmount caps the amount of one action that may run alone; 0 means
	// no cap.
	MaxAmount float64
	// MaxPerDay and MaxPerCustomerWeek cap how many actions run alone; 0
	// means no cap.
	MaxPerDay          int
	MaxPerCustomerWeek int
	// QuietStart and QuietEnd ("HH:MM" in Timezone) bound a daily period in
	// which nothing runs; empty means none.
	QuietStart string
	QuietEnd   string
	Timezone   string
	UpdatedBy  int64
	UpdatedAt  time.Time
}

const actionPolicyColumns = `connection_id, action_type, mode, max_amount, max_per_day, max_per_customer_week,
	quiet_start, quiet_end, timezone, updated_by, updated_at`

func scanActionPolicy(row interface{ Scan(...any) error }) (*ActionPolicy, error) {
	var (
		p  ActionPolicy
		by *int64
	)
	if err := row.Scan(&p.ConnectionID, &p.ActionType, &p.Mode, &p.MaxAmount, &p.MaxPerDay, &p.MaxPerCustomerWeek,
		&p.QuietStart, &p.QuietEnd, &p.Timezone, &by, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if by != nil {
		p.UpdatedBy = *by
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return &p, nil
}

// ActionPolicyGet returns the stored policy of a type, or ErrNotFound.
func (s *Store) ActionPolicyGet(ctx context.Context, connectionID int64, actionType string) (*ActionPolicy, error) {
	p, err := scanActionPolicy(s.q.QueryRowContext(ctx, `SELECT `+actionPolicyColumns+` FROM action_policies
		WHERE connection_id = $1 AND action_type = $2`, connectionID, actionType))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("action policy %q", actionType))
	}
	return p, nil
}

// ActionPolicyList returns the stored policies of a connection by type.
func (s *Store) ActionPolicyList(ctx context.Context, connectionID int64) ([]*ActionPolicy, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+actionPolicyColumns+` FROM action_policies
		WHERE connection_id = $1 ORDER BY action_type`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list action policies: %w", err)
	}
	defer rows.Close()
	var out []*ActionPolicy
	for rows.Next() {
		p, err := scanActionPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list action policies: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list action policies: %w", err)
	}
	return out, nil
}

// ActionPolicyPut stores the policy of a type, replacing any earlier one,
// and returns it as stored. It does not audit: package actions does, in the
// same transaction.
func (s *Store) ActionPolicyPut(ctx context.Context, p ActionPolicy) (*ActionPolicy, error) {
	if p.ConnectionID == 0 || p.ActionType == "" || p.Mode == "" {
		return nil, errors.New("store: put action policy: connection, type and mode are required")
	}
	out, err := scanActionPolicy(s.q.QueryRowContext(ctx, `
		INSERT INTO action_policies (`+actionPolicyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (connection_id, action_type) DO UPDATE SET
			mode = excluded.mode, max_amount = excluded.max_amount, max_per_day = excluded.max_per_day,
			max_per_customer_week = excluded.max_per_customer_week, quiet_start = excluded.quiet_start,
			quiet_end = excluded.quiet_end, timezone = excluded.timezone, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at
		RETURNING `+actionPolicyColumns,
		p.ConnectionID, p.ActionType, p.Mode, p.MaxAmount, p.MaxPerDay, p.MaxPerCustomerWeek,
		p.QuietStart, p.QuietEnd, p.Timezone, nullID(p.UpdatedBy), s.nowUTC()))
	if err != nil {
		return nil, fmt.Errorf("store: put action policy %q: %w", p.ActionType, err)
	}
	return out, nil
}
