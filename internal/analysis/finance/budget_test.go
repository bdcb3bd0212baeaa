package finance_test

import (
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
)

// odooBudgetLedger: posted costs in Q1 2025 on expense accounts 501 (1200)
// and 502 (300), a draft item of 999 on 501, an item dated April; analytic
// lines mirror the posted items on analytic account 7, plus one from the
// draft item and one on income account 400.
func odooBudgetLedger() analysis.MapSource {
	src := base()
	l := func(id, account int64, state, date string, balance float64) R {
		return R{"id": id, "move_id": id, "account_id": account, "company_id": 1, "parent_state": state, "date": date, "balance": balance}
	}
	src["account.move.line"] = []R{l(1, 501, "posted", "2025-01-10", 1200), l(2, 502, "posted", "2025-02-10", 300),
		l(3, 501, "draft", "2025-02-01", 999), l(4, 501, "posted", "2025-04-01", 999), l(5, 400, "posted", "2025-02-01", -800)}
	src["account.account"] = []R{{"id": 501, "name": "Marketing", "account_type": "expense"}, {"id": 502, "name": "Travel", "account_type": "expense"},
		{"id": 400, "name": "Sales", "account_type": "income"}}
	aal := func(id, move, account int64, date string, amount float64) R {
		return R{"id": id, "move_line_id": move, "account_id": 7, "general_account_id": account, "company_id": 1, "date": date, "amount": amount}
	}
	src["account.analytic.line"] = []R{aal(1, 1, 501, "2025-01-10", -1200), aal(2, 2, 502, "2025-02-10", -300), aal(3, 3, 501, "2025-02-01", -999),
		aal(4, 4, 501, "2025-04-01", -999), aal(5, 5, 400, "2025-02-01", 800)}
	src["account.analytic.account"] = []R{{"id": 7, "name": "Campaigns"}}
	return src
}

func TestBudgetOdoo17(t *testing.T) {
	t.Parallel()
	src := odooBudgetLedger()
	src["account.budget.post"] = []R{{"id": 1, "name": "Marketing", "account_ids": []any{501}}, {"id": 2, "name": "All costs", "account_ids": []any{501, 502}}}
	src["crossovered.budget"] = []R{{"id": 1, "name": "Q1", "state": "validate", "company_id": 1}, {"id": 2, "name": "Old", "state": "cancel", "company_id": 1}}
	line := func(id, budget, post, analytic int64, planned float64) R {
		return R{"id": id, "crossovered_budget_id": budget, "general_budget_id": post, "analytic_account_id": analytic, "company_id": 1,
			"date_from": "2025-01-01", "date_to": "2025-03-31", "planned_amount": planned}
	}
	src["crossovered.budget.lines"] = []R{
		line(1, 1, 1, 0, -1000), // 1200 on 501 -> 120%, medium
		line(2, 1, 2, 0, -1000), // 1500 on 501+502 -> 150%, high
		line(3, 1, 0, 7, -600),  // analytic 7, any account: 1500 costs - 800 income = 700 -> 117%
		line(4, 1, 1, 7, -1400), // analytic 7 on 501 only: 1200 -> within
		line(5, 1, 1, 0, 100),   // a revenue line: not a cost budget
		line(6, 2, 1, 0, -10),   // cancelled budget
	}
	res := run(t, src, nil)
	got := insightsOf(res, finance.KindBudgetOverrun)
	want := map[string]struct {
		prio   string
		actual float64
		title  string
	}{
		"crossovered.budget.lines:1": {"medium", 1200, "Q1 - Marketing: 120% of budget spent"},
		"crossovered.budget.lines:2": {"high", 1500, "Q1 - All costs: 150% of budget spent"},
		"crossovered.budget.lines:3": {"medium", 700, "Q1 - Campaigns: 117% of budget spent"},
	}
	if len(got) != len(want) {
		t.Errorf("got %d overruns: %v", len(got), got)
	}
	for s, w := range want {
		in := got[s]
		if in.Priority != w.prio || in.Facts["actual"] != w.actual || in.Title != w.title || in.Refs[0].Model != "crossovered.budget.lines" {
			t.Errorf("%s = %+v, want %s %q with actual %v", s, in, w.prio, w.title, w.actual)
		}
	}
	if m := metricOf(t, res, "finance.budget.lines", 1); m.Value != 4 {
		t.Errorf("budget lines = %v, want 4 (revenue and cancelled left out)", m.Value)
	}
	// Each line is read back from the stored result as it was computed.
	stored, err := analysis.Outcome(res)
	if err != nil {
		t.Fatal(err)
	}
	byKey, err := analysis.DecodeMetrics(stored.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	lines := finance.BudgetLines(byKey)
	if len(lines) != 4 {
		t.Fatalf("%d lines read back: %+v", len(lines), lines)
	}
	wantLines := map[int64]struct {
		name, target    string
		planned, actual float64
		used, remaining float64
		overrun         bool
	}{
		1: {"Q1 - Marketing", "Marketing", 1000, 1200, 1.2, -200, true},
		2: {"Q1 - All costs", "Marketing, Travel", 1000, 1500, 1.5, -500, true},
		3: {"Q1 - Campaigns", "analytic account Campaigns", 600, 700, 700.0 / 600, -100, true},
		4: {"Q1 - Marketing - Campaigns", "Marketing, analytic account Campaigns", 1400, 1200, 1200.0 / 1400, 200, false},
	}
	for _, l := range lines {
		w, ok := wantLines[l.ID]
		if !ok || l.Model != "crossovered.budget.lines" || l.Name != w.name || l.Target != w.target || l.Planned != w.planned || l.Actual != w.actual ||
			!near(l.Used(), w.used) || !near(l.Remaining(), w.remaining) || l.Overrun() != w.overrun ||
			l.From.String() != "2025-01-01" || l.To.String() != "2025-03-31" || l.CompanyID != 1 || len(l.Refs) == 0 || l.Refs[0].IDs[0] != l.ID {
			t.Errorf("line %d = %+v, want %+v", l.ID, l, w)
		}
	}
}

func TestBudgetOdoo18(t *testing.T) {
	t.Parallel()
	src := odooBudgetLedger()
	src["budget.analytic"] = []R{{"id": 1, "name": "Q1", "state": "confirmed", "budget_type": "expense", "company_id": 1},
		{"id": 2, "name": "Both", "state": "confirmed", "budget_type": "both", "company_id": 1},
		{"id": 3, "name": "Sales", "state": "confirmed", "budget_type": "revenue", "company_id": 1},
		{"id": 4, "name": "Gone", "state": "canceled", "budget_type": "expense", "company_id": 1}}
	line := func(id, budget int64, amount float64) R {
		return R{"id": id, "budget_analytic_id": budget, "account_id": []any{7, "Campaigns"}, "company_id": 1,
			"date_from": "2025-01-01", "date_to": "2025-03-31", "budget_amount": amount}
	}
	src["budget.line"] = []R{line(1, 1, 1000), line(2, 2, 1000), line(3, 3, 100), line(4, 4, 10)}
	res := run(t, src, nil)
	got := insightsOf(res, finance.KindBudgetOverrun)
	// Expense budget: 1500 of posted costs (the draft item and the income
	// line do not count). Both: 1500 - 800 of income = 700, within.
	in, ok := got["budget.line:1"]
	if len(got) != 1 || !ok || in.Facts["actual"] != 1500 || in.Priority != "high" || in.Title != "Q1 - Campaigns: 150% of budget spent" {
		t.Errorf("overruns = %+v", got)
	}
	if m := metricOf(t, res, "finance.budget.lines", 1); m.Value != 2 {
		t.Errorf("budget lines = %v, want 2", m.Value)
	}
}
