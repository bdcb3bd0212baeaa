package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OdooRecord is one Odoo record copied into the store by package odoosync.
type OdooRecord struct {
	ConnectionID int64
	Model        string
	OdooID       int64
	WriteDate    time.Time // zero when Odoo sent none
	Active       bool      // false for archived records
	// Data is the record's synced fields as a JSON object, as Odoo sent
	// them (False for empty values, [id, "name"] pairs for many2one
	// fields) and as the sync wrote it: the store compresses it
	// (odoo_record_codec.go) and hands it back decompressed. Decode it
	// with Decode or Fields when needed.
	Data     json.RawMessage
	SyncedAt time.Time
}

// Decode unmarshals Data into v, with numbers as json.Number so that
// integers and amounts keep their exact value.
func (r *OdooRecord) Decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(r.Data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("store: odoo record %s %d: decode: %w", r.Model, r.OdooID, err)
	}
	return nil
}

// Fields decodes Data into a map of field name to value. The map converts
// directly to odoo.Record, whose methods decode each field.
func (r *OdooRecord) Fields() (map[string]any, error) {
	var m map[string]any
	if err := r.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// OdooRecordParams is one record to store with OdooRecordUpsertMany.
type OdooRecordParams struct {
	OdooID    int64
	WriteDate time.Time // zero when unknown
	Active    bool
	Data      json.RawMessage // a JSON object; nil means {}
}

// odooRecordBatchRows is the number of rows per INSERT statement: four
// variables a row keeps a statement far below SQLite's 32766 variables and
// PostgreSQL's 65535 parameters.
const odooRecordBatchRows = 500

// odooUpsertSQL returns the multi-row upsert for n rows in the dialect's
// placeholders. On PostgreSQL $1, $2 and $3 are the connection, model and
// sync time shared by every row, followed by four parameters per row. On
// SQLite every row repeats all seven as anonymous "?" parameters: SQLite
// finds a numbered or named parameter by a linear scan of the statement's
// parameter names, once per parameter bound, which made binding a
// 2,000-parameter upsert quadratic (a tenth of a first sync's time).
func odooUpsertSQL(d Dialect, n int) string {
	var b strings.Builder
	b.Grow(120 + n*40)
	b.WriteString(`INSERT INTO odoo_records (connection_id, model, odoo_id, write_date, active, data, synced_at) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if d == SQLite {
			b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			continue
		}
		p := 4 + i*4
		b.WriteString("($1, $2, $")
		b.WriteString(strconv.Itoa(p))
		b.WriteString(", $")
		b.WriteString(strconv.Itoa(p + 1))
		b.WriteString(", $")
		b.WriteString(strconv.Itoa(p + 2))
		b.WriteString(", $")
		b.WriteString(strconv.Itoa(p + 3))
		b.WriteString(", $3)")
	}
	// A row already holding a newer version (written by a concurrent sync)
	// is left alone.
	b.WriteString(` ON CONFLICT (connection_id, model, odoo_id) DO UPDATE SET
		write_date = excluded.write_date, active = excluded.active, data = excluded.data, synced_at = excluded.synced_at
		WHERE odoo_records.write_date IS NULL OR excluded.write_date IS NULL OR excluded.write_date >= odoo_records.write_date`)
	return b.String()
}

// OdooRecordUpsertMany inserts or replaces records of one model in one
// transaction (or in the caller's), with multi-row INSERT ... ON CONFLICT
// statements of up to 500 rows. A stored record with a later write date
// than the one given is kept. Records must have distinct ids.
func (s *Store) OdooRecordUpsertMany(ctx context.Context, connectionID int64, model string, recs []OdooRecordParams) error {
	if len(recs) == 0 {
		return nil
	}
	now := s.nowUTC()
	datas := make([][]byte, len(recs))
	for i, r := range recs {
		data, err := jsonOrEmpty(r.Data, "{}")
		if err != nil {
			return fmt.Errorf("store: upsert odoo records %s: record %d: data: %w", model, r.OdooID, err)
		}
		datas[i] = []byte(data)
	}
	return s.inTxIfNeeded(ctx, func(tx *Store) error {
		enc, err := tx.recordEncoder(ctx, connectionID, model, datas)
		if err != nil {
			return err
		}
		var fullSQL string
		args := make([]any, 0, 7*min(len(recs), odooRecordBatchRows))
		for start := 0; start < len(recs); start += odooRecordBatchRows {
			chunk := recs[start:min(start+odooRecordBatchRows, len(recs))]
			args = args[:0]
			if tx.dialect != SQLite {
				args = append(args, connectionID, model, now)
			}
			for i, r := range chunk {
				var data any = enc.encode(datas[start+i])
				if tx.dialect == SQLite && enc.dict == nil {
					data = string(datas[start+i]) // JSON is text, as before 00017
				}
				if tx.dialect == SQLite {
					args = append(args, connectionID, model, r.OdooID, nullTime(r.WriteDate), r.Active, data, now)
				} else {
					args = append(args, r.OdooID, nullTime(r.WriteDate), r.Active, data)
				}
			}
			var query string
			if len(chunk) == odooRecordBatchRows {
				if fullSQL == "" {
					fullSQL = odooUpsertSQL(tx.dialect, odooRecordBatchRows)
				}
				query = fullSQL
			} else {
				query = odooUpsertSQL(tx.dialect, len(chunk))
			}
			if _, err := tx.q.ExecContext(ctx, query, args...); err != nil {
				return fmt.Errorf("store: upsert odoo records %s: %w", model, err)
			}
		}
		return nil
	})
}

// odooIDList renders ids as a comma-separated list of integers, safe to
// inline in SQL because they are formatted from int64 values.
func odooIDList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// odooDeleteBatch is the number of ids per DELETE statement.
const odooDeleteBatch = 1000

// OdooRecordDelete removes the given records of a model and returns how
// many it removed. Ids not stored are ignored.
func (s *Store) OdooRecordDelete(ctx context.Context, connectionID int64, model string, ids []int64) (int64, error) {
	var n int64
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		for chunk := range slices.Chunk(ids, odooDeleteBatch) {
			// The ids are inlined (they are integers), so the statement
			// needs no variables whatever the batch size.
			res, err := tx.q.ExecContext(ctx, `DELETE FROM odoo_records
				WHERE connection_id = $1 AND model = $2 AND odoo_id IN (`+odooIDList(chunk)+`)`, connectionID, model)
			if err != nil {
				return fmt.Errorf("store: delete odoo records %s: %w", model, err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return n, err
}

// OdooRecordIDs returns the ids of the stored records of a model, in
// increasing order.
func (s *Store) OdooRecordIDs(ctx context.Context, connectionID int64, model string) ([]int64, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT odoo_id FROM odoo_records
		WHERE connection_id = $1 AND model = $2 ORDER BY odoo_id`, connectionID, model)
	if err != nil {
		return nil, fmt.Errorf("store: odoo record ids %s: %w", model, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: odoo record ids %s: %w", model, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: odoo record ids %s: %w", model, err)
	}
	return ids, nil
}

// OdooRecordDeleteMissing removes the stored records of a model whose id is
// not in keep (sorted or not), as an id sweep does when records were
// deleted in Odoo, and returns the removed ids.
func (s *Store) OdooRecordDeleteMissing(ctx context.Context, connectionID int64, model string, keep []int64) ([]int64, error) {
	keep = slices.Clone(keep)
	slices.Sort(keep)
	var gone []int64
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		local, err := tx.OdooRecordIDs(ctx, connectionID, model)
		if err != nil {
			return err
		}
		for _, id := range local {
			if _, found := slices.BinarySearch(keep, id); !found {
				gone = append(gone, id)
			}
		}
		_, err = tx.OdooRecordDelete(ctx, connectionID, model, gone)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gone, nil
}

// OdooRecordCount returns the number of stored records of a model.
func (s *Store) OdooRecordCount(ctx context.Context, connectionID int64, model string) (int64, error) {
	var n int64
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM odoo_records WHERE connection_id = $1 AND model = $2`,
		connectionID, model).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count odoo records %s: %w", model, err)
	}
	return n, nil
}

const odooRecordColumns = `connection_id, model, odoo_id, write_date, active, data, synced_at`

func scanOdooRecord(row interface{ Scan(...any) error }) (*OdooRecord, error) {
	var (
		r    OdooRecord
		wd   nullTimeScanner
		data []byte
	)
	if err := row.Scan(&r.ConnectionID, &r.Model, &r.OdooID, &wd, &r.Active, &data, &r.SyncedAt); err != nil {
		return nil, err
	}
	r.WriteDate, r.SyncedAt = wd.Time, r.SyncedAt.UTC()
	r.Data = json.RawMessage(data) // as stored: see decodeRecords
	return &r, nil
}

// scanOdooRecordData scans a row of a DataOnly listing. It decodes the
// data while the driver's buffer is valid when it can (its dictionary is
// cached), which saves copying the stored bytes; decodeRecords does the
// rest.
func (s *Store) scanOdooRecordData(rows *sql.Rows, connectionID int64, model string) (*OdooRecord, error) {
	r := OdooRecord{ConnectionID: connectionID, Model: model}
	var data sql.RawBytes
	if err := rows.Scan(&r.OdooID, &data, &r.SyncedAt); err != nil {
		return nil, err
	}
	r.SyncedAt, r.Data = r.SyncedAt.UTC(), s.decodeCachedRecordData(data)
	return &r, nil
}

// OdooRecordGet returns one stored record, or ErrNotFound.
func (s *Store) OdooRecordGet(ctx context.Context, connectionID int64, model string, odooID int64) (*OdooRecord, error) {
	r, err := scanOdooRecord(s.q.QueryRowContext(ctx, `SELECT `+odooRecordColumns+` FROM odoo_records
		WHERE connection_id = $1 AND model = $2 AND odoo_id = $3`, connectionID, model, odooID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("odoo record %s %d", model, odooID))
	}
	if err := s.decodeRecords(ctx, []*OdooRecord{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// OdooRecordListPageDefault is the number of rows OdooRecordList reads per
// query when OdooRecordListParams.PageSize is zero.
const OdooRecordListPageDefault = 1000

// OdooRecordListParams selects the records OdooRecordList yields.
type OdooRecordListParams struct {
	ConnectionID int64
	Model        string
	// ActiveOnly leaves out archived records.
	ActiveOnly bool
	// AfterID starts after this id, to resume a listing.
	AfterID int64
	// SyncedSince, when set, keeps only the records a sync wrote at or
	// after this time (to refresh a copy made earlier).
	SyncedSince time.Time
	// PageSize is the number of rows read per query. Defaults to
	// OdooRecordListPageDefault.
	PageSize int
	// DataOnly reads only each record's id, Data and SyncedAt (the other
	// fields are left zero but ConnectionID and Model), which is what
	// decoding a model needs and a third cheaper to read.
	DataOnly bool
}

// OdooRecordList yields the stored records of a model in increasing id
// order. It reads them a page at a time (keyset paging by id), so it holds
// no connection while the caller works on a record, and their Data is left
// undecoded until the caller asks. Iteration stops at the first error.
func (s *Store) OdooRecordList(ctx context.Context, p OdooRecordListParams) iter.Seq2[*OdooRecord, error] {
	pageSize := cmp.Or(p.PageSize, OdooRecordListPageDefault)
	return func(yield func(*OdooRecord, error) bool) {
		after := p.AfterID
		for {
			page, err := s.odooRecordPage(ctx, p, after, pageSize)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page {
				if !yield(r, nil) {
					return
				}
				after = r.OdooID
			}
			if len(page) < pageSize {
				return
			}
		}
	}
}

func (s *Store) odooRecordPage(ctx context.Context, p OdooRecordListParams, after int64, limit int) ([]*OdooRecord, error) {
	cols := odooRecordColumns
	if p.DataOnly {
		cols = `odoo_id, data, synced_at`
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+cols+` FROM odoo_records
		WHERE connection_id = $1 AND model = $2 AND odoo_id > $3 AND (active = TRUE OR $4 = FALSE) AND synced_at >= $5
		ORDER BY odoo_id LIMIT $6`, p.ConnectionID, p.Model, after, p.ActiveOnly, timestamp(p.SyncedSince), limit)
	if err != nil {
		return nil, fmt.Errorf("store: list odoo records %s: %w", p.Model, err)
	}
	defer rows.Close()
	out := make([]*OdooRecord, 0, limit)
	for rows.Next() {
		var (
			r   *OdooRecord
			err error
		)
		if p.DataOnly {
			r, err = s.scanOdooRecordData(rows, p.ConnectionID, p.Model)
		} else {
			r, err = scanOdooRecord(rows)
		}
		if err != nil {
			return nil, fmt.Errorf("store: list odoo records %s: %w", p.Model, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list odoo records %s: %w", p.Model, err)
	}
	rows.Close()
	if err := s.decodeRecords(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Odoo sync statuses of a model (OdooSyncState.Status).
const (
	OdooSyncRunning      = "running"
	OdooSyncOK           = "ok"
	OdooSyncFailed       = "failed"
	OdooSyncNotInstalled = "not_installed"
)

// OdooSyncState is where the sync of one model of a connection stands.
type OdooSyncState struct {
	ConnectionID int64
	Model        string
	// Status is one of the OdooSync* constants, or empty before the first
	// sync.
	Status string
	// Fields are the fields synced; when the wanted fields change, the
	// model is fetched again from the start.
	Fields []string
	// CursorWriteDate is the write date up to which every record has been
	// fetched; zero before the first sync.
	CursorWriteDate time.Time
	// CursorIDs are the ids already fetched whose write date equals
	// CursorWriteDate, so the next sync skips them. While CursorWriteDate
	// is zero, an initial scan by id is in progress and CursorIDs holds the
	// last id it stored.
	CursorIDs       []int64
	LastFullSweepAt time.Time // zero when never swept
	LastSyncedAt    time.Time // when the last sync of the model ended
	LastSuccessAt   time.Time // when the last successful sync ended
	RecordCount     int64
	LastError       string
	// ProgressDone and ProgressTotal count the records of the sync in
	// progress (or of the last one), for dashboards.
	ProgressDone  int64
	ProgressTotal int64
	StartedAt     time.Time // when the current or last sync began
	UpdatedAt     time.Time
}

const odooSyncStateColumns = `connection_id, model, status, fields, cursor_write_date, cursor_ids, last_full_sweep_at,
	last_synced_at, last_success_at, record_count, last_error, progress_done, progress_total, started_at, updated_at`

func scanOdooSyncState(row interface{ Scan(...any) error }) (*OdooSyncState, error) {
	var (
		st                                    OdooSyncState
		fields, ids                           []byte
		cursor, sweep, synced, success, start nullTimeScanner
	)
	if err := row.Scan(&st.ConnectionID, &st.Model, &st.Status, &fields, &cursor, &ids, &sweep,
		&synced, &success, &st.RecordCount, &st.LastError, &st.ProgressDone, &st.ProgressTotal, &start, &st.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(fields, &st.Fields); err != nil {
		return nil, fmt.Errorf("fields: %w", err)
	}
	if err := json.Unmarshal(ids, &st.CursorIDs); err != nil {
		return nil, fmt.Errorf("cursor ids: %w", err)
	}
	st.CursorWriteDate, st.LastFullSweepAt, st.LastSyncedAt, st.LastSuccessAt, st.StartedAt =
		cursor.Time, sweep.Time, synced.Time, success.Time, start.Time
	st.UpdatedAt = st.UpdatedAt.UTC()
	return &st, nil
}

// OdooSyncStateGet returns the sync state of a model, or ErrNotFound before
// its first sync.
func (s *Store) OdooSyncStateGet(ctx context.Context, connectionID int64, model string) (*OdooSyncState, error) {
	st, err := scanOdooSyncState(s.q.QueryRowContext(ctx, `SELECT `+odooSyncStateColumns+` FROM odoo_sync_state
		WHERE connection_id = $1 AND model = $2`, connectionID, model))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("odoo sync state %s", model))
	}
	return st, nil
}

// OdooSyncStatePut creates or replaces the sync state of a model. Its
// UpdatedAt is set to the store's clock.
func (s *Store) OdooSyncStatePut(ctx context.Context, st *OdooSyncState) error {
	fields, err := json.Marshal(nonNil(st.Fields))
	if err != nil {
		return fmt.Errorf("store: put odoo sync state %s: %w", st.Model, err)
	}
	ids, err := json.Marshal(nonNil(st.CursorIDs))
	if err != nil {
		return fmt.Errorf("store: put odoo sync state %s: %w", st.Model, err)
	}
	now := s.nowUTC()
	_, err = s.q.ExecContext(ctx, `
		INSERT INTO odoo_sync_state (`+odooSyncStateColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (connection_id, model) DO UPDATE SET
			status = excluded.status, fields = excluded.fields, cursor_write_date = excluded.cursor_write_date,
			cursor_ids = excluded.cursor_ids, last_full_sweep_at = excluded.last_full_sweep_at,
			last_synced_at = excluded.last_synced_at, last_success_at = excluded.last_success_at,
			record_count = excluded.record_count, last_error = excluded.last_error,
			progress_done = excluded.progress_done, progress_total = excluded.progress_total,
			started_at = excluded.started_at, updated_at = excluded.updated_at`,
		st.ConnectionID, st.Model, st.Status, string(fields), nullTime(st.CursorWriteDate), string(ids),
		nullTime(st.LastFullSweepAt), nullTime(st.LastSyncedAt), nullTime(st.LastSuccessAt), st.RecordCount,
		st.LastError, st.ProgressDone, st.ProgressTotal, nullTime(st.StartedAt), now)
	if err != nil {
		return fmt.Errorf("store: put odoo sync state %s: %w", st.Model, err)
	}
	st.UpdatedAt = now
	return nil
}

// OdooSyncStateList returns the sync states of a connection ordered by
// model.
func (s *Store) OdooSyncStateList(ctx context.Context, connectionID int64) ([]*OdooSyncState, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+odooSyncStateColumns+` FROM odoo_sync_state
		WHERE connection_id = $1 ORDER BY model`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list odoo sync states: %w", err)
	}
	defer rows.Close()
	var out []*OdooSyncState
	for rows.Next() {
		st, err := scanOdooSyncState(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list odoo sync states: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list odoo sync states: %w", err)
	}
	return out, nil
}

// OdooSyncStateDelete forgets the sync state of a model, so that its next
// sync starts from the beginning. It does not remove the stored records.
func (s *Store) OdooSyncStateDelete(ctx context.Context, connectionID int64, model string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM odoo_sync_state WHERE connection_id = $1 AND model = $2`,
		connectionID, model); err != nil {
		return fmt.Errorf("store: delete odoo sync state %s: %w", model, err)
	}
	return nil
}

// nonNil returns s, or an empty slice for nil, so it encodes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
