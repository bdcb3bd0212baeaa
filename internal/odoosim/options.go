package odoosim

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Defaults for Options fields left at their zero value.
const (
	// DatabaseDefault is the database name served when neither Options nor
	// the dataset's manifest names one.
	DatabaseDefault = "demo"
	// VersionDefault is the Odoo version emulated when neither Options nor
	// the dataset's manifest names one.
	VersionDefault = "17.0"
	// LoginDefault and PasswordDefault are the credentials of the default
	// user, an administrator.
	LoginDefault    = "admin"
	PasswordDefault = "admin"
	// TimeoutDelayDefault is how long a request picked by TimeoutRate
	// hangs: longer than aicoo's client timeout (60 s) and shorter than
	// Odoo's limit_time_real (120 s).
	TimeoutDelayDefault = 90 * time.Second
	// TimeoutDelayMax bounds TimeoutDelay.
	TimeoutDelayMax = 10 * time.Minute
	// MaxBodyBytesDefault bounds request bodies.
	MaxBodyBytesDefault = 32 << 20
)

// User is an account of the simulated database.
type User struct {
	// Login is the user's login. Required.
	Login string
	// Password is accepted by authenticate, login, execute_kw and
	// /web/session/authenticate. Empty means the user has no password and
	// can only use API keys.
	Password string
	// APIKeys are accepted wherever the password is, and are the only
	// credentials JSON-2 takes.
	APIKeys []string
	// UID is the res.users id. Zero means the id of the dataset's res.users
	// record with this login, else the lowest res.users id for the first
	// user (so the default admin maps onto the dataset's first user), else a
	// fresh id above every res.users id.
	UID int64
	// ReadOnly gives read rights only: create, write, unlink and the action
	// methods fail with Odoo's AccessError.
	ReadOnly bool
}

// Options configures a Server.
type Options struct {
	// Database is the database name served. Defaults to the dataset's
	// Meta.Database, else DatabaseDefault.
	Database string
	// Version is the Odoo version emulated, for example "16.0", "17.0",
	// "saas~18.4" or "19.0". It decides which endpoints exist (JSON-2 only
	// for 19.0 and saas~18.4 and later), which field names and selection
	// values models expose (from the dataset schema), and which methods
	// exist (name_get only in 16, formatted_read_group from 19). Defaults to
	// the dataset's Meta.OdooVersion, else VersionDefault.
	Version string
	// Users are the accounts. Defaults to one administrator with
	// LoginDefault / PasswordDefault. When the first user has no API key,
	// one is generated (see Server.APIKey).
	Users []User
	// DisableDBList makes db.list fail with AccessDenied, like Odoo started
	// with list_db = False.
	DisableDBList bool
	// Latency delays every request by this much before it is handled.
	Latency time.Duration
	// ErrorRate is the probability (0 to 1) that a request fails with HTTP
	// 502 Bad Gateway before any work is done, like a proxy in front of a
	// dead worker.
	ErrorRate float64
	// TimeoutRate is the probability (0 to 1) that a request hangs for
	// TimeoutDelay, then fails with HTTP 504 without doing any work. The
	// wait ends early when the client gives up (the request context is
	// cancelled).
	TimeoutRate float64
	// TimeoutDelay is how long TimeoutRate requests hang. Defaults to
	// TimeoutDelayDefault; at most TimeoutDelayMax.
	TimeoutDelay time.Duration
	// Seed seeds the random source of fault injection, so that a run can
	// be repeated. Zero is a valid seed.
	Seed uint64
	// NowFunc gives the current time for create_date, write_date, message
	// dates and "today". Defaults to time.Now. write_date never goes
	// backwards, even if NowFunc does or the dataset holds later dates.
	// NowFunc is called from concurrent requests: it must be safe for
	// concurrent use.
	NowFunc func() time.Time
	// Logger receives one debug line per call and warnings. Defaults to a
	// Warn-level text logger on stderr.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies. Defaults to MaxBodyBytesDefault.
	MaxBodyBytes int64
	// DiscussChannels names Discuss channels served besides "general"
	// (mail.channel in 16, discuss.channel in 17+), with ids from 2 in
	// order, for tests and demos that post to a channel of their own.
	DiscussChannels []string
}

// withDefaults fills in the defaults that do not depend on the dataset.
func (o Options) withDefaults() (Options, error) {
	if len(o.Users) == 0 {
		o.Users = []User{{Login: LoginDefault, Password: PasswordDefault}}
	} else {
		users := make([]User, len(o.Users))
		for i, u := range o.Users {
			u.APIKeys = append([]string(nil), u.APIKeys...)
			users[i] = u
		}
		o.Users = users
	}
	if len(o.Users[0].APIKeys) == 0 {
		key, err := NewAPIKey()
		if err != nil {
			return o, err
		}
		o.Users[0].APIKeys = []string{key}
	}
	o.TimeoutDelay = min(cmp.Or(o.TimeoutDelay, TimeoutDelayDefault), TimeoutDelayMax)
	o.MaxBodyBytes = cmp.Or(o.MaxBodyBytes, MaxBodyBytesDefault)
	if o.NowFunc == nil {
		o.NowFunc = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return o, o.validate()
}

func (o Options) validate() error {
	var errs []error
	logins := map[string]bool{}
	for i, u := range o.Users {
		if u.Login == "" {
			errs = append(errs, fmt.Errorf("user %d has no login", i))
		}
		if logins[u.Login] {
			errs = append(errs, fmt.Errorf("login %q is used twice", u.Login))
		}
		logins[u.Login] = true
		if u.UID < 0 {
			errs = append(errs, fmt.Errorf("user %q has a negative UID", u.Login))
		}
	}
	if o.ErrorRate < 0 || o.ErrorRate > 1 || o.TimeoutRate < 0 || o.TimeoutRate > 1 || o.ErrorRate+o.TimeoutRate > 1 {
		errs = append(errs, errors.New("ErrorRate and TimeoutRate must be between 0 and 1 and add up to at most 1"))
	}
	if o.Latency < 0 || o.TimeoutDelay < 0 {
		errs = append(errs, errors.New("Latency and TimeoutDelay must not be negative"))
	}
	channels := map[string]bool{"general": true}
	for _, name := range o.DiscussChannels {
		if strings.TrimSpace(name) == "" || channels[name] {
			errs = append(errs, fmt.Errorf("Discuss channel %q is empty or given twice (general always exists)", name))
		}
		channels[name] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("odoosim: invalid options: %w", err)
	}
	return nil
}

// NewAPIKey returns a random API key shaped like Odoo's: 40 hexadecimal
// characters.
func NewAPIKey() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("odoosim: generate API key: %w", err)
	}
	return hex.EncodeToString(b), nil
}
