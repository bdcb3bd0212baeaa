package cli

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/analysistest"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/pipeline"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// faultTestToday is the reference date of the fault tests' company.
var faultTestToday = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

// simClient serves ds with the simulator (errorRate of its requests
// answered 502) and returns a store with a connection to it and a connected
// client whose retries and circuit breaker keep their counts but wait
// milliseconds, so a test runs many syncs quickly.
func simClient(t *testing.T, s *store.Store, ds *dataset.Dataset, errorRate float64) (*store.Connection, *odoo.Client) {
	t.Helper()
	ctx := context.Background()
	sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler), ErrorRate: errorRate, Seed: 7,
		NowFunc: func() time.Time { return faultTestToday.Add(12 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "sim", OdooURL: srv.URL, OdooDatabase: sim.Database(), OdooUsername: sim.Login()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := odoo.New(odoo.Config{URL: srv.URL, Database: sim.Database(), Username: sim.Login(), APIKey: sim.APIKey(),
		Logger:  slog.New(slog.DiscardHandler),
		Retry:   odoo.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Breaker: odoo.BreakerConfig{Cooldown: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		if _, err = client.Connect(ctx); err == nil {
			return conn, client
		}
		if attempt == 20 {
			t.Fatalf("connect: %v", err)
		}
		time.Sleep(30 * time.Millisecond) // let an open breaker cool down
	}
}

// cutClient cancels a run after a number of Odoo calls: a job timeout,
// made deterministic.
type cutClient struct {
	odoosync.Client
	mu     sync.Mutex
	left   int
	cancel context.CancelFunc
}

// arm cancels with cancel after n more calls; n 0 disarms.
func (c *cutClient) arm(n int, cancel context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.left, c.cancel = n, cancel
}

func (c *cutClient) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel == nil {
		return
	}
	if c.left--; c.left <= 0 {
		c.cancel()
	}
}

func (c *cutClient) FieldsGet(ctx context.Context, model string, attributes []string) (map[string]odoo.Record, error) {
	c.tick()
	return c.Client.FieldsGet(ctx, model, attributes)
}

func (c *cutClient) SearchRead(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]odoo.Record, error) {
	c.tick()
	return c.Client.SearchRead(ctx, model, dom, opts)
}

func (c *cutClient) Search(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]int64, error) {
	c.tick()
	return c.Client.Search(ctx, model, dom, opts)
}

func (c *cutClient) SearchCount(ctx context.Context, model string, dom domain.Domain, callCtx map[string]any) (int64, error) {
	c.tick()
	return c.Client.SearchCount(ctx, model, dom, callCtx)
}

// analyzeAll runs every area's analysis as the analysis jobs do, with the
// figures of incomplete models withheld.
func analyzeAll(t *testing.T, src analysis.Source) map[string]*analysis.Result {
	t.Helper()
	out := map[string]*analysis.Result{}
	for _, a := range areaAnalyzers() {
		res, err := analysis.Run(context.Background(), a, &analysis.Env{Source: src, Today: odoo.DateOf(faultTestToday)})
		if err != nil {
			t.Fatalf("%s: %v", a.Area(), err)
		}
		out[a.Area()] = res
	}
	return out
}

func metricKey(m analysis.Metric) string { return fmt.Sprintf("%s@%d", m.Name, m.CompanyID) }

func sameValue(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// TestPipelineConvergesUnderFaults syncs a company from an Odoo that fails
// 30% of its requests, run after run, as the sync job does (the first three
// runs cut short after 60 calls, as by the job timeout), analysing after
// each run as the analysis jobs do. Every run that leaves a model unsynced
// is a partial (failing) run; every figure published on the way equals the
// fault-free one (the analyses over the dataset itself, without the models
// aicoo does not sync, which is what a fault-free sync gives), an area
// whose models are not all synced publishes none ("not available — <model>
// could not be synced since ..."); and once a run syncs every model, every
// figure and finding equals the fault-free one. The figures are checked
// after every run on SQLite, and once converged on PostgreSQL.
func TestPipelineConvergesUnderFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 4, Today: faultTestToday})
	if err != nil {
		t.Fatal(err)
	}
	// The reference: the analyses over the dataset itself, without the
	// models aicoo does not sync, which a fault-free sync reproduces
	// (TestPipelineFindsWhatTheDatasetHolds).
	var notSynced []string
	for _, m := range ds.Schema().Models() {
		if !slices.ContainsFunc(syncModels(), func(sp odoosync.ModelSpec) bool { return sp.Model == m.Name }) {
			notSynced = append(notSynced, m.Name)
		}
	}
	want := analyzeAll(t, analysistest.HideModels(analysis.DatasetSource{DS: ds}, notSynced...))

	storetest.Each(t, func(t *testing.T, s *store.Store) {
		conn, client := simClient(t, s, ds, 0.3)
		cut := &cutClient{Client: client}
		syncJob := pipeline.SyncAnalyzer(func(ctx context.Context, id int64) (*odoosync.Syncer, error) {
			// As newSyncer, with a pause as short as the client's cool-down.
			return odoosync.New(odoosync.Config{Store: s, Client: cut, ConnectionID: id, Models: syncModels(),
				BreakerPause: 25 * time.Millisecond})
		})
		job := &store.MonitoringJob{ConnectionID: conn.ID, AnalyzerType: odoosync.AnalyzerType}
		cache := analysis.NewRecordCache()
		start := time.Now()
		withheld, published := 0, 0
		for run := 1; ; run++ {
			if run > 50 {
				t.Fatalf("the sync did not converge in 50 runs")
			}
			runCtx, cancel := context.WithCancel(ctx)
			if run <= 3 {
				// The first runs hit the job timeout, as on a slow Odoo.
				cut.arm(60, cancel)
			}
			out, syncErr := syncJob.Func(runCtx, jobs.Run{Job: job, ScheduledAt: start.Add(time.Duration(run) * 5 * time.Minute)})
			cancel()
			cut.arm(0, nil)
			states, err := s.OdooSyncStateList(ctx, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			var unfinished []string
			for _, st := range states {
				if st.Status != store.OdooSyncOK && st.Status != store.OdooSyncNotInstalled {
					unfinished = append(unfinished, st.Model)
				}
			}
			// A run that leaves a model unfinished fails (every model
			// failed) or is partial, which the engine counts as failed.
			succeeded := syncErr == nil && out.Status == store.ResultSuccess
			if succeeded != (len(unfinished) == 0) {
				t.Fatalf("run %d: sync error %v, status %q, with unfinished models %v", run, syncErr, out.Status, unfinished)
			}
			if s.Dialect() != store.SQLite && len(unfinished) > 0 {
				// The analyses cost a second a run under -race: on
				// PostgreSQL only the converged figures are compared.
				continue
			}
			got := analyzeAll(t, cache.Source(s, conn.ID))
			for area, res := range got {
				if len(res.Incomplete) > 0 {
					if len(unfinished) == 0 || len(res.Insights) > 0 {
						t.Fatalf("run %d: %s withheld for %v (unfinished %v) with %d findings", run, area, res.Incomplete, unfinished, len(res.Insights))
					}
					withheld++
				}
				ref := map[string]analysis.Metric{}
				for _, m := range want[area].Metrics {
					ref[metricKey(m)] = m
				}
				for _, m := range res.Metrics {
					r, ok := ref[metricKey(m)]
					if !ok {
						t.Fatalf("run %d: %s has a metric the fault-free run lacks: %+v", run, area, m)
					}
					if m.Available {
						published++
						if !r.Available || !sameValue(m.Value, r.Value) {
							t.Fatalf("run %d: %s published %s = %v, fault-free %v (available %v); unfinished %v",
								run, metricKey(m), area, m.Value, r.Value, r.Available, unfinished)
						}
					} else if len(res.Incomplete) == 0 && r.Available {
						t.Fatalf("run %d: %s unavailable (%s) though complete", run, metricKey(m), m.Note)
					}
				}
				if len(res.Incomplete) == 0 && !slices.Equal(subjects(res), subjects(want[area])) {
					t.Fatalf("run %d: %s findings differ from the fault-free run's:\n got  %v\n want %v", run, area, subjects(res), subjects(want[area]))
				}
			}
			if len(unfinished) == 0 {
				if withheld == 0 && s.Dialect() == store.SQLite {
					t.Fatalf("converged at run %d without withholding anything on the way: the faults did not bite", run)
				}
				t.Logf("converged after %d sync runs (%d min at the default 5-minute schedule) in %s; %d area results withheld and %d figures published (all equal to the fault-free run) on the way",
					run, run*5, time.Since(start).Round(time.Millisecond), withheld, published)
				return
			}
		}
	})
}
