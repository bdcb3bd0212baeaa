package store

import (
	"context"
	"fmt"
	"time"
)

// User roles. Admins manage connections, channels and users.
const (
	RoleAdmin  = "admin"
	RoleCEO    = "ceo"
	RoleCFO    = "cfo"
	RoleSales  = "sales"
	RoleOps    = "ops"
	RoleViewer = "viewer"
)

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	switch r {
	case RoleAdmin, RoleCEO, RoleCFO, RoleSales, RoleOps, RoleViewer:
		return true
	}
	return false
}

// User is a person who signs in to aicoo for one connection.
type User struct {
	ID           int64
	ConnectionID int64
	Username     string
	Email        string
	Role         string
	PasswordHash string
	Timezone     string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// UserCreateParams describes a user to create.
type UserCreateParams struct {
	ConnectionID int64
	Username     string
	Email        string
	Role         string
	PasswordHash string
	Timezone     string // defaults to UTC
}

const userColumns = `id, connection_id, username, email, role, password_hash, timezone, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	if err := row.Scan(&u.ID, &u.ConnectionID, &u.Username, &u.Email, &u.Role, &u.PasswordHash, &u.Timezone,
		&u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// UserCreate inserts a user.
func (s *Store) UserCreate(ctx context.Context, p UserCreateParams) (*User, error) {
	if !ValidRole(p.Role) {
		return nil, fmt.Errorf("store: create user %q: unknown role %q", p.Username, p.Role)
	}
	if p.Timezone == "" {
		p.Timezone = "UTC"
	}
	now := s.nowUTC()
	u, err := scanUser(s.q.QueryRowContext(ctx, `
		INSERT INTO users (connection_id, username, email, role, password_hash, timezone, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING `+userColumns,
		p.ConnectionID, p.Username, p.Email, p.Role, p.PasswordHash, p.Timezone, now))
	if err != nil {
		return nil, fmt.Errorf("store: create user %q: %w", p.Username, err)
	}
	return u, nil
}

// UserByUsername returns the user of a connection or ErrNotFound.
func (s *Store) UserByUsername(ctx context.Context, connectionID int64, username string) (*User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE connection_id = $1 AND username = $2`, connectionID, username))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %q", username))
	}
	return u, nil
}

// UserSetPassword replaces a user's password hash.
func (s *Store) UserSetPassword(ctx context.Context, id int64, hash string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, hash, s.nowUTC())
	if err != nil {
		return fmt.Errorf("store: set password of user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set password of user %d: %w", id, ErrNotFound)
	}
	return nil
}

// UserList lists the users of a connection by username.
func (s *Store) UserList(ctx context.Context, connectionID int64) ([]*User, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE connection_id = $1 ORDER BY username`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserSetDisabled disables or re-enables a user. Disabling also ends the
// user's sessions.
func (s *Store) UserSetDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.inTxIfNeeded(ctx, func(tx *Store) error {
		res, err := tx.q.ExecContext(ctx, `UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1`, id, disabled, tx.nowUTC())
		if err != nil {
			return fmt.Errorf("store: disable user %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: disable user %d: %w", id, ErrNotFound)
		}
		if disabled {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("store: end sessions of user %d: %w", id, err)
			}
		}
		return nil
	})
}

// UserByID returns a user or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}
