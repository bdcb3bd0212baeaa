package pipeline

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestSyncBusy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Now()
	s := storetest.Open(t, store.SQLite, func(c *store.Config) { c.NowFunc = func() time.Time { return now } })
	a := &Pipeline{cfg: Config{Store: s, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}}
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if busy, err := a.syncBusy(ctx, conn.ID); busy || err != nil {
		t.Fatalf("first claim: busy=%v err=%v", busy, err)
	}
	if busy, _ := a.syncBusy(ctx, conn.ID); !busy {
		t.Fatal("a second sync in the same process must be refused")
	}
	a.syncing.Delete(conn.ID)
	// Another instance is syncing: its state moved moments ago.
	if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn.ID, Model: "account.move", Status: store.OdooSyncRunning}); err != nil {
		t.Fatal(err)
	}
	if busy, _ := a.syncBusy(ctx, conn.ID); !busy {
		t.Fatal("a live sync in another instance must be respected")
	}
	// That instance died long ago.
	now = now.Add(10 * time.Minute)
	if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn.ID, Model: "account.move", Status: store.OdooSyncRunning}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Minute)
	if busy, err := a.syncBusy(ctx, conn.ID); busy || err != nil {
		t.Fatalf("a stale running state must not block: busy=%v err=%v", busy, err)
	}
}
