package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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
	// Phone is the user's mobile number in E.164 form, where SMS
	// notifications go; empty for none. Users loaded for a session or an
	// API token leave it empty (they only need the identity).
	Phone     string
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// e164 is an E.164 phone number: "+", a country code not starting with 0,
// 7 to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidPhone reports whether p is an E.164 phone number such as
// +32470123456.
func ValidPhone(p string) bool { return e164.MatchString(p) }

// ErrUserExists is returned by UserCreate for a username the connection
// already has, in any case.
var ErrUserExists = errors.New("already exists (usernames are case-insensitive)")

// UserCreateParams describes a user to create.
type UserCreateParams struct {
	ConnectionID int64
	Username     string
	Email        string
	Role         string
	PasswordHash string
	Timezone     string // defaults to UTC
	Phone        string // E.164 or empty
}

const userColumns = `id, connection_id, username, email, role, password_hash, timezone, disabled, created_at, updated_at`

// userColumnsPhone are userColumns and phone, read by scanUserPhone.
const userColumnsPhone = userColumns + `, phone`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	return scanUserExtra(row)
}

// scanUserPhone scans a row of userColumnsPhone.
func scanUserPhone(row interface{ Scan(...any) error }) (*User, error) {
	var phone string
	u, err := scanUserExtra(row, &phone)
	if err != nil {
		return nil, err
	}
	u.Phone = phone
	return u, nil
}

func scanUserExtra(row interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var u User
	dest := append([]any{&u.ID, &u.ConnectionID, &u.Username, &u.Email, &u.Role, &u.PasswordHash, &u.Timezone,
		&u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
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
	if p.Phone != "" && !ValidPhone(p.Phone) {
		return nil, fmt.Errorf("store: create user %q: phone %q is not in E.164 form (+32470123456)", p.Username, p.Phone)
	}
	if p.Timezone == "" {
		p.Timezone = "UTC"
	}
	// The unique index refuses a name that differs only in case too; this
	// check names the user it clashes with.
	if u, err := s.UserByUsername(ctx, p.ConnectionID, p.Username); err == nil {
		return nil, fmt.Errorf("store: create user %q: user %q %w", p.Username, u.Username, ErrUserExists)
	}
	now := s.nowUTC()
	u, err := scanUserPhone(s.q.QueryRowContext(ctx, `
		INSERT INTO users (connection_id, username, email, role, password_hash, timezone, phone, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING `+userColumnsPhone,
		p.ConnectionID, p.Username, p.Email, p.Role, p.PasswordHash, p.Timezone, p.Phone, now))
	if err != nil {
		return nil, fmt.Errorf("store: create user %q: %w", p.Username, err)
	}
	return u, nil
}

// UserByUsername returns the user of a connection or ErrNotFound.
// Usernames are case-insensitive: "Admin" finds "admin" (the unique index
// on lower(username) keeps that to one user; lower() folds ASCII on
// SQLite, and Unicode by the database's locale on PostgreSQL).
func (s *Store) UserByUsername(ctx context.Context, connectionID int64, username string) (*User, error) {
	u, err := scanUserPhone(s.q.QueryRowContext(ctx, `SELECT `+userColumnsPhone+` FROM users
		WHERE connection_id = $1 AND lower(username) = lower($2)`, connectionID, username))
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

// UserSetPhone sets a user's phone number (E.164, or empty to remove it).
// It returns ErrNotFound when there is no such user.
func (s *Store) UserSetPhone(ctx context.Context, id int64, phone string) error {
	if phone != "" && !ValidPhone(phone) {
		return fmt.Errorf("store: set phone of user %d: %q is not in E.164 form (+32470123456)", id, phone)
	}
	res, err := s.q.ExecContext(ctx, `UPDATE users SET phone = $2, updated_at = $3 WHERE id = $1`, id, phone, s.nowUTC())
	if err != nil {
		return fmt.Errorf("store: set phone of user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set phone of user %d: %w", id, ErrNotFound)
	}
	return nil
}

// UserList lists the users of a connection by username.
func (s *Store) UserList(ctx context.Context, connectionID int64) ([]*User, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+userColumnsPhone+` FROM users WHERE connection_id = $1 ORDER BY username`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUserPhone(rows)
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
	u, err := scanUserPhone(s.q.QueryRowContext(ctx, `SELECT `+userColumnsPhone+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}
