package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Notification statuses. A row moves pending -> sending -> sent; a failed
// attempt returns it to pending, and the last failed attempt (or a
// permanent failure) makes it dead, a dead letter that NotificationRetry
// makes pending again.
const (
	NotificationPending = "pending"
	NotificationSending = "sending"
	NotificationSent    = "sent"
	NotificationDead    = "dead"
)

// ErrNotificationNotDead is returned by NotificationRetry for a row that is
// not a dead letter.
var ErrNotificationNotDead = errors.New("notification is not dead-lettered")

// Notification is one message for one recipient on one channel: a row of
// the outbox. Rows are unique per connection, message key, channel and
// recipient, so enqueuing the same message twice delivers it once.
type Notification struct {
	ID           int64
	ConnectionID int64
	// Key names the message: an alert occurrence ("alert:42:3") or another
	// message ("briefing:2025-03-01:7").
	Key       string
	Channel   string
	Recipient string
	UserID    int64 // 0 when the recipient is not a user of aicoo
	AlertID   int64 // 0 when not about an alert
	Priority  string
	Subject   string
	Body      string // plain text
	Link      string // dashboard path or URL the message points to
	Data      json.RawMessage
	Status    string
	// Attempts counts delivery attempts in the current round.
	Attempts    int
	MaxAttempts int
	// Round counts manual retries of a dead letter; 0 for the first round.
	Round     int
	LastError string
	ClaimedAt time.Time
	SentAt    time.Time
	DeadAt    time.Time
	ReadAt    time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NotificationParams describes a notification to put in the outbox.
type NotificationParams struct {
	ConnectionID int64
	Key          string
	Channel      string
	Recipient    string
	UserID       int64
	AlertID      int64
	Priority     string
	Subject      string
	Body         string
	Link         string
	Data         json.RawMessage
	// MaxAttempts is the number of attempts before the row is
	// dead-lettered. Must be at least 1.
	MaxAttempts int
}

const notificationColumns = `id, connection_id, message_key, channel, recipient, user_id, alert_id, priority, subject, body, link,
	data, status, attempts, max_attempts, round, last_error, claimed_at, sent_at, dead_at, read_at, created_at, updated_at`

func scanNotification(row interface{ Scan(...any) error }) (*Notification, error) {
	var (
		n                           Notification
		userID, alertID             *int64
		data                        string
		claimed, sent, dead, readAt nullTimeScanner
	)
	if err := row.Scan(&n.ID, &n.ConnectionID, &n.Key, &n.Channel, &n.Recipient, &userID, &alertID, &n.Priority,
		&n.Subject, &n.Body, &n.Link, &data, &n.Status, &n.Attempts, &n.MaxAttempts, &n.Round, &n.LastError,
		&claimed, &sent, &dead, &readAt, &n.CreatedAt, &n.UpdatedAt); err != nil {
		return nil, err
	}
	if userID != nil {
		n.UserID = *userID
	}
	if alertID != nil {
		n.AlertID = *alertID
	}
	n.Data = json.RawMessage(data)
	n.ClaimedAt, n.SentAt, n.DeadAt, n.ReadAt = claimed.Time, sent.Time, dead.Time, readAt.Time
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return &n, nil
}

func (p NotificationParams) validate() error {
	switch {
	case p.ConnectionID == 0:
		return errors.New("no connection")
	case p.Key == "":
		return errors.New("empty message key")
	case p.Channel == "":
		return errors.New("empty channel")
	case p.Recipient == "":
		return errors.New("empty recipient")
	case p.Subject == "":
		return errors.New("empty subject")
	case p.MaxAttempts < 1:
		return fmt.Errorf("max attempts %d, want at least 1", p.MaxAttempts)
	}
	return nil
}

// NotificationInsert puts a notification in the outbox unless the same
// (connection, key, channel, recipient) is already there. It returns the
// row and whether it was created. Call it on a Store bound to the
// transaction that decided to notify, and enqueue the delivery job in the
// same transaction, so the row and its job commit or vanish together.
func (s *Store) NotificationInsert(ctx context.Context, p NotificationParams) (*Notification, bool, error) {
	if err := p.validate(); err != nil {
		return nil, false, fmt.Errorf("store: notification %q: %w", p.Key, err)
	}
	data, err := jsonOrEmpty(p.Data, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: notification %q: data: %w", p.Key, err)
	}
	now := s.nowUTC()
	n, err := scanNotification(s.q.QueryRowContext(ctx, `
		INSERT INTO notifications (connection_id, message_key, channel, recipient, user_id, alert_id, priority,
			subject, body, link, data, status, max_attempts, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13, $13)
		ON CONFLICT (connection_id, message_key, channel, recipient) DO NOTHING
		RETURNING `+notificationColumns,
		p.ConnectionID, p.Key, p.Channel, p.Recipient, nullID(p.UserID), nullID(p.AlertID), p.Priority,
		p.Subject, p.Body, p.Link, data, p.MaxAttempts, now))
	if err == nil {
		return n, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("store: insert notification %q: %w", p.Key, err)
	}
	n, err = scanNotification(s.q.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE connection_id = $1 AND message_key = $2 AND channel = $3 AND recipient = $4`,
		p.ConnectionID, p.Key, p.Channel, p.Recipient))
	if err != nil {
		return nil, false, notFound(err, fmt.Sprintf("notification %q", p.Key))
	}
	return n, false, nil
}

// NotificationByID returns one notification, or ErrNotFound.
func (s *Store) NotificationByID(ctx context.Context, id int64) (*Notification, error) {
	n, err := scanNotification(s.q.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("notification %d", id))
	}
	return n, nil
}

// NotificationClaimParams tunes NotificationClaim.
type NotificationClaimParams struct {
	// Reclaim also claims a row left in sending by an attempt that did not
	// finish (its process died), which is safe only for a channel whose peer
	// drops a repeated message with the same idempotency key.
	Reclaim bool
}

// NotificationClaim marks a pending notification as being sent and counts
// the attempt. It returns the row and whether this call claimed it; a row
// that is not pending (already sent, dead, or being sent) is returned
// unclaimed so the caller can tell why. Returns ErrNotFound for an unknown
// id.
func (s *Store) NotificationClaim(ctx context.Context, id int64, p NotificationClaimParams) (*Notification, bool, error) {
	now := s.nowUTC()
	n, err := scanNotification(s.q.QueryRowContext(ctx, `UPDATE notifications
		SET status = 'sending', attempts = attempts + 1, claimed_at = $2, updated_at = $2
		WHERE id = $1 AND (status = 'pending' OR ($3 AND status = 'sending'))
		RETURNING `+notificationColumns, id, now, p.Reclaim))
	if err == nil {
		return n, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("store: claim notification %d: %w", id, err)
	}
	n, err = s.NotificationByID(ctx, id)
	if err != nil {
		return nil, false, err
	}
	return n, false, nil
}

// NotificationMarkSent records a successful delivery of a notification
// being sent. It reports false when the row was not in sending (another
// attempt finished it first).
func (s *Store) NotificationMarkSent(ctx context.Context, id int64) (bool, error) {
	now := s.nowUTC()
	res, err := s.q.ExecContext(ctx, `UPDATE notifications SET status = 'sent', sent_at = $2, last_error = '', updated_at = $2
		WHERE id = $1 AND status = 'sending'`, id, now)
	if err != nil {
		return false, fmt.Errorf("store: mark notification %d sent: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// NotificationRelease returns a notification being sent to pending after a
// failed attempt that will be retried, keeping the error.
func (s *Store) NotificationRelease(ctx context.Context, id int64, lastError string) error {
	now := s.nowUTC()
	if _, err := s.q.ExecContext(ctx, `UPDATE notifications SET status = 'pending', last_error = $2, updated_at = $3
		WHERE id = $1 AND status = 'sending'`, id, lastError, now); err != nil {
		return fmt.Errorf("store: release notification %d: %w", id, err)
	}
	return nil
}

// NotificationMarkDead dead-letters a pending or sending notification with
// the reason. It reports false when the row was already sent or dead.
func (s *Store) NotificationMarkDead(ctx context.Context, id int64, lastError string) (bool, error) {
	now := s.nowUTC()
	res, err := s.q.ExecContext(ctx, `UPDATE notifications SET status = 'dead', last_error = $2, dead_at = $3, updated_at = $3
		WHERE id = $1 AND status IN ('pending', 'sending')`, id, lastError, now)
	if err != nil {
		return false, fmt.Errorf("store: dead-letter notification %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// NotificationRetry makes a dead letter pending again for a new round of
// attempts and returns it. The caller enqueues its delivery job in the same
// transaction. Returns ErrNotFound for an unknown id and
// ErrNotificationNotDead for a row that is not dead.
func (s *Store) NotificationRetry(ctx context.Context, connectionID, id int64) (*Notification, error) {
	now := s.nowUTC()
	n, err := scanNotification(s.q.QueryRowContext(ctx, `UPDATE notifications
		SET status = 'pending', attempts = 0, round = round + 1, dead_at = NULL, claimed_at = NULL, updated_at = $3
		WHERE id = $1 AND connection_id = $2 AND status = 'dead'
		RETURNING `+notificationColumns, id, connectionID, now))
	if err == nil {
		return n, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: retry notification %d: %w", id, err)
	}
	cur, err := s.NotificationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.ConnectionID != connectionID {
		return nil, fmt.Errorf("store: notification %d: %w", id, ErrNotFound)
	}
	return nil, fmt.Errorf("store: retry notification %d (%s): %w", id, cur.Status, ErrNotificationNotDead)
}

// NotificationListParams filters NotificationList.
type NotificationListParams struct {
	ConnectionID int64  // required
	Status       string // empty means every status
	Channel      string // empty means every channel
	UserID       int64  // 0 means every recipient
	UnreadOnly   bool   // only rows with no read_at
	BeforeID     int64  // only ids below this, for paging; 0 means no bound
	Limit        int    // defaults to 100, at most 1000
}

// NotificationList lists notifications, newest first. Dead letters are
// Status NotificationDead; a user's in-app notifications are Channel
// "inapp", Status NotificationSent and UserID.
func (s *Store) NotificationList(ctx context.Context, p NotificationListParams) ([]*Notification, error) {
	if p.ConnectionID == 0 {
		return nil, errors.New("store: list notifications: no connection")
	}
	if p.Limit <= 0 {
		p.Limit = 100
	}
	p.Limit = min(p.Limit, 1000)
	rows, err := s.q.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE connection_id = $1
		  AND (status = $2 OR $2 = '')
		  AND (channel = $3 OR $3 = '')
		  AND (user_id = $4 OR $4 = 0)
		  AND (read_at IS NULL OR $5 = FALSE)
		  AND (id < $6 OR $6 = 0)
		ORDER BY id DESC
		LIMIT $7`, p.ConnectionID, p.Status, p.Channel, p.UserID, p.UnreadOnly, p.BeforeID, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list notifications: %w", err)
	}
	defer rows.Close()
	var out []*Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list notifications: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list notifications: %w", err)
	}
	return out, nil
}

// NotificationMarkRead marks a user's notification read. It reports false
// when the notification is not that user's or was already read.
func (s *Store) NotificationMarkRead(ctx context.Context, connectionID, userID, id int64) (bool, error) {
	now := s.nowUTC()
	res, err := s.q.ExecContext(ctx, `UPDATE notifications SET read_at = $4, updated_at = $4
		WHERE id = $1 AND connection_id = $2 AND user_id = $3 AND read_at IS NULL`, id, connectionID, userID, now)
	if err != nil {
		return false, fmt.Errorf("store: mark notification %d read: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// NotificationCounts returns how many notifications of a connection are in
// each status, per channel: counts[channel][status].
func (s *Store) NotificationCounts(ctx context.Context, connectionID int64) (map[string]map[string]int, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM notifications
		WHERE connection_id = $1 GROUP BY channel, status`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: count notifications: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var ch, st string
		var n int
		if err := rows.Scan(&ch, &st, &n); err != nil {
			return nil, fmt.Errorf("store: count notifications: %w", err)
		}
		if out[ch] == nil {
			out[ch] = map[string]int{}
		}
		out[ch][st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count notifications: %w", err)
	}
	return out, nil
}

// NotificationUnreadCount returns how many of a user's sent in-app
// notifications are unread, counting at most limit (the dashboard shows
// "99+" beyond).
func (s *Store) NotificationUnreadCount(ctx context.Context, connectionID, userID int64, limit int) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications
		WHERE user_id = $1 AND channel = 'inapp' AND connection_id = $2 AND status = $3 AND read_at IS NULL
		LIMIT $4) AS unread`, userID, connectionID, NotificationSent, limit).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count unread notifications of user %d: %w", userID, err)
	}
	return n, nil
}

// NotificationMarkAllRead marks every unread notification of a user read
// and returns how many it marked.
func (s *Store) NotificationMarkAllRead(ctx context.Context, connectionID, userID int64) (int64, error) {
	now := s.nowUTC()
	res, err := s.q.ExecContext(ctx, `UPDATE notifications SET read_at = $3, updated_at = $3
		WHERE connection_id = $1 AND user_id = $2 AND read_at IS NULL`, connectionID, userID, now)
	if err != nil {
		return 0, fmt.Errorf("store: mark notifications of user %d read: %w", userID, err)
	}
	return res.RowsAffected()
}
