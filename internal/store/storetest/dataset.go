package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/store"
)

// CopyDataset writes models of ds (every model when none is named) into s
// for connection connID as a finished sync leaves them: the records
// (archived ones marked so) and a successful sync state at syncedAt.
func CopyDataset(t testing.TB, s *store.Store, connID int64, ds *dataset.Dataset, syncedAt time.Time, models ...string) {
	t.Helper()
	ctx := context.Background()
	if len(models) == 0 {
		models = ds.Models()
	}
	for _, m := range models {
		recs := ds.Records(m)
		params := make([]store.OdooRecordParams, 0, len(recs))
		for _, r := range recs {
			data, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			params = append(params, store.OdooRecordParams{OdooID: r.ID(), Active: r["active"] != false, Data: data})
		}
		if err := s.OdooRecordUpsertMany(ctx, connID, m, params); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: connID, Model: m, Status: store.OdooSyncOK,
			LastSyncedAt: syncedAt, LastSuccessAt: syncedAt, RecordCount: int64(len(recs))}); err != nil {
			t.Fatal(err)
		}
	}
}
