package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
)

// MaxAttemptsDefault is the number of delivery attempts before a
// notification is dead-lettered, when OutboxConfig.MaxAttempts is zero.
const MaxAttemptsDefault = 8

// riverAttemptsHeadroom is added to a row's MaxAttempts for its River job:
// the worker dead-letters by the row's own count, and River's limit is only
// a backstop, high enough that River never discards a job whose row is
// still pending (an attempt can end before claiming the row, for example
// when the database is briefly unreachable).
const riverAttemptsHeadroom = 10

// DeliverArgs asks for the delivery of one outbox row. Round is the row's
// retry round, so a dead letter retried by hand gets a new job while a
// duplicate insert within one round is dropped by River's uniqueness.
type DeliverArgs struct {
	NotificationID int64 `json:"notification_id"`
	Round          int   `json:"round"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "aicoo.notify" }

// InsertOpts implements river.JobArgsWithInsertOpts: one job per row and
// round.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Inserter inserts River jobs in a transaction; *river.Client[*sql.Tx]
// implements it.
type Inserter interface {
	InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Recipient is one address on one channel.
type Recipient struct {
	Channel string
	// Address is the channel's address: an email address, an E.164 phone
	// number, a Slack or webhook target name, or UserRecipient(id) for
	// in-app.
	Address string
	// UserID is the aicoo user the address belongs to, 0 for none. Required
	// for in-app.
	UserID int64
}

// Message is what a caller wants said, to whom.
type Message struct {
	ConnectionID int64
	// Key names the message, unique within the connection: an alert
	// occurrence ("alert:42:3") or another message
	// ("briefing:2025-03-01:7"). The same key enqueued again for the same
	// channel and recipient is not delivered again.
	Key      string
	AlertID  int64 // 0 when not about an alert
	Priority string
	Subject  string
	Body     string // plain text; channels format it
	// Link is the dashboard path the message points to ("/alerts/42").
	Link       string
	Data       json.RawMessage
	Recipients []Recipient
}

// OutboxConfig configures an Outbox.
type OutboxConfig struct {
	// Inserter inserts the delivery jobs: the engine's River client.
	Inserter Inserter
	// MaxAttempts before a row is dead-lettered. Defaults to
	// MaxAttemptsDefault.
	MaxAttempts int
}

// Outbox writes notifications and their delivery jobs.
type Outbox struct {
	inserter    Inserter
	maxAttempts int
}

// NewOutbox returns an Outbox.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	if cfg.Inserter == nil {
		return nil, errors.New("notify: outbox needs an Inserter (the River client)")
	}
	if cfg.MaxAttempts < 0 {
		return nil, fmt.Errorf("notify: max attempts %d is negative", cfg.MaxAttempts)
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = MaxAttemptsDefault
	}
	return &Outbox{inserter: cfg.Inserter, maxAttempts: cfg.MaxAttempts}, nil
}

// EnqueueTx writes one outbox row per recipient of m and a delivery job for
// each new row, in the caller's transaction: sqlTx and tx are what
// store.InSQLTx hands its function. A recipient that already has a row
// for m.Key is skipped. It returns the rows, new or existing, in recipient
// order.
func (o *Outbox) EnqueueTx(ctx context.Context, sqlTx *sql.Tx, tx *store.Store, m Message) ([]*store.Notification, error) {
	if sqlTx == nil || tx == nil {
		return nil, errors.New("notify: EnqueueTx needs the transaction and the store bound to it")
	}
	if len(m.Recipients) == 0 {
		return nil, fmt.Errorf("notify: message %q has no recipients", m.Key)
	}
	rows := make([]*store.Notification, 0, len(m.Recipients))
	var jobs []river.InsertManyParams
	for _, r := range m.Recipients {
		if r.Channel == ChannelInApp && r.UserID == 0 {
			return nil, fmt.Errorf("notify: message %q: an in-app recipient needs a user", m.Key)
		}
		n, created, err := tx.NotificationInsert(ctx, store.NotificationParams{
			ConnectionID: m.ConnectionID, Key: m.Key, Channel: r.Channel, Recipient: r.Address, UserID: r.UserID,
			AlertID: m.AlertID, Priority: m.Priority, Subject: m.Subject, Body: m.Body, Link: m.Link, Data: m.Data,
			MaxAttempts: o.maxAttempts,
		})
		if err != nil {
			return nil, fmt.Errorf("notify: enqueue %q: %w", m.Key, err)
		}
		rows = append(rows, n)
		if created {
			jobs = append(jobs, o.jobFor(n))
		}
	}
	if len(jobs) > 0 {
		if _, err := o.inserter.InsertManyTx(ctx, sqlTx, jobs); err != nil {
			return nil, fmt.Errorf("notify: enqueue delivery of %q: %w", m.Key, err)
		}
	}
	return rows, nil
}

// Enqueue is EnqueueTx in a transaction of its own.
func (o *Outbox) Enqueue(ctx context.Context, s *store.Store, m Message) ([]*store.Notification, error) {
	var rows []*store.Notification
	err := s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
		var err error
		rows, err = o.EnqueueTx(ctx, sqlTx, tx, m)
		return err
	})
	return rows, err
}

// Retry makes a dead letter pending again, with a fresh count of attempts,
// and enqueues its delivery, in one transaction. It returns
// store.ErrNotFound or store.ErrNotificationNotDead (wrapped) when there is
// no such dead letter.
func (o *Outbox) Retry(ctx context.Context, s *store.Store, connectionID, id int64) (*store.Notification, error) {
	var n *store.Notification
	err := s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
		var err error
		if n, err = tx.NotificationRetry(ctx, connectionID, id); err != nil {
			return err
		}
		_, err = o.inserter.InsertManyTx(ctx, sqlTx, []river.InsertManyParams{o.jobFor(n)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("notify: retry notification %d: %w", id, err)
	}
	return n, nil
}

// jobFor is the delivery job of a row, in its connection's queue: only an
// instance holding the connection has its channels (webhook URLs, SMTP,
// Slack tokens), so no other instance may deliver it.
func (o *Outbox) jobFor(n *store.Notification) river.InsertManyParams {
	return river.InsertManyParams{
		Args: DeliverArgs{NotificationID: n.ID, Round: n.Round},
		InsertOpts: &river.InsertOpts{
			Queue:       jobs.Queue(n.ConnectionID),
			MaxAttempts: n.MaxAttempts + riverAttemptsHeadroom,
			UniqueOpts:  river.UniqueOpts{ByArgs: true},
		},
	}
}
