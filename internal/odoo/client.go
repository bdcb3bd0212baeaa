package odoo

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// Client is a connection to one Odoo database. It is safe for concurrent
// use. Create it with New and call Connect before any other method.
type Client struct {
	cfg     Config
	log     *slog.Logger
	http    *httpDoer
	sem     chan struct{}
	limiter *tokenBucket
	breaker *breaker
	jitter  *jitter

	mu   sync.RWMutex
	tr   transport
	sess *session
	info *ServerInfo
	// fields caches the field names of models read with optional fields.
	fields map[string]map[string]bool
}

// ServerInfo describes the server and the session found by Connect.
type ServerInfo struct {
	// Version is the server version.
	Version Version
	// Protocol is the transport chosen.
	Protocol Protocol
	// Database is the database connected to.
	Database string
	// UID is the id of the authenticated user.
	UID int64
	// Modules lists the installed modules (ir.module.module with
	// state=installed), sorted. It is nil when ModulesKnown is false.
	Modules []string
	// ModulesKnown is false when the user may not read ir.module.module.
	ModulesKnown bool
	// Companies are the companies the user can read.
	Companies []Company
}

// HasModule reports whether module is installed. It returns true when the
// module list could not be read, so that callers then learn from the call.
func (s *ServerInfo) HasModule(module string) bool {
	if !s.ModulesKnown {
		return true
	}
	_, found := slices.BinarySearch(s.Modules, module)
	return found
}

// New returns a Client for cfg. It checks the configuration but does not
// contact the server; call Connect next.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		log:     cfg.Logger,
		http:    &httpDoer{client: cfg.HTTPClient, base: cfg.URL, userAgent: cfg.UserAgent, clock: cfg.Clock},
		sem:     make(chan struct{}, cfg.MaxConcurrency),
		limiter: newTokenBucket(cfg.Clock, cfg.RateLimit, cfg.RateBurst),
		breaker: newBreaker(cfg.Clock, cfg.Breaker),
		jitter:  &jitter{rand: cfg.Rand},
	}
	return c, nil
}

// Connect detects the server version, picks the protocol (JSON-2 on 19+
// with an API key when Protocol is auto, JSON-RPC otherwise),
// authenticates, and reads the installed modules and the companies.
func (c *Client) Connect(ctx context.Context) (ServerInfo, error) {
	ver, err := c.detectVersion(ctx, c.cfg.Protocol)
	if err != nil {
		return ServerInfo{}, err
	}
	proto, err := c.chooseProtocol(ctx, ver)
	if err != nil {
		return ServerInfo{}, err
	}
	var tr transport
	switch proto {
	case ProtocolJSON2:
		tr = &json2Transport{h: c.http}
	case ProtocolXMLRPC:
		tr = &xmlrpcTransport{h: c.http}
	default:
		tr = &jsonrpcTransport{h: c.http}
	}
	sess := &session{db: c.cfg.Database, login: c.cfg.Username, secret: c.cfg.secret()}
	uidAny, err := c.do(ctx, "authenticate", "", func(ctx context.Context) (any, error) {
		return tr.authenticate(ctx, sess)
	})
	if err != nil {
		e := asError(err)
		e.Op = "authenticate"
		return ServerInfo{}, err
	}
	sess.uid = uidAny.(int64)

	info := &ServerInfo{Version: ver, Protocol: proto, Database: c.cfg.Database, UID: sess.uid}
	c.mu.Lock()
	prevTr, prevSess, prevInfo := c.tr, c.sess, c.info
	c.tr, c.sess, c.info, c.fields = tr, sess, info, nil
	c.mu.Unlock()
	ok := false
	defer func() {
		if !ok {
			// Keep the previous connection, if any, when this one fails
			// half-way.
			c.mu.Lock()
			c.tr, c.sess, c.info, c.fields = prevTr, prevSess, prevInfo, nil
			c.mu.Unlock()
		}
	}()

	modules, err := c.installedModules(ctx)
	switch {
	case err == nil:
		info.Modules, info.ModulesKnown = modules, true
	case errors.Is(err, ErrAccessRights):
		c.log.WarnContext(ctx, "odoo: cannot read installed modules; module checks are off", "error", err)
	default:
		return ServerInfo{}, err
	}
	companies, err := Collect(c.Companies(ctx, ListOpts{}))
	if err != nil {
		return ServerInfo{}, err
	}
	info.Companies = companies

	c.mu.Lock()
	c.info = info
	c.mu.Unlock()
	ok = true
	c.log.InfoContext(ctx, "odoo: connected", "url", c.cfg.URL, "database", c.cfg.Database,
		"version", ver.String(), "protocol", string(proto), "uid", sess.uid, "modules", len(modules))
	return c.infoCopy(), nil
}

// chooseProtocol resolves ProtocolAuto and checks a forced protocol against
// the server version.
func (c *Client) chooseProtocol(ctx context.Context, ver Version) (Protocol, error) {
	switch c.cfg.Protocol {
	case ProtocolJSON2:
		if !ver.HasJSON2() {
			return "", &Error{Kind: ErrInvalidArgument, Op: "connect", Message: "Odoo " + ver.String() + " has no JSON-2 API (it needs 19 or saas 18.4+); use Protocol auto, jsonrpc or xmlrpc"}
		}
		return ProtocolJSON2, nil
	case ProtocolJSONRPC, ProtocolXMLRPC:
		if ver.HasJSON2() {
			c.log.WarnContext(ctx, "odoo: legacy RPC is deprecated on this server; prefer JSON-2", "version", ver.String(), "protocol", string(c.cfg.Protocol))
		}
		return c.cfg.Protocol, nil
	}
	if ver.HasJSON2() {
		if c.cfg.APIKey != "" {
			return ProtocolJSON2, nil
		}
		c.log.WarnContext(ctx, "odoo: no API key, so using deprecated JSON-RPC; JSON-2 needs an API key", "version", ver.String())
	}
	return ProtocolJSONRPC, nil
}

// installedModules reads the names of the installed modules.
func (c *Client) installedModules(ctx context.Context) ([]string, error) {
	recs, err := c.SearchRead(ctx, "ir.module.module", domain.Cond("state", domain.OpEq, "installed"), SearchReadOpts{Fields: []string{"name"}, Order: "name asc"})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(recs))
	for _, r := range recs {
		name, err := r.String("name")
		if err != nil {
			return nil, decodeError("search_read", "ir.module.module", "%w", err)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// Info returns what Connect found. The second result is false before a
// successful Connect.
func (c *Client) Info() (ServerInfo, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.info == nil {
		return ServerInfo{}, false
	}
	return c.infoCopyLocked(), true
}

func (c *Client) infoCopy() ServerInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.infoCopyLocked()
}

func (c *Client) infoCopyLocked() ServerInfo {
	s := *c.info
	s.Modules = slices.Clone(s.Modules)
	s.Companies = slices.Clone(s.Companies)
	return s
}

// connected returns the transport, session and server info, or
// ErrNotConnected.
func (c *Client) connected(op, model string) (transport, *session, *ServerInfo, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.tr == nil {
		return nil, nil, nil, &Error{Kind: ErrNotConnected, Op: op, Model: model}
	}
	return c.tr, c.sess, c.info, nil
}

// execute sends one model method call through the retry, breaker,
// concurrency and rate limits.
func (c *Client) execute(ctx context.Context, r *request) (any, error) {
	tr, sess, _, err := c.connected(r.method, r.model)
	if err != nil {
		return nil, err
	}
	r.context = c.mergeContext(r.context)
	v, err := c.do(ctx, r.method, r.model, func(ctx context.Context) (any, error) {
		return tr.execute(ctx, sess, r)
	})
	if err != nil {
		return nil, withCall(err, r.method, r.model)
	}
	return v, nil
}

// mergeContext returns Config.Context overlaid with the call's context.
func (c *Client) mergeContext(call map[string]any) map[string]any {
	if len(c.cfg.Context) == 0 {
		return call
	}
	out := maps.Clone(c.cfg.Context)
	maps.Copy(out, call)
	return out
}

// readMethods are the methods that change nothing, so a retry after an
// ambiguous failure is safe. Every other method is treated as a write.
var readMethods = map[string]bool{
	"version": true, "authenticate": true, "login": true, "context_get": true,
	"search": true, "search_read": true, "search_count": true, "search_fetch": true,
	"read": true, "read_group": true, "formatted_read_group": true, "web_read_group": true,
	"web_search_read": true, "web_read": true, "fields_get": true, "name_search": true,
	"name_get": true, "default_get": true, "check_access_rights": true,
	"has_access": true, "check_access": true, "get_views": true,
}

// isReadMethod reports whether method is known to change nothing.
func isReadMethod(method string) bool { return readMethods[method] }

// do runs attempt with the resilience policy:
//   - the circuit breaker fails fast with ErrCircuitOpen when open;
//   - the concurrency semaphore and the token bucket pace the attempts;
//   - each attempt gets Config.Timeout;
//   - transient failures are retried with full-jitter exponential backoff,
//     honouring Retry-After, but only when safe: read methods always, other
//     methods only when the request certainly did not reach the server or
//     was refused with 429;
//   - a write whose outcome is unknown fails with ErrOutcomeUnknown.
func (c *Client) do(ctx context.Context, op, model string, attempt func(context.Context) (any, error)) (any, error) {
	read := isReadMethod(op)
	policy := c.cfg.Retry
	for n := 1; ; n++ {
		if !c.breaker.allow() {
			return nil, &Error{Kind: ErrCircuitOpen, Op: op, Model: model}
		}
		v, err := c.attempt(ctx, attempt)
		if err == nil {
			c.breaker.record(false)
			return v, nil
		}
		e := asError(err)
		if e.Op == "" {
			e.Op, e.Model = op, model
		}
		if ctx.Err() != nil {
			c.breaker.abandon()
			// The caller gave up: do not retry, but say so.
			if !read && !e.notSent {
				return nil, &Error{Kind: ErrOutcomeUnknown, Op: op, Model: model, Protocol: e.Protocol, Err: ctx.Err()}
			}
			return nil, &Error{Kind: e.Kind, Op: op, Model: model, Protocol: e.Protocol, Err: ctx.Err()}
		}
		// Any answer from the server proves it is up; only transient
		// failures count towards opening the breaker.
		c.breaker.record(e.transient)
		if !e.transient {
			if !read && errors.Is(e.Kind, ErrServerFault) && e.Status >= 500 && e.Name == "" {
				// A bare HTTP 5xx (no Odoo error body) does not say
				// whether the transaction was committed.
				return nil, &Error{Kind: ErrOutcomeUnknown, Op: op, Model: model, Protocol: e.Protocol, Status: e.Status, Message: e.Message, Err: e.cause()}
			}
			return nil, e
		}
		safe := read || e.notSent || e.Status == 429
		if !safe {
			return nil, &Error{Kind: ErrOutcomeUnknown, Op: op, Model: model, Protocol: e.Protocol, Status: e.Status, Message: e.Message, Err: e.cause()}
		}
		if n >= policy.MaxAttempts {
			return nil, e
		}
		delay := c.jitter.backoff(policy, n)
		if e.RetryAfter > 0 {
			if e.RetryAfter > policy.MaxRetryAfter {
				e.Message = "server asked to wait " + e.RetryAfter.String() + ", more than Retry.MaxRetryAfter"
				return nil, e
			}
			delay = max(delay, e.RetryAfter)
		}
		if dl, ok := ctx.Deadline(); ok && c.cfg.Clock.Now().Add(delay).After(dl) {
			return nil, e
		}
		c.log.InfoContext(ctx, "odoo: retrying after transient failure", "op", op, "model", model,
			"attempt", n, "delay", delay, "error", e.Error())
		if err := c.cfg.Clock.Sleep(ctx, delay); err != nil {
			return nil, &Error{Kind: e.Kind, Op: op, Model: model, Protocol: e.Protocol, Err: err}
		}
	}
}

// attempt runs one attempt under the semaphore, the rate limit and the
// per-attempt timeout.
func (c *Client) attempt(ctx context.Context, attempt func(context.Context) (any, error)) (any, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, &Error{Kind: ErrTimeout, Err: ctx.Err(), notSent: true}
	}
	defer func() { <-c.sem }()
	if err := c.limiter.wait(ctx); err != nil {
		return nil, &Error{Kind: ErrTimeout, Err: err, notSent: true}
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	start := c.cfg.Clock.Now()
	v, err := attempt(actx)
	c.log.DebugContext(ctx, "odoo: call", "duration", c.cfg.Clock.Now().Sub(start).Round(time.Millisecond), "error", err)
	return v, err
}
