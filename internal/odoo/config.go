package odoo

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Protocol names a wire protocol of Odoo's external API.
type Protocol string

// The protocols. ProtocolAuto picks JSON-2 on Odoo 19 and later (and saas
// 18.4 and later) when an API key is configured, and JSON-RPC otherwise.
const (
	ProtocolAuto    Protocol = "auto"
	ProtocolJSON2   Protocol = "json2"
	ProtocolJSONRPC Protocol = "jsonrpc"
	ProtocolXMLRPC  Protocol = "xmlrpc"
)

// Defaults for Config fields left at their zero value.
const (
	TimeoutDefault          = 60 * time.Second
	MaxConcurrencyDefault   = 4
	MaxAttemptsDefault      = 4
	BaseDelayDefault        = 500 * time.Millisecond
	MaxDelayDefault         = 30 * time.Second
	MaxRetryAfterDefault    = 2 * time.Minute
	BreakerThresholdDefault = 5
	BreakerCooldownDefault  = 30 * time.Second
	UserAgentDefault        = "aicoo-odoo-client/1"
)

// RetryPolicy says how transient failures are retried. Only calls that are
// safe to repeat are retried: reads, and any call whose request certainly did
// not reach the server or was refused with HTTP 429.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included.
	// Defaults to MaxAttemptsDefault; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles on each
	// attempt, and the actual delay is uniform in [0, backoff) (full
	// jitter). Defaults to BaseDelayDefault.
	BaseDelay time.Duration
	// MaxDelay caps the backoff. Defaults to MaxDelayDefault.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one ends the call with ErrUnavailable. Defaults to
	// MaxRetryAfterDefault.
	MaxRetryAfter time.Duration
}

// BreakerConfig configures the circuit breaker of a Client.
type BreakerConfig struct {
	// Threshold is the number of consecutive transient failures that opens
	// the breaker. Defaults to BreakerThresholdDefault; -1 disables it.
	Threshold int
	// Cooldown is how long the breaker stays open before it lets one probe
	// call through. Defaults to BreakerCooldownDefault.
	Cooldown time.Duration
}

// Config configures a Client. URL and Database are required, and so is
// Username with APIKey or Password (JSON-2 needs an APIKey).
type Config struct {
	// URL is the base URL of the Odoo server, for example
	// "https://erp.example.com".
	URL string
	// Database is the Odoo database name. It is sent as X-Odoo-Database
	// over JSON-2.
	Database string
	// Username is the login of the Odoo user (not needed by JSON-2).
	Username string
	// APIKey is the user's API key. Preferred over Password.
	APIKey string
	// Password is the user's password, for servers where no API key can be
	// used. Not accepted by JSON-2.
	Password string
	// Protocol selects the wire protocol. Defaults to ProtocolAuto.
	Protocol Protocol
	// Timeout bounds each attempt of each call. Defaults to TimeoutDefault.
	Timeout time.Duration
	// MaxConcurrency caps the calls in flight on this client. Defaults to
	// MaxConcurrencyDefault.
	MaxConcurrency int
	// RateLimit is the sustained number of calls per second; 0 means no
	// limit.
	RateLimit float64
	// RateBurst is the number of calls allowed at once above RateLimit.
	// Defaults to ceil(RateLimit), at least 1.
	RateBurst int
	// Retry is the retry policy for transient failures.
	Retry RetryPolicy
	// Breaker configures the circuit breaker.
	Breaker BreakerConfig
	// Context is merged into the context of every call (for example
	// {"lang": "en_US", "tz": "Europe/Brussels"}); per-call context wins.
	Context map[string]any
	// UserAgent is sent with every request. Defaults to UserAgentDefault.
	UserAgent string
	// Logger receives call and retry logs; secrets are never logged.
	// Defaults to a Warn-level text logger on stderr.
	Logger *slog.Logger
	// HTTPClient sends the requests. Defaults to a client without a global
	// timeout (Timeout applies per attempt).
	HTTPClient *http.Client
	// Clock gives the time and sleeps between retries. Defaults to the
	// real clock; tests inject a fake one.
	Clock Clock
	// Rand draws the retry jitter. Defaults to a randomly seeded source;
	// tests pass a seeded one. It is only used under the client's lock.
	Rand *rand.Rand
}

// withDefaults returns a copy of cfg with the defaults filled in.
func (cfg Config) withDefaults() Config {
	cfg.URL = strings.TrimRight(strings.TrimSpace(cfg.URL), "/")
	cfg.Protocol = cmp.Or(cfg.Protocol, ProtocolAuto)
	cfg.Timeout = cmp.Or(cfg.Timeout, TimeoutDefault)
	cfg.MaxConcurrency = cmp.Or(cfg.MaxConcurrency, MaxConcurrencyDefault)
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = max(1, int(math.Ceil(cfg.RateLimit)))
	}
	cfg.Retry.MaxAttempts = cmp.Or(cfg.Retry.MaxAttempts, MaxAttemptsDefault)
	cfg.Retry.BaseDelay = cmp.Or(cfg.Retry.BaseDelay, BaseDelayDefault)
	cfg.Retry.MaxDelay = cmp.Or(cfg.Retry.MaxDelay, MaxDelayDefault)
	cfg.Retry.MaxRetryAfter = cmp.Or(cfg.Retry.MaxRetryAfter, MaxRetryAfterDefault)
	cfg.Breaker.Threshold = cmp.Or(cfg.Breaker.Threshold, BreakerThresholdDefault)
	cfg.Breaker.Cooldown = cmp.Or(cfg.Breaker.Cooldown, BreakerCooldownDefault)
	cfg.UserAgent = cmp.Or(cfg.UserAgent, UserAgentDefault)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return cfg
}

// validate checks a Config that has its defaults.
func (cfg Config) validate() error {
	var errs []error
	if cfg.URL == "" {
		errs = append(errs, errors.New("URL is required"))
	} else if u, err := url.Parse(cfg.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("URL %q must be an http or https URL", cfg.URL))
	}
	if cfg.Database == "" {
		errs = append(errs, errors.New("Database is required"))
	}
	if cfg.APIKey == "" && cfg.Password == "" {
		errs = append(errs, errors.New("APIKey or Password is required"))
	}
	switch cfg.Protocol {
	case ProtocolAuto, ProtocolJSONRPC, ProtocolXMLRPC:
		if cfg.Username == "" {
			errs = append(errs, errors.New("Username is required"))
		}
	case ProtocolJSON2:
		if cfg.APIKey == "" {
			errs = append(errs, errors.New("JSON-2 needs an APIKey (it does not accept passwords)"))
		}
	default:
		errs = append(errs, fmt.Errorf("Protocol %q must be one of auto, json2, jsonrpc, xmlrpc", cfg.Protocol))
	}
	if cfg.Timeout < 0 || cfg.MaxConcurrency < 0 || cfg.RateLimit < 0 || cfg.Retry.MaxAttempts < 0 {
		errs = append(errs, errors.New("Timeout, MaxConcurrency, RateLimit and Retry.MaxAttempts must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("odoo: invalid config: %w", err)
	}
	return nil
}

// secret returns the credential sent in the password slot of legacy calls
// and as the bearer token of JSON-2.
func (cfg Config) secret() string { return cmp.Or(cfg.APIKey, cfg.Password) }
