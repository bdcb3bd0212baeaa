package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// InApp is the in-app channel. Its outbox row is the notification the user
// reads in the dashboard, so sending only marks it sent; the Worker then
// pushes it to the user's open pages through the Broker.
type InApp struct{}

// Name implements Channel.
func (InApp) Name() string { return ChannelInApp }

// Idempotent implements Channel: the row is the message.
func (InApp) Idempotent() bool { return true }

// ValidateRecipient implements Channel: the address is UserRecipient(id).
func (InApp) ValidateRecipient(recipient string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(recipient, "user:"), 10, 64)
	if !strings.HasPrefix(recipient, "user:") || err != nil || id <= 0 {
		return fmt.Errorf("in-app recipient %q must be user:<id>", recipient)
	}
	return nil
}

// Send implements Channel.
func (InApp) Send(_ context.Context, n *store.Notification) error {
	if n.UserID == 0 {
		return Permanent(errors.New("in-app notification without a user"))
	}
	return nil
}

// Event is an in-app notification pushed to a user's open pages.
type Event struct {
	ID           int64     `json:"id"`
	ConnectionID int64     `json:"-"`
	UserID       int64     `json:"-"`
	AlertID      int64     `json:"alert_id,omitempty"`
	Priority     string    `json:"priority"`
	Subject      string    `json:"subject"`
	Body         string    `json:"body"`
	Link         string    `json:"link"`
	CreatedAt    time.Time `json:"created_at"`
}

func eventFor(n *store.Notification) Event {
	return Event{
		ID: n.ID, ConnectionID: n.ConnectionID, UserID: n.UserID, AlertID: n.AlertID, Priority: n.Priority,
		Subject: n.Subject, Body: n.Body, Link: n.Link, CreatedAt: n.CreatedAt,
	}
}

// SubscriberBufferDefault is how many events a slow subscriber may fall
// behind before further events are dropped for it (they stay in the store).
const SubscriberBufferDefault = 64

type userKey struct{ conn, user int64 }

// Broker fans in-app events out to subscribers, per user. It is in-process:
// with several instances, a page connected to one instance gets live
// events delivered by that instance's workers and catches up on the rest
// from the store when it reconnects (ServeSSE replays after Last-Event-ID).
type Broker struct {
	mu     sync.Mutex
	subs   map[userKey]map[chan Event]struct{}
	buffer int
}

// NewBroker returns an empty Broker.
func NewBroker() *Broker {
	return &Broker{subs: map[userKey]map[chan Event]struct{}{}, buffer: SubscriberBufferDefault}
}

// Subscribe returns a channel of the user's events and a function that
// ends the subscription and closes the channel.
func (b *Broker) Subscribe(connectionID, userID int64) (<-chan Event, func()) {
	k := userKey{connectionID, userID}
	ch := make(chan Event, b.buffer)
	b.mu.Lock()
	if b.subs[k] == nil {
		b.subs[k] = map[chan Event]struct{}{}
	}
	b.subs[k][ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[k], ch)
			if len(b.subs[k]) == 0 {
				delete(b.subs, k)
			}
			b.mu.Unlock()
			close(ch)
		})
	}
}

// Subscribers returns how many open subscriptions a user has.
func (b *Broker) Subscribers(connectionID, userID int64) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[userKey{connectionID, userID}])
}

// Publish hands e to every subscriber of its user without blocking and
// returns how many got it; a subscriber whose buffer is full misses it.
func (b *Broker) Publish(e Event) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for ch := range b.subs[userKey{e.ConnectionID, e.UserID}] {
		select {
		case ch <- e:
			n++
		default:
		}
	}
	return n
}

// SSEHeartbeatDefault is how often ServeSSE writes a comment line to keep
// proxies from closing an idle stream.
const SSEHeartbeatDefault = 25 * time.Second

// ServeSSE streams the user's in-app notifications as Server-Sent Events
// ("event: notification", id = notification id, data = Event JSON) until
// the request ends. The caller has authenticated the user. When the
// browser reconnects with Last-Event-ID, sent notifications with a larger
// id are replayed from s first (s may be nil to skip the replay).
func (b *Broker) ServeSSE(w http.ResponseWriter, r *http.Request, s *store.Store, connectionID, userID int64) error {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return errors.New("notify: response writer cannot stream")
	}
	events, cancel := b.Subscribe(connectionID, userID)
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	lastID, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if lastID > 0 && s != nil {
		missed, err := s.NotificationList(r.Context(), store.NotificationListParams{
			ConnectionID: connectionID, UserID: userID, Channel: ChannelInApp, Status: store.NotificationSent, Limit: 100,
		})
		if err != nil {
			return fmt.Errorf("notify: replay: %w", err)
		}
		for i := len(missed) - 1; i >= 0; i-- { // oldest first
			if missed[i].ID > lastID {
				if err := writeSSE(w, eventFor(missed[i])); err != nil {
					return err
				}
			}
		}
	}
	flusher.Flush()
	tick := time.NewTicker(SSEHeartbeatDefault)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil {
				return nil
			}
		case e, ok := <-events:
			if !ok {
				return nil
			}
			if err := writeSSE(w, e); err != nil {
				return nil // the client went away
			}
		}
		flusher.Flush()
	}
}

func writeSSE(w http.ResponseWriter, e Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("notify: encode event: %w", err)
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: notification\ndata: %s\n\n", e.ID, data)
	return err
}

// KindInApp is the in-app kind as rules and preferences name it.
const KindInApp = "in_app"

// inAppKind registers the in-app channel: always on, for every person.
func inAppKind() Kind {
	return Kind{Name: KindInApp, Row: ChannelInApp, Aliases: []string{"in-app"}, Label: "In-app", Personal: true, Always: true,
		RecipientHint: "a username",
		Address: func(userID int64, _ func() (*store.User, error)) (string, error) {
			return UserRecipient(userID), nil
		},
		Build: func(*config.Config, Deps) (*Built, error) {
			return &Built{Channel: InApp{}, Detail: "the dashboard's notifications, pushed live to open pages"}, nil
		},
	}
}
