package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// testLogger shows engine logs only with JOBS_TEST_LOG=1, to keep normal
// test output readable.
func testLogger() *slog.Logger {
	if os.Getenv("JOBS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// setup migrates a store (the store's and River's schema) and creates a connection.
func setup(t *testing.T, s *store.Store) *store.Connection {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func startEngine(t *testing.T, cfg jobs.Config) *jobs.Engine {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger()
	}
	if cfg.ReloadInterval == 0 {
		cfg.ReloadInterval = 200 * time.Millisecond
	}
	if cfg.JobTimeout == 0 {
		cfg.JobTimeout, cfg.RescueAfter = 20*time.Second, time.Minute
	}
	if cfg.Connections == nil {
		// The tests' single instance holds every connection.
		conns, err := cfg.Store.Connections(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range conns {
			cfg.Connections = append(cfg.Connections, c.ID)
		}
	}
	e, err := jobs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			t.Errorf("stop engine: %v", err)
		}
	})
	return e
}

// eventually polls cond until it holds or the deadline passes. It waits on
// real background work (leader election, polling), never asserts timing.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true after %s", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mustRegistry(t *testing.T, analyzers ...jobs.Analyzer) *jobs.Registry {
	t.Helper()
	r, err := jobs.NewRegistry(analyzers...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func createJob(t *testing.T, s *store.Store, connID int64, name, schedule, analyzer string) *store.MonitoringJob {
	t.Helper()
	j, err := s.MonitoringJobCreate(context.Background(), store.MonitoringJobParams{
		ConnectionID: connID, Name: name, Schedule: schedule, AnalyzerType: analyzer, Enabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func results(t *testing.T, s *store.Store, jobID int64) []*store.AnalysisResult {
	t.Helper()
	rs, err := s.AnalysisResultList(context.Background(), store.AnalysisResultListParams{JobID: jobID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestRegistryValidateJob(t *testing.T) {
	t.Parallel()
	r := mustRegistry(t, jobs.Analyzer{
		Type: "finance", Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { return jobs.Outcome{}, nil },
		ValidateConfigFunc: func(raw json.RawMessage) error {
			var c struct{ Threshold float64 }
			if err := json.Unmarshal(raw, &c); err != nil || c.Threshold < 0 {
				return errors.New("threshold must be a positive number")
			}
			return nil
		},
	})
	tests := []struct {
		name    string
		p       store.MonitoringJobParams
		wantErr string
	}{
		{"ok", store.MonitoringJobParams{Name: "a", Schedule: "@hourly", AnalyzerType: "finance", Config: json.RawMessage(`{"threshold":1}`)}, ""},
		{"no name", store.MonitoringJobParams{Schedule: "@hourly", AnalyzerType: "finance"}, "needs a name"},
		{"bad schedule", store.MonitoringJobParams{Name: "a", Schedule: "hourly", AnalyzerType: "finance"}, `schedule "hourly"`},
		{"unknown analyzer", store.MonitoringJobParams{Name: "a", Schedule: "@hourly", AnalyzerType: "astrology"}, `unknown analyzer type "astrology" (known: [finance])`},
		{"config not object", store.MonitoringJobParams{Name: "a", Schedule: "@hourly", AnalyzerType: "finance", Config: json.RawMessage(`[1]`)}, "config must be a JSON object"},
		{"config rejected", store.MonitoringJobParams{Name: "a", Schedule: "@hourly", AnalyzerType: "finance", Config: json.RawMessage(`{"threshold":-1}`)}, "threshold must be a positive number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.ValidateJob(tt.p)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	noop := func(context.Context, jobs.Run) (jobs.Outcome, error) { return jobs.Outcome{}, nil }
	if _, err := jobs.NewRegistry(jobs.Analyzer{Type: "x", Func: noop}, jobs.Analyzer{Type: "x", Func: noop}); err == nil {
		t.Fatal("duplicate analyzer types must be refused")
	}
}

func TestEngineRunsScheduledJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := setup(t, s)
		var calls atomic.Int64
		reg := prometheus.NewRegistry()
		startEngine(t, jobs.Config{Store: s, Registerer: reg, Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.count",
			Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
				n := calls.Add(1)
				return jobs.Outcome{Metrics: json.RawMessage(fmt.Sprintf(`{"n":%d}`, n))}, nil
			},
		})})
		j := createJob(t, s, c.ID, "counter", "@every 1s", "test.count")
		eventually(t, 30*time.Second, "two results stored", func() (bool, error) {
			return len(results(t, s, j.ID)) >= 2, nil
		})
		rs := results(t, s, j.ID)
		for _, r := range rs {
			if r.Status != store.ResultSuccess || r.ScheduledAt.Nanosecond() != 0 {
				t.Fatalf("result %+v: want success on a whole-second tick", r)
			}
		}
		runs, err := s.JobRunList(context.Background(), store.JobRunListParams{JobID: j.ID, Limit: 100})
		if err != nil || len(runs) < 2 || runs[len(runs)-1].Status != store.JobRunSucceeded {
			t.Fatalf("runs = %+v, %v", runs, err)
		}
		got, err := s.MonitoringJobByID(context.Background(), j.ID)
		if err != nil || got.LastStatus != "succeeded" || got.NextRunAt.IsZero() {
			t.Fatalf("job after runs = %+v, %v", got, err)
		}
		if n := counterTotal(t, reg, "aicoo_job_runs_total"); n < 2 {
			t.Fatalf("aicoo_job_runs_total = %v", n)
		}
	})
}

// counterTotal sums the named counter family over its labels.
func counterTotal(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			total := 0.0
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
			}
			return total
		}
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

func TestEngineFailingJobRaisesAndResolvesAlert(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := setup(t, s)
		var healthy atomic.Bool
		startEngine(t, jobs.Config{Store: s, MaxAttempts: 1, FailureAlertAfter: 2, Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.flaky",
			Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
				if healthy.Load() {
					return jobs.Outcome{}, nil
				}
				return jobs.Outcome{}, errors.New("odoo unreachable")
			},
		})})
		j := createJob(t, s, c.ID, "flaky", "@every 1s", "test.flaky")
		var alert *store.Alert
		eventually(t, 30*time.Second, "failing alert raised", func() (bool, error) {
			open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
			if len(open) == 1 {
				alert = open[0]
			}
			return len(open) == 1, err
		})
		if alert.Fingerprint != jobs.FailingFingerprint(j.ID) || alert.Priority != store.PriorityHigh ||
			!strings.Contains(alert.Description, "odoo unreachable") {
			t.Fatalf("alert = %+v", alert)
		}
		failed := 0
		for _, r := range results(t, s, j.ID) {
			if r.Status == store.ResultFailed {
				failed++
			}
		}
		if failed < 2 {
			t.Fatalf("want at least 2 failed results stored, got %d", failed)
		}
		healthy.Store(true)
		eventually(t, 30*time.Second, "alert resolved after a success", func() (bool, error) {
			open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
			return len(open) == 0, err
		})
	})
}

func TestEngineAppliesEditsWithoutRestart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := setup(t, s)
		startEngine(t, jobs.Config{Store: s, Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.noop",
			Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { return jobs.Outcome{}, nil },
		})})
		j := createJob(t, s, c.ID, "edited", "0 0 1 1 *", "test.noop") // yearly: never during the test
		time.Sleep(time.Second)
		if n := len(results(t, s, j.ID)); n != 0 {
			t.Fatalf("yearly job ran %d times", n)
		}
		if _, err := s.MonitoringJobUpdate(ctx, j.ID, store.MonitoringJobParams{Name: j.Name, Schedule: "@every 1s", AnalyzerType: "test.noop", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, "edited schedule takes effect", func() (bool, error) {
			return len(results(t, s, j.ID)) >= 1, nil
		})
		if _, err := s.MonitoringJobUpdate(ctx, j.ID, store.MonitoringJobParams{Name: j.Name, Schedule: "@every 1s", AnalyzerType: "test.noop", Enabled: false}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond) // one reload, and any run already enqueued drains
		before := len(results(t, s, j.ID))
		time.Sleep(2500 * time.Millisecond)
		if after := len(results(t, s, j.ID)); after != before {
			t.Fatalf("disabled job kept running: %d results, then %d", before, after)
		}
	})
}

func TestRetriedRunStoresResultOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := setup(t, s)
		var calls atomic.Int64
		e := startEngine(t, jobs.Config{Store: s, Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.once",
			Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
				calls.Add(1)
				if run.Attempt == 1 {
					return jobs.Outcome{}, errors.New("transient")
				}
				return jobs.Outcome{Metrics: json.RawMessage(`{"attempt":2}`)}, nil
			},
		})})
		j := createJob(t, s, c.ID, "once", "0 0 1 1 *", "test.once")
		if err := e.RunNow(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, "retried run succeeds", func() (bool, error) {
			rs := results(t, s, j.ID)
			return len(rs) == 1 && rs[0].Status == store.ResultSuccess, nil
		})
		runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
		if err != nil || len(runs) != 2 || runs[0].Status != store.JobRunSucceeded || runs[1].Status != store.JobRunFailed {
			t.Fatalf("runs = %+v, %v", runs, err)
		}
		if !runs[0].ScheduledAt.Equal(runs[1].ScheduledAt) {
			t.Fatal("both attempts must carry the same scheduled time")
		}
	})
}

func TestAttemptAfterStoredResultIsSkipped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := setup(t, s)
		var calls atomic.Int64
		e := startEngine(t, jobs.Config{Store: s, NowFunc: func() time.Time { return time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC) },
			Analyzers: mustRegistry(t, jobs.Analyzer{
				Type: "test.count",
				Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { calls.Add(1); return jobs.Outcome{}, nil },
			})})
		j := createJob(t, s, c.ID, "stored", "0 0 1 1 *", "test.count")
		// An earlier attempt stored this run's result, then its process died
		// before River marked the job done.
		tick := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
		if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: c.ID, JobID: j.ID, ScheduledAt: tick, RunAt: tick, Status: store.ResultSuccess}); err != nil {
			t.Fatal(err)
		}
		if err := e.RunNow(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, "attempt recorded as skipped", func() (bool, error) {
			runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
			return len(runs) == 1 && runs[0].Status == store.JobRunSkipped, err
		})
		if calls.Load() != 0 || len(results(t, s, j.ID)) != 1 {
			t.Fatalf("analyzer ran %d times; %d results", calls.Load(), len(results(t, s, j.ID)))
		}
	})
}

type pingArgs struct{ N int }

func (pingArgs) Kind() string { return "test.ping" }

func (pingArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.GlobalQueue} }

type unqueuedArgs struct{}

func (unqueuedArgs) Kind() string { return "test.unqueued" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	got chan int
}

func (w *pingWorker) Work(_ context.Context, j *river.Job[pingArgs]) error {
	w.got <- j.Args.N
	return nil
}

func TestEngineRunsOtherWorkers(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	setup(t, s)
	w := &pingWorker{got: make(chan int, 1)}
	e := startEngine(t, jobs.Config{Store: s, Analyzers: mustRegistry(t),
		RegisterWorkersFunc: func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) }})
	if err := e.Insert(context.Background(), pingArgs{N: 7}); err != nil {
		t.Fatal(err)
	}
	// A job naming no queue would land in River's default queue, which no
	// instance works: refused.
	if err := e.Insert(context.Background(), unqueuedArgs{}); err == nil || !strings.Contains(err.Error(), "names no queue") {
		t.Fatalf("insert without a queue: %v, want refused", err)
	}
	select {
	case n := <-w.got:
		if n != 7 {
			t.Fatalf("got %d", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the registered worker never ran")
	}
}

func TestEngineRunsTicks(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	setup(t, s)
	var n atomic.Int64
	startEngine(t, jobs.Config{Store: s, Analyzers: mustRegistry(t), Ticks: []jobs.Tick{{
		Name: "count", Interval: time.Second, Func: func(context.Context) error { n.Add(1); return nil },
	}}})
	eventually(t, 30*time.Second, "the tick runs repeatedly", func() (bool, error) { return n.Load() >= 2, nil })
	if _, err := jobs.New(jobs.Config{Store: s, Analyzers: mustRegistry(t), Ticks: []jobs.Tick{{Name: "x", Interval: time.Millisecond, Func: func(context.Context) error { return nil }}}}); err == nil {
		t.Fatal("a sub-second tick must be refused")
	}
}

// TestStartRescuesOwnRunningJobsSQLite is the restart rescue on SQLite:
// a run left "running" by this instance's previous process (as a kill -9
// leaves it) is taken at start, not after RescueAfter (an hour here).
func TestStartRescuesOwnRunningJobsSQLite(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	c := setup(t, s)
	ctx := context.Background()
	mine := createJob(t, s, c.ID, "mine", "0 0 1 1 *", "test.once")
	theirs := createJob(t, s, c.ID, "theirs", "0 0 1 1 *", "test.once")
	var ran, ranTheirs atomic.Int64
	analyzer := jobs.Analyzer{Type: "test.once", Func: func(_ context.Context, run jobs.Run) (jobs.Outcome, error) {
		if run.Job.ID == theirs.ID {
			ranTheirs.Add(1)
		} else {
			ran.Add(1)
		}
		return jobs.Outcome{}, nil
	}}
	inserter, err := jobs.New(jobs.Config{Store: s, Analyzers: mustRegistry(t, analyzer)})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []*store.MonitoringJob{mine, theirs} {
		if err := inserter.RunNow(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	// What a process named "solo" leaves when it dies mid-job; and a job
	// another instance is running, which must stay as it is.
	if _, err := s.DB().ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = scheduled_at,
		attempted_by = CASE WHEN json_extract(args, '$.job_id') = $1 THEN jsonb('["other","solo"]') ELSE jsonb('["solo","other"]') END`, mine.ID); err != nil {
		t.Fatal(err)
	}
	startEngine(t, jobs.Config{Store: s, Instance: "solo", JobTimeout: time.Minute, RescueAfter: time.Hour, Analyzers: mustRegistry(t, analyzer)})
	eventually(t, 20*time.Second, "the run left running is done", func() (bool, error) { return ran.Load() == 1, nil })
	time.Sleep(2 * time.Second) // fetch polls every second
	if n := ranTheirs.Load(); n != 0 {
		t.Fatalf("the run another instance is running was run %d times here", n)
	}
}

// TestStartAdoptsLegacyDefaultQueue: runs enqueued before queues were per
// connection wait in River's default queue, which nobody works any more.
// An instance moves its own connections' runs to their queue and runs them,
// and leaves another connection's runs for the instance holding it.
func TestStartAdoptsLegacyDefaultQueue(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	c := setup(t, s)
	ctx := context.Background()
	other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	mine := createJob(t, s, c.ID, "mine", "0 0 1 1 *", "test.once")
	theirs := createJob(t, s, other.ID, "theirs", "0 0 1 1 *", "test.once")
	// An insert-only client as the previous version used: no queue named.
	legacy, err := river.NewClient(riversqlite.New(s.DB()), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	for _, j := range []*store.MonitoringJob{mine, theirs} {
		if _, err := legacy.Insert(ctx, jobs.MonitorArgs{JobID: j.ID, ScheduledAt: at}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var ran, ranTheirs atomic.Int64
	startEngine(t, jobs.Config{Store: s, Connections: []int64{c.ID}, Analyzers: mustRegistry(t, jobs.Analyzer{
		Type: "test.once", Func: func(_ context.Context, run jobs.Run) (jobs.Outcome, error) {
			if run.Job.ID == theirs.ID {
				ranTheirs.Add(1)
			} else {
				ran.Add(1)
			}
			return jobs.Outcome{}, nil
		}})})
	eventually(t, 20*time.Second, "the legacy run of this instance's connection is done", func() (bool, error) { return ran.Load() == 1, nil })
	var queue string
	if err := s.DB().QueryRowContext(ctx, `SELECT queue FROM river_job WHERE json_extract(args, '$.job_id') = $1`, theirs.ID).Scan(&queue); err != nil {
		t.Fatal(err)
	}
	if queue != river.QueueDefault || ranTheirs.Load() != 0 {
		t.Fatalf("the other connection's legacy run: queue %q, run %d times; want left in the default queue for its own instance", queue, ranTheirs.Load())
	}
}

// TestEngineWorksOnlyItsConnections: an engine holding one of two
// connections runs that connection's monitoring jobs and per-connection
// ticks, and never the other's, which are not even enqueued.
func TestEngineWorksOnlyItsConnections(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	mine := setup(t, s)
	ctx := context.Background()
	other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	var runs, ticks sync.Map // connection id -> *atomic.Int64
	count := func(m *sync.Map, conn int64) {
		v, _ := m.LoadOrStore(conn, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	load := func(m *sync.Map, conn int64) int64 {
		if v, ok := m.Load(conn); ok {
			return v.(*atomic.Int64).Load()
		}
		return 0
	}
	for _, c := range []*store.Connection{mine, other} {
		createJob(t, s, c.ID, "every-second", "@every 1s", "test.count")
	}
	startEngine(t, jobs.Config{Store: s, Connections: []int64{mine.ID}, Analyzers: mustRegistry(t, jobs.Analyzer{
		Type: "test.count", Func: func(_ context.Context, run jobs.Run) (jobs.Outcome, error) {
			count(&runs, run.Job.ConnectionID)
			return jobs.Outcome{}, nil
		}}),
		Ticks: []jobs.Tick{{Name: "per-connection", Interval: time.Second, ConnectionFunc: func(_ context.Context, conn int64) error {
			count(&ticks, conn)
			return nil
		}}},
	})
	eventually(t, 30*time.Second, "this connection's job and tick run repeatedly", func() (bool, error) {
		return load(&runs, mine.ID) >= 2 && load(&ticks, mine.ID) >= 2, nil
	})
	if n, m := load(&runs, other.ID), load(&ticks, other.ID); n != 0 || m != 0 {
		t.Fatalf("the other connection's job ran %d times and its tick %d times here", n, m)
	}
	var queued int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE queue = $1`, jobs.Queue(other.ID)).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 0 {
		t.Fatalf("%d jobs of the other connection enqueued by an instance that does not hold it", queued)
	}
}
