package ask_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/store"
)

// latestMetric reads a metric of the latest stored result of an area
// straight from the store.
func latestMetric(t *testing.T, d *demo, area, name string) analysis.Metric {
	t.Helper()
	ctx := context.Background()
	jobs, err := d.st.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: d.conn.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.AnalyzerType != analysis.JobTypePrefix+area {
			continue
		}
		sr, err := d.st.AnalysisResultLatest(ctx, j.ID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := analysis.DecodeResult(area, sr)
		if err != nil {
			t.Fatal(err)
		}
		for k, m := range res.ByKey {
			if k == name || strings.HasPrefix(k, name+"@") {
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return analysis.Metric{}
}

func TestMetricTools(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	want := latestMetric(t, d, "finance", "finance.cash.position")
	var vals []struct {
		Value   float64 `json:"value"`
		Label   string  `json:"label"`
		Display string  `json:"display"`
		Unit    string  `json:"unit"`
	}
	out := d.call(t, d.reg, store.RoleCFO, "metric", map[string]any{"name": "finance.cash.position"}, &vals)
	if len(vals) == 0 || vals[0].Value != round2(want.Value) || vals[0].Label == "" || vals[0].Label == "finance.cash.position" ||
		!strings.Contains(vals[0].Display, want.Unit) {
		t.Fatalf("metric: %+v, want %v %s", vals, round2(want.Value), want.Unit)
	}
	if out.Sources[0].Path != "/analytics/finance/cash" && !strings.HasPrefix(out.Sources[0].Path, "/analytics/finance/cash?company=") {
		t.Errorf("source %+v", out.Sources[0])
	}
	// As of a day before any analysis: not known yet.
	var none []any
	out = d.call(t, d.reg, store.RoleCFO, "metric", map[string]any{"name": "finance.cash.position", "as_of": "2026-01-01"}, &none)
	if len(none) != 0 || !strings.Contains(out.Text, "not run yet") {
		t.Errorf("before the first analysis: %v %q", none, out.Text)
	}

	var hist struct {
		Points []struct {
			Date  string  `json:"date"`
			Value float64 `json:"value"`
		} `json:"points"`
	}
	d.call(t, d.reg, store.RoleOps, "metric_history", map[string]any{"name": "operations.stock.stockout_risk", "from": "2026-03-01", "to": "2026-03-09"}, &hist)
	risk := latestMetric(t, d, "operations", "operations.stock.stockout_risk")
	if len(hist.Points) != 2 || hist.Points[0].Date != "2026-03-08" || hist.Points[1].Date != "2026-03-09" || hist.Points[1].Value != risk.Value {
		t.Errorf("history %+v, want 2026-03-08 and 2026-03-09 at %v", hist.Points, risk.Value)
	}

	overdue := latestMetric(t, d, "finance", "finance.ar.top_overdue")
	var ex struct {
		Figures []struct {
			Total   int `json:"total_records"`
			Records []struct {
				Model string `json:"model"`
				ID    int64  `json:"id"`
				Name  string `json:"name"`
			} `json:"records"`
		} `json:"figures"`
	}
	out = d.call(t, d.reg, store.RoleCEO, "explain_metric", map[string]any{"name": "finance.ar.top_overdue"}, &ex)
	n := 0
	for _, r := range overdue.Refs {
		n += len(r.IDs)
	}
	if n == 0 || len(ex.Figures) == 0 || ex.Figures[0].Total != n || len(ex.Figures[0].Records) != min(n, 50) || ex.Figures[0].Records[0].Name == "" {
		t.Fatalf("explain: %+v, want %d records", ex, n)
	}
	if inv := d.ds.Get(ex.Figures[0].Records[0].Model, ex.Figures[0].Records[0].ID); inv == nil || inv.Str("name") != ex.Figures[0].Records[0].Name {
		t.Errorf("record name %q, want the invoice's %q", ex.Figures[0].Records[0].Name, inv.Str("name"))
	}
	if len(out.Sources) < 2 || out.Sources[1].Model == "" {
		t.Errorf("sources %+v", out.Sources)
	}
}

func TestAlertTools(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	var list struct {
		Total  int `json:"total"`
		Alerts []struct {
			ID   int64  `json:"id"`
			Area string `json:"area"`
		} `json:"alerts"`
	}
	d.call(t, d.reg, store.RoleSales, "alerts", map[string]any{}, &list)
	for _, a := range list.Alerts {
		if a.Area != "sales" && a.Area != "customers" {
			t.Errorf("a sales user sees a %s alert", a.Area)
		}
	}
	if list.Total == 0 {
		t.Fatal("a sales user sees no alert")
	}
	d.call(t, d.reg, store.RoleCEO, "alerts", map[string]any{"status": "all", "limit": 100}, &list)
	if list.Total != len(d.alert) {
		t.Errorf("the CEO sees %d alerts, want %d", list.Total, len(d.alert))
	}

	fin := d.alert["finance"]
	var one struct {
		Alert struct {
			Title   string `json:"title"`
			Records []struct {
				Model string `json:"model"`
			} `json:"records"`
		} `json:"alert"`
		History []struct {
			Action string `json:"action"`
		} `json:"history"`
	}
	out := d.call(t, d.reg, store.RoleCFO, "alert", map[string]any{"id": fin}, &one)
	if one.Alert.Title == "" || len(one.History) != 1 || one.History[0].Action != store.AlertEventRaised {
		t.Errorf("alert: %+v", one)
	}
	if out.Sources[0].Path == "" || !strings.HasSuffix(out.Sources[0].Path, "/alerts/"+itoa(fin)) {
		t.Errorf("sources %+v", out.Sources)
	}
	_, err := d.reg.Call(context.Background(), d.caller(store.RoleSales), "alert", json.RawMessage(`{"id":`+itoa(fin)+`}`))
	var refused *ask.RefusedError
	if !errors.As(err, &refused) {
		t.Errorf("a sales user reads a finance alert: %v", err)
	}
}

func itoa(id int64) string { b, _ := json.Marshal(id); return string(b) }

func TestBriefingAndActionTools(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	ctx := context.Background()
	_, err := d.reg.Call(ctx, d.caller(store.RoleSales), "briefing", json.RawMessage(`{"role":"cfo"}`))
	var refused *ask.RefusedError
	if !errors.As(err, &refused) {
		t.Errorf("a sales user reads the CFO briefing: %v", err)
	}
	out := d.call(t, d.reg, store.RoleOps, "briefing", map[string]any{"date": "2026-03-01"}, nil)
	if !strings.Contains(out.Text, "No ops briefing") {
		t.Errorf("no briefing stored: %q", out.Text)
	}

	var acts struct {
		Total   int `json:"total"`
		Actions []struct {
			Type      string   `json:"type"`
			Approvers []string `json:"approver_roles"`
		} `json:"actions"`
	}
	d.call(t, d.reg, store.RoleCFO, "actions", map[string]any{"type": "payment_reminder"}, &acts)
	if acts.Total == 0 || acts.Actions[0].Type != "payment_reminder" || strings.Join(acts.Actions[0].Approvers, ",") != "admin,ceo,cfo" {
		t.Errorf("actions for the CFO: %+v", acts)
	}
	d.call(t, d.reg, store.RoleOps, "actions", map[string]any{"type": "payment_reminder", "status": "all"}, &acts)
	if acts.Total != 0 {
		t.Errorf("ops sees %d payment reminders it may not decide on", acts.Total)
	}
}
