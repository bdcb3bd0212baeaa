package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrLastAdmin is returned when a change would leave a connection without
// an enabled administrator, so nobody could manage it from the dashboard.
var ErrLastAdmin = errors.New("it would leave no enabled administrator")

// lockAdmins serialises the changes that could remove a connection's last
// enabled administrator. SQLite transactions are already serialised (BEGIN
// IMMEDIATE); on PostgreSQL two demotions under read committed would each
// see the other admin still enabled, so they take a per-connection lock.
func (s *Store) lockAdmins(ctx context.Context, connectionID int64) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := s.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1::bigint)`, advisoryKey(lockAdmins, connectionID))
	return err
}

// userOfConnection returns a user of the connection, or ErrNotFound when
// the id is unknown or belongs to another connection.
func (s *Store) userOfConnection(ctx context.Context, connectionID, id int64) (*User, error) {
	u, err := scanUserPhone(s.q.QueryRowContext(ctx, `SELECT `+userColumnsPhone+` FROM users WHERE id = $1 AND connection_id = $2`, id, connectionID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserEnabledAdminCount counts the connection's enabled administrators.
func (s *Store) UserEnabledAdminCount(ctx context.Context, connectionID int64) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE connection_id = $1 AND role = $2 AND disabled = FALSE`,
		connectionID, RoleAdmin).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count enabled admins of connection %d: %w", connectionID, err)
	}
	return n, nil
}

// keepsAnAdmin returns ErrLastAdmin when u is an enabled administrator and
// the only one of its connection.
func (s *Store) keepsAnAdmin(ctx context.Context, u *User) error {
	if u.Role != RoleAdmin || u.Disabled {
		return nil
	}
	n, err := s.UserEnabledAdminCount(ctx, u.ConnectionID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return fmt.Errorf("store: user %q is the only enabled administrator: %w", u.Username, ErrLastAdmin)
	}
	return nil
}

// UserSetRole changes the role of a user of the connection and returns the
// user as it was before. It returns ErrNotFound for no such user and
// ErrLastAdmin when it would demote the connection's last enabled
// administrator.
func (s *Store) UserSetRole(ctx context.Context, connectionID, id int64, role string) (*User, error) {
	if !ValidRole(role) {
		return nil, fmt.Errorf("store: set role of user %d: unknown role %q", id, role)
	}
	var before *User
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		if err := tx.lockAdmins(ctx, connectionID); err != nil {
			return err
		}
		u, err := tx.userOfConnection(ctx, connectionID, id)
		if err != nil {
			return err
		}
		if role != RoleAdmin {
			if err := tx.keepsAnAdmin(ctx, u); err != nil {
				return err
			}
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE users SET role = $2, updated_at = $3 WHERE id = $1`, id, role, tx.nowUTC()); err != nil {
			return err
		}
		before = u
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: set role of user %d: %w", id, err)
	}
	return before, nil
}

// UserSetDisabledChecked disables or re-enables a user of the connection,
// ending the sessions of a disabled user (see UserSetDisabled), and returns
// the user as it was before. It returns ErrNotFound for no such user and
// ErrLastAdmin when it would disable the connection's last enabled
// administrator.
func (s *Store) UserSetDisabledChecked(ctx context.Context, connectionID, id int64, disabled bool) (*User, error) {
	var before *User
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		if err := tx.lockAdmins(ctx, connectionID); err != nil {
			return err
		}
		u, err := tx.userOfConnection(ctx, connectionID, id)
		if err != nil {
			return err
		}
		if disabled {
			if err := tx.keepsAnAdmin(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.UserSetDisabled(ctx, id, disabled); err != nil {
			return err
		}
		before = u
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: set disabled of user %d: %w", id, err)
	}
	return before, nil
}

// PasswordReset is what UserResetPassword changed: the user as it was
// before, and how many of their sessions ended and API tokens were revoked.
type PasswordReset struct {
	User          *User
	SessionsEnded int64
	TokensRevoked int64
}

// UserResetPassword replaces the password hash of a user of the connection,
// ends the user's sessions except keepSession (the token hash of the session
// making the change when users change their own password; "" ends them all)
// and revokes the user's live API tokens, so whoever knew the old password,
// or made a token with it, is locked out. It returns ErrNotFound for no such
// user.
func (s *Store) UserResetPassword(ctx context.Context, connectionID, id int64, hash, keepSession string) (*PasswordReset, error) {
	if hash == "" {
		return nil, fmt.Errorf("store: reset password of user %d: empty hash", id)
	}
	var out PasswordReset
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		var err error
		if out.User, err = tx.userOfConnection(ctx, connectionID, id); err != nil {
			return err
		}
		if err := tx.UserSetPassword(ctx, id, hash); err != nil {
			return err
		}
		res, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, id, keepSession)
		if err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		out.SessionsEnded, _ = res.RowsAffected()
		res, err = tx.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, id, tx.nowUTC())
		if err != nil {
			return fmt.Errorf("revoke API tokens: %w", err)
		}
		out.TokensRevoked, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: reset password of user %d: %w", id, err)
	}
	return &out, nil
}
