package store

import (
	"context"
	"fmt"
)

// AlertCount is how many alerts are in one status with one priority.
type AlertCount struct {
	Status   string
	Priority string
	Count    int64
}

// AlertCountByStatus counts the alerts of every connection by status and
// priority, for the alerts gauge of /metrics. Combinations without alerts
// are left out.
func (s *Store) AlertCountByStatus(ctx context.Context) ([]AlertCount, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT status, priority, count(*) FROM alerts GROUP BY status, priority ORDER BY status, priority`)
	if err != nil {
		return nil, fmt.Errorf("store: count alerts: %w", err)
	}
	defer rows.Close()
	var out []AlertCount
	for rows.Next() {
		var c AlertCount
		if err := rows.Scan(&c.Status, &c.Priority, &c.Count); err != nil {
			return nil, fmt.Errorf("store: count alerts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// NotificationCount is how many outbox rows of one channel are in one
// status.
type NotificationCount struct {
	Channel string
	Status  string
	Count   int64
}

// NotificationCountUnsent counts the outbox rows of every connection not
// sent yet (pending, sending, dead) by channel and status, for the outbox
// gauge of /metrics: the backlog and the dead letters waiting for a
// person. Sent rows are counted by the delivery counter instead.
func (s *Store) NotificationCountUnsent(ctx context.Context) ([]NotificationCount, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT channel, status, count(*) FROM notifications
		WHERE status IN ('pending', 'sending', 'dead') GROUP BY channel, status ORDER BY channel, status`)
	if err != nil {
		return nil, fmt.Errorf("store: count notifications: %w", err)
	}
	defer rows.Close()
	var out []NotificationCount
	for rows.Next() {
		var c NotificationCount
		if err := rows.Scan(&c.Channel, &c.Status, &c.Count); err != nil {
			return nil, fmt.Errorf("store: count notifications: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
