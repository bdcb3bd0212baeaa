package odoo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// failing makes the fake answer the first n requests whose body contains
// marker with action; it counts every request with the marker.
type failing struct {
	mu     sync.Mutex
	n      int
	seen   int
	marker string
	action func(w http.ResponseWriter, r *http.Request)
}

func (fl *failing) install(f *fakeOdoo) {
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(fl.marker)) {
			return false
		}
		fl.mu.Lock()
		fl.seen++
		fail := fl.seen <= fl.n
		fl.mu.Unlock()
		if !fail {
			return false
		}
		fl.action(w, r)
		return true
	}
}

func (fl *failing) count() int {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.seen
}

func status(code int, retryAfter string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		io.WriteString(w, "<html><body>busy</body></html>")
	}
}

// dropConnection closes the connection after the request was read: the
// server may have applied it, the client gets no answer.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		version   string
		mod       func(*Config)
		method    string // "read" calls search_read, "write" calls write
		failN     int
		action    func(w http.ResponseWriter, r *http.Request)
		wantErr   error // nil: success after retries
		wantCalls int
		minSleep  time.Duration // the largest recorded sleep must reach this
	}{
		{name: "429 on read honours Retry-After", method: "read", failN: 2, action: status(429, "7"), wantCalls: 3, minSleep: 7 * time.Second},
		{name: "429 on write is retried (refused, not applied)", method: "write", failN: 1, action: status(429, "3"), wantCalls: 2, minSleep: 3 * time.Second},
		{name: "503 on read is retried", method: "read", failN: 3, action: status(503, ""), wantCalls: 4},
		{name: "502 on write is not retried", method: "write", failN: 1, action: status(502, ""), wantErr: ErrOutcomeUnknown, wantCalls: 1},
		{name: "504 on write is not retried", method: "write", failN: 1, action: status(504, ""), wantErr: ErrOutcomeUnknown, wantCalls: 1},
		{name: "dropped connection on read is retried", method: "read", failN: 1, action: dropConnection, wantCalls: 2},
		{name: "dropped connection on write is not retried", method: "write", failN: 1, action: dropConnection, wantErr: ErrOutcomeUnknown, wantCalls: 1},
		{name: "dropped connection on JSON-2 create is not retried", version: "19.0", method: "create", failN: 1, action: dropConnection, wantErr: ErrOutcomeUnknown, wantCalls: 1},
		{name: "bare 500 on read is a server fault", method: "read", failN: 1, action: status(500, ""), wantErr: ErrServerFault, wantCalls: 1},
		{name: "bare 500 on write leaves the outcome unknown", method: "write", failN: 1, action: status(500, ""), wantErr: ErrOutcomeUnknown, wantCalls: 1},
		{name: "read gives up after MaxAttempts", method: "read", failN: 10, action: status(503, ""), wantErr: ErrUnavailable, wantCalls: 4},
		{name: "Retry-After beyond the cap ends the call", method: "read", failN: 1, action: status(429, "3600"), wantErr: ErrUnavailable, wantCalls: 1},
		{name: "server fault is not retried", method: "read", failN: 1, action: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": 1, "error": map[string]any{"code": 200, "message": "Odoo Server Error", "data": map[string]any{"name": "builtins.ValueError", "message": "Invalid field 'x' on model 'res.partner'"}}})
		}, wantErr: ErrServerFault, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, cmpStr(tt.version, "17.0"))
			f.data["res.partner"] = []map[string]any{{"id": 1, "name": "A"}}
			f.on("res.partner.write", func(fakeCall) (any, *fakeErr) { return true, nil })
			f.on("res.partner.create", func(fakeCall) (any, *fakeErr) { return []any{5}, nil })
			c, clk := f.client(t, tt.mod)
			if _, err := c.Connect(context.Background()); err != nil {
				t.Fatal(err)
			}
			marker := map[string]string{"read": `"search_read"`, "write": `"write"`, "create": `"vals_list"`}[tt.method]
			fl := &failing{n: tt.failN, marker: marker, action: tt.action}
			fl.install(f)
			var err error
			switch tt.method {
			case "read":
				_, err = c.SearchRead(context.Background(), "res.partner", domain.True(), SearchReadOpts{Fields: []string{"name"}})
			case "write":
				err = c.Write(context.Background(), "res.partner", []int64{1}, map[string]any{"name": "B"}, nil)
			case "create":
				_, err = c.Create(context.Background(), "res.partner", map[string]any{"name": "B"}, nil)
			}
			if tt.wantErr == nil && err != nil {
				t.Fatalf("err = %v, want success", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := fl.count(); got != tt.wantCalls {
				t.Errorf("server saw %d calls, want %d", got, tt.wantCalls)
			}
			var longest time.Duration
			for _, s := range clk.Sleeps() {
				longest = max(longest, s)
			}
			if longest < tt.minSleep {
				t.Errorf("longest sleep %v, want at least %v (sleeps %v)", longest, tt.minSleep, clk.Sleeps())
			}
			if errors.Is(err, ErrOutcomeUnknown) && !strings.Contains(err.Error(), "re-read") {
				t.Errorf("outcome-unknown message should tell what to do: %q", err)
			}
		})
	}
}

func cmpStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// refusingTransport fails the first n round trips as a refused connection
// would: before anything is written.
type refusingTransport struct {
	n     atomic.Int32
	inner http.RoundTripper
}

func (rt *refusingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if rt.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	}
	return rt.inner.RoundTrip(r)
}

func TestWriteRetriedWhenConnectionRefused(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	var writes atomic.Int32
	f.on("res.partner.write", func(fakeCall) (any, *fakeErr) { writes.Add(1); return true, nil })
	rt := &refusingTransport{inner: http.DefaultTransport}
	c := f.connect(t, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })
	rt.n.Store(2)
	if err := c.Write(context.Background(), "res.partner", []int64{1}, map[string]any{"name": "B"}, nil); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if writes.Load() != 1 {
		t.Errorf("server applied %d writes, want 1", writes.Load())
	}
}

func TestTimeoutRetriesReadsOnly(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"read", "write"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, "17.0")
			f.data["res.partner"] = []map[string]any{{"id": 1, "name": "A"}}
			f.on("res.partner.write", func(fakeCall) (any, *fakeErr) { return true, nil })
			c := f.connect(t, func(cfg *Config) { cfg.Timeout = 50 * time.Millisecond })
			marker := map[string]string{"read": `"search_read"`, "write": `"write"`}[method]
			fl := &failing{n: 1, marker: marker, action: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }}
			fl.install(f)
			var err error
			if method == "read" {
				_, err = c.SearchRead(context.Background(), "res.partner", domain.True(), SearchReadOpts{Fields: []string{"name"}})
				if err != nil {
					t.Fatalf("read after a timeout: %v", err)
				}
				if fl.count() != 2 {
					t.Errorf("server saw %d reads, want 2", fl.count())
				}
				return
			}
			err = c.Write(context.Background(), "res.partner", []int64{1}, map[string]any{"name": "B"}, nil)
			if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown wrapping ErrTimeout", err)
			}
			if fl.count() != 1 {
				t.Errorf("server saw %d writes, want 1", fl.count())
			}
		})
	}
}

func TestMarshalNoneOverXMLRPC(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	var posts atomic.Int32
	// The fake encodes a nil result as Odoo does: fault 1, TypeError.
	f.on("account.payment.action_post", func(fakeCall) (any, *fakeErr) { posts.Add(1); return nil, nil })
	c := f.connect(t, func(cfg *Config) { cfg.Protocol = ProtocolXMLRPC })
	_, err := c.Call(context.Background(), "account.payment", "action_post", []any{[]int64{3}}, nil)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if posts.Load() != 1 {
		t.Errorf("action_post ran %d times, want 1", posts.Load())
	}
	// Over JSON-RPC the same None is a plain null result.
	f2 := newFakeOdoo(t, "17.0")
	f2.on("account.payment.action_post", func(fakeCall) (any, *fakeErr) { return nil, nil })
	c2 := f2.connect(t, nil)
	if v, err := c2.Call(context.Background(), "account.payment", "action_post", []any{[]int64{3}}, nil); err != nil || v != nil {
		t.Fatalf("JSON-RPC None = %v, %v; want nil, nil", v, err)
	}
}

func TestCircuitBreaker(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	f.data["res.partner"] = []map[string]any{{"id": 1, "name": "A"}}
	c, clk := f.client(t, func(cfg *Config) {
		cfg.Retry.MaxAttempts = 1
		cfg.Breaker = BreakerConfig{Threshold: 2, Cooldown: 30 * time.Second}
	})
	ctx := context.Background()
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	fl := &failing{n: 3, marker: `"search_read"`, action: status(503, "")}
	fl.install(f)
	read := func() error {
		_, err := c.SearchRead(ctx, "res.partner", domain.True(), SearchReadOpts{Fields: []string{"name"}})
		return err
	}
	steps := []struct {
		advance   time.Duration
		want      error
		wantState breakerState
		wantSeen  int
	}{
		{want: ErrUnavailable, wantState: breakerClosed, wantSeen: 1},
		{want: ErrUnavailable, wantState: breakerOpen, wantSeen: 2},
		{want: ErrCircuitOpen, wantState: breakerOpen, wantSeen: 2},                            // fails fast, no request
		{advance: 10 * time.Second, want: ErrCircuitOpen, wantState: breakerOpen, wantSeen: 2}, // still cooling down
		{advance: 21 * time.Second, want: ErrUnavailable, wantState: breakerOpen, wantSeen: 3}, // probe fails: open again
		{want: ErrCircuitOpen, wantState: breakerOpen, wantSeen: 3},
		{advance: 31 * time.Second, want: nil, wantState: breakerClosed, wantSeen: 4}, // probe succeeds
		{want: nil, wantState: breakerClosed, wantSeen: 5},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		err := read()
		if (s.want == nil) != (err == nil) || (s.want != nil && !errors.Is(err, s.want)) {
			t.Fatalf("step %d: err = %v, want %v", i, err, s.want)
		}
		if got := c.breaker.current(); got != s.wantState {
			t.Errorf("step %d: state %v, want %v", i, got, s.wantState)
		}
		if fl.count() != s.wantSeen {
			t.Errorf("step %d: server saw %d calls, want %d", i, fl.count(), s.wantSeen)
		}
	}
}

func TestBreakerHalfOpenAllowsOneProbe(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	b := newBreaker(clk, BreakerConfig{Threshold: 1, Cooldown: time.Second})
	b.record(true)
	clk.Advance(2 * time.Second)
	if !b.allow() {
		t.Fatal("first call after cool-down must be the probe")
	}
	if b.allow() {
		t.Fatal("a second call while the probe is out must be refused")
	}
	b.abandon() // the probe's caller gave up: the next call probes again
	if !b.allow() {
		t.Fatal("after an abandoned probe the next call must probe")
	}
	b.record(false)
	if !b.allow() || b.current() != breakerClosed {
		t.Fatal("breaker must close after a successful probe")
	}
	if newBreaker(clk, BreakerConfig{Threshold: -1}) != nil {
		t.Fatal("Threshold -1 must disable the breaker")
	}
}

func TestBackoffFullJitter(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: 8 * time.Second}
	draw := func() []time.Duration {
		j := &jitter{rand: rand.New(rand.NewPCG(42, 42))}
		var out []time.Duration
		for n := 1; n <= 6; n++ {
			out = append(out, j.backoff(p, n))
		}
		return out
	}
	a, b := draw(), draw()
	ceilings := []time.Duration{1, 2, 4, 8, 8, 8}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("attempt %d: same seed gave %v and %v", i+1, a[i], b[i])
		}
		if a[i] < 0 || a[i] >= ceilings[i]*time.Second {
			t.Errorf("attempt %d: delay %v outside [0, %v)", i+1, a[i], ceilings[i]*time.Second)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"5", 5 * time.Second}, {"-1", 0}, {"soon", 0},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second},
		{"Sat, 01 Mar 2025 11:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	f.data["res.partner"] = []map[string]any{{"id": 1, "name": "A"}}
	c, clk := f.client(t, func(cfg *Config) { cfg.RateLimit = 2; cfg.RateBurst = 1 })
	ctx := context.Background()
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	before := clk.Now()
	for range 4 {
		if _, err := c.SearchRead(ctx, "res.partner", domain.True(), SearchReadOpts{Fields: []string{"name"}}); err != nil {
			t.Fatal(err)
		}
	}
	// 4 calls at 2 per second with a burst of 1 need 2 seconds of waiting.
	if waited := clk.Now().Sub(before); waited != 2*time.Second {
		t.Errorf("limiter waited %v, want 2s", waited)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	f.on("res.partner.search_count", func(fakeCall) (any, *fakeErr) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		inFlight.Add(-1)
		return 1, nil
	})
	c := f.connect(t, func(cfg *Config) { cfg.MaxConcurrency = 2 })
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := c.SearchCount(context.Background(), "res.partner", domain.True(), nil); err != nil {
				t.Error(err)
			}
		})
	}
	for range 6 {
		release <- struct{}{}
	}
	wg.Wait()
	if p := peak.Load(); p > 2 {
		t.Errorf("peak concurrency %d, want at most 2", p)
	}
}

func TestCallerCancelDuringWrite(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	c := f.connect(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	fl := &failing{n: 1, marker: `"write"`, action: func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}}
	fl.install(f)
	err := c.Write(ctx, "res.partner", []int64{1}, map[string]any{"name": "B"}, nil)
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown wrapping context.Canceled", err)
	}
	if fl.count() != 1 {
		t.Errorf("server saw %d writes, want 1", fl.count())
	}
}

func TestOutcomeUnknownMessage(t *testing.T) {
	t.Parallel()
	f := newFakeOdoo(t, "17.0")
	c := f.connect(t, nil)
	fl := &failing{n: 1, marker: `"write"`, action: status(502, "")}
	fl.install(f)
	err := c.Write(context.Background(), "res.partner", []int64{1}, map[string]any{"name": "B"}, nil)
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown wrapping ErrUnavailable", err)
	}
	msg := err.Error()
	if strings.Count(msg, "odoo: ") != 1 || strings.Contains(msg, "try again later") || !strings.HasPrefix(msg, "odoo: write res.partner: outcome unknown") {
		t.Errorf("message = %q", msg)
	}
	t.Log(msg)
}
