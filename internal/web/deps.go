package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/search"
)

// Asker answers free-form questions with a language model calling tools
// (*chat.Service); threads are read from the store.
type Asker interface {
	Enabled() bool
	Ask(ctx context.Context, q chat.Question, onEvent func(chat.Event)) (*chat.Answer, error)
}

// AlertActions changes an alert's lifecycle on behalf of a person. The
// alerts package implements it (it records who did what, stops escalation,
// writes the outbox); the dashboard only calls it. Each method returns an
// error wrapping store.ErrNotFound when the connection has no such alert,
// and ErrAlertState or store.ErrAlertState when the alert's state does not allow the change
// (resolving a resolved alert, say).
type AlertActions interface {
	AlertAcknowledge(ctx context.Context, connectionID, alertID, userID int64) error
	AlertResolve(ctx context.Context, connectionID, alertID, userID int64, note string) error
	AlertSnooze(ctx context.Context, connectionID, alertID, userID int64, until time.Time) error
	// AlertDismiss closes an alert as not a problem; note says why.
	AlertDismiss(ctx context.Context, connectionID, alertID, userID int64, note string) error
}

// ErrAlertState is returned (wrapped) by AlertActions when the alert's
// current state does not allow the change; the API answers 409.
var ErrAlertState = errors.New("alert state does not allow this")

// JobRunner starts a monitoring job now, outside its schedule (the job
// engine implements it).
type JobRunner interface {
	RunNow(ctx context.Context, jobID int64) error
}

// ConnectionReport is what a connection test found.
type ConnectionReport struct {
	ServerVersion string        `json:"server_version"`
	Protocol      string        `json:"protocol"`
	User          string        `json:"user"`
	Modules       []string      `json:"modules"` // installed modules aicoo reads
	Latency       time.Duration `json:"-"`
	LatencyMS     int64         `json:"latency_ms"`
}

// ConnectionTester tests a connection's Odoo from the settings page: it
// signs in and reports the server version and the installed modules that
// matter. The Odoo client implements it; secrets stay in that process.
type ConnectionTester interface {
	TestConnection(ctx context.Context, connectionID int64) (*ConnectionReport, error)
}

// Event is a live change pushed to open dashboards over Server-Sent Events.
type Event struct {
	// Type is "alert" for an alert raised, changed or resolved.
	Type         string `json:"type"`
	ConnectionID int64  `json:"connection_id"`
	AlertID      int64  `json:"alert_id,omitempty"`
	// Area is the alert's type (an analyzer area or another kind); events
	// of an area are only sent to roles that may see it.
	Area   string `json:"area,omitempty"`
	Status string `json:"status,omitempty"`
	Title  string `json:"title,omitempty"`
}

// Broker fans events out to the dashboards open in this process. The
// server publishes the changes its users make; the notification layer
// publishes alerts raised elsewhere (its in-app channel calls Publish). It
// is safe for concurrent use; a slow subscriber loses events rather than
// blocking publishers (the page reloads its list on every event anyway).
type Broker struct {
	mu   sync.Mutex
	subs map[chan Event]int64 // channel -> connection id
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[chan Event]int64{}} }

// Publish sends e to every subscriber of its connection.
func (b *Broker) Publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, conn := range b.subs {
		if conn != e.ConnectionID {
			continue
		}
		select {
		case ch <- e:
		default:
		}
	}
}

// Subscribe returns a channel of the connection's events and a function
// that ends the subscription.
func (b *Broker) Subscribe(connectionID int64) (<-chan Event, func()) {
	ch := make(chan Event, 16)
	b.mu.Lock()
	b.subs[ch] = connectionID
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}
}

// Subscribers returns how many subscriptions are open.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Searcher finds partners, documents and aicoo's own items by name or
// number for the search box (*search.Service implements it).
type Searcher interface {
	Search(ctx context.Context, q search.Query) ([]search.Result, error)
}
