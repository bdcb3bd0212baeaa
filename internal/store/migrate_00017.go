package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// Migration 00017 compresses odoo_records.data (odoo_record_codec.go). It
// is written in Go, not SQL, because it rewrites every stored record with
// the store's own encoder. It is numbered before 00018, which some
// databases applied first: migrate.go lets goose apply it out of order.

// migration00017 returns the migration for the store's dialect.
func (s *Store) migration00017() *goose.Migration {
	return goose.NewGoMigration(17,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return s.withTx(tx).odooRecordsCompress(ctx, tx) }},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return s.withTx(tx).odooRecordsDecompress(ctx, tx) }},
	)
}

// withTx returns a Store running its queries in tx.
func (s *Store) withTx(tx *sql.Tx) *Store {
	c := *s
	c.q = tx
	return &c
}

// migrationPage is the number of records rewritten per read of the table.
const migrationPage = 1000

// migrationLogEvery is how many rewritten records apart progress is logged.
const migrationLogEvery = 50000

func (s *Store) odooRecordsCompress(ctx context.Context, tx *sql.Tx) error {
	ddl := []string{`CREATE TABLE odoo_record_dicts (
		id            BIGINT PRIMARY KEY,
		connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		model         TEXT NOT NULL,
		content       BLOB NOT NULL,
		created_at    TIMESTAMP NOT NULL
	)`}
	if s.dialect == Postgres {
		ddl = []string{`CREATE TABLE odoo_record_dicts (
			id            BIGINT PRIMARY KEY,
			connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
			model         TEXT NOT NULL,
			content       BYTEA NOT NULL,
			created_at    TIMESTAMPTZ NOT NULL
		)`,
			// The text of the JSONB, which is what readers were given.
			`ALTER TABLE odoo_records ALTER COLUMN data DROP DEFAULT,
				ALTER COLUMN data TYPE BYTEA USING convert_to(data::text, 'UTF8'),
				ALTER COLUMN data SET DEFAULT '{}'::bytea`}
	}
	ddl = append(ddl, `CREATE INDEX odoo_record_dicts_model ON odoo_record_dicts (connection_id, model)`)
	for _, q := range ddl {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: migration 17: %w", err)
		}
	}
	var first *recordEncoder
	return s.odooRecordsRewrite(ctx, tx, "compress", func(connectionID int64, model string, page [][]byte) ([][]byte, error) {
		if first == nil {
			// The model's first page makes its dictionary.
			enc, err := s.recordEncoder(ctx, connectionID, model, page)
			if err != nil {
				return nil, err
			}
			first = enc
		}
		out := make([][]byte, len(page))
		if first.dict == nil {
			return out, nil // a model too small for a dictionary stays JSON
		}
		for i, data := range page {
			if len(data) > 0 && data[0] != recordS2 {
				out[i] = first.encode(data)
			}
		}
		return out, nil
	}, func() { first = nil })
}

func (s *Store) odooRecordsDecompress(ctx context.Context, tx *sql.Tx) error {
	err := s.odooRecordsRewrite(ctx, tx, "decompress", func(_ int64, _ string, page [][]byte) ([][]byte, error) {
		out := make([][]byte, len(page))
		for i, data := range page {
			if len(data) == 0 || data[0] != recordS2 {
				continue
			}
			dec, err := s.decodeRecordData(ctx, data)
			if err != nil {
				return nil, err
			}
			out[i] = dec
		}
		return out, nil
	}, func() {})
	if err != nil {
		return err
	}
	ddl := []string{`DROP TABLE odoo_record_dicts`}
	if s.dialect == Postgres {
		ddl = append(ddl, `ALTER TABLE odoo_records ALTER COLUMN data DROP DEFAULT,
			ALTER COLUMN data TYPE JSONB USING convert_from(data, 'UTF8')::jsonb,
			ALTER COLUMN data SET DEFAULT '{}'`)
	}
	for _, q := range ddl {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: migration 17 down: %w", err)
		}
	}
	return nil
}

// odooRecordsRewrite passes the data of every stored record, a page of a
// model at a time, through rewrite, and stores the values it returns
// (nil: unchanged). newModel runs before each model's first page. Pages
// keep memory flat whatever the size of the store.
func (s *Store) odooRecordsRewrite(ctx context.Context, tx *sql.Tx, verb string,
	rewrite func(connectionID int64, model string, page [][]byte) ([][]byte, error), newModel func()) error {
	type modelKey struct {
		conn  int64
		model string
		count int64
	}
	rows, err := tx.QueryContext(ctx, `SELECT connection_id, model, COUNT(*) FROM odoo_records
		GROUP BY connection_id, model ORDER BY connection_id, model`)
	if err != nil {
		return fmt.Errorf("store: %s odoo records: %w", verb, err)
	}
	var (
		models []modelKey
		total  int64
	)
	for rows.Next() {
		var k modelKey
		if err := rows.Scan(&k.conn, &k.model, &k.count); err != nil {
			rows.Close()
			return fmt.Errorf("store: %s odoo records: %w", verb, err)
		}
		models, total = append(models, k), total+k.count
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s odoo records: %w", verb, err)
	}
	if total == 0 {
		return nil
	}
	s.logger.InfoContext(ctx, "store: "+verb+" odoo records", "records", total, "models", len(models))
	update, err := tx.PrepareContext(ctx, `UPDATE odoo_records SET data = $1
		WHERE connection_id = $2 AND model = $3 AND odoo_id = $4`)
	if err != nil {
		return fmt.Errorf("store: %s odoo records: %w", verb, err)
	}
	defer update.Close()
	var done, logged int64
	for _, m := range models {
		newModel()
		var after int64 = -1 << 62
		for {
			ids, page, err := odooRecordDataPage(ctx, tx, m.conn, m.model, after)
			if err != nil {
				return fmt.Errorf("store: %s odoo records %s: %w", verb, m.model, err)
			}
			if len(ids) == 0 {
				break
			}
			out, err := rewrite(m.conn, m.model, page)
			if err != nil {
				return fmt.Errorf("store: %s odoo records %s: %w", verb, m.model, err)
			}
			for i, data := range out {
				if data == nil {
					continue
				}
				var v any = data
				if s.dialect == SQLite && data[0] != recordS2 {
					v = string(data) // JSON is text, as before 00017
				}
				if _, err := update.ExecContext(ctx, v, m.conn, m.model, ids[i]); err != nil {
					return fmt.Errorf("store: %s odoo records %s %d: %w", verb, m.model, ids[i], err)
				}
			}
			done += int64(len(ids))
			if done-logged >= migrationLogEvery {
				s.logger.InfoContext(ctx, "store: "+verb+" odoo records", "done", done, "records", total)
				logged = done
			}
			after = ids[len(ids)-1]
		}
	}
	s.logger.InfoContext(ctx, "store: "+verb+" odoo records: done", "records", done)
	return nil
}

// odooRecordDataPage reads the ids and stored data of the next page of a
// model's records after id after.
func odooRecordDataPage(ctx context.Context, tx *sql.Tx, connectionID int64, model string, after int64) ([]int64, [][]byte, error) {
	rows, err := tx.QueryContext(ctx, `SELECT odoo_id, data FROM odoo_records
		WHERE connection_id = $1 AND model = $2 AND odoo_id > $3 ORDER BY odoo_id LIMIT $4`,
		connectionID, model, after, migrationPage)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, migrationPage)
	page := make([][]byte, 0, migrationPage)
	for rows.Next() {
		var (
			id   int64
			data []byte
		)
		if err := rows.Scan(&id, &data); err != nil {
			return nil, nil, err
		}
		ids, page = append(ids, id), append(page, data)
	}
	return ids, page, rows.Err()
}
