package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// codecRecords returns n records of a journal-item-like model in the JSON
// Odoo sends, with the values a compact format could get wrong: False,
// null, many2one pairs, empty and long lists, unicode and escapes, and
// amounts that only a decimal text keeps exact.
func codecRecords(n int, tag string) []string {
	states := []string{"draft", "posted", "cancel"}
	out := make([]string, n)
	for i := range n {
		id := i + 1
		partner := `false`
		if i%3 != 0 {
			partner = fmt.Sprintf(`[%d,"Müller & Søn GmbH \u00e9 %s \ud83d\ude80"]`, 100+i%17, tag)
		}
		out[i] = fmt.Sprintf(`{"id":%d,"name":"INV/2026/%05d","state":%q,"partner_id":%s,"amount":%s,"rate":0.1,`+
			`"tiny":1e-7,"big":12345678901234567890,"qty":-0.0,"tax_ids":[%d,%d,%d],"line_ids":[],"note":null,`+
			`"ref":"a \"quoted\" \\ path\nnext\t%s","checked":%t,"date":"2026-03-%02d","currency_id":[1,"EUR"]}`,
			id, id, states[i%3], partner, []string{"1234.5", "0.0", "-99999999.99", "3.141592653589793238462643"}[i%4],
			i, i+1, i+2, tag, i%2 == 0, 1+i%28)
	}
	return out
}

func codecParams(docs []string, wd time.Time) []store.OdooRecordParams {
	out := make([]store.OdooRecordParams, len(docs))
	for i, d := range docs {
		out[i] = store.OdooRecordParams{OdooID: int64(i + 1), WriteDate: wd, Active: true, Data: json.RawMessage(d)}
	}
	return out
}

// storedBytes returns how many records of a model are stored compressed
// and the bytes of their stored data.
func storedBytes(t *testing.T, s *store.Store, model string) (compressed int, size int) {
	t.Helper()
	rows, err := s.DB().Query(`SELECT data FROM odoo_records WHERE model = $1`, model)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && b[0] == 0x01 {
			compressed++
		}
		size += len(b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return compressed, size
}

func TestOdooRecordCompressedRoundTrip(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storetest.Config(t, d)
			s, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			c := newConnection(t, s)
			wd := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			big := codecRecords(300, "a") // about 100 KB: makes a dictionary
			small := codecRecords(3, "b") // too little for one
			// A write rolled back after making a dictionary leaves none,
			// and the next write's records read back right.
			errRollback := errors.New("rollback")
			if err := s.InTx(ctx, func(tx *store.Store) error {
				if err := tx.OdooRecordUpsertMany(ctx, c.ID, "account.move.line", codecParams(codecRecords(300, "rolled back"), wd)); err != nil {
					return err
				}
				return errRollback
			}); !errors.Is(err, errRollback) {
				t.Fatalf("rolled back write: %v", err)
			}
			if err := s.OdooRecordUpsertMany(ctx, c.ID, "account.move.line", codecParams(big, wd)); err != nil {
				t.Fatal(err)
			}
			if err := s.OdooRecordUpsertMany(ctx, c.ID, "res.company", codecParams(small, wd)); err != nil {
				t.Fatal(err)
			}
			// An update of part of the model reuses its dictionary.
			big[4] = strings.Replace(big[4], `"name":"INV/2026/00005"`, `"name":"changed"`, 1)
			if err := s.OdooRecordUpsertMany(ctx, c.ID, "account.move.line", codecParams(big[:10], wd.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}

			n, size := storedBytes(t, s, "account.move.line")
			jsonSize := 0
			for _, d := range big {
				jsonSize += len(d)
			}
			if n != len(big) || size*2 > jsonSize {
				t.Errorf("account.move.line: %d of %d compressed, %d bytes for %d of JSON", n, len(big), size, jsonSize)
			}
			if n, _ := storedBytes(t, s, "res.company"); n != 0 {
				t.Errorf("res.company: %d records compressed without a dictionary", n)
			}
			var dicts int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM odoo_record_dicts`).Scan(&dicts); err != nil || dicts != 1 {
				t.Errorf("dictionaries = %d, %v; want 1", dicts, err)
			}

			// The records read back byte for byte, from this store and
			// from another one that has no dictionary cached.
			s2, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			for _, st := range []*store.Store{s2, s} {
				for model, docs := range map[string][]string{"account.move.line": big, "res.company": small} {
					i := 0
					for r, err := range st.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: c.ID, Model: model, DataOnly: st == s2}) {
						if err != nil {
							t.Fatal(err)
						}
						if string(r.Data) != docs[i] {
							t.Fatalf("%s %d:\n got %s\nwant %s", model, r.OdooID, r.Data, docs[i])
						}
						i++
					}
					if i != len(docs) {
						t.Fatalf("%s: listed %d of %d", model, i, len(docs))
					}
				}
				r, err := st.OdooRecordGet(ctx, c.ID, "account.move.line", 5)
				if err != nil {
					t.Fatal(err)
				}
				f, err := r.Fields()
				if err != nil || f["name"] != "changed" || f["amount"] != json.Number("1234.5") || f["big"] != json.Number("12345678901234567890") {
					t.Fatalf("fields = %v, %v", f, err)
				}
				since, err := st.OdooRecordsWrittenSince(ctx, c.ID, "account.move.line", wd.Add(time.Hour))
				if err != nil || len(since) != 10 || string(since[4].Data) != big[4] {
					t.Fatalf("written since: %d records, %v", len(since), err)
				}
			}
		})
	}
}

// TestMigration00017 upgrades a database that applied 00018 but not 00017
// (00017 landed later), with records in the JSON of before, then rolls it
// back and forth.
func TestMigration00017(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := store.Open(ctx, storetest.Config(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.MigrateExcept(ctx, 17); err != nil {
				t.Fatal(err)
			}
			if pending, err := s.MigrationsPending(ctx); err != nil || !pending {
				t.Fatalf("pending = %t, %v; want true without 00017", pending, err)
			}
			c := newConnection(t, s)
			docs := map[string][]string{"account.move.line": codecRecords(1200, "a"), "res.company": codecRecords(2, "b")}
			now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			for model, list := range docs {
				for i, doc := range list {
					if _, err := s.DB().Exec(`INSERT INTO odoo_records (connection_id, model, odoo_id, write_date, active, data, synced_at)
						VALUES ($1, $2, $3, $4, TRUE, $5, $4)`, c.ID, model, i+1, now, doc); err != nil {
						t.Fatal(err)
					}
				}
			}
			// What readers were given before 00017 (on PostgreSQL, the JSONB's
			// text) is what they are given after, byte for byte.
			snapshot := func(stage string) map[string][]string {
				t.Helper()
				out := map[string][]string{}
				for model, list := range docs {
					for r, err := range s.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: c.ID, Model: model}) {
						if err != nil {
							t.Fatalf("%s: %v", stage, err)
						}
						out[model] = append(out[model], string(r.Data))
					}
					if len(out[model]) != len(list) {
						t.Fatalf("%s: %s: %d of %d records", stage, model, len(out[model]), len(list))
					}
				}
				return out
			}
			before := snapshot("before 00017")
			check := func(stage string) {
				t.Helper()
				if got := snapshot(stage); !reflect.DeepEqual(got, before) {
					t.Fatalf("%s: records differ from before 00017", stage)
				}
			}
			pages := func() int64 {
				var n int64
				if d == store.SQLite {
					if err := s.DB().QueryRow(`PRAGMA page_count`).Scan(&n); err != nil {
						t.Fatal(err)
					}
				}
				return n
			}
			pagesBefore := pages()
			n, err := s.Migrate(ctx)
			if err != nil || n != 1 {
				t.Fatalf("migrate = %d, %v; want 00017 applied", n, err)
			}
			// SQLite's file shrinks (the migration vacuums it; without, it
			// would keep every page).
			if after := pages(); after*4 > pagesBefore*3 {
				t.Errorf("SQLite file: %d pages after 00017, %d before", after, pagesBefore)
			}
			if pending, err := s.MigrationsPending(ctx); err != nil || pending {
				t.Fatalf("pending = %t, %v after migrating", pending, err)
			}
			if n, _ := storedBytes(t, s, "account.move.line"); n != 1200 {
				t.Errorf("%d of 1200 records compressed by the migration", n)
			}
			check("after 00017")
			// New writes after the migration use the dictionary it made
			// (and keep the JSON as written, which PostgreSQL's JSONB did
			// not: the text read before is written back).
			if err := s.OdooRecordUpsertMany(ctx, c.ID, "account.move.line", codecParams(before["account.move.line"][:3], now.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}
			check("after a write")

			if err := s.MigrateDownTo(ctx, 16); err != nil {
				t.Fatal(err)
			}
			if n, _ := storedBytes(t, s, "account.move.line"); n != 0 {
				t.Errorf("%d records still compressed after rolling 00017 back", n)
			}
			check("after rolling back")
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			check("after migrating again")
		})
	}
}

// TestOdooRecordConcurrentFirstWrites writes the first records of a model
// from two transactions at once, as two instances syncing together may:
// each may make a dictionary, and every record reads back as written.
func TestOdooRecordConcurrentFirstWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		wd := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		halves := [2][]string{codecRecords(200, "first"), codecRecords(200, "second")}
		var want []string
		errs := make(chan error, 2)
		for h, docs := range halves {
			params := codecParams(docs, wd)
			for i := range params {
				params[i].OdooID += int64(h * len(docs))
			}
			want = append(want, docs...)
			go func() { errs <- s.OdooRecordUpsertMany(ctx, c.ID, "stock.move", params) }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		i := 0
		for r, err := range s.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: c.ID, Model: "stock.move", DataOnly: true}) {
			if err != nil {
				t.Fatal(err)
			}
			if string(r.Data) != want[i] {
				t.Fatalf("record %d:\n got %s\nwant %s", r.OdooID, r.Data, want[i])
			}
			i++
		}
		if i != len(want) {
			t.Fatalf("listed %d of %d", i, len(want))
		}
	})
}
