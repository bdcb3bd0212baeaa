package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestDemoWatchSync: the sync's line waits for the sync that did the
// work, not a run that found it running and succeeded at once.
func TestDemoWatchSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	job, _, err := s.MonitoringJobEnsure(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: "odoo-sync", Schedule: "@every 5m",
		AnalyzerType: odoosync.AnalyzerType, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().UTC().Truncate(time.Second)
	runFor := func(river int64, start time.Time, took time.Duration) {
		r, err := s.JobRunStart(ctx, store.JobRunStartParams{ConnectionID: conn.ID, JobID: job.ID, RiverJobID: river, Attempt: 1, ScheduledAt: start, StartedAt: start})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.JobRunFinish(ctx, r.ID, store.JobRunFinishParams{Status: store.JobRunSucceeded, FinishedAt: start.Add(took), Duration: took}); err != nil {
			t.Fatal(err)
		}
	}
	state := func(model, status string, synced time.Time, n int64) {
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn.ID, Model: model, Status: status, LastSyncedAt: synced, RecordCount: n}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	w := &demoWatch{s: s, conn: conn, w: &out, since: t0.Add(-time.Second)}

	// The real sync runs; a second run found it running and "succeeded".
	state("res.partner", store.OdooSyncOK, t0.Add(3*time.Second), 100)
	state("account.move", store.OdooSyncRunning, time.Time{}, 0)
	runFor(2, t0.Add(5*time.Second), 0)
	if r, _ := w.syncDone(ctx); r != nil || out.Len() > 0 {
		t.Fatalf("a skipped run ends the sync: %+v %q", r, out.String())
	}
	// The real sync ends.
	state("account.move", store.OdooSyncOK, t0.Add(29*time.Second), 900)
	runFor(1, t0, 30*time.Second)
	r, syncedAt := w.syncDone(ctx)
	if r == nil || r.RiverJobID != 1 || !strings.Contains(out.String(), "sync: 2 models 100% (1000 records) in 30 s") {
		t.Fatalf("run %+v, printed %q", r, out.String())
	}
	// The analyses start when the last model is synced, before the run
	// ends (it updates the figure history first).
	if !syncedAt.Equal(t0.Add(29 * time.Second)) {
		t.Errorf("synced at %v, want %v", syncedAt, t0.Add(29*time.Second))
	}
}
