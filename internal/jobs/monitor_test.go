package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestPartialRunCountsAsFailed: a run that stores a partial result (a sync
// where some models failed) is recorded as partial, not succeeded, counts
// as a failed run, raises the failing-job alert after FailureAlertAfter
// runs, and a full success resolves it.
func TestPartialRunCountsAsFailed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := setup(t, s)
		reg := prometheus.NewRegistry()
		var healthy atomic.Bool
		startEngine(t, jobs.Config{Store: s, MaxAttempts: 1, FailureAlertAfter: 2, Registerer: reg, Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.partial",
			Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
				if healthy.Load() {
					return jobs.Outcome{Metrics: json.RawMessage(`{"failed":0}`)}, nil
				}
				return jobs.Outcome{Status: store.ResultPartial, Problem: "1 of 3 models failed: crm.lead: 502 Bad Gateway",
					Metrics: json.RawMessage(`{"failed":1}`)}, nil
			},
		})})
		j := createJob(t, s, c.ID, "sync", "@every 1s", "test.partial")
		var alert *store.Alert
		eventually(t, 30*time.Second, "failing alert raised", func() (bool, error) {
			open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
			if len(open) == 1 {
				alert = open[0]
			}
			return len(open) == 1, err
		})
		if alert.Fingerprint != jobs.FailingFingerprint(j.ID) || !strings.Contains(alert.Description, "crm.lead: 502") {
			t.Fatalf("alert = %+v", alert)
		}
		got, err := s.MonitoringJobByID(ctx, j.ID)
		if err != nil || got.ConsecutiveFailures < 2 || got.LastStatus != store.JobRunPartial {
			t.Fatalf("job = %+v, %v", got, err)
		}
		runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
		if err != nil || len(runs) == 0 || runs[len(runs)-1].Status != store.JobRunPartial || !strings.Contains(runs[len(runs)-1].Error, "crm.lead") {
			t.Fatalf("runs = %+v, %v", runs, err)
		}
		for _, r := range results(t, s, j.ID) {
			if r.Status != store.ResultPartial {
				t.Fatalf("result status = %s", r.Status)
			}
		}
		if n := counterValue(t, reg, "aicoo_job_runs_total", "status", store.JobRunPartial); n < 2 {
			t.Fatalf("partial runs counted = %v", n)
		}
		healthy.Store(true)
		eventually(t, 30*time.Second, "alert resolved after a full success", func() (bool, error) {
			open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
			return len(open) == 0, err
		})
	})
}

// counterValue sums the series of a counter with the label set to value.
func counterValue(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

// TestSkippedRunIsNotASuccess: a run that did no work because the same
// work was under way (a sync finding another sync of its connection
// running) is recorded and counted as skipped, stores no result and
// neither resolves nor feeds the failing-job alert.
func TestSkippedRunIsNotASuccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	c := setup(t, s)
	reg := prometheus.NewRegistry()
	startEngine(t, jobs.Config{Store: s, MaxAttempts: 1, Registerer: reg, Analyzers: mustRegistry(t, jobs.Analyzer{
		Type: "test.busy",
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			return jobs.Outcome{Skipped: "another sync of this connection was running"}, nil
		},
	})})
	j := createJob(t, s, c.ID, "sync", "@every 1s", "test.busy")
	eventually(t, 30*time.Second, "two skipped runs", func() (bool, error) {
		runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
		return len(runs) >= 2, err
	})
	runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Status != store.JobRunSkipped && r.Status != store.JobRunRunning || r.Status == store.JobRunSkipped && !strings.Contains(r.Error, "another sync") {
			t.Errorf("run %d: status %s %q, want skipped with the reason", r.ID, r.Status, r.Error)
		}
	}
	if rs := results(t, s, j.ID); len(rs) != 0 {
		t.Errorf("a skipped run stored %d results", len(rs))
	}
	got, err := s.MonitoringJobByID(ctx, j.ID)
	if err != nil || got.LastStatus == store.JobRunSucceeded || got.ConsecutiveFailures != 0 {
		t.Errorf("job after skipped runs = %+v, %v", got, err)
	}
	if n := counterValue(t, reg, "aicoo_job_runs_total", "status", store.JobRunSucceeded); n != 0 {
		t.Errorf("skipped runs counted as %v successes", n)
	}
	if n := counterValue(t, reg, "aicoo_job_runs_total", "status", store.JobRunSkipped); n < 2 {
		t.Errorf("skipped runs counted = %v", n)
	}
}

// TestFailingAlertLifecycle: the failing-job alert is raised through the
// one entry point, so it gets the lifecycle of every alert: a "raised"
// event and notify pending; a success resolves it with an event; failing
// again opens a new alert linked to the previous one.
func TestFailingAlertLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := setup(t, s)
		var healthy atomic.Bool
		startEngine(t, jobs.Config{Store: s, MaxAttempts: 1, FailureAlertAfter: 1, Analyzers: mustRegistry(t, jobs.Analyzer{
			Type: "test.flaky",
			Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
				if healthy.Load() {
					return jobs.Outcome{}, nil
				}
				return jobs.Outcome{}, errors.New("odoo unreachable")
			},
		})})
		j := createJob(t, s, c.ID, "flaky", "@every 1s", "test.flaky")
		fp := jobs.FailingFingerprint(j.ID)
		openCount := func(want int) func() (bool, error) {
			return func() (bool, error) {
				open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
				return len(open) == want, err
			}
		}
		eventually(t, 30*time.Second, "failing alert raised", openCount(1))
		first := storetest.RaisedAlert(t, s, c.ID, fp, 0)
		healthy.Store(true)
		eventually(t, 30*time.Second, "alert resolved after a success", openCount(0))
		events, err := s.AlertEventList(ctx, first.ID)
		if err != nil || events[len(events)-1].Action != store.AlertEventAutoResolved {
			t.Fatalf("events of the resolved alert: %+v %v", events, err)
		}
		healthy.Store(false)
		eventually(t, 30*time.Second, "failing alert raised again", openCount(1))
		storetest.RaisedAlert(t, s, c.ID, fp, first.ID)
	})
}
