// Package config loads aicoo's configuration: one TOML file plus AICOO_*
// environment variables, with defaults for everything, validated at start.
//
// Every key has an environment twin: the key "store.postgres_dsn" is
// AICOO_STORE_POSTGRES_DSN. Secret keys also accept a "_file" twin
// (AICOO_ODOO_API_KEY_FILE, or odoo.api_key_file in the file) naming a file
// that holds the value, so secrets never need to sit in the config file.
// Unknown keys, in the file or in the environment, are an error: a misspelled
// key would otherwise be silently ignored.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Config is aicoo's whole configuration. The zero value is not useful: use
// Default or Load.
type Config struct {
	Server   ServerConfig   `toml:"server"`
	Store    StoreConfig    `toml:"store"`
	Log      LogConfig      `toml:"log"`
	Jobs     JobsConfig     `toml:"jobs"`
	Odoo     OdooConfig     `toml:"odoo"`
	LLM      LLMConfig      `toml:"llm"`
	Briefing BriefingConfig `toml:"briefing"`
	Ask      AskConfig      `toml:"ask"`
	SMTP     SMTPConfig     `toml:"smtp"`
	Slack    SlackConfig    `toml:"slack"`
	Twilio   TwilioConfig   `toml:"twilio"`
	Webhook  WebhookConfig  `toml:"webhook"`
	Discuss  DiscussConfig  `toml:"discuss"`

	// set holds the keys the file or the environment gave a value, so a
	// caller can tell a chosen value from a default (IsSet).
	set map[string]bool
}

// IsSet reports whether key ("store.data_dir") was given a value by the
// configuration file or the environment, rather than left at its default.
func (c *Config) IsSet(key string) bool { return c.set[key] }

// LLMConfig selects the language model that writes narrative. With
// provider "none" every feature works on templates.
type LLMConfig struct {
	Provider      string   `toml:"provider" doc:"Language model provider: none, anthropic, or openai (any OpenAI-compatible endpoint, such as Ollama or vLLM)."`
	BaseURL       string   `toml:"base_url" doc:"Provider endpoint; for OpenAI-compatible servers the URL ending in /v1. Empty means the provider's public API."`
	APIKey        Secret   `toml:"api_key" doc:"API key of the provider (required for anthropic)." secret:"true"`
	ModelSummary  string   `toml:"model_summary" doc:"Model for short summaries such as the briefing's narrative. Empty means the provider's default (claude-haiku-4-5 for anthropic)."`
	ModelAnalysis string   `toml:"model_analysis" doc:"Model for analysis. Empty means the provider's default (claude-sonnet-4-5 for anthropic)."`
	Timeout       Duration `toml:"timeout" doc:"Longest one model call attempt may take."`
	MonthlyBudget float64  `toml:"monthly_budget" doc:"Most a connection may spend on the model per calendar month, in US dollars; past it features fall back to templates and an alert says so. 0 means no cap."`
}

// AskConfig bounds the chat (package chat): what one question may use
// before aicoo stops and says so.
type AskConfig struct {
	MaxToolCalls int      `toml:"max_tool_calls" doc:"Most tool calls the model may make for one question (1 to 50)."`
	MaxTokens    int      `toml:"max_tokens" doc:"Most tokens (input, cached and output, over every step) one question may use (1000 to 2000000)."`
	Timeout      Duration `toml:"timeout" doc:"Longest one question may take, tool calls included (5s to 10m)."`
}

// BriefingConfig configures the daily briefings.
type BriefingConfig struct {
	Time string `toml:"time" doc:"Local time (HH:MM, in each user's time zone) at which a user's daily briefing is written."`
}

// SMTPConfig configures the email channel. Leave host empty to send no email.
type SMTPConfig struct {
	Host     string `toml:"host" doc:"SMTP server for email notifications and briefings. Empty disables email."`
	Port     int    `toml:"port" doc:"SMTP port."`
	Username string `toml:"username" doc:"SMTP user; empty sends without authentication."`
	Password Secret `toml:"password" doc:"SMTP password." secret:"true"`
	From     string `toml:"from" doc:"Sender of emails, e.g. \"aicoo <coo@example.com>\"."`
	Security string `toml:"security" doc:"starttls, tls or none."`
}

// SlackConfig configures the Slack channel.
type SlackConfig struct {
	WebhookURL Secret `toml:"webhook_url" doc:"Slack incoming webhook URL that alerts are posted to. Empty disables Slack." secret:"true"`
}

// TwilioConfig configures SMS through Twilio.
type TwilioConfig struct {
	AccountSID string `toml:"account_sid" doc:"Twilio account SID (AC...). Empty disables SMS."`
	AuthToken  Secret `toml:"auth_token" doc:"Twilio auth token." secret:"true"`
	From       string `toml:"from" doc:"Sending phone number (E.164) or Messaging Service SID (MG...)."`
}

// WebhookConfig configures the generic webhook channel: signed JSON posted
// to one receiver, the target "default" (docs/notifications.md).
type WebhookConfig struct {
	URL    string `toml:"url" doc:"Receiver of the generic webhook: signed JSON is posted there for alerts naming the webhook channel (target \"default\"). https, or http to localhost only. Empty disables the webhook."`
	Secret Secret `toml:"secret" doc:"HMAC-SHA256 key that signs each webhook request (X-Aicoo-Signature), at least 16 characters; required with webhook.url." secret:"true"`
}

// WebhookSecretMinLen is the shortest webhook secret accepted (the same
// bound as notify.WebhookSecretMinLen).
const WebhookSecretMinLen = 16

// DiscussConfig configures posting alerts in an Odoo Discuss channel
// through the configured Odoo connection.
type DiscussConfig struct {
	Channel string `toml:"channel" doc:"Odoo Discuss channel (its name, or its numeric id) that alerts naming the odoo_discuss channel are posted to, through the Odoo connection. Empty disables Discuss."`
}

// ServerConfig configures the web server.
type ServerConfig struct {
	Addr            string   `toml:"addr" doc:"Address the web server listens on."`
	BaseURL         string   `toml:"base_url" doc:"Public URL of the dashboard, used in links sent by email and chat. Empty means http://<addr>."`
	ShutdownTimeout Duration `toml:"shutdown_timeout" doc:"How long a stopping server waits for requests and running jobs to finish."`
	SetupToken      Secret   `toml:"setup_token" doc:"One-time token the first-run setup page asks for before it creates the first administrator. Empty means a random one, printed in the log at start; set it when several instances serve the dashboard." secret:"true"`
	TrustedProxies  string   `toml:"trusted_proxies" doc:"Reverse proxies in front of aicoo, as comma-separated IP addresses or CIDR ranges (e.g. 127.0.0.1, 10.0.0.0/8). From these peers the client address (for sign-in throttling and the log) is read from X-Forwarded-For. Empty trusts no one: the client is the TCP peer."`
	MetricsToken    Secret   `toml:"metrics_token" doc:"Bearer token /metrics requires (Authorization: Bearer <token>). Empty leaves /metrics open, as before; set it when the port is reachable by others." secret:"true"`
}

// StoreConfig selects and configures the database.
type StoreConfig struct {
	DataDir      string `toml:"data_dir" doc:"Folder for the SQLite database and other local files."`
	PostgresDSN  Secret `toml:"postgres_dsn" doc:"PostgreSQL connection string. When set, PostgreSQL is used instead of SQLite (needed to run several instances)." secret:"true"`
	MaxOpenConns int    `toml:"max_open_conns" doc:"Maximum open database connections (PostgreSQL; SQLite uses a small fixed pool)."`
}

// LogConfig configures logging.
type LogConfig struct {
	Level  string `toml:"level" doc:"Minimum level logged: debug, info, warn or error."`
	Format string `toml:"format" doc:"Log format: text or json."`
}

// JobsConfig configures the job engine.
type JobsConfig struct {
	Workers           int      `toml:"workers" doc:"Jobs one process runs at the same time."`
	JobTimeout        Duration `toml:"job_timeout" doc:"Longest one job may run before it is cancelled and retried."`
	RescueAfter       Duration `toml:"rescue_after" doc:"A job still marked running this long after it started (its process died) is retried by another instance of its connection; a restarted instance retries its own at once. Must exceed job_timeout."`
	MaxAttempts       int      `toml:"max_attempts" doc:"Attempts for one job run before it is given up."`
	FailureAlertAfter int      `toml:"failure_alert_after" doc:"Consecutive failed runs of a monitoring job that raise a \"monitoring job failing\" alert."`
	ReloadInterval    Duration `toml:"reload_interval" doc:"How often the monitoring_jobs table is re-read, so edits take effect without restart."`
	RecordCacheMax    int      `toml:"record_cache_max" doc:"Synced records one process keeps decoded in memory for the analyses, across connections (about 1 KB each); past it the models read least recently are dropped and read again when next needed. 0 means no bound."`
}

// OdooConfig describes the Odoo connection created or updated at start.
// Leave url empty to manage connections only from the dashboard and CLI.
type OdooConfig struct {
	Name     string `toml:"name" doc:"Name of this connection in aicoo."`
	URL      string `toml:"url" doc:"Odoo base URL, e.g. https://mycompany.odoo.com."`
	Database string `toml:"database" doc:"Odoo database name."`
	Username string `toml:"username" doc:"Odoo login of the user aicoo acts as."`
	APIKey   Secret `toml:"api_key" doc:"Odoo API key (or password) of that user." secret:"true"`
	Protocol string `toml:"protocol" doc:"Wire protocol: auto, json2, jsonrpc or xmlrpc. auto picks by server version."`
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Server: ServerConfig{
			Addr:            "127.0.0.1:8080",
			ShutdownTimeout: Duration(30 * time.Second),
		},
		Store: StoreConfig{
			DataDir:      "./aicoo-data",
			MaxOpenConns: 10,
		},
		Log: LogConfig{Level: "info", Format: "text"},
		Jobs: JobsConfig{
			Workers:           4,
			JobTimeout:        Duration(10 * time.Minute),
			RescueAfter:       Duration(15 * time.Minute),
			MaxAttempts:       3,
			FailureAlertAfter: 3,
			ReloadInterval:    Duration(30 * time.Second),
			RecordCacheMax:    2_000_000,
		},
		Odoo:     OdooConfig{Name: "default", Protocol: "auto"},
		LLM:      LLMConfig{Provider: "none", Timeout: Duration(60 * time.Second)},
		Briefing: BriefingConfig{Time: "06:00"},
		Ask:      AskConfig{MaxToolCalls: 8, MaxTokens: 200_000, Timeout: Duration(90 * time.Second)},
		SMTP:     SMTPConfig{Port: 587, Security: "starttls"},
	}
}

// UsesPostgres reports whether the store is PostgreSQL rather than SQLite.
func (c *Config) UsesPostgres() bool { return c.Store.PostgresDSN != "" }

// Proxies parses server.trusted_proxies: each entry an IP address or a
// CIDR range.
func (c ServerConfig) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// PublicURL returns the dashboard's public URL without a trailing slash.
func (c *Config) PublicURL() string {
	if c.Server.BaseURL != "" {
		return strings.TrimRight(c.Server.BaseURL, "/")
	}
	return "http://" + c.Server.Addr
}

// SlogLevel returns the configured log level.
func (c *Config) SlogLevel() slog.Level {
	var l slog.Level
	_ = l.UnmarshalText([]byte(c.Log.Level)) // validated by Validate
	return l
}

// Validate checks every value and returns an error naming the first bad key.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Server.Addr); err != nil {
		return keyError("server.addr", c.Server.Addr, "want host:port, e.g. 127.0.0.1:8080")
	}
	if c.Server.BaseURL != "" {
		u, err := url.Parse(c.Server.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return keyError("server.base_url", c.Server.BaseURL, "want an absolute http(s) URL")
		}
	}
	if _, err := c.Server.Proxies(); err != nil {
		return keyError("server.trusted_proxies", c.Server.TrustedProxies, err.Error())
	}
	if c.Server.ShutdownTimeout <= 0 {
		return keyError("server.shutdown_timeout", c.Server.ShutdownTimeout.String(), "must be positive")
	}
	if c.Store.DataDir == "" && !c.UsesPostgres() {
		return keyError("store.data_dir", "", "must be set when store.postgres_dsn is empty")
	}
	if c.UsesPostgres() {
		dsn := string(c.Store.PostgresDSN)
		if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") && !strings.Contains(dsn, "=") {
			return keyError("store.postgres_dsn", "(hidden)", "want a postgres:// URL or key=value connection string")
		}
	}
	if c.Store.MaxOpenConns < 2 {
		return keyError("store.max_open_conns", fmt.Sprint(c.Store.MaxOpenConns), "must be at least 2")
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.Log.Level)); err != nil {
		return keyError("log.level", c.Log.Level, "want debug, info, warn or error")
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return keyError("log.format", c.Log.Format, "want text or json")
	}
	if c.Jobs.RecordCacheMax < 0 {
		return keyError("jobs.record_cache_max", fmt.Sprint(c.Jobs.RecordCacheMax), "want 0 (no bound) or more")
	}
	if c.Jobs.Workers < 1 || c.Jobs.Workers > 1000 {
		return keyError("jobs.workers", fmt.Sprint(c.Jobs.Workers), "want 1 to 1000")
	}
	if c.Jobs.JobTimeout <= 0 {
		return keyError("jobs.job_timeout", c.Jobs.JobTimeout.String(), "must be positive")
	}
	if c.Jobs.RescueAfter <= c.Jobs.JobTimeout {
		return keyError("jobs.rescue_after", c.Jobs.RescueAfter.String(), "must be longer than jobs.job_timeout ("+c.Jobs.JobTimeout.String()+")")
	}
	if c.Jobs.MaxAttempts < 1 || c.Jobs.MaxAttempts > 25 {
		return keyError("jobs.max_attempts", fmt.Sprint(c.Jobs.MaxAttempts), "want 1 to 25")
	}
	if c.Jobs.FailureAlertAfter < 1 {
		return keyError("jobs.failure_alert_after", fmt.Sprint(c.Jobs.FailureAlertAfter), "must be at least 1")
	}
	if c.Jobs.ReloadInterval < Duration(time.Second) || c.Jobs.ReloadInterval > Duration(time.Minute) {
		return keyError("jobs.reload_interval", c.Jobs.ReloadInterval.String(), "want 1s to 1m (edits must take effect within a minute)")
	}
	if c.Odoo.URL != "" {
		u, err := url.Parse(c.Odoo.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return keyError("odoo.url", c.Odoo.URL, "want an absolute http(s) URL such as https://mycompany.odoo.com")
		}
		if c.Odoo.Database == "" {
			return keyError("odoo.database", "", "must be set when odoo.url is set")
		}
		if c.Odoo.Username == "" {
			return keyError("odoo.username", "", "must be set when odoo.url is set")
		}
		if c.Odoo.APIKey == "" {
			return keyError("odoo.api_key", "", "must be set when odoo.url is set (use AICOO_ODOO_API_KEY or odoo.api_key_file)")
		}
	}
	if c.Odoo.Name == "" {
		return keyError("odoo.name", "", "must not be empty")
	}
	switch c.Odoo.Protocol {
	case "auto", "json2", "jsonrpc", "xmlrpc":
	default:
		return keyError("odoo.protocol", c.Odoo.Protocol, "want auto, json2, jsonrpc or xmlrpc")
	}
	switch c.LLM.Provider {
	case "none", "openai":
	case "anthropic":
		if c.LLM.APIKey == "" {
			return keyError("llm.api_key", "", "must be set for provider anthropic (use AICOO_LLM_API_KEY or llm.api_key_file)")
		}
	default:
		return keyError("llm.provider", c.LLM.Provider, "want none, anthropic or openai")
	}
	if c.LLM.BaseURL != "" {
		if u, err := url.Parse(c.LLM.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return keyError("llm.base_url", c.LLM.BaseURL, "want an absolute http(s) URL")
		}
	}
	if c.LLM.Timeout <= 0 {
		return keyError("llm.timeout", c.LLM.Timeout.String(), "must be positive")
	}
	if c.LLM.MonthlyBudget < 0 {
		return keyError("llm.monthly_budget", fmt.Sprint(c.LLM.MonthlyBudget), "must not be negative")
	}
	if c.Ask.MaxToolCalls < 1 || c.Ask.MaxToolCalls > 50 {
		return keyError("ask.max_tool_calls", fmt.Sprint(c.Ask.MaxToolCalls), "want 1 to 50")
	}
	if c.Ask.MaxTokens < 1000 || c.Ask.MaxTokens > 2_000_000 {
		return keyError("ask.max_tokens", fmt.Sprint(c.Ask.MaxTokens), "want 1000 to 2000000")
	}
	if c.Ask.Timeout < Duration(5*time.Second) || c.Ask.Timeout > Duration(10*time.Minute) {
		return keyError("ask.timeout", c.Ask.Timeout.String(), "want 5s to 10m")
	}
	if _, err := time.Parse("15:04", c.Briefing.Time); err != nil {
		return keyError("briefing.time", c.Briefing.Time, "want HH:MM, e.g. 06:00")
	}
	if c.SMTP.Host != "" {
		if c.SMTP.From == "" {
			return keyError("smtp.from", "", "must be set when smtp.host is set")
		}
		if c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
			return keyError("smtp.port", fmt.Sprint(c.SMTP.Port), "want 1 to 65535")
		}
	}
	switch c.SMTP.Security {
	case "starttls", "tls", "none":
	default:
		return keyError("smtp.security", c.SMTP.Security, "want starttls, tls or none")
	}
	if c.Slack.WebhookURL != "" && !strings.HasPrefix(string(c.Slack.WebhookURL), "https://") {
		return keyError("slack.webhook_url", "(hidden)", "want an https:// URL")
	}
	if c.Twilio.AccountSID != "" && (c.Twilio.AuthToken == "" || c.Twilio.From == "") {
		return keyError("twilio.auth_token", "", "twilio.auth_token and twilio.from must be set with twilio.account_sid")
	}
	if err := c.validateWebhook(); err != nil {
		return err
	}
	if ch := c.Discuss.Channel; ch != "" && (strings.TrimSpace(ch) != ch || len(ch) > 200 || strings.ContainsAny(ch, "\n\r")) {
		return keyError("discuss.channel", ch, "want a channel name (no surrounding spaces, at most 200 characters) or a numeric id")
	}
	return nil
}

// validateWebhook checks the [webhook] section: an https URL (or http to a
// loopback host, for a local relay) and a long enough signing secret.
func (c *Config) validateWebhook() error {
	if c.Webhook.URL == "" {
		if c.Webhook.Secret != "" {
			return keyError("webhook.url", "", "must be set when webhook.secret is set")
		}
		return nil
	}
	u, err := url.Parse(c.Webhook.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return keyError("webhook.url", c.Webhook.URL, "want an absolute https URL")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return keyError("webhook.url", c.Webhook.URL, "want https (plain http only to localhost)")
	}
	if len(c.Webhook.Secret) < WebhookSecretMinLen {
		return keyError("webhook.secret", "", fmt.Sprintf("must be at least %d characters when webhook.url is set (use AICOO_WEBHOOK_SECRET or webhook.secret_file)", WebhookSecretMinLen))
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func keyError(key, value, why string) error {
	if value == "" {
		return fmt.Errorf("config: %s: %s", key, why)
	}
	return fmt.Errorf("config: %s = %q: %s", key, value, why)
}
