package odoo

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Clock is the source of time for rate limiting, backoff and the circuit
// breaker. Tests inject a fake one so that no test sleeps.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d or until ctx is done, and returns ctx.Err() in the
	// latter case.
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// tokenBucket is a token-bucket rate limiter driven by a Clock. A nil
// *tokenBucket lets every call through.
type tokenBucket struct {
	clock Clock
	rate  float64 // tokens per second
	burst float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newTokenBucket(clock Clock, rate float64, burst int) *tokenBucket {
	if rate <= 0 {
		return nil
	}
	return &tokenBucket{clock: clock, rate: rate, burst: float64(burst), tokens: float64(burst), last: clock.Now()}
}

// reserve takes one token and returns how long the caller must wait before
// using it.
func (b *tokenBucket) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed*b.rate)
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// wait blocks until the caller may send one call.
func (b *tokenBucket) wait(ctx context.Context) error {
	if b == nil {
		return ctx.Err()
	}
	return b.clock.Sleep(ctx, b.reserve())
}

// breakerState is the state of a circuit breaker.
type breakerState int

const (
	breakerClosed breakerState = iota
	breakerOpen
	breakerHalfOpen
)

func (s breakerState) String() string {
	switch s {
	case breakerOpen:
		return "open"
	case breakerHalfOpen:
		return "half-open"
	default:
		return "closed"
	}
}

// breaker opens after threshold consecutive transient failures, stays open
// for cooldown, then lets a single probe through (half-open): its success
// closes the breaker, its transient failure opens it again. A nil *breaker
// is always closed.
type breaker struct {
	clock     Clock
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	state    breakerState
	failures int
	openedAt time.Time
	probing  bool
}

func newBreaker(clock Clock, cfg BreakerConfig) *breaker {
	if cfg.Threshold < 0 {
		return nil
	}
	return &breaker{clock: clock, threshold: cfg.Threshold, cooldown: cfg.Cooldown}
}

// allow reports whether a call may go out now. When it returns true in the
// half-open state, the call is the probe and must report its outcome.
func (b *breaker) allow() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case breakerOpen:
		if b.clock.Now().Sub(b.openedAt) < b.cooldown {
			return false
		}
		b.state = breakerHalfOpen
		b.probing = true
		return true
	case breakerHalfOpen:
		if b.probing {
			return false
		}
		b.probing = true
		return true
	default:
		return true
	}
}

// record reports the outcome of an allowed call. transientFailure is true
// for failures that say the server is unhealthy; any answer from the server,
// even an error, counts as a success.
func (b *breaker) record(transientFailure bool) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !transientFailure {
		b.state, b.failures, b.probing = breakerClosed, 0, false
		return
	}
	b.failures++
	if b.state == breakerHalfOpen || b.failures >= b.threshold {
		b.state, b.openedAt, b.probing = breakerOpen, b.clock.Now(), false
	}
}

// abandon reports that an allowed call ended without telling anything about
// the server (the caller gave up). A probe slot is handed back.
func (b *breaker) abandon() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
}

// current returns the state, for logs and tests.
func (b *breaker) current() breakerState {
	if b == nil {
		return breakerClosed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// jitter draws full-jitter backoff delays from a seeded source.
type jitter struct {
	mu   sync.Mutex
	rand *rand.Rand
}

// backoff returns the delay before attempt n+1 (n >= 1): uniform in
// [0, min(max, base*2^(n-1))).
func (j *jitter) backoff(p RetryPolicy, n int) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return time.Duration(j.rand.Int64N(int64(ceiling)))
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP
// date; it returns 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
