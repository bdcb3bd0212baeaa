package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/pipeline"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// stockAnalyzer counts the products with no stock left after their moves:
// a figure and a finding that read two models.
type stockAnalyzer struct{}

func (stockAnalyzer) Area() string { return "operations" }

func (stockAnalyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	products, err := analysis.Records(ctx, env.Source, "product.product")
	if err != nil {
		return nil, err
	}
	moves, err := analysis.Records(ctx, env.Source, "stock.move")
	if err != nil {
		return nil, err
	}
	qty := map[int64]float64{}
	for _, m := range moves {
		p, _ := m.Many2One("product_id")
		v, _ := m.Float("quantity")
		qty[p.ID] += v
	}
	res := &analysis.Result{Area: "operations"}
	n := 0
	for _, p := range products {
		if qty[p.ID()] > 0 {
			continue
		}
		n++
		res.Insights = append(res.Insights, analysis.Insight{Kind: "stockout_risk", Priority: "high", Title: "Out of stock",
			Subject: fmt.Sprintf("product.product:%d", p.ID()), Score: 1})
	}
	res.Metrics = append(res.Metrics, analysis.Metric{Name: "operations.stockout_risk.products", Unit: "count", Value: float64(n), Available: true})
	return res, nil
}

// TestIncompleteModelWithholdsFigures: while a model an analysis reads is
// not completely synced, its figures are "not available" with a note that
// names the model and since when, no finding is published, and the alerts
// raised from earlier complete analyses are neither resolved nor raised;
// once the model syncs again, figures and alert evaluation resume.
func TestIncompleteModelWithholdsFigures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := alerts.EnsureBuiltinRules(ctx, s, c.ID); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
		eng := alerts.New(s, alerts.Config{Now: func() time.Time { return now }})
		var evals []alerts.EvalResult
		job := jobs.Run{Job: &store.MonitoringJob{ConnectionID: c.ID}}
		a := pipeline.JobAnalyzer(s, stockAnalyzer{}, func() time.Time { return now }, analysis.NewRecordCache(),
			func(ctx context.Context, _ *store.MonitoringJob, res *analysis.Result) error {
				er, err := eng.Evaluate(ctx, c.ID, res)
				evals = append(evals, er)
				return err
			})
		put := func(model string, recs ...string) {
			t.Helper()
			params := make([]store.OdooRecordParams, len(recs))
			for i, r := range recs {
				params[i] = store.OdooRecordParams{OdooID: int64(i + 1), WriteDate: now, Active: true, Data: json.RawMessage(r)}
			}
			if err := s.OdooRecordUpsertMany(ctx, c.ID, model, params); err != nil {
				t.Fatal(err)
			}
		}
		state := func(model, status string, success time.Time) {
			t.Helper()
			if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: model, Status: status,
				LastSuccessAt: success, LastSyncedAt: now, StartedAt: now.Add(-time.Minute), RecordCount: 2}); err != nil {
				t.Fatal(err)
			}
		}
		metric := func() analysis.Metric {
			t.Helper()
			out, err := a.Func(ctx, job)
			if err != nil {
				t.Fatal(err)
			}
			var ms map[string]analysis.Metric
			if err := json.Unmarshal(out.Metrics, &ms); err != nil {
				t.Fatal(err)
			}
			return ms["operations.stockout_risk.products"]
		}
		openAlerts := func() int {
			t.Helper()
			open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			return len(open)
		}

		put("product.product", `{"id":1,"name":"Bolt"}`, `{"id":2,"name":"Nut"}`)
		put("stock.move", `{"id":1,"product_id":[1,"Bolt"],"quantity":5}`)
		lastSuccess := now.Add(-2 * time.Hour)
		state("product.product", store.OdooSyncOK, lastSuccess)
		state("stock.move", store.OdooSyncOK, lastSuccess)
		if m := metric(); !m.Available || m.Value != 1 || openAlerts() != 1 {
			t.Fatalf("complete: metric %+v, %d open alerts", m, openAlerts())
		}

		// The next sync of stock.move fails halfway: the Nut's move is
		// stored, so the partial copy says nothing is out of stock.
		put("stock.move", `{"id":1,"product_id":[1,"Bolt"],"quantity":5}`, `{"id":2,"product_id":[2,"Nut"],"quantity":3}`)
		state("stock.move", store.OdooSyncFailed, lastSuccess)
		m := metric()
		want := "not available — stock.move could not be synced since 2026-11-27 06:00 UTC"
		if m.Available || m.Value != 0 || m.Note != want {
			t.Fatalf("incomplete: metric %+v, want the note %q", m, want)
		}
		if openAlerts() != 1 || evals[len(evals)-1].Resolved != 0 || evals[len(evals)-1].Withheld == 0 {
			t.Fatalf("incomplete: %d open alerts, evaluation %+v", openAlerts(), evals[len(evals)-1])
		}

		// A model never completely synced (a first scan in progress) is
		// incomplete too.
		state("stock.move", store.OdooSyncRunning, time.Time{})
		if m := metric(); m.Available || !strings.Contains(m.Note, "stock.move could not be synced since 2026-11-27 07:59 UTC (never completely synced)") {
			t.Fatalf("first scan: metric %+v", m)
		}
		// A sync running over a complete copy does not withhold.
		state("stock.move", store.OdooSyncRunning, lastSuccess)
		if m := metric(); !m.Available {
			t.Fatalf("running over a complete copy: metric %+v", m)
		}
		// Complete again: the condition has cleared and the alert resolves.
		state("stock.move", store.OdooSyncOK, now)
		if m := metric(); !m.Available || m.Value != 0 || openAlerts() != 0 {
			t.Fatalf("complete again: metric %+v, %d open alerts", m, openAlerts())
		}
	})
}

func TestIncompleteError(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		err  *analysis.IncompleteError
		want string
	}{
		{&analysis.IncompleteError{Model: "crm.lead", Since: since}, "crm.lead could not be synced since 2026-11-27 06:00 UTC"},
		{&analysis.IncompleteError{Model: "crm.lead", Since: since, Never: true}, "crm.lead could not be synced since 2026-11-27 06:00 UTC (never completely synced)"},
		{&analysis.IncompleteError{Model: "crm.lead", Never: true}, "crm.lead has not been synced yet"},
	} {
		if got := tt.err.Error(); got != tt.want || !errors.Is(tt.err, analysis.ErrIncomplete) {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
