package store

import (
	"context"
	"fmt"
	"time"
)

// LoginAttemptRecord records a failed sign-in under key (a username and
// client address pair, or a client address).
func (s *Store) LoginAttemptRecord(ctx context.Context, key string, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO login_attempts (login_key, at) VALUES ($1, $2)`, key, timestamp(at)); err != nil {
		return fmt.Errorf("store: record login attempt: %w", err)
	}
	return nil
}

// LoginAttemptCount returns how many failed sign-ins were recorded under key
// since the given time, and the latest of them (zero when none).
func (s *Store) LoginAttemptCount(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE login_key = $1 AND at > $2`,
		key, timestamp(since)).Scan(&n); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: count login attempts: %w", err)
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	// Not MAX(at): SQLite would hand back the aggregate as text.
	var latest time.Time
	if err := s.q.QueryRowContext(ctx, `SELECT at FROM login_attempts WHERE login_key = $1 AND at > $2 ORDER BY at DESC LIMIT 1`,
		key, timestamp(since)).Scan(&latest); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: latest login attempt: %w", err)
	}
	return n, latest.UTC(), nil
}

// LoginAttemptClear forgets the failed sign-ins under key (after a
// successful one).
func (s *Store) LoginAttemptClear(ctx context.Context, key string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM login_attempts WHERE login_key = $1`, key); err != nil {
		return fmt.Errorf("store: clear login attempts: %w", err)
	}
	return nil
}

// LoginAttemptDeleteBefore removes attempts older than t and returns how
// many.
func (s *Store) LoginAttemptDeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM login_attempts WHERE at <= $1`, timestamp(t))
	if err != nil {
		return 0, fmt.Errorf("store: delete old login attempts: %w", err)
	}
	return res.RowsAffected()
}
