package analysis

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// RecordCache keeps the decoded records of synced models in memory, so that
// the analyzers of a connection decode each model once per sync instead of
// once each. An entry is valid while the model's sync state is unchanged
// (same last sync, record count and update time); the next sync replaces it.
// Records handed out are shared: analyzers must not modify them.
type RecordCache struct {
	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
}

type cacheKey struct {
	connectionID int64
	model        string
}

type cacheEntry struct {
	stamp string
	ready chan struct{} // closed when recs and err are set
	recs  []odoo.Record
	err   error
}

// NewRecordCache returns an empty cache.
func NewRecordCache() *RecordCache { return &RecordCache{entries: map[cacheKey]*cacheEntry{}} }

// Source returns a Source over the connection's synced records that reads
// through the cache.
func (c *RecordCache) Source(s *store.Store, connectionID int64) Source {
	return cachedSource{cache: c, inner: StoreSource{Store: s, ConnectionID: connectionID}}
}

type cachedSource struct {
	cache *RecordCache
	inner StoreSource
}

// Records implements Source. Concurrent callers of one model wait for a
// single decode.
func (cs cachedSource) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	st, err := cs.inner.Store.OdooSyncStateGet(ctx, cs.inner.ConnectionID, model)
	if errors.Is(err, store.ErrNotFound) {
		return cs.inner.Records(ctx, model) // not synced: the plain source explains why
	}
	if err != nil {
		return nil, err
	}
	if st.Status == store.OdooSyncRunning {
		// Mid-sync the records change page by page: read them as they are
		// now, without caching a moving target.
		return cs.inner.Records(ctx, model)
	}
	stamp := fmt.Sprintf("%d/%d/%d/%s", st.LastSyncedAt.UnixNano(), st.RecordCount, st.UpdatedAt.UnixNano(), st.Status)
	key := cacheKey{cs.inner.ConnectionID, model}

	cs.cache.mu.Lock()
	e, ok := cs.cache.entries[key]
	if !ok || e.stamp != stamp {
		e = &cacheEntry{stamp: stamp, ready: make(chan struct{})}
		cs.cache.entries[key] = e
		cs.cache.mu.Unlock()
		e.recs, e.err = cs.inner.Records(ctx, model)
		close(e.ready)
		if e.err != nil {
			// Do not keep a failure (a cancelled context, say).
			cs.cache.mu.Lock()
			if cs.cache.entries[key] == e {
				delete(cs.cache.entries, key)
			}
			cs.cache.mu.Unlock()
		}
		return e.recs, e.err
	}
	cs.cache.mu.Unlock()
	select {
	case <-e.ready:
		return e.recs, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
