package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// DailyBriefing is one user's briefing for one day, stored as Markdown with
// the structured facts it was written from. There is at most one per user
// and day.
type DailyBriefing struct {
	ID                   int64
	ConnectionID         int64
	UserID               int64
	Date                 time.Time // midnight UTC of the user's local date
	Role                 string
	Content              string // Markdown
	Facts                json.RawMessage
	InsightsCount        int
	AlertsCount          int
	RecommendationsCount int
	DeliveredAt          time.Time // zero until delivered
	DeliveryMethod       string
	ReadAt               time.Time // zero until read
	CreatedAt            time.Time
}

// DailyBriefingParams describes a briefing to store.
type DailyBriefingParams struct {
	ConnectionID         int64
	UserID               int64
	Date                 time.Time // only the calendar date counts
	Role                 string
	Content              string
	Facts                json.RawMessage
	InsightsCount        int
	AlertsCount          int
	RecommendationsCount int
}

const dailyBriefingColumns = `id, connection_id, user_id, date, role, content, facts, insights_count, alerts_count,
	recommendations_count, delivered_at, delivery_method, read_at, created_at`

// briefingDate keeps the calendar date of t, as midnight UTC.
func briefingDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func scanDailyBriefing(row interface{ Scan(...any) error }) (*DailyBriefing, error) {
	var (
		b                 DailyBriefing
		facts             string
		delivered, readAt nullTimeScanner
	)
	if err := row.Scan(&b.ID, &b.ConnectionID, &b.UserID, &b.Date, &b.Role, &b.Content, &facts, &b.InsightsCount,
		&b.AlertsCount, &b.RecommendationsCount, &delivered, &b.DeliveryMethod, &readAt, &b.CreatedAt); err != nil {
		return nil, err
	}
	b.Facts = json.RawMessage(facts)
	b.Date = briefingDate(b.Date.UTC())
	b.DeliveredAt, b.ReadAt, b.CreatedAt = delivered.Time, readAt.Time, b.CreatedAt.UTC()
	return &b, nil
}

// DailyBriefingInsert stores a briefing unless the user already has one for
// that date, in which case it stores nothing and returns the existing one
// with inserted false. Two generators racing for the same user and day
// therefore leave one briefing.
func (s *Store) DailyBriefingInsert(ctx context.Context, p DailyBriefingParams) (b *DailyBriefing, inserted bool, err error) {
	if p.ConnectionID == 0 || p.UserID == 0 {
		return nil, false, errors.New("store: daily briefing: no connection or user")
	}
	if p.Date.IsZero() {
		return nil, false, fmt.Errorf("store: daily briefing of user %d: no date", p.UserID)
	}
	if p.Role == "" || p.Content == "" {
		return nil, false, fmt.Errorf("store: daily briefing of user %d: empty role or content", p.UserID)
	}
	facts, err := jsonOrEmpty(p.Facts, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: daily briefing of user %d: facts: %w", p.UserID, err)
	}
	date := briefingDate(p.Date)
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO daily_briefings (connection_id, user_id, date, role, content, facts, insights_count, alerts_count,
			recommendations_count, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (user_id, date) DO NOTHING`,
		p.ConnectionID, p.UserID, date, p.Role, p.Content, facts, p.InsightsCount, p.AlertsCount,
		p.RecommendationsCount, s.nowUTC())
	if err != nil {
		return nil, false, fmt.Errorf("store: insert daily briefing of user %d for %s: %w", p.UserID, date.Format(time.DateOnly), err)
	}
	n, _ := res.RowsAffected()
	b, err = s.DailyBriefingByUserDate(ctx, p.UserID, date)
	if err != nil {
		return nil, false, err
	}
	return b, n > 0, nil
}

// DailyBriefingByUserDate returns the user's briefing for the date, or
// ErrNotFound.
func (s *Store) DailyBriefingByUserDate(ctx context.Context, userID int64, date time.Time) (*DailyBriefing, error) {
	d := briefingDate(date)
	b, err := scanDailyBriefing(s.q.QueryRowContext(ctx, `SELECT `+dailyBriefingColumns+`
		FROM daily_briefings WHERE user_id = $1 AND date = $2`, userID, d))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("briefing of user %d for %s", userID, d.Format(time.DateOnly)))
	}
	return b, nil
}

// DailyBriefingByID returns a briefing or ErrNotFound.
func (s *Store) DailyBriefingByID(ctx context.Context, id int64) (*DailyBriefing, error) {
	b, err := scanDailyBriefing(s.q.QueryRowContext(ctx, `SELECT `+dailyBriefingColumns+`
		FROM daily_briefings WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("briefing %d", id))
	}
	return b, nil
}

// DailyBriefingListParams filters DailyBriefingList.
type DailyBriefingListParams struct {
	ConnectionID int64 // 0 means every connection
	UserID       int64 // 0 means every user
	Limit        int   // defaults to 30
}

// DailyBriefingList lists briefings, newest date first: the archive.
func (s *Store) DailyBriefingList(ctx context.Context, p DailyBriefingListParams) ([]*DailyBriefing, error) {
	if p.Limit <= 0 {
		p.Limit = 30
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+dailyBriefingColumns+` FROM daily_briefings
		WHERE (connection_id = $1 OR $1 = 0) AND (user_id = $2 OR $2 = 0)
		ORDER BY date DESC, id DESC LIMIT $3`, p.ConnectionID, p.UserID, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list daily briefings: %w", err)
	}
	defer rows.Close()
	var out []*DailyBriefing
	for rows.Next() {
		b, err := scanDailyBriefing(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list daily briefings: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// DailyBriefingMarkDelivered records when and how a briefing was delivered.
// Only the first delivery is kept; it reports whether this call recorded it.
func (s *Store) DailyBriefingMarkDelivered(ctx context.Context, id int64, method string, at time.Time) (bool, error) {
	if method == "" {
		return false, fmt.Errorf("store: mark briefing %d delivered: no delivery method", id)
	}
	res, err := s.q.ExecContext(ctx, `UPDATE daily_briefings SET delivered_at = $2, delivery_method = $3
		WHERE id = $1 AND delivered_at IS NULL`, id, timestamp(at), method)
	if err != nil {
		return false, fmt.Errorf("store: mark briefing %d delivered: %w", id, err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		if _, err := s.DailyBriefingByID(ctx, id); err != nil {
			return false, err
		}
	}
	return n > 0, nil
}

// DailyBriefingMarkRead records when a briefing was first read.
func (s *Store) DailyBriefingMarkRead(ctx context.Context, id int64, at time.Time) error {
	res, err := s.q.ExecContext(ctx, `UPDATE daily_briefings SET read_at = COALESCE(read_at, $2) WHERE id = $1`, id, timestamp(at))
	if err != nil {
		return fmt.Errorf("store: mark briefing %d read: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: mark briefing %d read: %w", id, ErrNotFound)
	}
	return nil
}
