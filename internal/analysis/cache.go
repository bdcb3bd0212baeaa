package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// RecordCache keeps the decoded records of synced models in memory, so that
// the analyzers of a connection decode each model once instead of once
// each per run. An entry is valid while the model's sync state is unchanged
// (same last sync, record count and update time). After a sync, only the
// records that sync wrote are read and decoded, and merged into a copy of
// the entry (an incremental sync of a large company writes a few dozen);
// when the merge does not account for every stored record (a sweep deleted
// some), the model is read again whole. Records handed out are shared:
// analyzers must not modify them.
//
// Entries not read for cacheIdle are dropped (looked for at most every
// cacheSweepEvery, on a read), so an instance serving many companies holds
// only those it analyzes, and a removed connection's records go.
type RecordCache struct {
	mu        sync.Mutex
	entries   map[cacheKey]*cacheEntry
	now       func() time.Time
	lastSweep time.Time
	opts      CacheOptions
}

// CacheOptions shape what a RecordCache keeps.
type CacheOptions struct {
	// Fields lists, per model, the fields AnalysisSource keeps of each
	// record (with "id" and "active"); a model not listed keeps every
	// stored field. The analyzers declare what they read (areas.Fields),
	// so their copy holds that rather than every field the sync stores.
	// Source keeps every field, for readers of any field (the chat's
	// queries); a model read both ways is held twice.
	Fields map[string][]string
	// MaxRecords bounds the records held across connections and models:
	// after a read, the models read least recently are dropped until the
	// cache holds at most this many (the model just read is kept whatever
	// its size). Zero means no bound beyond the idle expiry.
	MaxRecords int
}

// Cache eviction: analyses run after every sync (minutes apart) and at
// least hourly, so an entry unread for three hours belongs to a connection
// no longer analyzed here.
const (
	cacheIdle       = 3 * time.Hour
	cacheSweepEvery = 10 * time.Minute
	// cacheFullEvery is how often a model is read whole even when
	// refreshes add up: it bounds how long a write a refresh missed
	// (stamped by a clock more than clockSkewMargin behind) stays unseen.
	cacheFullEvery = time.Hour
)

type cacheKey struct {
	connectionID int64
	model        string
	projected    bool // AnalysisSource's copy (CacheOptions.Fields)
}

type cacheEntry struct {
	stamp string
	ready chan struct{} // closed when recs and err are set
	recs  []odoo.Record // in id order
	err   error
	// ids are the records' ids, parallel to recs; syncedUpTo is the latest
	// time a sync wrote one of them, where the next refresh reads from.
	ids        []int64
	syncedUpTo time.Time
	// moved is set when a sync started while the entry was read: it may
	// hold some of that sync's records and not others, so it is served
	// but not refreshed from.
	moved bool
	used  time.Time // last read; guarded by RecordCache.mu
	// fullAt is when the model was last read whole.
	fullAt time.Time
}

// NewRecordCache returns an empty cache.
func NewRecordCache() *RecordCache {
	return NewRecordCacheWith(CacheOptions{})
}

// NewRecordCacheWith returns an empty cache with options.
func NewRecordCacheWith(o CacheOptions) *RecordCache {
	return &RecordCache{entries: map[cacheKey]*cacheEntry{}, now: time.Now, opts: o}
}

// Records returns how many records the cache holds.
func (c *RecordCache) Records() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.entries {
		if isReady(e) {
			n += len(e.recs)
		}
	}
	return n
}

// trim drops the least recently read models until the cache holds at
// most MaxRecords, keeping keep. Call with c.mu held.
func (c *RecordCache) trim(keep cacheKey) {
	if c.opts.MaxRecords <= 0 {
		return
	}
	type held struct {
		key  cacheKey
		used time.Time
		n    int
	}
	var all []held
	total := 0
	for k, e := range c.entries {
		if !isReady(e) {
			continue
		}
		total += len(e.recs)
		if k != keep {
			all = append(all, held{k, e.used, len(e.recs)})
		}
	}
	slices.SortFunc(all, func(a, b held) int { return a.used.Compare(b.used) })
	for _, h := range all {
		if total <= c.opts.MaxRecords {
			return
		}
		delete(c.entries, h.key)
		total -= h.n
	}
}

// Len returns how many models the cache holds.
func (c *RecordCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// sweep drops the entries unread for cacheIdle, at most every
// cacheSweepEvery. Call with c.mu held. An entry still being read is kept.
func (c *RecordCache) sweep(now time.Time) {
	if now.Sub(c.lastSweep) < cacheSweepEvery {
		return
	}
	c.lastSweep = now
	for k, e := range c.entries {
		if now.Sub(e.used) >= cacheIdle && isReady(e) {
			delete(c.entries, k)
		}
	}
}

// Source returns a Source over the connection's synced records that reads
// through the cache, every stored field of each record.
func (c *RecordCache) Source(s *store.Store, connectionID int64) Source {
	return cachedSource{cache: c, inner: StoreSource{Store: s, ConnectionID: connectionID}}
}

// AnalysisSource returns a Source over the connection's synced records
// that reads through the cache and keeps of each record the fields in
// CacheOptions.Fields: for the analyzers, and for code that reads records
// only through their loaders (the history of figures).
func (c *RecordCache) AnalysisSource(s *store.Store, connectionID int64) Source {
	if c.opts.Fields == nil {
		return c.Source(s, connectionID)
	}
	return cachedSource{cache: c, inner: StoreSource{Store: s, ConnectionID: connectionID, Fields: c.opts.Fields}, projected: true}
}

type cachedSource struct {
	cache     *RecordCache
	inner     StoreSource
	projected bool
}

// Records implements Source. Concurrent callers of one model wait for a
// single read.
func (cs cachedSource) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	st, err := cs.inner.Store.OdooSyncStateGet(ctx, cs.inner.ConnectionID, model)
	if errors.Is(err, store.ErrNotFound) {
		return cs.inner.Records(ctx, model) // not synced: the plain source explains why
	}
	if err != nil {
		return nil, err
	}
	if st.Status == store.OdooSyncRunning || st.Status == store.OdooSyncNotInstalled {
		// Mid-sync the records change page by page: read them as they are
		// now, without caching a moving target. A model not installed has
		// no records; the plain source says so.
		return cs.inner.Records(ctx, model)
	}
	stamp := fmt.Sprintf("%d/%d/%d/%s", st.LastSyncedAt.UnixNano(), st.RecordCount, st.UpdatedAt.UnixNano(), st.Status)
	key := cacheKey{cs.inner.ConnectionID, model, cs.projected}

	cs.cache.mu.Lock()
	now := cs.cache.now()
	cs.cache.sweep(now)
	e, ok := cs.cache.entries[key]
	if ok {
		e.used = now
	}
	if !ok || e.stamp != stamp {
		prev := e
		e = &cacheEntry{stamp: stamp, ready: make(chan struct{}), used: now}
		cs.cache.entries[key] = e
		cs.cache.mu.Unlock()
		if prev != nil {
			// Wait for the previous read to end, so there is something to
			// refresh (it usually has).
			select {
			case <-prev.ready:
			case <-ctx.Done():
			}
		}
		cs.fill(ctx, e, prev, model, int(st.RecordCount), now)
		if e.err == nil {
			after, err := cs.inner.Store.OdooSyncStateGet(ctx, cs.inner.ConnectionID, model)
			e.moved = err != nil || !after.LastSyncedAt.Equal(st.LastSyncedAt) || !after.UpdatedAt.Equal(st.UpdatedAt) || after.Status != st.Status
		}
		close(e.ready)
		cs.cache.mu.Lock()
		if e.err != nil {
			// Do not keep a failure (a cancelled context, say).
			if cs.cache.entries[key] == e {
				delete(cs.cache.entries, key)
			}
		} else {
			cs.cache.trim(key)
		}
		cs.cache.mu.Unlock()
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

// fill sets e from the records written since prev was read, merged into a
// copy of prev, or from every record of the model when there is no usable
// prev or the merge does not add up to the stored count.
func (cs cachedSource) fill(ctx context.Context, e, prev *cacheEntry, model string, count int, now time.Time) {
	if prev != nil && isReady(prev) && prev.err == nil && !prev.moved && prev.recs != nil && fresh(prev.fullAt, now, cacheFullEvery) {
		e.fullAt = prev.fullAt
		if cs.refresh(ctx, e, prev, model) && len(e.recs) == count {
			return
		}
		if e.err != nil {
			return
		}
	}
	e.recs, e.ids, e.syncedUpTo, e.err = cs.read(ctx, model, time.Time{})
	e.fullAt = now
}

// fresh reports whether at is less than d before now (a clock that went
// back counts as not fresh).
func fresh(at, now time.Time, d time.Duration) bool {
	age := now.Sub(at)
	return age >= 0 && age < d
}

// clockSkewMargin is how far before the latest write time a refresh starts
// reading. synced_at is stamped by the clock of whichever instance ran the
// sync; another instance's clock (or this one after an NTP step) may be
// behind, and its later writes would otherwise fall before the point the
// refresh reads from and be missed. Re-reading a few minutes of writes
// (the previous sync's) costs little.
const clockSkewMargin = 10 * time.Minute

// refresh merges the records written since prev into a copy of prev.recs.
// It reports false when e holds an error. Each record is merged as soon as
// it is decoded, so the one it replaces can be collected while the read
// goes on: a refresh that rewrites every record (the first after a full
// sync, which the clock-skew margin reads again) holds about one copy of
// the model, not two.
func (cs cachedSource) refresh(ctx context.Context, e, prev *cacheEntry, model string) bool {
	since, upTo := prev.syncedUpTo.Add(-clockSkewMargin), prev.syncedUpTo
	recs, allIDs := slices.Clone(prev.recs), slices.Clone(prev.ids)
	added := false
	dec := cs.inner.decoder(model)
	for rec, err := range cs.inner.Store.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: cs.inner.ConnectionID, Model: model, SyncedSince: since, DataOnly: true}) {
		if err != nil {
			e.err = err
			return false
		}
		r, err := dec.decode(rec)
		if err != nil {
			e.err = err
			return false
		}
		if rec.SyncedAt.After(upTo) {
			upTo = rec.SyncedAt
		}
		if at, found := slices.BinarySearch(allIDs, rec.OdooID); found {
			recs[at] = r
			continue
		}
		recs, allIDs = append(recs, r), append(allIDs, rec.OdooID)
		added = true
	}
	if added {
		order := make([]int, len(allIDs))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(allIDs[a], allIDs[b]) })
		sortedRecs, sortedIDs := make([]odoo.Record, len(order)), make([]int64, len(order))
		for i, j := range order {
			sortedRecs[i], sortedIDs[i] = recs[j], allIDs[j]
		}
		recs, allIDs = sortedRecs, sortedIDs
	}
	e.recs, e.ids, e.syncedUpTo = recs, allIDs, upTo
	return true
}

// read decodes the model's records written at or after since (every
// record for the zero time), in id order, with their ids and the latest
// time one was written.
func (cs cachedSource) read(ctx context.Context, model string, since time.Time) ([]odoo.Record, []int64, time.Time, error) {
	var (
		recs []odoo.Record
		ids  []int64
		upTo time.Time
	)
	dec := cs.inner.decoder(model)
	for rec, err := range cs.inner.Store.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: cs.inner.ConnectionID, Model: model, SyncedSince: since, DataOnly: true}) {
		if err != nil {
			return nil, nil, time.Time{}, err
		}
		r, err := dec.decode(rec)
		if err != nil {
			return nil, nil, time.Time{}, err
		}
		recs, ids = append(recs, r), append(ids, rec.OdooID)
		if rec.SyncedAt.After(upTo) {
			upTo = rec.SyncedAt
		}
	}
	if recs == nil {
		recs = []odoo.Record{}
	}
	return recs, ids, upTo, nil
}

func isReady(e *cacheEntry) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}
