package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestBudgetTable: on a synced demo company (Odoo 17 budgets on budgetary
// positions, Odoo 18 budgets on analytic accounts), the finance
// analysis's stored result fills the expenses page's budget table: every
// cost budget line with the plan Odoo holds, the actual, the share used and
// what remains, the overruns marked in words and linked into Odoo, and a
// chart of the current period. A role that does not see finance is told
// why there is no table; the finance page lists the lines in the table, not
// among its figures.
func TestBudgetTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version, model, field string
		sign                  float64 // of a cost plan in Odoo
		analytic              bool
	}{
		{"17.0", "crossovered.budget.lines", "planned_amount", -1, false},
		{"18.0", "budget.line", "budget_amount", 1, true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			testBudgetTable(t, tc.version, tc.model, tc.field, tc.sign, tc.analytic)
		})
	}
}

func testBudgetTable(t *testing.T, version, model, field string, sign float64, analytic bool) {
	f := newFixture(t, Config{})
	ds, res := seedBudgets(t, f, version)
	// What Odoo holds, independently of the analyzer: the cost lines and
	// their plans (Odoo plans costs negative).
	planned := map[int64]float64{}
	for _, r := range ds.Records(model) {
		if v, _ := r[field].(float64); v*sign > 0 {
			planned[r.ID()] = v * sign
		}
	}
	overruns := 0
	for _, in := range res.Insights {
		if in.Kind == finance.KindBudgetOverrun {
			overruns++
		}
	}
	if len(planned) < 10 || overruns == 0 {
		t.Fatalf("demo company: %d cost budget lines, %d overruns", len(planned), overruns)
	}

	page := readAll(t, f.do(t, store.RoleCFO, "GET", "/analytics/expenses", ""))
	table := between(t, page, `<table class="budget">`, `</table>`)
	if n := strings.Count(table, "<tr") - 1; n != len(planned) {
		t.Errorf("budget table has %d lines, Odoo %d cost lines", n, len(planned))
	}
	if n := strings.Count(table, `<tr class="over">`); n != overruns {
		t.Errorf("%d lines marked over budget, %d budget_overrun findings", n, overruns)
	}
	if n := strings.Count(table, "over budget</span>"); n != overruns {
		t.Errorf("%d lines say over budget in words, want %d", n, overruns)
	}
	for id, p := range planned {
		// The line links to its record at the connection's address, with
		// its plan as Odoo holds it.
		link := fmt.Sprintf(`href="https://acme.odoo.com/web#id=%d&amp;model=%s&amp;view_type=form"`, id, model)
		i := strings.Index(table, link)
		if i < 0 {
			t.Errorf("line %d is not linked into Odoo", id)
			continue
		}
		row := table[i:]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `data-label="Planned" class="num">`+numfmt.Money(p, "EUR")+`<`) {
			t.Errorf("line %d: plan %s not in %s", id, numfmt.Money(p, "EUR"), row)
		}
	}
	for _, want := range []string{`id="chart-budget"`, "Expenses against budget", "<title>Planned, ", "<title>Actual, ", "over by ", "(running)", "(ended)",
		`data-label="Used"`} {
		if !strings.Contains(page, want) {
			t.Errorf("expenses page lacks %q", want)
		}
	}
	if got := strings.Contains(table, "analytic account in Odoo"); got != analytic {
		t.Errorf("links to analytic accounts: %v, want %v", got, analytic)
	}
	if strings.Contains(page, "old.example.com") {
		t.Error("links point to the address the analysis ran against")
	}

	// Ops sees the expenses page, not the finance figures.
	page = readAll(t, f.do(t, store.RoleOps, "GET", "/analytics/expenses", ""))
	if strings.Contains(page, `<table class="budget">`) || !strings.Contains(page, "which your role does not see") {
		t.Error("ops: budget table shown, or no reason given")
	}
	page = readAll(t, f.do(t, store.RoleCFO, "GET", "/analytics/finance", ""))
	if !strings.Contains(page, `<table class="budget">`) || strings.Contains(page, "Budget planned — ") {
		t.Error("finance page: no budget table, or the lines repeated among the figures")
	}
}

// between returns the part of s from start to the end of end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("page lacks %q", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("page lacks %q after %q", end, start)
	}
	return s[i : i+j+len(end)]
}

// seedBudgets syncs a small demo company of an Odoo version into f's
// store, runs the finance analysis on it as of 20 May 2026 and stores the
// result as the latest finance result; it adds an expenses job with an
// empty result, so the expenses page opens.
func seedBudgets(t *testing.T, f *fixture, version string) (*dataset.Dataset, *analysis.Result) {
	t.Helper()
	ctx := context.Background()
	today := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today, OdooVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, f.store, f.conn.ID, ds, today)
	src := analysis.StoreSource{Store: f.store, ConnectionID: f.conn.ID}
	res, err := finance.New().Analyze(ctx, &analysis.Env{Source: src, Today: odoo.DateOf(today), OdooURL: "https://old.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := analysis.Outcome(res)
	if err != nil {
		t.Fatal(err)
	}
	// The analysis ran today: the fixture's own finance result goes.
	if _, err := f.store.DB().ExecContext(ctx, `DELETE FROM analysis_results WHERE job_id = $1`, f.jobIDs["finance"]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: f.jobIDs["finance"], ScheduledAt: today, RunAt: today,
		Status: store.ResultSuccess, Metrics: out.Metrics, Insights: out.Insights}); err != nil {
		t.Fatal(err)
	}
	j, err := f.store.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: f.conn.ID, Name: "expenses", Schedule: "@hourly", AnalyzerType: "analysis.expenses", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: j.ID, ScheduledAt: today, RunAt: today,
		Status: store.ResultSuccess, Metrics: []byte(`{}`), Insights: []byte(`[]`)}); err != nil {
		t.Fatal(err)
	}
	return ds, res
}
