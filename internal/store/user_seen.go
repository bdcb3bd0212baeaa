package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// UserSeen records that a user looks at the overview at now and returns the
// visit to compare against: the latest visit that ended more than gap
// before now. A user's first visit returns the zero time. Reloads within
// gap of each other keep the same answer.
func (s *Store) UserSeen(ctx context.Context, userID int64, now time.Time, gap time.Duration) (time.Time, error) {
	now = now.UTC()
	var prev time.Time
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		var p, last nullTimeScanner
		err := tx.q.QueryRowContext(ctx, `SELECT previous_seen_at, last_seen_at FROM user_seen WHERE user_id = $1`, userID).Scan(&p, &last)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.q.ExecContext(ctx, `INSERT INTO user_seen (user_id, previous_seen_at, last_seen_at) VALUES ($1, NULL, $2)`, userID, now)
			return err
		}
		if err != nil {
			return err
		}
		prev = p.Time
		if now.Sub(last.Time) > gap {
			prev = last.Time
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE user_seen SET previous_seen_at = $2, last_seen_at = $3 WHERE user_id = $1`, userID, nullTime(prev), now)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: user %d seen: %w", userID, err)
	}
	return prev, nil
}

// AlertChange is an alert that was raised, resolved or escalated after a
// moment, with the latest such change.
type AlertChange struct {
	Alert
	Change string // AlertEventRaised (also reoccurred), AlertEventResolved (also auto-resolved and dismissed) or AlertEventEscalated
	At     time.Time
}

// AlertChangesSince lists the connection's alerts raised, resolved or
// escalated after since, newest change first, at most limit (default 200).
// An alert appears once per kind of change.
func (s *Store) AlertChangesSince(ctx context.Context, connectionID int64, since time.Time, limit int) ([]*AlertChange, error) {
	if limit <= 0 {
		limit = 200
	}
	rows, err := s.q.QueryContext(ctx, `SELECT e.action, e.at, `+prefixed("a.", alertColumns)+`
		FROM alert_events e JOIN alerts a ON a.id = e.alert_id
		WHERE e.connection_id = $1 AND e.at > $2 AND e.action IN ($3, $4, $5, $6, $7, $8)
		ORDER BY e.at DESC, e.id DESC LIMIT $9`, connectionID, since.UTC(),
		AlertEventRaised, AlertEventReoccurred, AlertEventResolved, AlertEventAutoResolved, AlertEventDismissed, AlertEventEscalated, limit)
	if err != nil {
		return nil, fmt.Errorf("store: alert changes: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []*AlertChange
	for rows.Next() {
		var (
			action string
			at     time.Time
		)
		a, err := scanAlert(prependScan(rows, &action, &at))
		if err != nil {
			return nil, fmt.Errorf("store: alert changes: %w", err)
		}
		switch action {
		case AlertEventReoccurred:
			action = AlertEventRaised
		case AlertEventAutoResolved, AlertEventDismissed:
			action = AlertEventResolved
		}
		key := fmt.Sprintf("%d/%s", a.ID, action)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, &AlertChange{Alert: *a, Change: action, At: at})
	}
	return out, rows.Err()
}

// prependScan scans the first columns into first and hands the rest to the
// row scanner of a table.
type prependRow struct {
	row   interface{ Scan(...any) error }
	first []any
}

func prependScan(row interface{ Scan(...any) error }, first ...any) prependRow {
	return prependRow{row, first}
}

func (p prependRow) Scan(dest ...any) error { return p.row.Scan(append(p.first, dest...)...) }

// prefixed qualifies each column of a comma-separated list with prefix.
func prefixed(prefix, cols string) string {
	var out []byte
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\t' && c != '\n' {
			out = append(out, prefix...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}
