package analysis_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// TestDecodeResult: what Outcome stores, DecodeResult reads back: the
// metrics in key order and by key (per-company figures suffixed with the
// company), and the insights.
func TestDecodeResult(t *testing.T) {
	t.Parallel()
	res := &analysis.Result{Area: "finance",
		Metrics: []analysis.Metric{
			{Name: "finance.dso_days", Value: 41, Unit: "days", CompanyID: 2, Available: true},
			{Name: "finance.cash.position", Value: 1200.5, Unit: "EUR", CompanyID: 1, Available: true,
				Refs: []analysis.Ref{{Model: "account.journal", IDs: []int64{3}}}},
			{Name: "finance.ar.overdue", Unit: "EUR", Note: "no invoices"},
		},
		Insights: []analysis.Insight{{Kind: "overdue_invoice", Priority: "high", Title: "INV/1 is 95 days overdue",
			Subject: "account.move:1", Facts: map[string]float64{"days_overdue": 95}}},
	}
	st, err := analysis.Outcome(res)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	sr := &store.AnalysisResult{ID: 7, JobID: 3, ScheduledAt: at, Status: store.ResultSuccess, Metrics: st.Metrics, Insights: st.Insights}
	got, err := analysis.DecodeResult("finance", sr)
	if err != nil {
		t.Fatal(err)
	}
	want := []analysis.Metric{res.Metrics[2], res.Metrics[1], res.Metrics[0]} // by key
	if !reflect.DeepEqual(got.Metrics, want) {
		t.Errorf("metrics = %+v\nwant %+v", got.Metrics, want)
	}
	if !reflect.DeepEqual(got.Insights, res.Insights) {
		t.Errorf("insights = %+v", got.Insights)
	}
	if got.ByKey["finance.cash.position@1"].Value != 1200.5 || got.ByKey["finance.dso_days@2"].Value != 41 || len(got.ByKey) != 3 {
		t.Errorf("by key = %+v", got.ByKey)
	}
	if got.Area != "finance" || got.ID != 7 || got.JobID != 3 || !got.ScheduledAt.Equal(at) || got.Status != store.ResultSuccess {
		t.Errorf("result = %+v", got)
	}
	for _, bad := range []*store.AnalysisResult{{Metrics: []byte(`[1]`)}, {Metrics: []byte(`{}`), Insights: []byte(`{}`)}} {
		if _, err := analysis.DecodeResult("finance", bad); err == nil {
			t.Errorf("decoding %s / %s: no error", bad.Metrics, bad.Insights)
		}
	}
	if m, err := analysis.DecodeMetrics(nil); err != nil || len(m) != 0 {
		t.Errorf("no metrics: %v, %v", m, err)
	}
}
