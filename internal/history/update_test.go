package history_test

import (
	"context"
	"encoding/json"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// clock is a settable test clock shared by the store and the updater.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// load copies the dataset's records into the store as a sync would.
func load(t *testing.T, _ context.Context, s *store.Store, connID int64, ds *dataset.Dataset, models ...string) {
	t.Helper()
	storetest.CopyDataset(t, s, connID, ds, time.Time{}, models...)
}

var ledgerModels = []string{"res.company", "res.currency", "account.move", "account.move.line", "account.journal", "account.account", "crm.lead", "crm.stage"}

func TestUpdater(t *testing.T) {
	t.Parallel()
	ds := demo(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: demoToday.Add(8 * time.Hour)}
			s := storetest.Open(t, d, func(c *store.Config) { c.NowFunc = clk.Now })
			ctx := context.Background()
			conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo"})
			if err != nil {
				t.Fatal(err)
			}
			load(t, ctx, s, conn.ID, ds, ledgerModels...)
			// The finance analysis averages over 30 days here: today's DSO
			// must use the same window.
			if _, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: "finance", Schedule: "@every 1h",
				AnalyzerType: analysis.JobTypePrefix + "finance", Config: json.RawMessage(`{"thresholds":{"finance.cash_window_days":30}}`), Enabled: true}); err != nil {
				t.Fatal(err)
			}
			u := &history.Updater{Store: s, Now: clk.Now,
				Source: func(id int64) analysis.Source { return analysis.StoreSource{Store: s, ConnectionID: id} }}
			at := func(h time.Duration) { clk.Set(demoToday.Add(h)) }
			value := func(metric, day string) float64 {
				t.Helper()
				pts, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID, CompanyID: 1, Metrics: []string{metric}, From: day, To: day})
				if err != nil {
					t.Fatal(err)
				}
				if len(pts) != 1 {
					t.Fatalf("%s on %s: %d points", metric, day, len(pts))
				}
				return pts[0].Value
			}

			at(9 * time.Hour)
			rep, err := u.Update(ctx, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rep.From != "" || rep.Points < 1000 || rep.Skipped {
				t.Fatalf("first update = %+v, want everything", rep)
			}
			all, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID})
			if err != nil || len(all) != rep.Points {
				t.Fatalf("stored %d points (err %v), computed %d", len(all), err, rep.Points)
			}
			want, err := history.Compute(ctx, analysis.DatasetSource{DS: ds}, history.Options{Today: odoo.DateOf(demoToday)})
			if err != nil {
				t.Fatal(err)
			}
			if w := byKey(want)[[3]string{history.ARTotal, "1", "2025-06-18"}].Value; math.Abs(value(history.ARTotal, "2025-06-18")-w) > 0.005 {
				t.Errorf("stored AR today %.2f, computed from the dataset %.2f", value(history.ARTotal, "2025-06-18"), w)
			}
			live, err := finance.New().Analyze(ctx, &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(demoToday),
				Thresholds: map[string]float64{finance.ThresholdCashWindowDays: 30}})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range live.Metrics {
				if m.Name == history.DSO && m.CompanyID == 1 && m.Available {
					found = true
					if got := value(history.DSO, "2025-06-18"); math.Abs(got-m.Value) > 0.005 {
						t.Errorf("DSO today over 30 days: stored %.2f, live %.2f", got, m.Value)
					}
				}
			}
			if !found {
				t.Error("the live analysis has no DSO to compare with")
			}
			april, may := value(history.ARTotal, "2025-04-30"), value(history.ARTotal, "2025-05-31")

			at(9*time.Hour + 30*time.Minute)
			if rep, err := u.Update(ctx, conn.ID); err != nil || !rep.Skipped {
				t.Fatalf("update with nothing changed = %+v, %v; want skipped", rep, err)
			}

			// A new invoice of 1,000 dated 10 May: the history is recomputed
			// from May, April stays as it was.
			at(10 * time.Hour)
			if err := s.OdooRecordUpsertMany(ctx, conn.ID, "account.move.line", []store.OdooRecordParams{
				{OdooID: 9_000_001, Active: true, Data: json.RawMessage(`{"id":9000001,"move_id":9000000,"company_id":1,"partner_id":7,"account_id":99,
					"account_type":"asset_receivable","parent_state":"posted","date":"2025-05-10","date_maturity":"2025-06-09","balance":1000,"amount_residual":1000}`)},
			}); err != nil {
				t.Fatal(err)
			}
			at(10*time.Hour + 30*time.Minute)
			rep, err = u.Update(ctx, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rep.From != "2025-05-01" {
				t.Fatalf("update after a change dated 2025-05-10 recomputed from %q, want 2025-05-01", rep.From)
			}
			if got := value(history.ARTotal, "2025-05-31"); math.Abs(got-(may+1000)) > 0.005 {
				t.Errorf("AR on 31 May after the new invoice = %.2f, want %.2f", got, may+1000)
			}
			if got := value(history.ARTotal, "2025-04-30"); got != april {
				t.Errorf("AR on 30 April changed to %.2f from %.2f", got, april)
			}
			after, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID})
			if err != nil || len(after) != len(all) {
				t.Fatalf("after the update %d points (err %v), before %d", len(after), err, len(all))
			}

			// The next day adds its points, from the first of its month.
			at(24*time.Hour + 9*time.Hour)
			rep, err = u.Update(ctx, conn.ID)
			if err != nil || rep.From != "2025-06-01" {
				t.Fatalf("next day's update = %+v, %v; want from 2025-06-01", rep, err)
			}
			value(history.Cash, "2025-06-19")
			// The forecast runs 13 weeks past today.
			if fc, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID, Metrics: []string{history.ForecastCash}}); err != nil || len(fc) != 13 || fc[0].Day != "2025-06-26" {
				t.Fatalf("forecast points %v, %v; want 13 weeks from 2025-06-26", fc, err)
			}

			// A failed sync of the journal items holds the history back.
			if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn.ID, Model: "account.move.line", Status: store.OdooSyncFailed}); err != nil {
				t.Fatal(err)
			}
			at(48 * time.Hour)
			if rep, err := u.Update(ctx, conn.ID); err != nil || !rep.Skipped || rep.Incomplete != "account.move.line" {
				t.Fatalf("update over an incomplete copy = %+v, %v; want skipped", rep, err)
			}
			if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn.ID, Model: "account.move.line", Status: store.OdooSyncOK}); err != nil {
				t.Fatal(err)
			}

			// A week later everything is recomputed.
			at(8 * 24 * time.Hour)
			if rep, err := u.Update(ctx, conn.ID); err != nil || rep.From != "" {
				t.Fatalf("update a week later = %+v, %v; want everything", rep, err)
			}
		})
	}
}
