package odoosync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// fetchOrder is the order of the incremental fetch, which its keyset
// follows.
const fetchOrder = "write_date asc, id asc"

// modelRun is the sync of one model in one cycle.
type modelRun struct {
	s          *Syncer
	spec       ModelSpec
	index, cnt int
	st         *store.OdooSyncState
	rep        ModelReport
	fields     []string
	hasActive  bool
}

// syncModel syncs one model and reports on it; its failure is in the
// report.
func (s *Syncer) syncModel(ctx context.Context, spec ModelSpec, full bool, index, count int) ModelReport {
	start := s.now()
	r := &modelRun{s: s, spec: spec, index: index, cnt: count, rep: ModelReport{Model: spec.Model}}
	err := r.run(ctx, full)
	r.rep.Duration = s.now().Sub(start)
	switch {
	case err == nil:
	default:
		r.rep.Status = store.OdooSyncFailed
		r.rep.Err = fmt.Errorf("odoosync: sync %s: %w", spec.Model, err)
		if r.st != nil {
			// Record the failure even when ctx was cancelled; the cursor
			// in r.st is the last committed one.
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			r.st.Status, r.st.LastError, r.st.LastSyncedAt = store.OdooSyncFailed, err.Error(), s.now()
			if perr := s.cfg.Store.OdooSyncStatePut(wctx, r.st); perr != nil {
				s.log.WarnContext(ctx, "odoosync: cannot record a failed sync", "model", spec.Model, "error", perr)
			}
		}
	}
	return r.rep
}

func (r *modelRun) run(ctx context.Context, full bool) error {
	s := r.s
	st, err := s.cfg.Store.OdooSyncStateGet(ctx, s.cfg.ConnectionID, r.spec.Model)
	switch {
	case errors.Is(err, store.ErrNotFound):
		st = &store.OdooSyncState{ConnectionID: s.cfg.ConnectionID, Model: r.spec.Model}
	case err != nil:
		return err
	}
	r.st = st
	desc, err := s.cfg.Client.FieldsGet(ctx, r.spec.Model, []string{"type", "store"})
	if errors.Is(err, odoo.ErrNotInstalled) {
		st.Status, st.LastError, st.LastSyncedAt = store.OdooSyncNotInstalled, "", s.now()
		st.ProgressDone, st.ProgressTotal = 0, 0
		if err := s.cfg.Store.OdooSyncStatePut(ctx, st); err != nil {
			return err
		}
		r.rep.Status = store.OdooSyncNotInstalled
		return nil
	}
	if err != nil {
		return fmt.Errorf("fields_get: %w", err)
	}
	if err := r.resolveFields(desc); err != nil {
		return err
	}
	r.rep.Fields = len(r.fields)

	// A new set of fields means the stored records lack some: start over.
	refetch := full || !slices.Equal(st.Fields, r.fields)
	if refetch {
		st.Fields, st.CursorWriteDate, st.CursorIDs = r.fields, time.Time{}, nil
	}
	sweep := refetch || st.LastFullSweepAt.IsZero() ||
		(s.cfg.SweepInterval > 0 && s.now().Sub(st.LastFullSweepAt) >= s.cfg.SweepInterval)

	total, err := s.cfg.Client.SearchCount(ctx, r.spec.Model, cursorDomain(st.CursorWriteDate, st.CursorIDs, 0), s.callCtx)
	if err != nil {
		return fmt.Errorf("search_count: %w", err)
	}
	st.Status, st.LastError = store.OdooSyncRunning, ""
	if !r.scanning() {
		// An initial scan resumed keeps its start: its cursor depends on it.
		st.StartedAt = s.now()
	}
	st.ProgressDone, st.ProgressTotal = 0, total
	if err := s.cfg.Store.OdooSyncStatePut(ctx, st); err != nil {
		return err
	}
	s.progress(Progress{Model: r.spec.Model, Index: r.index, Count: r.cnt, Phase: PhaseFetch, Total: total})

	if st.CursorWriteDate.IsZero() {
		if err := r.scan(ctx); err != nil {
			return err
		}
	}
	if err := r.fetch(ctx); err != nil {
		return err
	}
	if sweep {
		if err := r.sweep(ctx); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		r.rep.Swept = true
		st.LastFullSweepAt = s.now()
	}
	n, err := s.cfg.Store.OdooRecordCount(ctx, s.cfg.ConnectionID, r.spec.Model)
	if err != nil {
		return err
	}
	r.rep.Total = n
	now := s.now()
	st.Status, st.LastError, st.LastSyncedAt, st.LastSuccessAt, st.RecordCount = store.OdooSyncOK, "", now, now, n
	st.ProgressTotal = max(st.ProgressTotal, st.ProgressDone)
	if err := s.cfg.Store.OdooSyncStatePut(ctx, st); err != nil {
		return err
	}
	r.rep.Status = store.OdooSyncOK
	return nil
}

// resolveFields keeps the wanted fields the model has and stores, plus id,
// write_date and active.
func (r *modelRun) resolveFields(desc map[string]odoo.Record) error {
	if _, ok := desc["write_date"]; !ok {
		return errors.New("the model has no write_date field")
	}
	stored := func(name string) bool {
		attrs, ok := desc[name]
		if !ok {
			return false
		}
		v, ok := attrs["store"]
		return !ok || !odoo.IsFalse(v) // no store attribute: assume stored
	}
	fields := []string{"id", "write_date"}
	if attrs, ok := desc["active"]; ok {
		if t, _ := attrs.String("type"); t == "boolean" && stored("active") {
			r.hasActive = true
			fields = append(fields, "active")
		}
	}
	for _, f := range r.spec.Fields {
		if stored(f) && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	slices.Sort(fields[2:])
	r.fields = fields
	return nil
}

// cursorDomain selects the records after the keyset position (w, lastID),
// leaving out the ids skip already fetched at w:
// write_date > w OR (write_date = w AND id > lastID AND id NOT IN skip).
// A zero w selects every record.
func cursorDomain(w time.Time, skip []int64, lastID int64) domain.Domain {
	if w.IsZero() {
		if lastID > 0 {
			// Unreachable in practice: records always have a write date.
			return domain.Cond("id", domain.OpGt, lastID)
		}
		return domain.True()
	}
	ws := odoo.FormatDatetime(w)
	same := []domain.Domain{domain.Cond("write_date", domain.OpEq, ws)}
	if lastID > 0 {
		same = append(same, domain.Cond("id", domain.OpGt, lastID))
	}
	if len(skip) > 0 {
		same = append(same, domain.Cond("id", domain.OpNotIn, skip))
	}
	return domain.Or(domain.Cond("write_date", domain.OpGt, ws), domain.And(same...))
}

// scanning reports whether an initial scan was interrupted: no cursor yet,
// and the last id it stored in CursorIDs.
func (r *modelRun) scanning() bool {
	return r.st.CursorWriteDate.IsZero() && len(r.st.CursorIDs) == 1 && !r.st.StartedAt.IsZero()
}

// scan fetches every record by increasing id, which pages through Odoo's
// primary key instead of sorting the table by write_date for every page.
// While it runs, the cursor holds no write date and CursorIDs the last id
// stored, so an interrupted scan resumes there. When it ends, the cursor is
// set where the incremental fetch takes over: at the latest write date seen
// (with its ids) when that second was settled before the scan began, and
// otherwise at the settle limit of the scan's start, so every record
// written since the scan began is fetched again by the incremental pass.
func (r *modelRun) scan(ctx context.Context) error {
	s, st := r.s, r.st
	resumed := r.scanning()
	var last int64
	if resumed {
		last = st.CursorIDs[0]
	}
	var (
		maxWD  time.Time
		maxIDs []int64
	)
	for {
		recs, err := s.cfg.Client.SearchRead(ctx, r.spec.Model, domain.Cond("id", domain.OpGt, last), odoo.SearchReadOpts{
			Fields: r.fields, Order: "id asc", Limit: s.cfg.PageSize, Context: s.callCtx})
		if err != nil {
			return fmt.Errorf("search_read: %w", err)
		}
		params := make([]store.OdooRecordParams, len(recs))
		for i, rec := range recs {
			p, err := r.record(rec)
			if err != nil {
				return err
			}
			if p.OdooID <= last {
				return fmt.Errorf("search_read: records out of order at id %d", p.OdooID)
			}
			params[i], last = p, p.OdooID
			switch {
			case p.WriteDate.After(maxWD):
				maxWD, maxIDs = p.WriteDate, []int64{p.OdooID}
			case p.WriteDate.Equal(maxWD):
				maxIDs = append(maxIDs, p.OdooID)
			}
		}
		if len(recs) > 0 {
			if err := r.commit(ctx, params, time.Time{}, []int64{last}); err != nil {
				return err
			}
		}
		if len(recs) < s.cfg.PageSize {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	cursor, ids := maxWD, maxIDs
	if resumed || maxWD.IsZero() || !r.settled(maxWD, st.StartedAt) {
		limit := st.StartedAt.Add(-time.Second - max(s.cfg.SettleDelay, 0)).UTC().Truncate(time.Second)
		cursor, ids = limit, nil
		if !maxWD.IsZero() && maxWD.Before(limit) {
			cursor = maxWD // nothing was written between
		}
	}
	return r.commit(ctx, nil, cursor, ids)
}

// commit stores a page of records with the cursor that follows it in one
// transaction.
func (r *modelRun) commit(ctx context.Context, params []store.OdooRecordParams, cursor time.Time, cursorIDs []int64) error {
	s, st := r.s, r.st
	err := s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.OdooRecordUpsertMany(ctx, s.cfg.ConnectionID, r.spec.Model, params); err != nil {
			return err
		}
		next := *st
		next.CursorWriteDate, next.CursorIDs = cursor, cursorIDs
		next.ProgressDone += int64(len(params))
		return tx.OdooSyncStatePut(ctx, &next)
	})
	if err != nil {
		return err
	}
	st.CursorWriteDate, st.CursorIDs = cursor, cursorIDs
	st.ProgressDone += int64(len(params))
	r.rep.Fetched += int64(len(params))
	r.rep.Upserted += int64(len(params))
	if len(params) > 0 {
		s.progress(Progress{Model: r.spec.Model, Index: r.index, Count: r.cnt, Phase: PhaseFetch,
			Done: st.ProgressDone, Total: max(st.ProgressTotal, st.ProgressDone)})
	}
	return nil
}

// fetch pages through the records changed since the cursor, storing each
// page with the advanced cursor in one transaction.
func (r *modelRun) fetch(ctx context.Context) error {
	s, st := r.s, r.st
	// The keyset position of this cycle: (w, lastID) is the last record
	// fetched; skip are the ids the cursor had already fetched at w.
	w, lastID, skip := st.CursorWriteDate, int64(0), st.CursorIDs
	// frozen stops the cursor at the first unsettled second for the rest
	// of the cycle.
	frozen := false
	for {
		fetchedAt := s.now()
		recs, err := s.cfg.Client.SearchRead(ctx, r.spec.Model, cursorDomain(w, skip, lastID), odoo.SearchReadOpts{
			Fields: r.fields, Order: fetchOrder, Limit: s.cfg.PageSize, Context: s.callCtx})
		if err != nil {
			return fmt.Errorf("search_read: %w", err)
		}
		if len(recs) == 0 {
			return nil
		}
		params := make([]store.OdooRecordParams, len(recs))
		cursor, cursorIDs := st.CursorWriteDate, slices.Clone(st.CursorIDs)
		for i, rec := range recs {
			p, err := r.record(rec)
			if err != nil {
				return err
			}
			params[i] = p
			if p.WriteDate.Before(w) || (p.WriteDate.Equal(w) && p.OdooID <= lastID) {
				return fmt.Errorf("search_read: records out of order at id %d (%s after %s)", p.OdooID,
					odoo.FormatDatetime(p.WriteDate), odoo.FormatDatetime(w))
			}
			if !p.WriteDate.Equal(w) {
				skip = nil
			}
			w, lastID = p.WriteDate, p.OdooID
			if frozen || !r.settled(p.WriteDate, fetchedAt) {
				frozen = true
				continue
			}
			if !p.WriteDate.Equal(cursor) {
				cursor, cursorIDs = p.WriteDate, nil
			}
			cursorIDs = append(cursorIDs, p.OdooID)
		}
		if err := r.commit(ctx, params, cursor, cursorIDs); err != nil {
			return err
		}
		if len(recs) < s.cfg.PageSize {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// settled reports whether the cursor may move past write date wd, seen in
// a page fetched at fetchedAt: its second is over and older than the
// settle delay.
func (r *modelRun) settled(wd, fetchedAt time.Time) bool {
	if r.s.cfg.SettleDelay < 0 {
		return true
	}
	return !wd.Add(time.Second + r.s.cfg.SettleDelay).After(fetchedAt)
}

// record turns a fetched record into store parameters.
func (r *modelRun) record(rec odoo.Record) (store.OdooRecordParams, error) {
	p := store.OdooRecordParams{OdooID: rec.ID(), Active: true}
	if p.OdooID <= 0 {
		return p, errors.New("search_read: a record has no id")
	}
	wd, err := rec.Datetime("write_date")
	if err != nil {
		return p, fmt.Errorf("record %d: %w", p.OdooID, err)
	}
	if wd.IsZero() {
		return p, fmt.Errorf("record %d: no write_date", p.OdooID)
	}
	p.WriteDate = wd
	if r.hasActive {
		if p.Active, err = rec.Bool("active"); err != nil {
			return p, fmt.Errorf("record %d: %w", p.OdooID, err)
		}
	}
	if p.Data, err = json.Marshal(rec); err != nil {
		return p, fmt.Errorf("record %d: encode: %w", p.OdooID, err)
	}
	return p, nil
}

// sweep lists every id of the model, deletes the local records whose id is
// gone and fetches the records missing locally.
func (r *modelRun) sweep(ctx context.Context) error {
	s := r.s
	s.progress(Progress{Model: r.spec.Model, Index: r.index, Count: r.cnt, Phase: PhaseSweep,
		Done: r.st.ProgressDone, Total: max(r.st.ProgressTotal, r.st.ProgressDone)})
	var remote []int64
	for {
		var last int64
		if len(remote) > 0 {
			last = remote[len(remote)-1]
		}
		ids, err := s.cfg.Client.Search(ctx, r.spec.Model, domain.Cond("id", domain.OpGt, last),
			odoo.SearchReadOpts{Order: "id asc", Limit: s.cfg.SweepPageSize, Context: s.callCtx})
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		remote = append(remote, ids...)
		if len(ids) < s.cfg.SweepPageSize {
			break
		}
	}
	slices.Sort(remote)
	remote = slices.Compact(remote)
	local, err := s.cfg.Store.OdooRecordIDs(ctx, s.cfg.ConnectionID, r.spec.Model)
	if err != nil {
		return err
	}
	gone, missing := diffSorted(local, remote)
	if len(gone) > 0 {
		n, err := s.cfg.Store.OdooRecordDelete(ctx, s.cfg.ConnectionID, r.spec.Model, gone)
		if err != nil {
			return err
		}
		r.rep.Deleted += n
	}
	for chunk := range slices.Chunk(missing, s.cfg.PageSize) {
		recs, err := s.cfg.Client.SearchRead(ctx, r.spec.Model, domain.Cond("id", domain.OpIn, chunk),
			odoo.SearchReadOpts{Fields: r.fields, Order: "id asc", Context: s.callCtx})
		if err != nil {
			return fmt.Errorf("search_read missing records: %w", err)
		}
		params := make([]store.OdooRecordParams, 0, len(recs))
		for _, rec := range recs {
			p, err := r.record(rec)
			if err != nil {
				return err
			}
			params = append(params, p)
		}
		if err := s.cfg.Store.OdooRecordUpsertMany(ctx, s.cfg.ConnectionID, r.spec.Model, params); err != nil {
			return err
		}
		r.rep.Fetched += int64(len(params))
		r.rep.Upserted += int64(len(params))
		r.rep.Repaired += int64(len(params))
	}
	return nil
}

// diffSorted returns the ids of a missing from b and of b missing from a;
// both must be sorted.
func diffSorted(a, b []int64) (onlyA, onlyB []int64) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			onlyB = append(onlyB, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return onlyA, onlyB
}
