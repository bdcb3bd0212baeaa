package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// SilenceMatcher matches one alert label: Op is "=", "!=", "=~" or "!~"
// (the last two take a regular expression matched against the whole value).
type SilenceMatcher struct {
	Name  string `json:"name"`
	Op    string `json:"op"`
	Value string `json:"value"`
}

// Silence keeps the alerts whose labels match every matcher quiet between
// StartsAt and EndsAt. Package alerts validates and applies it.
type Silence struct {
	ID           int64
	ConnectionID int64
	Matchers     []SilenceMatcher
	StartsAt     time.Time
	EndsAt       time.Time
	CreatedBy    int64
	Comment      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Active reports whether the silence applies at t.
func (s *Silence) Active(t time.Time) bool { return !t.Before(s.StartsAt) && t.Before(s.EndsAt) }

// SilenceParams describes a silence to create.
type SilenceParams struct {
	ConnectionID int64
	Matchers     []SilenceMatcher
	StartsAt     time.Time
	EndsAt       time.Time
	CreatedBy    int64
	Comment      string
}

const silenceColumns = `id, connection_id, matchers, starts_at, ends_at, created_by, comment, created_at, updated_at`

func scanSilence(row interface{ Scan(...any) error }) (*Silence, error) {
	var (
		si       Silence
		matchers string
		by       *int64
	)
	if err := row.Scan(&si.ID, &si.ConnectionID, &matchers, &si.StartsAt, &si.EndsAt, &by, &si.Comment, &si.CreatedAt, &si.UpdatedAt); err != nil {
		return nil, err
	}
	if by != nil {
		si.CreatedBy = *by
	}
	if err := json.Unmarshal([]byte(matchers), &si.Matchers); err != nil {
		return nil, fmt.Errorf("matchers: %w", err)
	}
	si.StartsAt, si.EndsAt, si.CreatedAt, si.UpdatedAt = si.StartsAt.UTC(), si.EndsAt.UTC(), si.CreatedAt.UTC(), si.UpdatedAt.UTC()
	return &si, nil
}

// SilenceCreate stores a silence.
func (s *Store) SilenceCreate(ctx context.Context, p SilenceParams) (*Silence, error) {
	if !p.EndsAt.After(p.StartsAt) {
		return nil, fmt.Errorf("store: create silence: it ends (%s) before it starts (%s)",
			p.EndsAt.UTC().Format(time.RFC3339), p.StartsAt.UTC().Format(time.RFC3339))
	}
	m, err := json.Marshal(nonNil(p.Matchers))
	if err != nil {
		return nil, fmt.Errorf("store: create silence: %w", err)
	}
	si, err := scanSilence(s.q.QueryRowContext(ctx, `INSERT INTO silences (connection_id, matchers, starts_at, ends_at,
		created_by, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING `+silenceColumns,
		p.ConnectionID, string(m), timestamp(p.StartsAt), timestamp(p.EndsAt), nullID(p.CreatedBy), p.Comment, s.nowUTC()))
	if err != nil {
		return nil, fmt.Errorf("store: create silence: %w", err)
	}
	return si, nil
}

// SilenceByID returns one silence of a connection.
func (s *Store) SilenceByID(ctx context.Context, connectionID, id int64) (*Silence, error) {
	si, err := scanSilence(s.q.QueryRowContext(ctx, `SELECT `+silenceColumns+` FROM silences WHERE id = $1 AND connection_id = $2`,
		id, connectionID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("silence %d", id))
	}
	return si, nil
}

// SilenceList lists a connection's silences that have not ended at t (all
// of them when t is zero), newest first.
func (s *Store) SilenceList(ctx context.Context, connectionID int64, t time.Time) ([]*Silence, error) {
	var after time.Time
	if !t.IsZero() {
		after = timestamp(t)
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+silenceColumns+` FROM silences
		WHERE connection_id = $1 AND ends_at > $2 ORDER BY starts_at DESC, id DESC`, connectionID, after)
	if err != nil {
		return nil, fmt.Errorf("store: list silences: %w", err)
	}
	defer rows.Close()
	var out []*Silence
	for rows.Next() {
		si, err := scanSilence(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list silences: %w", err)
		}
		out = append(out, si)
	}
	return out, rows.Err()
}

// SilenceExpire ends a silence at t (if it would have lasted longer).
func (s *Store) SilenceExpire(ctx context.Context, connectionID, id int64, t time.Time) error {
	res, err := s.q.ExecContext(ctx, `UPDATE silences SET ends_at = CASE WHEN ends_at > $3 THEN $3 ELSE ends_at END,
		updated_at = $3 WHERE id = $1 AND connection_id = $2`, id, connectionID, timestamp(t))
	if err != nil {
		return fmt.Errorf("store: expire silence %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: expire silence %d: %w", id, ErrNotFound)
	}
	return nil
}
