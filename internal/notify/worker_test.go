package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// scriptedChannel is a channel whose Send results follow a script; it
// counts what it was asked to send. It stands in for a peer only in the
// worker's state-machine tests; the channels themselves are tested against
// real servers.
type scriptedChannel struct {
	name       string
	idempotent bool
	mu         sync.Mutex
	results    []error
	sent       []int64
}

func (c *scriptedChannel) Name() string                   { return c.name }
func (c *scriptedChannel) Idempotent() bool               { return c.idempotent }
func (c *scriptedChannel) ValidateRecipient(string) error { return nil }
func (c *scriptedChannel) Send(_ context.Context, n *store.Notification) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if len(c.results) > 0 {
		err, c.results = c.results[0], c.results[1:]
	}
	if err == nil {
		c.sent = append(c.sent, n.ID)
	}
	return err
}

func setupConnection(t *testing.T, s *store.Store) (connID, userID int64) {
	t.Helper()
	ctx := context.Background()
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "nordwind"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Email: "ann@example.com", Role: "ceo"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID, u.ID
}

func insertRow(t *testing.T, s *store.Store, connID int64, channel, key string, maxAttempts int) *store.Notification {
	t.Helper()
	n, _, err := s.NotificationInsert(context.Background(), store.NotificationParams{
		ConnectionID: connID, Key: key, Channel: channel, Recipient: "default", Subject: "s " + key, MaxAttempts: maxAttempts,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func job(n *store.Notification, attempt int) *river.Job[DeliverArgs] {
	return &river.Job[DeliverArgs]{
		JobRow: &rivertype.JobRow{ID: n.ID, Attempt: attempt},
		Args:   DeliverArgs{NotificationID: n.ID, Round: n.Round},
	}
}

func isCancel(err error) bool {
	var c *river.JobCancelError
	return errors.As(err, &c)
}

func TestWorkerStateMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		connID, _ := setupConnection(t, s)
		flaky := &scriptedChannel{name: "flaky", idempotent: false}
		idem := &scriptedChannel{name: "idem", idempotent: true}
		w, err := NewWorker(WorkerConfig{Store: s, Channels: []Channel{flaky, idem}, BackoffBase: time.Second, BackoffMax: 4 * time.Second,
			NowFunc: func() time.Time { return testTime }})
		if err != nil {
			t.Fatal(err)
		}
		status := func(id int64) *store.Notification {
			t.Helper()
			n, err := s.NotificationByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("retried, then sent once", func(t *testing.T) {
			n := insertRow(t, s, connID, "flaky", "a", 3)
			flaky.results = []error{errors.New("503 busy"), nil}
			if err := w.Work(ctx, job(n, 1)); err == nil || isCancel(err) {
				t.Fatalf("first attempt: %v", err)
			}
			if got := status(n.ID); got.Status != store.NotificationPending || got.LastError != "503 busy" || got.Attempts != 1 {
				t.Fatalf("after failure: %+v", got)
			}
			if err := w.Work(ctx, job(n, 2)); err != nil {
				t.Fatal(err)
			}
			// A duplicate job for a sent row sends nothing.
			if err := w.Work(ctx, job(n, 1)); err != nil {
				t.Fatal(err)
			}
			if got := status(n.ID); got.Status != store.NotificationSent || got.Attempts != 2 || len(flaky.sent) != 1 {
				t.Fatalf("after success: %+v, sent %v", got, flaky.sent)
			}
		})
		t.Run("dead after max attempts, retried by hand", func(t *testing.T) {
			n := insertRow(t, s, connID, "flaky", "b", 2)
			flaky.results = []error{errors.New("timeout"), errors.New("timeout again")}
			if err := w.Work(ctx, job(n, 1)); err == nil || isCancel(err) {
				t.Fatalf("attempt 1: %v", err)
			}
			if err := w.Work(ctx, job(n, 2)); !isCancel(err) {
				t.Fatalf("attempt 2: %v", err)
			}
			got := status(n.ID)
			if got.Status != store.NotificationDead || !strings.Contains(got.LastError, "gave up after 2 attempts: timeout again") {
				t.Fatalf("dead: %+v", got)
			}
			retried, err := s.NotificationRetry(ctx, connID, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The old round's job does nothing; the new round's job sends.
			if err := w.Work(ctx, job(n, 3)); err != nil || status(n.ID).Status != store.NotificationPending {
				t.Fatalf("stale job: %v", err)
			}
			if err := w.Work(ctx, job(retried, 1)); err != nil || status(n.ID).Status != store.NotificationSent {
				t.Fatalf("retried: %v %+v", err, status(n.ID))
			}
		})
		t.Run("permanent failure is dead at once", func(t *testing.T) {
			n := insertRow(t, s, connID, "flaky", "c", 5)
			flaky.results = []error{Permanent(errors.New("400 invalid_payload"))}
			if err := w.Work(ctx, job(n, 1)); !isCancel(err) {
				t.Fatalf("err = %v", err)
			}
			if got := status(n.ID); got.Status != store.NotificationDead || got.LastError != "400 invalid_payload" {
				t.Fatalf("%+v", got)
			}
		})
		t.Run("unknown outcome is dead on a channel that cannot drop repeats", func(t *testing.T) {
			n := insertRow(t, s, connID, "flaky", "d", 5)
			flaky.results = []error{fmt.Errorf("connection reset: %w", ErrOutcomeUnknown)}
			if err := w.Work(ctx, job(n, 1)); !isCancel(err) {
				t.Fatalf("err = %v", err)
			}
			if got := status(n.ID); got.Status != store.NotificationDead || !strings.Contains(got.LastError, "check whether the recipient got it") {
				t.Fatalf("%+v", got)
			}
		})
		t.Run("a row left sending by a dead process", func(t *testing.T) {
			// Non-idempotent channel: dead-lettered, never re-sent.
			n := insertRow(t, s, connID, "flaky", "e", 5)
			if _, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{}); err != nil || !claimed {
				t.Fatal(err)
			}
			before := len(flaky.sent)
			if err := w.Work(ctx, job(n, 2)); !isCancel(err) {
				t.Fatalf("err = %v", err)
			}
			if got := status(n.ID); got.Status != store.NotificationDead || len(flaky.sent) != before || !strings.Contains(got.LastError, "outcome unknown") {
				t.Fatalf("%+v, sent %v", got, flaky.sent)
			}
			// Idempotent channel: re-sent with the same delivery id.
			m := insertRow(t, s, connID, "idem", "e", 5)
			if _, claimed, err := s.NotificationClaim(ctx, m.ID, store.NotificationClaimParams{}); err != nil || !claimed {
				t.Fatal(err)
			}
			if err := w.Work(ctx, job(m, 2)); err != nil {
				t.Fatal(err)
			}
			if got := status(m.ID); got.Status != store.NotificationSent || got.Attempts != 2 || len(idem.sent) != 1 {
				t.Fatalf("%+v", got)
			}
		})
		t.Run("unconfigured channel and deleted row", func(t *testing.T) {
			n := insertRow(t, s, connID, "pager", "f", 5)
			if err := w.Work(ctx, job(n, 1)); !isCancel(err) {
				t.Fatalf("err = %v", err)
			}
			if got := status(n.ID); got.Status != store.NotificationDead || got.LastError != `channel "pager" is not configured` {
				t.Fatalf("%+v", got)
			}
			gone := &store.Notification{ID: 987654}
			if err := w.Work(ctx, job(gone, 1)); !isCancel(err) {
				t.Fatalf("deleted row: %v", err)
			}
		})
	})
}

func TestWorkerBackoff(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	w, err := NewWorker(WorkerConfig{Store: s, BackoffBase: 30 * time.Second, BackoffMax: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute}
	for i, d := range want {
		if got := w.Backoff(i + 1); got != d {
			t.Errorf("attempt %d: %s, want %s", i+1, got, d)
		}
	}
	if got := w.Backoff(1000); got != 5*time.Minute {
		t.Errorf("attempt 1000: %s", got)
	}
	if _, err := NewWorker(WorkerConfig{Store: s, Channels: []Channel{InApp{}, InApp{}}}); err == nil {
		t.Error("duplicate channel accepted")
	}
	if _, err := NewWorker(WorkerConfig{Store: s, BackoffBase: time.Hour, BackoffMax: time.Minute}); err == nil {
		t.Error("max below base accepted")
	}
}

func TestInAppPushedToBroker(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		connID, userID := setupConnection(t, s)
		b := NewBroker()
		events, cancel := b.Subscribe(connID, userID)
		defer cancel()
		other, cancelOther := b.Subscribe(connID, userID+1)
		defer cancelOther()
		w, err := NewWorker(WorkerConfig{Store: s, Channels: []Channel{InApp{}}, Broker: b})
		if err != nil {
			t.Fatal(err)
		}
		n, _, err := s.NotificationInsert(ctx, store.NotificationParams{
			ConnectionID: connID, Key: "alert:1:1", Channel: ChannelInApp, Recipient: UserRecipient(userID), UserID: userID,
			Subject: "Stock-out predicted", Link: "/alerts/1", MaxAttempts: 3,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Work(ctx, job(n, 1)); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-events:
			if e.ID != n.ID || e.Subject != "Stock-out predicted" || e.Link != "/alerts/1" {
				t.Fatalf("event = %+v", e)
			}
		default:
			t.Fatal("no event for the user")
		}
		select {
		case e := <-other:
			t.Fatalf("another user got %+v", e)
		default:
		}
		list, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: connID, UserID: userID, Channel: ChannelInApp, UnreadOnly: true})
		if err != nil || len(list) != 1 || list[0].Status != store.NotificationSent {
			t.Fatalf("stored: %v %v", list, err)
		}
	})
}
