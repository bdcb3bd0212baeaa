// Package search is aicoo's smart search: one box that finds partners,
// invoices and bills, sales and purchase orders, products, CRM deals,
// alerts, figures and actions by name or number, ranked and tolerant of
// typos, accents and case, and filtered by what the asking role may see.
//
// A Service keeps, per connection, an in-memory Index of the synced Odoo
// records and a smaller one of aicoo's own alerts, figures and actions.
// Both are rebuilt lazily: a search checks, at most every CheckEvery, the
// sync state of the connection (when each model last synced and how many
// records it holds) and rebuilds the records index when that changed; the
// aicoo index is rebuilt when older than AicooFresh. A rebuild runs in the
// background while searches keep using the previous index, so no search
// waits for one except the very first of a connection; Watch does the
// same checks on a timer, so that the index is fresh before anyone
// searches. The sync pipeline needs no hook, and a process that does not
// run the sync (aicoo serve beside aicoo worker) sees the new data all the
// same.
package search

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
)

// Defaults of Config.
const (
	CheckEveryDefault = 5 * time.Second
	AicooFreshDefault = 15 * time.Second
	// MaxDocsDefault bounds the records indexed per connection: about
	// 175 MB at the ~350 bytes a record measured on the medium demo
	// company (docs/ask.md, "Smart search"), which indexes 55,000.
	MaxDocsDefault = 500_000
	// LimitDefault and LimitMax bound the results of one search.
	LimitDefault = 20
	LimitMax     = 100
	// rebuildTimeout bounds one background rebuild.
	rebuildTimeout = 5 * time.Minute
)

// Config configures a Service.
type Config struct {
	Store     Store
	Access    *access.Table
	Catalogue *analysis.Catalogue
	// Kinds are the action types of the process: they label the actions
	// found and say which roles approve, and so see, each. Defaults to
	// actions.Builtin().
	Kinds  *actions.Kinds
	Logger *slog.Logger
	// CheckEvery is how often a search looks whether the connection's sync
	// state changed. AicooFresh is how long the index of alerts, figures
	// and actions is used before it is rebuilt.
	CheckEvery time.Duration
	AicooFresh time.Duration
	// MaxDocs bounds the Odoo records indexed per connection; beyond it
	// the rest are left out and a warning logged.
	MaxDocs int
	NowFunc func() time.Time
}

// Service searches the connections of a store. It is safe for concurrent
// use.
type Service struct {
	cfg   Config
	roles roleSet
	mu    sync.Mutex
	conns map[int64]*connIndex
	wg    sync.WaitGroup
}

// connIndex is the state of one connection's indexes.
type connIndex struct {
	mu sync.Mutex
	// ready is closed once the first build of both indexes ended.
	ready    chan struct{}
	firstErr error

	records      *Index
	recordsGen   string
	checkedAt    time.Time
	aicoo        *Index
	aicooBuiltAt time.Time
	building     bool
}

// New returns a service over cfg.Store.
func New(cfg Config) *Service {
	cfg.Logger = cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
	cfg.CheckEvery = cmp.Or(cfg.CheckEvery, CheckEveryDefault)
	cfg.AicooFresh = cmp.Or(cfg.AicooFresh, AicooFreshDefault)
	cfg.MaxDocs = cmp.Or(cfg.MaxDocs, MaxDocsDefault)
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	if cfg.Kinds == nil {
		cfg.Kinds = actions.Builtin()
	}
	return &Service{cfg: cfg, roles: newRoleSet(cfg.Access, cfg.Kinds), conns: map[int64]*connIndex{}}
}

// Query is one search.
type Query struct {
	ConnectionID int64
	Role         string
	Text         string
	// Limit defaults to LimitDefault and is capped at LimitMax.
	Limit int
}

// Result is one thing found.
type Result struct {
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	// Label names the thing in words: "Invoice INV/2026/00042 — Alpen
	// Industrieservice KG — 1,234.50 EUR, due 2026-10-01".
	Label string  `json:"label"`
	Score float64 `json:"score"`
	// Path is the aicoo page of the thing, when it has one.
	Path string `json:"path,omitempty"`
	// Model and ID name the Odoo record; the link into Odoo is built from
	// the connection's current URL when shown.
	Model string `json:"model,omitempty"`
	ID    int64  `json:"id,omitempty"`
}

// Search returns what q finds for its role, best first. The first search
// of a connection waits for its index to be built; later ones never wait.
func (s *Service) Search(ctx context.Context, q Query) ([]Result, error) {
	q.Limit = min(cmp.Or(q.Limit, LimitDefault), LimitMax)
	if q.Limit < 0 {
		q.Limit = LimitDefault
	}
	records, aicoo, err := s.indexes(ctx, q.ConnectionID)
	if err != nil {
		return nil, err
	}
	bit := s.roles.bit(q.Role)
	visible := func(d *Doc) bool { return d.Roles&bit != 0 }
	if bit == 0 || strings.TrimSpace(q.Text) == "" {
		return []Result{}, nil
	}
	hits := mergeHits(records.Search(q.Text, visible, q.Limit), aicoo.Search(q.Text, visible, q.Limit))
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	out := make([]Result, len(hits))
	for i, h := range hits {
		d := h.Doc
		out[i] = Result{Kind: d.Kind.String(), KindLabel: d.Kind.Label(), Label: d.Label,
			Score: float64(int(h.Score*1000+0.5)) / 1000, Path: d.Path, Model: d.Model, ID: d.ID}
	}
	return out, nil
}

// Refresh rebuilds both indexes of a connection now, whether or not its
// sync state changed, and waits for it.
func (s *Service) Refresh(ctx context.Context, connectionID int64) error {
	if _, _, err := s.indexes(ctx, connectionID); err != nil {
		return err
	}
	return s.rebuild(ctx, connectionID, s.conn(connectionID), true, true, true)
}

// Watch builds a connection's indexes in the background and then keeps
// them fresh until ctx ends, checking every CheckEvery as a search would,
// so neither the first search nor the first after a sync meets an old
// index (aicoo serve watches every connection).
func (s *Service) Watch(ctx context.Context, connectionID int64) {
	s.wg.Go(func() {
		t := time.NewTicker(s.cfg.CheckEvery)
		defer t.Stop()
		for {
			if _, _, err := s.indexes(ctx, connectionID); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("search: building the index", "connection", connectionID, "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Wait waits for the background rebuilds started so far.
func (s *Service) Wait() { s.wg.Wait() }

// Stats is the size of a connection's indexes.
type Stats struct {
	Records, Aicoo int
}

// Stats returns the number of documents indexed for a connection (zero
// before its first search).
func (s *Service) Stats(connectionID int64) Stats {
	ci := s.conn(connectionID)
	ci.mu.Lock()
	defer ci.mu.Unlock()
	var st Stats
	if ci.records != nil {
		st.Records = ci.records.Len()
	}
	if ci.aicoo != nil {
		st.Aicoo = ci.aicoo.Len()
	}
	return st
}

func (s *Service) conn(id int64) *connIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci := s.conns[id]
	if ci == nil {
		ci = &connIndex{ready: make(chan struct{})}
		s.conns[id] = ci
		s.wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), rebuildTimeout)
			defer cancel()
			ci.firstErr = s.rebuild(ctx, id, ci, true, true, true)
			close(ci.ready)
		})
	}
	return ci
}

// indexes returns the connection's current indexes, starting a
// background rebuild of whichever is stale.
func (s *Service) indexes(ctx context.Context, id int64) (*Index, *Index, error) {
	ci := s.conn(id)
	select {
	case <-ci.ready:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("search: waiting for the index: %w", ctx.Err())
	}
	if ci.firstErr != nil {
		s.forget(id, ci)
		return nil, nil, ci.firstErr
	}
	now := s.cfg.NowFunc()
	ci.mu.Lock()
	records, aicoo := ci.records, ci.aicoo
	checkRecords := now.Sub(ci.checkedAt) >= s.cfg.CheckEvery
	staleAicoo := now.Sub(ci.aicooBuiltAt) >= s.cfg.AicooFresh
	start := (checkRecords || staleAicoo) && !ci.building
	if start {
		ci.building = true
	}
	ci.mu.Unlock()
	if start {
		s.wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), rebuildTimeout)
			defer cancel()
			if err := s.rebuild(ctx, id, ci, checkRecords, staleAicoo, false); err != nil {
				s.cfg.Logger.Warn("search: rebuilding the index", "connection", id, "error", err)
			}
			ci.mu.Lock()
			ci.building = false
			ci.mu.Unlock()
		})
	}
	return records, aicoo, nil
}

// forget drops a connection whose first build failed, so the next search
// tries again.
func (s *Service) forget(id int64, ci *connIndex) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[id] == ci {
		delete(s.conns, id)
	}
}

// rebuild rebuilds the records index when asked and the sync state
// changed (or always, when force), and the aicoo index when asked.
func (s *Service) rebuild(ctx context.Context, id int64, ci *connIndex, records, aicoo, force bool) error {
	if records {
		gen, err := s.generation(ctx, id)
		if err != nil {
			return err
		}
		ci.mu.Lock()
		same := !force && ci.records != nil && gen == ci.recordsGen
		ci.checkedAt = s.cfg.NowFunc()
		ci.mu.Unlock()
		if !same {
			start := time.Now()
			ix, full, err := buildRecords(ctx, s.cfg.Store, id, s.roles, s.cfg.MaxDocs)
			if err != nil {
				return err
			}
			if full {
				s.cfg.Logger.Warn("search: the index is full; the rest of the records are not found", "connection", id, "max_docs", s.cfg.MaxDocs)
			}
			s.cfg.Logger.Debug("search: records indexed", "connection", id, "documents", ix.Len(), "took", time.Since(start))
			ci.mu.Lock()
			ci.records, ci.recordsGen = ix, gen
			ci.mu.Unlock()
		}
	}
	if aicoo {
		ix, err := buildAicoo(ctx, s.cfg.Store, id, s.roles, s.cfg.Catalogue)
		if err != nil {
			return err
		}
		ci.mu.Lock()
		ci.aicoo, ci.aicooBuiltAt = ix, s.cfg.NowFunc()
		ci.mu.Unlock()
	}
	return nil
}

// generation summarises the connection's sync state: it changes whenever
// a sync of any model ends.
func (s *Service) generation(ctx context.Context, id int64) (string, error) {
	states, err := s.cfg.Store.OdooSyncStateList(ctx, id)
	if err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	var b strings.Builder
	for _, st := range states {
		b.WriteString(st.Model)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(st.LastSyncedAt.UnixNano(), 36))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(st.RecordCount, 36))
		b.WriteByte(';')
	}
	return b.String(), nil
}

// mergeHits merges the hits of several indexes, best first.
func mergeHits(lists ...[]Hit) []Hit {
	var out []Hit
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortFunc(out, compareHits)
	return out
}
