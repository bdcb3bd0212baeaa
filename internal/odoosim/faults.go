package odoosim

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// faultInjector delays and fails requests as Options asks, before the
// request reaches a handler, so a failed request changes nothing.
type faultInjector struct {
	latency     time.Duration
	errorRate   float64
	timeoutRate float64
	delay       time.Duration
	maxBody     int64

	mu  sync.Mutex
	rng *rand.Rand
}

func newFaultInjector(o Options) *faultInjector {
	return &faultInjector{
		latency: o.Latency, errorRate: o.ErrorRate, timeoutRate: o.TimeoutRate, delay: o.TimeoutDelay, maxBody: o.MaxBodyBytes,
		rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
	}
}

// fault is what the injector decided for one request.
type fault int

const (
	faultNone fault = iota
	faultError
	faultTimeout
)

// roll draws the fate of one request from the seeded source.
func (f *faultInjector) roll() fault {
	if f.errorRate == 0 && f.timeoutRate == 0 {
		return faultNone
	}
	f.mu.Lock()
	u := f.rng.Float64()
	f.mu.Unlock()
	switch {
	case u < f.timeoutRate:
		return faultTimeout
	case u < f.timeoutRate+f.errorRate:
		return faultError
	}
	return faultNone
}

// wrap returns next behind the latency and the injected failures:
//   - Latency: every request waits that long first (cancelled with the
//     request);
//   - ErrorRate: 502 Bad Gateway with an nginx-style HTML page, before any
//     work;
//   - TimeoutRate: the request hangs for TimeoutDelay (or until the client
//     gives up), then gets 504 Gateway Time-out, without any work done.
func (f *faultInjector) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		verdict := f.roll()
		if f.latency > 0 || verdict == faultTimeout {
			// Read the body first: the server notices a client that
			// gives up (and cancels ctx) only once the body is consumed.
			body, err := io.ReadAll(io.LimitReader(r.Body, f.maxBody))
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if f.latency > 0 && !sleep(ctx, f.latency) {
			return
		}
		switch verdict {
		case faultTimeout:
			if !sleep(ctx, f.delay) {
				return
			}
			writeProxyError(w, http.StatusGatewayTimeout, "504 Gateway Time-out")
			return
		case faultError:
			writeProxyError(w, http.StatusBadGateway, "502 Bad Gateway")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sleep waits for d and reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeProxyError writes the page a reverse proxy shows for a dead or slow
// Odoo worker.
func writeProxyError(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
}
