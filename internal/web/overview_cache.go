package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
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

// overviewStaleMax is the oldest copy served while a new one is gathered;
// an older one (the first request of the morning, or while gatherings
// fail) waits for the gathering instead.
const overviewStaleMax = 5 * overviewTTL

// overviewCache holds the latest gathered overview per connection and role
// (what the overview shows depends on nothing else). One request gathers
// a missing or expired entry while the others wait for it, or, when an
// older copy exists, are served that copy meanwhile: under load the store
// sees one gathering per key and TTL, not one per request.
type overviewCache struct {
	mu      sync.Mutex
	entries map[figuresKey]*overviewEntry
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
		c.entries = map[figuresKey]*overviewEntry{}
	}
	e := c.entries[key]
	if e != nil && e.page != nil && fresh(e.at, now, overviewTTL) {
		page := e.page
		c.mu.Unlock()
		return page, nil
	}
	if e != nil && e.busy != nil {
		// Someone is gathering: serve the older copy if it is recent,
		// else wait for theirs.
		if e.page != nil && fresh(e.at, now, overviewStaleMax) {
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
	c.mu.Unlock()

	page, err := load(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(busy)
	e.busy = nil
	if c.entries[key] != e {
		// Invalidated meanwhile: keep nothing, and let the waiters gather
		// again rather than see a copy from before the change. The result
		// still answers this request, which came before it.
		e.page, e.err = nil, nil
		return page, err
	}
	if err != nil {
		e.err = err
		return nil, err
	}
	e.page, e.at = page, now
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
}

// fresh reports whether something made at "at" is younger than ttl at now
// (a clock that went back counts as stale).
func fresh(at, now time.Time, ttl time.Duration) bool {
	age := now.Sub(at)
	return age >= 0 && age < ttl
}

// overviewContent is a gathered overview with its main content already
// rendered: the content depends only on the page, so it is rendered once
// per gathering. The whole page, layout included, depends besides only on
// the signed-in user's name and role, so it is kept per user too: a
// request for a recent overview is then the session lookup and one write.
// Rendering was three quarters of a request's cost, and allocating a fresh
// 30 KB page per request kept the garbage collector busy under load.
type overviewContent struct {
	Title   string
	Content template.HTML

	mu     sync.Mutex
	byUser map[pageUser][]byte
}

// pageUser is what the layout shows of the signed-in user.
type pageUser struct {
	id             int64
	username, role string
}

// parseOverviewLayout parses the layout with a content block that inserts
// the pre-rendered overview; own are the functions bound to the server.
func parseOverviewLayout(own template.FuncMap) (*template.Template, error) {
	t, err := template.New("layout.html").Funcs(funcs).Funcs(own).ParseFS(templatesFS, "templates/layout.html", "templates/overview_page.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse template overview_page: %w", err)
	}
	return t, nil
}

// gatherOverview loads the overview and renders its content.
func (s *Server) gatherOverview(ctx context.Context, u *store.User) (*overviewPage, error) {
	page, err := s.loadOverview(ctx, u)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.pages["overview"].ExecuteTemplate(&buf, "content", map[string]any{"Page": page, "User": &store.User{Role: u.Role}}); err != nil {
		return nil, fmt.Errorf("render overview: %w", err)
	}
	page.rendered = &overviewContent{Title: "Overview", Content: template.HTML(buf.String()), byUser: map[pageUser][]byte{}}
	return page, nil
}

// html returns the whole page for u, rendering it on first use.
func (c *overviewContent) html(layout *template.Template, u *store.User, version string) ([]byte, error) {
	key := pageUser{u.ID, u.Username, u.Role}
	c.mu.Lock()
	out, ok := c.byUser[key]
	c.mu.Unlock()
	if ok {
		return out, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(c.Content) + 4096)
	if err := layout.Execute(&buf, map[string]any{"Page": c, "User": u, "Version": version}); err != nil {
		return nil, fmt.Errorf("render overview: %w", err)
	}
	out = buf.Bytes()
	c.mu.Lock()
	c.byUser[key] = out
	c.mu.Unlock()
	return out, nil
}

// showOverview is the signed-in home page.
func (s *Server) showOverview(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	page, err := s.overviewFor(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out, err := page.rendered.html(s.overviewLayout, u, s.cfg.Version)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	since, err := s.sinceSection(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out = withSince(out, since)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	w.Write(out)
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
