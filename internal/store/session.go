package store

import (
	"context"
	"fmt"
	"time"
)

// Session is a signed-in browser. Only the SHA-256 of its token is stored,
// so a copy of the database does not hand out live sessions.
type Session struct {
	TokenHash    string
	ConnectionID int64
	UserID       int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// SessionCreate stores a new session.
func (s *Store) SessionCreate(ctx context.Context, sess Session) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO sessions (token_hash, connection_id, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, sess.TokenHash, sess.ConnectionID, sess.UserID, timestamp(sess.CreatedAt), timestamp(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionUser returns the live session's user, or ErrNotFound when the
// session is unknown, expired, or its user is disabled.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, now time.Time) (*User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT u.id, u.connection_id, u.username, u.email, u.role, u.password_hash,
			u.timezone, u.disabled, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE`, tokenHash, timestamp(now)))
	if err != nil {
		return nil, notFound(err, "session")
	}
	return u, nil
}

// SessionDelete removes a session (sign out).
func (s *Store) SessionDelete(ctx context.Context, tokenHash string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// SessionDeleteExpired removes sessions that expired before now and returns
// how many.
func (s *Store) SessionDeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, timestamp(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
