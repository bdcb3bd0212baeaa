package cli

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestSyncHealthy: /readyz's odoo-sync check fails while the last runs of
// the sync of a connection this process holds credentials for failed or
// were partial, and passes again after a full success.
func TestSyncHealthy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Now()
	s := storetest.Open(t, store.SQLite)
	mine, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{store: s, logger: slog.New(slog.DiscardHandler), now: func() time.Time { return now },
		creds: &credentials{keys: map[int64]string{mine.ID: "key"}}}
	jobOf := func(conn int64) *store.MonitoringJob {
		j, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn, Name: "odoo-sync", Schedule: "@every 5m",
			AnalyzerType: odoosync.AnalyzerType, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	mj, oj := jobOf(mine.ID), jobOf(other.ID)
	record := func(j *store.MonitoringJob, status string) {
		t.Helper()
		if _, err := s.MonitoringJobRecordRun(ctx, j.ID, now, status); err != nil {
			t.Fatal(err)
		}
	}
	record(oj, store.JobRunFailed) // another process's connection: not this one's to report
	if err := a.syncHealthy(ctx); err != nil {
		t.Fatalf("healthy: %v", err)
	}
	record(mj, store.JobRunPartial)
	record(mj, store.JobRunPartial)
	if err := a.syncHealthy(ctx); err == nil || !strings.Contains(err.Error(), "1 connection(s) is failing (up to 2 runs") {
		t.Fatalf("after two partial syncs: %v", err)
	}
	record(mj, store.JobRunSucceeded)
	if err := a.syncHealthy(ctx); err != nil {
		t.Fatalf("after a full sync: %v", err)
	}
}
