package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// TestMetricLinkByName: the dashboard links a figure by its name; the
// stored key carries the company. The link opens the first company's
// figure; the full key still opens its own.
func TestMetricLinkByName(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	m, _ := json.Marshal(map[string]analysis.Metric{
		"finance.ar.overdue@2": {Name: "finance.ar.overdue", Value: 222, Unit: "USD", CompanyID: 2, Available: true},
		"finance.ar.overdue@1": {Name: "finance.ar.overdue", Value: 48734, Unit: "EUR", CompanyID: 1, Available: true},
	})
	at := time.Now().UTC().Truncate(time.Second)
	if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: f.jobIDs["finance"],
		ScheduledAt: at, RunAt: at, Status: store.ResultSuccess, Metrics: m, Insights: json.RawMessage(`[]`)}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/analytics/finance/metrics/finance.ar.overdue":   "48,734",
		"/analytics/finance/metrics/finance.ar.overdue@2": "222",
	} {
		resp := f.do(t, store.RoleCFO, "GET", path, "")
		if body := readAll(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d, want 200 with %s", path, resp.StatusCode, want)
		}
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/analytics/finance/metrics/finance.nothing", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown figure: %d", resp.StatusCode)
	}
}
