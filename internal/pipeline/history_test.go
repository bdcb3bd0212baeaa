package pipeline

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/history"
)

type historyFunc func(ctx context.Context, connectionID int64) (history.Report, error)

func (f historyFunc) Update(ctx context.Context, id int64) (history.Report, error) { return f(ctx, id) }

// TestUpdateHistory: the history of the synced connection is updated, and
// a failure is logged without failing the sync.
func TestUpdateHistory(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var got []int64
	fail := false
	p := &Pipeline{cfg: Config{Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		History: historyFunc(func(_ context.Context, id int64) (history.Report, error) {
			got = append(got, id)
			if fail {
				return history.Report{}, errors.New("disk full")
			}
			return history.Report{From: "2025-05-01", Points: 12}, nil
		})}}
	p.updateHistory(context.Background(), 7)
	fail = true
	p.updateHistory(context.Background(), 8)
	if len(got) != 2 || got[0] != 7 || got[1] != 8 {
		t.Fatalf("updated connections %v, want [7 8]", got)
	}
	if s := logs.String(); !strings.Contains(s, "points=12") || !strings.Contains(s, "disk full") {
		t.Errorf("logs = %s", s)
	}
	(&Pipeline{cfg: Config{}}).updateHistory(context.Background(), 1) // no updater: nothing to do
}
