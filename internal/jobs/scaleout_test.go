package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// victimEnv, when set in the environment, turns the test binary into an
// aicoo instance that starts a job and blocks in it until it is killed.
const victimEnv = "JOBS_TEST_VICTIM_DSN"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(victimEnv); dsn != "" {
		runVictim(dsn)
		return
	}
	os.Exit(m.Run())
}

// runVictim is the instance that dies mid-job. It never returns normally.
func runVictim(dsn string) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{PostgresDSN: dsn})
	if err != nil {
		fmt.Fprintln(os.Stderr, "victim:", err)
		os.Exit(2)
	}
	reg, _ := jobs.NewRegistry(jobs.Analyzer{
		Type: "test.block",
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			fmt.Println("victim: job started")
			<-ctx.Done()
			return jobs.Outcome{}, ctx.Err()
		},
	})
	conns, err := s.Connections(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "victim:", err)
		os.Exit(2)
	}
	var held []int64
	for _, c := range conns {
		held = append(held, c.ID)
	}
	e, err := jobs.New(jobs.Config{Store: s, Analyzers: reg, Instance: "victim", Connections: held, JobTimeout: time.Minute, RescueAfter: 2 * time.Minute})
	if err == nil {
		err = e.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "victim:", err)
		os.Exit(2)
	}
	fmt.Println("victim: ready")
	select {}
}

func openShared(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{PostgresDSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestScaleOutEachTickRunsOnce starts two instances on one PostgreSQL with a
// job every two seconds and checks that every tick ran exactly once across
// both.
func TestScaleOutEachTickRunsOnce(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresSchemaDSN(t)
	a, b := openShared(t, dsn), openShared(t, dsn)
	ctx := context.Background()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := setup(t, a)
	analyzer := jobs.Analyzer{
		Type: "test.tick",
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			time.Sleep(300 * time.Millisecond) // long enough for the other instance to try too
			return jobs.Outcome{}, nil
		},
	}
	startEngine(t, jobs.Config{Store: a, Instance: "instance-a", Analyzers: mustRegistry(t, analyzer)})
	startEngine(t, jobs.Config{Store: b, Instance: "instance-b", Analyzers: mustRegistry(t, analyzer)})
	j := createJob(t, a, c.ID, "tick", "@every 2s", "test.tick")

	const wantTicks = 5
	eventually(t, 60*time.Second, fmt.Sprintf("%d ticks run", wantTicks), func() (bool, error) {
		return len(results(t, a, j.ID)) >= wantTicks, nil
	})
	runs, err := a.JobRunList(ctx, store.JobRunListParams{JobID: j.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	perTick := map[time.Time]int{}
	for _, r := range runs {
		if r.Status == store.JobRunSkipped {
			t.Errorf("tick %s was picked up twice (attempt by %s skipped)", r.ScheduledAt, r.Worker)
		}
		perTick[r.ScheduledAt]++
	}
	for tick, n := range perTick {
		if n != 1 {
			t.Errorf("tick %s ran %d times, want once", tick.Format(time.RFC3339), n)
		}
	}
	rs := results(t, a, j.ID)
	for i := 1; i < len(rs); i++ {
		if gap := rs[i-1].ScheduledAt.Sub(rs[i].ScheduledAt); gap != 2*time.Second {
			t.Errorf("ticks %s and %s are %s apart, want 2s (a tick was missed)", rs[i].ScheduledAt, rs[i-1].ScheduledAt, gap)
		}
	}
	t.Logf("%d ticks, %d attempts, all exactly once", len(rs), len(runs))
}

// TestScaleOutKilledInstanceJobRetriedElsewhere kills an instance (SIGKILL,
// a separate process) in the middle of a job and checks that another
// instance retries it and stores its result once.
func TestScaleOutKilledInstanceJobRetriedElsewhere(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresSchemaDSN(t)
	s := openShared(t, dsn)
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	victim, j := startVictim(t, dsn, s)
	if err := victim.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()

	// The survivor rescues jobs running for longer than 2s whose process is gone.
	survivorStore := openShared(t, dsn)
	startEngine(t, jobs.Config{Store: survivorStore, Instance: "survivor", JobTimeout: time.Second, RescueAfter: 2 * time.Second,
		Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.block",
			Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { return jobs.Outcome{}, nil },
		})})
	eventually(t, 90*time.Second, "job retried by the survivor", func() (bool, error) {
		rs := results(t, s, j.ID)
		return len(rs) == 1 && rs[0].Status == store.ResultSuccess, nil
	})
	runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Worker != "survivor" || runs[0].Status != store.JobRunSucceeded ||
		runs[1].Worker != "victim" || runs[1].Status != store.JobRunAbandoned {
		for _, r := range runs {
			t.Logf("run: attempt %d by %s: %s %s", r.Attempt, r.Worker, r.Status, r.Error)
		}
		t.Fatal("want the victim's attempt abandoned and the survivor's succeeded")
	}
	time.Sleep(2 * time.Second)
	if n := len(results(t, s, j.ID)); n != 1 {
		t.Fatalf("result stored %d times, want once", n)
	}
}

// startVictim enqueues one run of a blocking job, starts the victim
// process (instance "victim") and waits until it is in the middle of it.
func startVictim(t *testing.T, dsn string, s *store.Store) (*exec.Cmd, *store.MonitoringJob) {
	t.Helper()
	ctx := context.Background()
	c := setup(t, s)
	j := createJob(t, s, c.ID, "long", "0 0 1 1 *", "test.block")
	// Enqueue one run with an engine that is never started (insert only).
	inserter, err := jobs.New(jobs.Config{Store: s, Analyzers: mustRegistry(t, jobs.Analyzer{
		Type: "test.block", Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { return jobs.Outcome{}, nil },
	})})
	if err != nil {
		t.Fatal(err)
	}
	if err := inserter.RunNow(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	victim := exec.Command(os.Args[0], "-test.run=^$")
	victim.Env = append(os.Environ(), victimEnv+"="+dsn)
	victim.Stderr = os.Stderr
	out, err := victim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = victim.Process.Kill(); _ = victim.Wait() })
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "job started") {
				close(started)
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		t.Fatal("victim never started the job")
	}
	eventually(t, 10*time.Second, "victim's attempt recorded as running", func() (bool, error) {
		runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
		return len(runs) == 1 && runs[0].Status == store.JobRunRunning && runs[0].Worker == "victim", err
	})
	return victim, j
}

// TestRestartedInstanceRescuesItsJobsAtOnce kills an instance (SIGKILL) in
// the middle of a job and starts it again under the same name with a
// rescue delay of an hour: the restarted instance takes the job its
// predecessor left running at once instead of waiting for River's rescuer.
func TestRestartedInstanceRescuesItsJobsAtOnce(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresSchemaDSN(t)
	s := openShared(t, dsn)
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	victim, j := startVictim(t, dsn, s)
	if err := victim.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()

	restarted := time.Now()
	startEngine(t, jobs.Config{Store: openShared(t, dsn), Instance: "victim", JobTimeout: time.Minute, RescueAfter: time.Hour,
		Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.block",
			Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { return jobs.Outcome{}, nil },
		})})
	eventually(t, 30*time.Second, "job finished by the restarted instance", func() (bool, error) {
		rs := results(t, s, j.ID)
		return len(rs) == 1 && rs[0].Status == store.ResultSuccess, nil
	})
	runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Status != store.JobRunSucceeded || runs[1].Status != store.JobRunAbandoned {
		for _, r := range runs {
			t.Logf("run: attempt %d by %s: %s %s", r.Attempt, r.Worker, r.Status, r.Error)
		}
		t.Fatal("want the killed attempt abandoned and the restarted instance's succeeded")
	}
	t.Logf("job recovered %s after the restart (rescue_after 1h)", time.Since(restarted).Round(time.Millisecond))
}

// TestSameNameTwiceDoesNotRescueALiveInstance starts a second process under
// the name of a live one that is in the middle of a job: the second one
// must not take the job away from it.
func TestSameNameTwiceDoesNotRescueALiveInstance(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresSchemaDSN(t)
	s := openShared(t, dsn)
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, j := startVictim(t, dsn, s)
	var ran atomic.Int64
	startEngine(t, jobs.Config{Store: openShared(t, dsn), Instance: "victim", JobTimeout: time.Minute, RescueAfter: time.Hour,
		Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.block",
			Func: func(context.Context, jobs.Run) (jobs.Outcome, error) { ran.Add(1); return jobs.Outcome{}, nil },
		})})
	time.Sleep(3 * time.Second) // several fetch polls
	if n := ran.Load(); n != 0 {
		t.Fatalf("the job of the live instance was run %d times by a second process of the same name", n)
	}
	runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
	if err != nil || len(runs) != 1 || runs[0].Status != store.JobRunRunning {
		t.Fatalf("runs %v, %v: want the live instance's attempt still running", runs, err)
	}
}
