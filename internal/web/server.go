package web

import (
	"cmp"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/mcpserver"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/search"
	"github.com/aicoo/aicoo/internal/settings"
	"github.com/aicoo/aicoo/internal/store"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// Check is one readiness condition, reported by /readyz.
type Check struct {
	Name string
	Func func(ctx context.Context) error
	// Degraded marks a check of something the process watches rather than
	// needs (the Odoo sync): its failure is named in /readyz with the
	// status "degraded", and the instance stays ready (200).
	Degraded bool
}

// Config configures a Server.
type Config struct {
	Store    *store.Store
	Logger   *slog.Logger
	Gatherer prometheus.Gatherer // served on /metrics
	// MetricsToken, when set, is the bearer token /metrics requires;
	// empty leaves /metrics open.
	MetricsToken string
	Checks       []Check // readiness conditions
	// Secure marks cookies Secure; set when the dashboard is served over HTTPS.
	Secure  bool
	Version string
	// OpsOnly serves only /healthz, /readyz and /metrics (aicoo worker).
	OpsOnly bool
	// StreamRecheck is how often an open event stream checks its session
	// or API token again. Defaults to StreamRecheckDefault.
	StreamRecheck time.Duration
	// SessionTTL is how long a sign-in lasts. Defaults to 12 hours.
	SessionTTL time.Duration
	NowFunc    func() time.Time

	// AlertActions acknowledges, resolves and snoozes alerts. Without it
	// alerts are read-only and those actions answer 501.
	AlertActions AlertActions
	// Jobs runs a monitoring job on demand. Without it "run now" answers 501.
	Jobs JobRunner
	// Odoo tests a connection from the settings page. Without it the test
	// answers 501.
	Odoo ConnectionTester
	// Broker carries live alert events to open dashboards. Defaults to a
	// new broker; pass one to publish from elsewhere (notifications).
	Broker *Broker
	// CashPlan serves the 13-week cash forecast and its scenarios
	// (*cashplan.Service). Without it the forecast pages answer 501.
	CashPlan CashPlanner
	// Inbox pushes users' in-app notifications to their open pages as the
	// notification worker delivers them (*notify.Broker). Without it the
	// inbox still lists them, on the next page load.
	Inbox InboxFeed
	// Briefings renders briefings (*briefing.Generator). Without it the
	// Briefings page shows their Markdown as text.
	Briefings BriefingRenderer
	// BriefingAt is the local time of day briefings are written, shown
	// when today's is not written yet. Defaults to BriefingAtDefault; set
	// it to the briefing generator's configured time.
	BriefingAt time.Duration
	// Rules enables, disables and tests alert rules (*alerts.Engine).
	// Without it rules are read-only and those actions answer 501.
	Rules RuleEngine
	// Actions decides on, rolls back and sets the policy of autonomous
	// actions (*actions.Service). Without it actions are read-only and
	// those changes answer 501.
	Actions ActionService
	// Channels lists the notification channels and sends test messages
	// from the settings page. Without it the channel list and the test
	// answer 501.
	Channels ChannelTester
	// ChannelKinds are the notification channel kinds: the rules editor,
	// the escalation page and My notifications offer them, and pages name
	// them by their labels. Defaults to the built-in kinds
	// (notify.Unconfigured); pass the registry the process delivers with.
	ChannelKinds *notify.Registry
	// Catalogue names the areas, metrics and insight kinds the pages show;
	// its areas are the unit of visibility, and the permission table is
	// built over it (access.New). Defaults to the analyzers' (package
	// areas).
	Catalogue *analysis.Catalogue
	// ActionKinds are the action types the actions pages, the policy form
	// and the labels know. Defaults to the built-in ones; pass the Actions
	// service's.
	ActionKinds *actions.Kinds
	// Impact reports how often executed autonomous actions improved what
	// they addressed, shown on the Analytics page. Without it that section
	// is left out and its API answers 501.
	Impact ImpactReporter
	// Records, if set, shares the analyses' decoded records: the entries
	// behind an aging figure are read from it instead of decoding the
	// journal items on each request.
	Records *analysis.RecordCache
	// Thresholds reads, previews and changes analyzer thresholds. Defaults
	// to a settings.Service over Store (pass one sharing the job engine's
	// record cache to make previews cheaper).
	Thresholds *settings.Service
	// Search answers the search box, /search and /api/v1/search.
	// Defaults to a search.Service over Store (pass the one the chat tools
	// share, so the index is built once).
	Search Searcher
	// Ask answers free-form questions on /ask and POST /api/v1/ask
	// (*chat.Service). Without it, or without a model, the page says how
	// to configure one and the API answers 501.
	Ask Asker
	// HashPasswordFunc hashes a password an administrator sets from the
	// dashboard, refusing one that breaks the rules. Defaults to
	// auth.HashPassword; tests pass a cheaper hash with the same rules.
	HashPasswordFunc func(password string) (string, error)

	// SetupToken is the one-time secret first-run setup asks for, so that
	// only whoever reads the server's log (or configuration) can create the
	// first administrator. Empty generates a random one; AnnounceSetup logs
	// it.
	SetupToken string

	// LoginWindow is how long failed sign-ins are remembered. Defaults to
	// LoginWindowDefault.
	LoginWindow time.Duration
	// LoginFreePerPair is the failed sign-ins a (username, client address)
	// pair may make before each further failure makes it wait: 1 s, then
	// twice as long each time up to LoginBackoffMax. Defaults to
	// LoginFreePerPairDefault.
	LoginFreePerPair int
	// LoginFreePerClient is the same for a client address across
	// usernames (password spraying). Defaults to LoginFreePerClientDefault.
	LoginFreePerClient int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (see clientAddr); none by default.
	TrustedProxies []netip.Prefix
	// LoginBackoffMax caps the wait. Defaults to LoginBackoffMaxDefault.
	LoginBackoffMax time.Duration

	// MCP serves aicoo's tools to MCP clients as streamable HTTP at /mcp,
	// for callers with an API token. Without it /mcp is not served.
	MCP *mcpserver.Config
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg Config
	*vocab
	pages map[string]*template.Template
	// overviewLayout is the layout around the cached overview.
	overviewLayout *template.Template
	// zoned renders pages for users outside UTC.
	zoned *zonedPages
	// done is closed by CloseStreams to end open event streams.
	done      chan struct{}
	closeOnce sync.Once
	figures   figuresCache
	overview  overviewCache
	since     sinceCache
	// setupConfigured is set when Config.SetupToken came from the
	// configuration rather than being generated.
	setupConfigured bool
	// checkPassword is auth.CheckPassword (tests count its calls).
	checkPassword func(hash, password string) error
	// dummy is dummyHash's hash, made once.
	dummyOnce sync.Once
	dummy     string
	dummyErr  error
}

// New parses the templates and returns a server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("web: a store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	if cfg.Broker == nil {
		cfg.Broker = NewBroker()
	}
	if cfg.Catalogue == nil {
		cfg.Catalogue = areas.Catalogue()
	}
	if cfg.ActionKinds == nil {
		cfg.ActionKinds = actions.Builtin()
	}
	v := newVocab(cfg.Catalogue, cfg.ActionKinds)
	if cfg.Search == nil {
		cfg.Search = search.New(search.Config{Store: cfg.Store, Access: v.grants, Catalogue: v.cat, Kinds: cfg.ActionKinds, Logger: cfg.Logger})
	}
	if cfg.ChannelKinds == nil {
		cfg.ChannelKinds = notify.Unconfigured()
	}
	if cfg.HashPasswordFunc == nil {
		cfg.HashPasswordFunc = auth.HashPassword
	}
	setupConfigured := cfg.SetupToken != ""
	if !setupConfigured {
		cfg.SetupToken = auth.NewToken()
	}
	cfg.StreamRecheck = cmp.Or(cfg.StreamRecheck, StreamRecheckDefault)
	cfg.LoginWindow = cmp.Or(cfg.LoginWindow, LoginWindowDefault)
	cfg.LoginFreePerPair = cmp.Or(cfg.LoginFreePerPair, LoginFreePerPairDefault)
	cfg.LoginFreePerClient = cmp.Or(cfg.LoginFreePerClient, LoginFreePerClientDefault)
	cfg.LoginBackoffMax = cmp.Or(cfg.LoginBackoffMax, LoginBackoffMaxDefault)
	// Functions that read the server's own registries are bound here.
	own := template.FuncMap{"channel": channelLabel(cfg.ChannelKinds),
		"can":         func(u *store.User, p string) bool { return u != nil && v.can(u.Role, perm(p)) },
		"sees":        func(u *store.User, area string) bool { return u != nil && v.canSeeArea(u.Role, area) },
		"metricLabel": v.metricLabel, "areaLabel": v.areaLabel, "expression": v.expressionLabel, "prose": v.prose,
	}
	pristine, err := parsePages(own)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(own)
	if err != nil {
		return nil, err
	}
	overviewLayout, err := parseOverviewLayout(own)
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, vocab: v, pages: pages, overviewLayout: overviewLayout, zoned: &zonedPages{pristine: pristine}, done: make(chan struct{}), checkPassword: auth.CheckPassword, setupConfigured: setupConfigured}, nil
}

// CloseStreams ends every open event stream, so a graceful shutdown does
// not wait for them (register it with http.Server.RegisterOnShutdown).
func (s *Server) CloseStreams() {
	s.closeOnce.Do(func() { close(s.done) })
}

// Handler returns the complete HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.cfg.Gatherer != nil {
		mux.Handle("GET /metrics", s.metricsAuth(promhttp.HandlerFor(s.cfg.Gatherer, promhttp.HandlerOpts{})))
	}
	if s.cfg.OpsOnly {
		return s.recoverPanics(s.checkInput(mux))
	}
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", noListing(http.FileServerFS(static))))

	mux.HandleFunc("GET /login", s.showLogin)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /setup", s.showSetup)
	mux.HandleFunc("POST /setup", s.setup)
	mux.HandleFunc("GET /api/openapi.json", s.openAPI)
	s.mountMCP(mux)
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.guard(rt))
	}
	// Unknown API paths answer in the API's error shape.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.apiError(w, r, http.StatusNotFound, codeNotFound, "No API endpoint "+r.Method+" "+r.URL.Path+"; see /api/openapi.json.")
	})

	// Browsers send Sec-Fetch-Site/Origin; cross-site state changes are refused.
	csrf := http.NewCrossOriginProtection()
	return s.recoverPanics(securityHeaders(s.cfg.Secure, s.checkInput(csrf.Handler(mux))))
}

// noListing answers 404 for a folder of the embedded assets instead of
// listing its files.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metricsAuth asks for Config.MetricsToken, when set, as a bearer token.
func (s *Server) metricsAuth(next http.Handler) http.Handler {
	if s.cfg.MetricsToken == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.MetricsToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="aicoo metrics"`)
			http.Error(w, "send server.metrics_token as \"Authorization: Bearer <token>\"", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every page carries; secure (the
// dashboard's public URL is https) adds HSTS, so browsers never try plain
// HTTP for it again.
func securityHeaders(secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.ErrorContext(r.Context(), "web: panic", "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// serverError logs err and answers 500 without leaking its text.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(r, err) {
		return
	}
	s.cfg.Logger.ErrorContext(r.Context(), "web: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	http.Error(w, "internal error: see the server log", http.StatusInternalServerError)
}

// clientGone reports, and logs at debug level, a request that failed only
// because its client went away (closed the tab, a load generator stopped):
// not a server error, and nobody is left to answer.
func (s *Server) clientGone(r *http.Request, err error) bool {
	if r.Context().Err() == nil || !errors.Is(err, context.Canceled) {
		return false
	}
	s.cfg.Logger.DebugContext(r.Context(), "web: client went away", "method", r.Method, "path", r.URL.Path)
	return true
}
