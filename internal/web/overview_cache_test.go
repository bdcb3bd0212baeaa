package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestOverviewCache(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	key := figuresKey{connectionID: 1, role: "ceo"}

	t.Run("reuses within the TTL and gathers again after", func(t *testing.T) {
		var c overviewCache
		var loads atomic.Int32
		load := func(context.Context) (*overviewPage, error) {
			loads.Add(1)
			return &overviewPage{}, nil
		}
		first, _ := c.get(ctx, key, t0, load)
		again, _ := c.get(ctx, key, t0.Add(overviewTTL-time.Millisecond), load)
		if first != again || loads.Load() != 1 {
			t.Fatalf("within the TTL: loads %d, same page %v", loads.Load(), first == again)
		}
		if _, err := c.get(ctx, figuresKey{connectionID: 1, role: "sales"}, t0, load); err != nil || loads.Load() != 2 {
			t.Fatalf("another role is another entry: loads %d", loads.Load())
		}
		later, _ := c.get(ctx, key, t0.Add(overviewTTL), load)
		if later == first || loads.Load() != 3 {
			t.Fatalf("after the TTL: loads %d, same page %v", loads.Load(), later == first)
		}
		// A clock that went back does not serve a page "from the future".
		if _, err := c.get(ctx, key, t0, load); err != nil || loads.Load() != 4 {
			t.Fatalf("clock went back: loads %d", loads.Load())
		}
	})

	t.Run("invalidate drops the connection's entries only", func(t *testing.T) {
		var c overviewCache
		var loads atomic.Int32
		load := func(context.Context) (*overviewPage, error) { loads.Add(1); return &overviewPage{}, nil }
		other := figuresKey{connectionID: 2, role: "ceo"}
		c.get(ctx, key, t0, load)
		c.get(ctx, other, t0, load)
		c.invalidate(1)
		c.get(ctx, key, t0, load)
		c.get(ctx, other, t0, load)
		if loads.Load() != 3 {
			t.Fatalf("loads = %d, want 3 (connection 1 twice, connection 2 once)", loads.Load())
		}
	})

	t.Run("an error is returned, not kept", func(t *testing.T) {
		var c overviewCache
		boom := errors.New("store down")
		if _, err := c.get(ctx, key, t0, func(context.Context) (*overviewPage, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		p, err := c.get(ctx, key, t0, func(context.Context) (*overviewPage, error) { return &overviewPage{}, nil })
		if err != nil || p == nil {
			t.Fatalf("after a failure the next request gathers again: %v %v", p, err)
		}
	})

	t.Run("concurrent requests share one gathering", func(t *testing.T) {
		var c overviewCache
		var loads atomic.Int32
		release := make(chan struct{})
		load := func(context.Context) (*overviewPage, error) {
			loads.Add(1)
			<-release
			return &overviewPage{}, nil
		}
		var wg sync.WaitGroup
		pages := make([]*overviewPage, 20)
		for i := range pages {
			wg.Go(func() { pages[i], _ = c.get(ctx, key, t0, load) })
		}
		// Let the goroutines reach the cache before the gathering ends.
		for range 100 {
			c.mu.Lock()
			started := c.entries[key] != nil
			c.mu.Unlock()
			if started {
				break
			}
			time.Sleep(time.Millisecond)
		}
		close(release)
		wg.Wait()
		if loads.Load() != 1 {
			t.Fatalf("loads = %d, want 1", loads.Load())
		}
		for i, p := range pages {
			if p == nil || p != pages[0] {
				t.Fatalf("request %d got %p, want the shared page %p", i, p, pages[0])
			}
		}
	})

	t.Run("while gathering, a recent copy is served and an old one is not", func(t *testing.T) {
		var c overviewCache
		old, _ := c.get(ctx, key, t0, func(context.Context) (*overviewPage, error) { return &overviewPage{}, nil })
		for _, tt := range []struct {
			name    string
			age     time.Duration
			wantOld bool
		}{
			{"recent", overviewTTL + time.Second, true},
			{"old", overviewStaleMax + time.Second, false},
		} {
			c.invalidate(2) // another connection: keeps this entry
			c.mu.Lock()
			c.entries[key].at = t0
			c.mu.Unlock()
			now := t0.Add(tt.age)
			started, release := make(chan struct{}), make(chan struct{})
			fresh := &overviewPage{}
			go c.get(ctx, key, now, func(context.Context) (*overviewPage, error) { close(started); <-release; return fresh, nil })
			<-started
			got := make(chan *overviewPage, 1)
			go func() { p, _ := c.get(ctx, key, now, nil); got <- p }()
			if tt.wantOld {
				if p := <-got; p != old {
					t.Fatalf("%s copy: got another page than the copy", tt.name)
				}
				close(release)
			} else {
				select {
				case <-got:
					t.Fatalf("%s copy: served while it should wait for the gathering", tt.name)
				case <-time.After(50 * time.Millisecond):
				}
				close(release)
				if p := <-got; p != fresh {
					t.Fatalf("%s copy: the waiter did not get the new page", tt.name)
				}
			}
			// Let the gathering store its page before the next case.
			for {
				c.mu.Lock()
				busy := c.entries[key].busy
				c.mu.Unlock()
				if busy == nil {
					break
				}
				time.Sleep(time.Millisecond)
			}
			c.mu.Lock()
			old = c.entries[key].page
			c.mu.Unlock()
		}
	})

	t.Run("a waiter of a gathering invalidated meanwhile gathers again", func(t *testing.T) {
		var c overviewCache
		old, _ := c.get(ctx, key, t0, func(context.Context) (*overviewPage, error) { return &overviewPage{}, nil })
		now := t0.Add(time.Minute) // the copy is too old to serve while gathering
		started, release := make(chan struct{}), make(chan struct{})
		go c.get(ctx, key, now, func(context.Context) (*overviewPage, error) { close(started); <-release; return &overviewPage{}, nil })
		<-started
		mine := &overviewPage{}
		got := make(chan *overviewPage, 1)
		go func() {
			p, _ := c.get(ctx, key, now, func(context.Context) (*overviewPage, error) { return mine, nil })
			got <- p
		}()
		// Wait until the waiter is parked on the gathering, then change
		// something and let the gathering end.
		time.Sleep(20 * time.Millisecond)
		c.invalidate(1)
		close(release)
		if p := <-got; p == old {
			t.Fatal("the waiter was served the copy from before the change")
		}
	})

	t.Run("an invalidation during a gathering is not overwritten", func(t *testing.T) {
		var c overviewCache
		var loads atomic.Int32
		load := func(context.Context) (*overviewPage, error) {
			if loads.Add(1) == 1 {
				c.invalidate(1) // an alert was acknowledged while the first gathering ran
			}
			return &overviewPage{}, nil
		}
		c.get(ctx, key, t0, load)
		c.get(ctx, key, t0, load)
		if loads.Load() != 2 {
			t.Fatalf("loads = %d, want 2: the gathering that raced an invalidation must not be reused", loads.Load())
		}
	})
}

// BenchmarkOverviewCacheHit is the cost of serving a cached overview.
func BenchmarkOverviewCacheHit(b *testing.B) {
	var c overviewCache
	ctx := context.Background()
	now := time.Now()
	load := func(context.Context) (*overviewPage, error) { return &overviewPage{}, nil }
	c.get(ctx, figuresKey{1, "ceo"}, now, load)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.get(ctx, figuresKey{1, "ceo"}, now, load)
		}
	})
}

// BenchmarkOverviewPage is the whole cost of one signed-in overview request
// (session lookup, cached overview, rendering) on a connection with 50
// open alerts, eight jobs with runs and twenty synced models: the server
// side of the load target.
func BenchmarkOverviewPage(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, store.SQLite)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "ceo", Role: store.RoleCEO})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	tok := auth.NewToken()
	if err := s.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(tok), ConnectionID: conn.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	areas := []string{"finance", "sales", "operations", "customers", "expenses"}
	for i := range 50 {
		area := areas[i%len(areas)]
		if _, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: fmt.Sprintf("insight:bench:%d", i), Type: area,
			Priority: store.PriorityHigh, Title: fmt.Sprintf("Invoice INV/2026/%04d is 45 days overdue", i), Description: "Customer owes 12,400 EUR."}); err != nil {
			b.Fatal(err)
		}
	}
	for _, area := range areas {
		j, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: area, Schedule: "@hourly", AnalyzerType: "analysis." + area, Enabled: true})
		if err != nil {
			b.Fatal(err)
		}
		metrics := `{"finance.cash.position":{"value":1250000,"unit":"EUR","available":true},"sales.pipeline.weighted_revenue":{"value":830000,"unit":"EUR","available":true}}`
		if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{JobID: j.ID, ConnectionID: conn.ID, ScheduledAt: now.Add(-time.Minute), RunAt: now,
			Status: "ok", Metrics: []byte(metrics), Insights: []byte(`[]`)}); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := New(Config{Store: s, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/", nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// TestOverviewShowsOwnChangeAtOnce: resolving an alert drops the cached
// overview, so the next overview no longer counts it, well within the TTL.
func TestOverviewShowsOwnChangeAtOnce(t *testing.T) {
	t.Parallel()
	// A fixed clock: the second overview falls within the first one's TTL
	// however slowly the test runs.
	fixed := time.Now()
	f := newFixture(t, Config{NowFunc: func() time.Time { return fixed }})
	open := func() int {
		t.Helper()
		return decode[overviewJSON](t, f.do(t, store.RoleCFO, "GET", "/api/v1/overview", "")).OpenAlerts
	}
	before := open()
	if before == 0 {
		t.Fatal("the fixture has open alerts")
	}
	resp := f.do(t, store.RoleCFO, "POST", fmt.Sprintf("/api/v1/alerts/%d/resolve", f.alerts["finance"]), `{"note":"paid"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("resolve: %d %s", resp.StatusCode, body(t, resp))
	}
	resp.Body.Close()
	if after := open(); after != before-1 {
		t.Fatalf("open alerts %d after resolving one of %d: the overview served a copy from before the change", after, before)
	}
}
