package odoosync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// Defaults for Config fields left at their zero value.
const (
	// PageSizeDefault is the number of records fetched per search_read.
	PageSizeDefault = 1000
	// SweepIntervalDefault is how often a model's ids are swept.
	SweepIntervalDefault = time.Hour
	// SettleDelayDefault is how long after a write date the cursor may pass
	// it.
	SettleDelayDefault = 10 * time.Second
	// SweepPageSizeDefault is the number of ids per search of a sweep.
	SweepPageSizeDefault = 50_000
	// BreakerPauseDefault is how long a run waits when the client's
	// circuit breaker opens: the client's default cool-down.
	BreakerPauseDefault = odoo.BreakerCooldownDefault
	// BreakerPausesDefault is how many such waits one run makes.
	BreakerPausesDefault = 4
)

// Client is the part of *odoo.Client a Syncer uses. The client must be
// connected.
type Client interface {
	FieldsGet(ctx context.Context, model string, attributes []string) (map[string]odoo.Record, error)
	SearchRead(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]odoo.Record, error)
	Search(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]int64, error)
	SearchCount(ctx context.Context, model string, dom domain.Domain, callCtx map[string]any) (int64, error)
}

var _ Client = (*odoo.Client)(nil)

// Config configures a Syncer. Store, Client and ConnectionID are required.
type Config struct {
	// Store receives the records and the sync state.
	Store *store.Store
	// Client reads Odoo. It must be connected.
	Client Client
	// ConnectionID is the store connection the records belong to.
	ConnectionID int64
	// Models are the models to sync, in order. Defaults to DefaultModels().
	Models []ModelSpec
	// CompanyIDs, when set, is sent as allowed_company_ids, which scopes
	// the records read to these companies. Nil reads what the user's
	// default companies allow.
	CompanyIDs []int64
	// PageSize is the number of records per search_read. Defaults to
	// PageSizeDefault.
	PageSize int
	// SweepInterval is how often each model's ids are swept to find
	// deleted records. Defaults to SweepIntervalDefault; a negative value
	// sweeps only on Opts.Full and after a change of fields.
	SweepInterval time.Duration
	// SweepPageSize is the number of ids per search during a sweep.
	// Defaults to SweepPageSizeDefault.
	SweepPageSize int
	// SettleDelay is how old (by NowFunc, at the time a page is fetched) a
	// write date's second must be before the cursor moves past it, on top
	// of the second being over. It covers transactions that commit after
	// the write date they stamp and a difference between the clocks of
	// aicoo and Odoo. Defaults to SettleDelayDefault; a negative value lets
	// the cursor move over every fetched record.
	SettleDelay time.Duration
	// BreakerPause is how long a run waits, when the client's circuit
	// breaker opens, before it resumes the model it was syncing; at most
	// BreakerPauses times per run, after which the remaining models wait
	// for the next run. Default to BreakerPauseDefault and
	// BreakerPausesDefault; a negative BreakerPauses never waits.
	BreakerPause  time.Duration
	BreakerPauses int
	// Logger receives one line per model. Defaults to a discarding logger.
	Logger *slog.Logger
	// NowFunc returns the current time. Defaults to time.Now; tests inject
	// a clock.
	NowFunc func() time.Time
	// ProgressFunc, when set, is called as the sync advances (see
	// Progress), from the goroutine running Sync.
	ProgressFunc func(Progress)
}

// Syncer syncs the configured models of one connection. Its methods must
// not be called concurrently; two Syncers of one connection (two
// processes) are safe but duplicate work.
type Syncer struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	callCtx map[string]any
}

// New checks cfg and returns a Syncer.
func New(cfg Config) (*Syncer, error) {
	if cfg.Store == nil || cfg.Client == nil {
		return nil, errors.New("odoosync: Config.Store and Config.Client are required")
	}
	if cfg.ConnectionID <= 0 {
		return nil, errors.New("odoosync: Config.ConnectionID is required")
	}
	if cfg.Models == nil {
		cfg.Models = DefaultModels()
	}
	seen := map[string]bool{}
	for _, m := range cfg.Models {
		if m.Model == "" {
			return nil, errors.New("odoosync: a model spec has no model name")
		}
		if seen[m.Model] {
			return nil, fmt.Errorf("odoosync: model %s listed twice", m.Model)
		}
		seen[m.Model] = true
	}
	cfg.PageSize = cmp.Or(cfg.PageSize, PageSizeDefault)
	cfg.SweepInterval = cmp.Or(cfg.SweepInterval, SweepIntervalDefault)
	cfg.SweepPageSize = cmp.Or(cfg.SweepPageSize, SweepPageSizeDefault)
	cfg.SettleDelay = cmp.Or(cfg.SettleDelay, SettleDelayDefault)
	cfg.BreakerPause = cmp.Or(cfg.BreakerPause, BreakerPauseDefault)
	cfg.BreakerPauses = cmp.Or(cfg.BreakerPauses, BreakerPausesDefault)
	if cfg.PageSize < 0 || cfg.SweepPageSize < 0 {
		return nil, errors.New("odoosync: page sizes must be positive")
	}
	s := &Syncer{cfg: cfg, log: cfg.Logger, now: cfg.NowFunc}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.callCtx = map[string]any{"active_test": false}
	if len(cfg.CompanyIDs) > 0 {
		ids := make([]any, len(cfg.CompanyIDs))
		for i, id := range cfg.CompanyIDs {
			ids[i] = id
		}
		s.callCtx["allowed_company_ids"] = ids
	}
	return s, nil
}

// Models returns the names of the models the Syncer syncs, in order.
func (s *Syncer) Models() []string {
	out := make([]string, len(s.cfg.Models))
	for i, m := range s.cfg.Models {
		out[i] = m.Model
	}
	return out
}

// Opts are the options of one Sync.
type Opts struct {
	// Full fetches every record again and sweeps every model, instead of
	// fetching what changed since the cursor.
	Full bool
	// Models restricts the sync to these configured models; empty means
	// all of them.
	Models []string
}

// Report says what a Sync did.
type Report struct {
	StartedAt time.Time
	Duration  time.Duration
	Full      bool
	Models    []ModelReport
	// Deferred are the models left for the next run because Odoo's
	// circuit breaker opened (they keep their state and cursor).
	Deferred []string
}

// ModelReport says what a Sync did for one model.
type ModelReport struct {
	Model string
	// Status is store.OdooSyncOK, store.OdooSyncFailed or
	// store.OdooSyncNotInstalled.
	Status string
	// Fields is the number of fields synced.
	Fields int
	// Fetched counts the records received from Odoo, Upserted those
	// written to the store (the same records: every fetched record is
	// written), Deleted the local records removed because their id is gone
	// from Odoo and Repaired the records a sweep found missing locally.
	Fetched, Upserted, Deleted, Repaired int64
	// Total is the number of stored records after the sync.
	Total int64
	// Swept reports whether the ids were swept.
	Swept    bool
	Duration time.Duration
	// Err is why the model failed, when Status is store.OdooSyncFailed.
	Err error
}

// Fetched returns the number of records fetched over all models.
func (r *Report) Fetched() int64 {
	var n int64
	for _, m := range r.Models {
		n += m.Fetched
	}
	return n
}

// Failed returns the number of models that failed.
func (r *Report) Failed() int {
	n := 0
	for _, m := range r.Models {
		if m.Status == store.OdooSyncFailed {
			n++
		}
	}
	return n
}

// Err joins the errors of the models that failed, or returns nil.
func (r *Report) Err() error {
	var errs []error
	for _, m := range r.Models {
		if m.Err != nil {
			errs = append(errs, m.Err)
		}
	}
	return errors.Join(errs...)
}

// Sync runs one cycle over the models: for each, it fetches what changed
// since its cursor (everything on Opts.Full) and sweeps ids when due. It
// returns a Report, never nil, and an error joining the errors of the
// models that failed; a failing model does not stop the others. When the
// client's circuit breaker opens, Sync pauses (Config.BreakerPause) and
// resumes the model, and once out of pauses leaves the remaining models to
// the next run (Report.Deferred). When ctx
// is cancelled, Sync stops after the page being stored and returns ctx's
// error: the pages already stored and their cursors are kept.
func (s *Syncer) Sync(ctx context.Context, opts Opts) (*Report, error) {
	rep := &Report{StartedAt: s.now(), Full: opts.Full}
	specs := s.cfg.Models
	if len(opts.Models) > 0 {
		specs = nil
		for _, name := range opts.Models {
			i := slices.IndexFunc(s.cfg.Models, func(m ModelSpec) bool { return m.Model == name })
			if i < 0 {
				return rep, fmt.Errorf("odoosync: model %s is not configured (configured: %v)", name, s.Models())
			}
			specs = append(specs, s.cfg.Models[i])
		}
	}
	specs, err := s.unfinishedFirst(ctx, specs)
	if err != nil {
		return rep, err
	}
	pauses := 0
	for i, spec := range specs {
		if ctx.Err() != nil {
			break
		}
		mr := s.syncModel(ctx, spec, opts.Full, i, len(specs))
		for errors.Is(mr.Err, odoo.ErrCircuitOpen) && pauses < s.cfg.BreakerPauses && s.pause(ctx) {
			// Odoo failed repeatedly: give it the breaker's cool-down, then
			// resume the model from its cursor (a Full sync that stored
			// pages continues, it does not start over).
			pauses++
			s.log.WarnContext(ctx, "odoosync: Odoo's circuit breaker is open; pausing", "connection", s.cfg.ConnectionID,
				"model", spec.Model, "pause", s.cfg.BreakerPause, "pauses", pauses)
			again := s.syncModel(ctx, spec, opts.Full && mr.Fetched == 0, i, len(specs))
			again.Fetched += mr.Fetched
			again.Upserted += mr.Upserted
			mr = again
		}
		rep.Models = append(rep.Models, mr)
		s.progress(Progress{Model: spec.Model, Index: i, Count: len(specs), Phase: PhaseDone,
			Done: mr.Fetched, Total: mr.Fetched, Report: &mr})
		attrs := []any{"connection", s.cfg.ConnectionID, "model", spec.Model,
			"status", mr.Status, "fetched", mr.Fetched, "deleted", mr.Deleted, "repaired", mr.Repaired,
			"swept", mr.Swept, "duration", mr.Duration.Round(time.Millisecond)}
		if mr.Err != nil {
			attrs = append(attrs, "error", mr.Err) // never error=<nil> on a model that synced
		}
		s.log.Log(ctx, levelOf(mr.Err), "odoosync: model synced", attrs...)
		if errors.Is(mr.Err, odoo.ErrCircuitOpen) {
			// Out of pauses, every call would now fail at once: stop, so
			// the models not reached keep their complete copies instead of
			// being marked failed, and the next run resumes here
			// (unfinished first).
			for _, rest := range specs[i+1:] {
				rep.Deferred = append(rep.Deferred, rest.Model)
			}
			s.log.WarnContext(ctx, "odoosync: Odoo's circuit breaker is open; the remaining models wait for the next run",
				"connection", s.cfg.ConnectionID, "deferred", len(rep.Deferred))
			break
		}
	}
	if len(rep.Deferred) == 0 {
		s.retryTransient(ctx, rep, specs, opts.Full)
	}
	rep.Duration = s.now().Sub(rep.StartedAt)
	if err := ctx.Err(); err != nil {
		return rep, errors.Join(fmt.Errorf("odoosync: sync interrupted: %w", err), rep.Err())
	}
	return rep, rep.Err()
}

// unfinishedFirst records a pending state for each model never synced
// (so readers of the store can tell a model not yet reached from one that
// is not synced at all) and orders the models whose last sync did not
// finish (failed, interrupted, or never run) first, keeping the configured
// order otherwise. A run cut short by a timeout or an open circuit breaker
// then spends the next run's budget where work is left, resuming each such
// model from its cursor, instead of going over the finished models again
// and never reaching the same last ones.
func (s *Syncer) unfinishedFirst(ctx context.Context, specs []ModelSpec) ([]ModelSpec, error) {
	states, err := s.cfg.Store.OdooSyncStateList(ctx, s.cfg.ConnectionID)
	if err != nil {
		return nil, fmt.Errorf("odoosync: sync states: %w", err)
	}
	byModel := make(map[string]*store.OdooSyncState, len(states))
	for _, st := range states {
		byModel[st.Model] = st
	}
	var unfinished, finished []ModelSpec
	for _, spec := range specs {
		st, ok := byModel[spec.Model]
		if !ok {
			if err := s.cfg.Store.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: s.cfg.ConnectionID, Model: spec.Model}); err != nil {
				return nil, fmt.Errorf("odoosync: record %s as pending: %w", spec.Model, err)
			}
		}
		if ok && (st.Status == store.OdooSyncOK || st.Status == store.OdooSyncNotInstalled) {
			finished = append(finished, spec)
		} else {
			unfinished = append(unfinished, spec)
		}
	}
	return append(unfinished, finished...), nil
}

// retryTransient gives each model that failed on a transient error (Odoo
// unavailable, a timeout, an open breaker) one more try at the end of the
// run, from its cursor: with the client's retries already spent on one
// call, a flaky Odoo still fails a few models per run, and most of them
// succeed on a second try.
func (s *Syncer) retryTransient(ctx context.Context, rep *Report, specs []ModelSpec, full bool) {
	for j, mr := range rep.Models {
		if ctx.Err() != nil || !transient(mr.Err) {
			continue
		}
		i := slices.IndexFunc(specs, func(m ModelSpec) bool { return m.Model == mr.Model })
		again := s.syncModel(ctx, specs[i], full && mr.Fetched == 0, i, len(specs))
		again.Fetched += mr.Fetched
		again.Upserted += mr.Upserted
		rep.Models[j] = again
		attrs := []any{"connection", s.cfg.ConnectionID, "model", mr.Model, "status", again.Status, "fetched", again.Fetched, "first_error", mr.Err}
		if again.Err != nil {
			attrs = append(attrs, "error", again.Err)
		}
		s.log.Log(ctx, levelOf(again.Err), "odoosync: model synced again after a transient failure", attrs...)
		if errors.Is(again.Err, odoo.ErrCircuitOpen) {
			return
		}
	}
}

// transient reports whether a model's failure may pass on a retry.
func transient(err error) bool {
	if err == nil {
		return false
	}
	var t interface{ Temporary() bool }
	return errors.Is(err, odoo.ErrUnavailable) || errors.Is(err, odoo.ErrTimeout) || errors.Is(err, odoo.ErrCircuitOpen) ||
		(errors.As(err, &t) && t.Temporary())
}

func levelOf(err error) slog.Level {
	if err != nil {
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// pause waits BreakerPause, or until ctx is done; it reports whether the
// wait completed.
func (s *Syncer) pause(ctx context.Context) bool {
	t := time.NewTimer(s.cfg.BreakerPause)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Syncer) progress(p Progress) {
	if s.cfg.ProgressFunc != nil {
		s.cfg.ProgressFunc(p)
	}
}
