package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/store"
)

// Defaults for WorkerConfig fields left zero.
const (
	BackoffBaseDefault = 30 * time.Second
	BackoffMaxDefault  = time.Hour
	SendTimeoutDefault = 30 * time.Second
)

// WorkerConfig configures a Worker.
type WorkerConfig struct {
	Store    *store.Store
	Channels []Channel
	// Broker receives in-app notifications once they are marked sent, to
	// push them to open dashboards. Nil pushes nothing (they are still
	// stored and listed).
	Broker *Broker
	Logger *slog.Logger
	// Registerer receives the delivery metrics. Nil registers nothing.
	Registerer prometheus.Registerer
	// BackoffBase is the wait after the first failed attempt; each further
	// failure doubles it, up to BackoffMax. Defaults to 30s and 1h.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// SendTimeout bounds one attempt. Defaults to 30s.
	SendTimeout time.Duration
	// NowFunc is the clock. Defaults to time.Now.
	NowFunc func() time.Time
}

// Worker is the River worker that delivers outbox rows.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]

	store    *store.Store
	channels map[string]Channel
	broker   *Broker
	logger   *slog.Logger
	metrics  *metrics
	base     time.Duration
	max      time.Duration
	timeout  time.Duration
	now      func() time.Time
}

// NewWorker returns a Worker for the channels. A row on a channel that is
// not configured is dead-lettered with a message naming it.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.Store == nil {
		return nil, errors.New("notify: worker needs a store")
	}
	w := &Worker{
		store: cfg.Store, channels: map[string]Channel{}, broker: cfg.Broker, logger: cfg.Logger,
		base: cfg.BackoffBase, max: cfg.BackoffMax, timeout: cfg.SendTimeout, now: cfg.NowFunc,
	}
	if w.logger == nil {
		w.logger = slog.New(slog.DiscardHandler)
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.base <= 0 {
		w.base = BackoffBaseDefault
	}
	if w.max <= 0 {
		w.max = BackoffMaxDefault
	}
	if w.max < w.base {
		return nil, fmt.Errorf("notify: backoff max %s is below the base %s", w.max, w.base)
	}
	if w.timeout <= 0 {
		w.timeout = SendTimeoutDefault
	}
	for _, ch := range cfg.Channels {
		if ch == nil {
			return nil, errors.New("notify: nil channel")
		}
		if _, dup := w.channels[ch.Name()]; dup {
			return nil, fmt.Errorf("notify: channel %q given twice", ch.Name())
		}
		w.channels[ch.Name()] = ch
	}
	m, err := newMetrics(cfg.Registerer, cfg.Store, w.logger)
	if err != nil {
		return nil, fmt.Errorf("notify: metrics: %w", err)
	}
	w.metrics = m
	return w, nil
}

// Register adds the delivery worker to River's workers.
func Register(workers *river.Workers, w *Worker) error {
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return fmt.Errorf("notify: register worker: %w", err)
	}
	return nil
}

// Backoff is the wait before the attempt after failed attempt number
// attempt (1-based): base, then doubled each time, at most max.
func (w *Worker) Backoff(attempt int) time.Duration {
	d := w.base
	for i := 1; i < attempt && d < w.max; i++ {
		d *= 2
	}
	return min(d, w.max)
}

// NextRetry implements river.Worker: exponential backoff.
func (w *Worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return w.now().Add(w.Backoff(job.Attempt))
}

// Timeout implements river.Worker: one send attempt's limit.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration { return w.timeout }

// Work implements river.Worker: it delivers one outbox row.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	id := job.Args.NotificationID
	n, err := w.store.NotificationByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("notify: notification %d no longer exists", id))
	}
	if err != nil {
		return err
	}
	if n.Round > job.Args.Round {
		return nil // a job of an earlier round; the retry has its own job
	}
	log := w.logger.With("notification", n.ID, "key", n.Key, "channel", n.Channel, "attempt", n.Attempts+1)
	ch, ok := w.channels[n.Channel]
	if !ok {
		return w.deadLetter(ctx, log, n, fmt.Sprintf("channel %q is not configured", n.Channel))
	}
	n, claimed, err := w.store.NotificationClaim(ctx, id, store.NotificationClaimParams{Reclaim: ch.Idempotent()})
	if err != nil {
		return err
	}
	if !claimed {
		switch n.Status {
		case store.NotificationSent, store.NotificationDead:
			return nil
		case store.NotificationSending:
			// An earlier attempt stopped while sending: the peer may have the
			// message, and this channel cannot drop a repeat.
			return w.deadLetter(ctx, log, n, "delivery outcome unknown: an earlier attempt stopped while sending "+
				"(the process died?); check whether the recipient got it before retrying")
		}
		return fmt.Errorf("notify: notification %d is %s and could not be claimed", id, n.Status)
	}
	if n.Attempts > n.MaxAttempts {
		return w.deadLetter(ctx, log, n, fmt.Sprintf("gave up after %d attempts: %s", n.MaxAttempts, n.LastError))
	}

	sendErr := w.send(ctx, ch, n)
	// The bookkeeping must land even when the attempt's context ended.
	dbCtx := context.WithoutCancel(ctx)
	if sendErr == nil {
		marked, err := w.store.NotificationMarkSent(dbCtx, id)
		if err != nil {
			return err // the row stays in sending: the retry decides by channel
		}
		if !marked {
			log.WarnContext(ctx, "notify: sent, but another attempt had already finished the row")
			return nil
		}
		now := w.now()
		w.metrics.sent.WithLabelValues(n.Channel).Inc()
		w.metrics.latency.WithLabelValues(n.Channel).Observe(max(now.Sub(n.CreatedAt), 0).Seconds())
		log.InfoContext(ctx, "notify: sent")
		if n.Channel == ChannelInApp && w.broker != nil {
			n.Status, n.SentAt = store.NotificationSent, now.UTC()
			w.broker.Publish(eventFor(n))
		}
		return nil
	}
	w.metrics.failures.WithLabelValues(n.Channel).Inc()
	switch {
	case IsPermanent(sendErr):
		return w.deadLetter(dbCtx, log, n, sendErr.Error())
	case errors.Is(sendErr, ErrOutcomeUnknown) && !ch.Idempotent():
		return w.deadLetter(dbCtx, log, n, sendErr.Error()+"; check whether the recipient got it before retrying")
	case n.Attempts >= n.MaxAttempts:
		return w.deadLetter(dbCtx, log, n, fmt.Sprintf("gave up after %d attempts: %s", n.Attempts, sendErr))
	}
	if err := w.store.NotificationRelease(dbCtx, id, sendErr.Error()); err != nil {
		return errors.Join(sendErr, err)
	}
	log.WarnContext(ctx, "notify: attempt failed, will retry", "error", sendErr, "retry_in", w.Backoff(job.Attempt))
	return sendErr
}

// send calls the channel, turning a panic into an error.
func (w *Worker) send(ctx context.Context, ch Channel, n *store.Notification) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("notify: %s channel panicked: %v", ch.Name(), r)
		}
	}()
	return ch.Send(ctx, n)
}

func (w *Worker) deadLetter(ctx context.Context, log *slog.Logger, n *store.Notification, reason string) error {
	marked, err := w.store.NotificationMarkDead(ctx, n.ID, reason)
	if err != nil {
		return err
	}
	if marked {
		w.metrics.dead.WithLabelValues(n.Channel).Inc()
		log.ErrorContext(ctx, "notify: dead-lettered", "reason", reason)
	}
	// Cancelled, not failed: River must not retry a dead letter.
	return river.JobCancel(errors.New(reason))
}
