package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// overviewTTL is how long a gathered overview is served before it is
// gathered again. The overview is everyone's home page and is reloaded
// often; gathering it takes five queries and a template's worth of data,
// while what it shows changes at most every few seconds (alerts) or
// minutes (analyses). Changes made through this server (acknowledging an
// alert, deciding an action) drop the connection's entries at once, so a
// person never sees their own change missing; changes made by another
// process (a worker raising an alert) show within overviewTTL.
const overviewTTL = 2 * time.Second

// overviewCache holds the latest gathered overview per connection and role
// (what the overview shows depends on nothing else). One request gathers
// a missing or expired entry while the others wait for it, or, when an
// older copy exists, are served that copy meanwhile: under load the store
// sees one gathering per key and TTL, not one per request.
type overviewCache struct {
	mu      sync.Mutex
	entries map[figuresKey]*overviewEntry
	// gen counts invalidations per connection; a gathering that started
	// before an invalidation is not stored.
	gen map[int64]uint64
}

type overviewEntry struct {
	at   time.Time     // when page was gathered
	page *overviewPage // nil until the first gathering ends
	busy chan struct{} // non-nil while a gathering runs; closed when it ends
	err  error         // the failed gathering's error, for its waiters
}

// get returns the overview of key, gathering it with load when it is
// missing or older than overviewTTL.
func (c *overviewCache) get(ctx context.Context, key figuresKey, now time.Time, load func(context.Context) (*overviewPage, error)) (*overviewPage, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries, c.gen = map[figuresKey]*overviewEntry{}, map[int64]uint64{}
	}
	e := c.entries[key]
	if e != nil && e.page != nil && fresh(e.at, now, overviewTTL) {
		page := e.page
		c.mu.Unlock()
		return page, nil
	}
	if e != nil && e.busy != nil {
		// Someone is gathering: serve the older copy if there is one,
		// else wait for theirs.
		if e.page != nil {
			page := e.page
			c.mu.Unlock()
			return page, nil
		}
		busy := e.busy
		c.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		c.mu.Lock()
		page, err := e.page, e.err
		c.mu.Unlock()
		if page == nil && err == nil {
			// The gathering was invalidated before it ended; gather here.
			return load(ctx)
		}
		return page, err
	}
	if e == nil {
		e = &overviewEntry{}
		c.entries[key] = e
	}
	busy := make(chan struct{})
	e.busy, e.err = busy, nil
	gen := c.gen[key.connectionID]
	c.mu.Unlock()

	page, err := load(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(busy)
	if c.entries[key] != e {
		return page, err // invalidated meanwhile; the result is still right for this request
	}
	e.busy = nil
	if err != nil {
		e.err = err
		return nil, err
	}
	if c.gen[key.connectionID] == gen {
		e.page, e.at = page, now
	}
	return page, nil
}

// invalidate drops the connection's overviews, so the next request gathers
// them again.
func (c *overviewCache) invalidate(connectionID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.connectionID == connectionID {
			delete(c.entries, k)
		}
	}
	if c.gen != nil {
		c.gen[connectionID]++
	}
}

// fresh reports whether something made at "at" is younger than ttl at now
// (a clock that went back counts as stale).
func fresh(at, now time.Time, ttl time.Duration) bool {
	age := now.Sub(at)
	return age >= 0 && age < ttl
}

// overviewContent is a gathered overview with its main content already
// rendered: the content depends only on the page, so it is rendered once
// per gathering, and each request only wraps it in the layout (which holds
// the signed-in user). Rendering the content was three quarters of the
// request's cost.
type overviewContent struct {
	Title   string
	Content template.HTML
}

// overviewLayout parses the layout with a content block that inserts the
// pre-rendered overview.
var overviewLayout = sync.OnceValues(func() (*template.Template, error) {
	t, err := template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html", "templates/overview_page.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse template overview_page: %w", err)
	}
	return t, nil
})

// gatherOverview loads the overview and renders its content.
func (s *Server) gatherOverview(ctx context.Context, u *store.User) (*overviewPage, error) {
	page, err := s.loadOverview(ctx, u)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.pages["overview"].ExecuteTemplate(&buf, "content", map[string]any{"Page": page}); err != nil {
		return nil, fmt.Errorf("render overview: %w", err)
	}
	page.rendered = &overviewContent{Title: page.Connection.Name, Content: template.HTML(buf.String())}
	return page, nil
}

// showOverview is the signed-in home page.
func (s *Server) showOverview(w http.ResponseWriter, r *http.Request) {
	page, err := s.overviewFor(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	layout, err := overviewLayout()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := layout.Execute(&buf, map[string]any{"Page": page.rendered, "User": userFrom(r.Context()), "Version": s.cfg.Version}); err != nil {
		s.serverError(w, r, fmt.Errorf("render overview: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	buf.WriteTo(w)
}

// overviewFor returns the overview u's role sees on u's connection, from
// the cache when it is recent.
func (s *Server) overviewFor(ctx context.Context, u *store.User) (*overviewPage, error) {
	key := figuresKey{connectionID: u.ConnectionID, role: u.Role}
	// The gathering is shared by every request waiting for it, so one
	// client going away does not fail the others.
	return s.overview.get(ctx, key, s.cfg.NowFunc(), func(ctx context.Context) (*overviewPage, error) {
		return s.gatherOverview(context.WithoutCancel(ctx), u)
	})
}
