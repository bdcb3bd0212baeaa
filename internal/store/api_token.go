package store

import (
	"context"
	"fmt"
	"time"
)

// APIToken is a credential for the JSON API, sent as "Authorization:
// Bearer <token>". It acts as its user, with the user's role. Only the
// SHA-256 of the token is stored.
type APIToken struct {
	ID           int64
	ConnectionID int64
	UserID       int64
	Name         string
	TokenHash    string
	// Prefix is the token's first characters, shown so a person can tell
	// tokens apart without the secret.
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never expires
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: live
}

// APITokenCreateParams describes a token to store.
type APITokenCreateParams struct {
	ConnectionID int64
	UserID       int64
	Name         string
	TokenHash    string
	Prefix       string
	ExpiresAt    time.Time // zero: never expires
}

const apiTokenColumns = `id, connection_id, user_id, name, token_hash, prefix, created_at, expires_at, last_used_at, revoked_at`

func scanAPIToken(row interface{ Scan(...any) error }) (*APIToken, error) {
	var (
		t                      APIToken
		expires, used, revoked nullTimeScanner
	)
	if err := row.Scan(&t.ID, &t.ConnectionID, &t.UserID, &t.Name, &t.TokenHash, &t.Prefix, &t.CreatedAt,
		&expires, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = expires.Time, used.Time, revoked.Time
	return &t, nil
}

// APITokenCreate stores a new token. The name must be unique among the
// user's live tokens.
func (s *Store) APITokenCreate(ctx context.Context, p APITokenCreateParams) (*APIToken, error) {
	if p.Name == "" {
		return nil, fmt.Errorf("store: create API token: empty name")
	}
	if len(p.TokenHash) != 64 {
		return nil, fmt.Errorf("store: create API token %q: token hash must be a hex SHA-256", p.Name)
	}
	t, err := scanAPIToken(s.q.QueryRowContext(ctx, `
		INSERT INTO api_tokens (connection_id, user_id, name, token_hash, prefix, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+apiTokenColumns,
		p.ConnectionID, p.UserID, p.Name, p.TokenHash, p.Prefix, s.nowUTC(), nullTime(p.ExpiresAt)))
	if err != nil {
		return nil, fmt.Errorf("store: create API token %q: %w", p.Name, err)
	}
	return t, nil
}

// APITokenUser returns the user a live token acts as, and the token. It
// returns ErrNotFound when the token is unknown, revoked or expired, or its
// user is disabled. It records now as the token's last use.
func (s *Store) APITokenUser(ctx context.Context, tokenHash string, now time.Time) (*User, *APIToken, error) {
	t, err := scanAPIToken(s.q.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, tokenHash, timestamp(now)))
	if err != nil {
		return nil, nil, notFound(err, "API token")
	}
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 AND disabled = FALSE`, t.UserID))
	if err != nil {
		return nil, nil, notFound(err, "API token user")
	}
	// Last use is informational: at most one write a minute per token.
	if now.Sub(t.LastUsedAt) > time.Minute {
		if _, err := s.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, timestamp(now)); err != nil {
			return nil, nil, fmt.Errorf("store: API token %d: record use: %w", t.ID, err)
		}
		t.LastUsedAt = timestamp(now)
	}
	return u, t, nil
}

// APITokenList lists a user's tokens, revoked ones included, newest first.
func (s *Store) APITokenList(ctx context.Context, userID int64) ([]*APIToken, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = $1
		ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list API tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list API tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// APITokenRevoke revokes the user's live token with that name. It returns
// ErrNotFound when the user has no such live token.
func (s *Store) APITokenRevoke(ctx context.Context, userID int64, name string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3
		WHERE user_id = $1 AND name = $2 AND revoked_at IS NULL`, userID, name, s.nowUTC())
	if err != nil {
		return fmt.Errorf("store: revoke API token %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: revoke API token %q: %w", name, ErrNotFound)
	}
	return nil
}
