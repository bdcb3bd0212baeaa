package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// wholeRecordSource reads the store as analysis.StoreSource did before
// records were projected and decoded by the fast decoder: every stored
// field, through encoding/json. It is the reference the analyses must
// match figure for figure.
type wholeRecordSource struct {
	s            *store.Store
	connectionID int64
}

func (w wholeRecordSource) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	st, err := w.s.OdooSyncStateGet(ctx, w.connectionID, model)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("model %s is not synced: %w", model, analysis.ErrUnavailable)
	}
	if err != nil {
		return nil, err
	}
	if st.Status == store.OdooSyncNotInstalled {
		return nil, fmt.Errorf("model %s: %w", model, analysis.ErrUnavailable)
	}
	var out []odoo.Record
	for rec, err := range w.s.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: w.connectionID, Model: model}) {
		if err != nil {
			return nil, err
		}
		fields, err := rec.Fields()
		if err != nil {
			return nil, err
		}
		out = append(out, fields)
	}
	return out, nil
}

// TestAnalyzeGivesTheSameFiguresFromLess: the analyses over the record
// cache (fields the analyzers read, fast decoder, shared values, analyzers
// in parallel) give the very result they give over every stored field
// decoded by encoding/json, figure for figure and insight for insight, on
// both stores and across Odoo versions (whose field names differ). CI runs
// the small company; docs/performance.md records the medium one compared
// by hand with "aicoo analyze --json" before and after.
func TestAnalyzeGivesTheSameFiguresFromLess(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		dialect store.Dialect
		opts    demodata.Options
	}{
		{store.SQLite, demodata.Options{Seed: 4, OdooVersion: "17.0"}},
		{store.SQLite, demodata.Options{Seed: 5, OdooVersion: "16.0", NoHelpdesk: true}},
		{store.Postgres, demodata.Options{Seed: 6, OdooVersion: "19.0", LowRunway: true}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s/seed%d", c.dialect, c.opts.OdooVersion, c.opts.Seed), func(t *testing.T) {
			t.Parallel()
			if c.dialect == store.Postgres {
				storetest.RequirePostgres(t)
			}
			ctx := context.Background()
			c.opts.Size, c.opts.Today = demodata.SizeSmall, today
			ds, _, err := demodata.Generate(ctx, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler), NowFunc: func() time.Time { return today.Add(12 * time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			s := storetest.Open(t, c.dialect)
			conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "sim", OdooURL: srv.URL, OdooDatabase: sim.Database(), OdooUsername: sim.Login()})
			if err != nil {
				t.Fatal(err)
			}
			client, err := odooClient(ctx, conn, sim.APIKey(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			syncer, err := odoosync.New(odoosync.Config{Store: s, Client: client, ConnectionID: conn.ID, Models: syncModels()})
			if err != nil {
				t.Fatal(err)
			}
			if rep, err := syncer.Sync(ctx, odoosync.Opts{Full: true}); err != nil || rep.Err() != nil {
				t.Fatalf("sync: %v %v", err, rep.Err())
			}

			var before []*analysis.Result
			for _, a := range areaAnalyzers() {
				res, err := analysis.Run(ctx, a, &analysis.Env{Source: wholeRecordSource{s, conn.ID}, Today: odoo.DateOf(today), OdooURL: conn.OdooURL})
				if err != nil {
					t.Fatal(err)
				}
				before = append(before, res)
			}
			cfg := config.Default()
			cache := newRecordCache(&cfg)
			for run := range 2 { // cold, then warm from the cache
				after, err := runAnalyses(ctx, cache.AnalysisSource(s, conn.ID), odoo.DateOf(today), conn.OdooURL)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := json.MarshalIndent(before, "", " ")
				got, _ := json.MarshalIndent(after, "", " ")
				if string(want) != string(got) {
					t.Fatalf("run %d: the analyses over the record cache differ from those over every field:\n%s", run, firstDiff(string(want), string(got)))
				}
			}
			if len(before) == 0 || len(before[0].Metrics) == 0 {
				t.Fatal("no figures compared")
			}
		})
	}
}

// firstDiff shows where two texts part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-300)
	return fmt.Sprintf("want ...%s...\n got ...%s...", a[lo:min(len(a), i+300)], b[lo:min(len(b), i+300)])
}
