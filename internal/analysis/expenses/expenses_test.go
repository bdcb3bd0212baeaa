package expenses_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/odoo"
)

type R = odoo.Record

func date(s string) odoo.Date {
	d, err := odoo.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// today is a Monday; the 90-day lookback starts 2025-04-02.
var today = date("2025-06-30")

func exp(id, employee, product int64, day, name string, amount float64, state string) R {
	return R{"id": id, "employee_id": employee, "product_id": product, "account_id": 600, "date": day, "name": name,
		"total_amount": amount, "total_amount_currency": amount, "currency_id": 1, "company_id": 1, "state": state,
		"payment_mode": "own_account", "create_date": day + " 18:00:00"}
}

// source builds the expenses of the tests; see each test for the cases.
func source() analysis.MapSource {
	var es []R
	add := func(r R) { es = append(es, r) }
	// Duplicates of employee 1.
	add(exp(1, 1, 5, "2025-04-24", "Coffee meeting with ACME", 29.42, "done"))           // Thursday
	add(exp(2, 1, 5, "2025-04-28", "Coffee meeting with ACME (receipt)", 29.42, "done")) // Monday: 2 working days later
	add(exp(3, 1, 6, "2025-05-26", "Mobile phone plan May 2025", 39.99, "done"))
	add(exp(4, 1, 6, "2025-06-02", "Mobile phone plan June 2025", 39.99, "approved")) // 5 working days later
	add(exp(5, 1, 5, "2025-05-05", "Taxi airport", 100, "done"))
	add(exp(6, 1, 5, "2025-05-05", "Taxi airport", 101.5, "done")) // 1.48% apart
	add(exp(7, 1, 9, "2025-05-12", "Hotel Berlin, 2 night(s)", 200, "done"))
	add(exp(8, 1, 9, "2025-05-13", "Hotel Berlin - 2 night(s)", 201, "refused"))
	add(exp(9, 1, 5, "2025-06-10", "Dinner with Bolt team", 1200, "submitted"))
	add(exp(10, 1, 5, "2025-06-11", "Dinner with Bolt team", 1200, "submitted"))
	add(exp(11, 1, 5, "2025-06-13", "Dinner with Bolt team", 1200, "submitted"))
	add(exp(12, 1, 5, "2024-01-10", "Old dinner", 50, "done"))
	add(exp(13, 1, 5, "2024-01-11", "Old dinner", 50, "done")) // before the lookback
	add(exp(14, 2, 8, "2025-05-20", "Train Hamburg - Berlin", 89.90, "done"))
	add(exp(15, 3, 8, "2025-05-20", "Train Hamburg - Berlin", 89.90, "done")) // a colleague on the same train
	// Category 7 (hotel): 100, 120, ..., 320 in 2024, an old 5000 of
	// 2025-01-05, a refused 9000 and a recent 4850.
	for i := range 12 {
		add(exp(int64(20+i), 4, 7, fmt.Sprintf("2024-%02d-15", i+1), "Hotel stay", float64(100+20*i), "done"))
	}
	add(exp(32, 4, 7, "2025-06-02", "Hotel Zurich, suite", 4850, "submitted"))
	add(exp(36, 4, 7, "2025-01-05", "Hotel Paris, suite", 5000, "done"))
	add(exp(37, 4, 7, "2025-06-03", "Hotel Tokyo, suite", 9000, "refused"))
	// Category 10 (conference): 300, 320, ..., 520 and a recent 985.
	for i := range 12 {
		add(exp(int64(50+i), 5, 10, fmt.Sprintf("2024-%02d-20", i+1), "Conference ticket", float64(300+20*i), "done"))
	}
	add(exp(34, 5, 10, "2025-06-04", "Exhibitor pass", 985, "approved"))
	// Category 11: five expenses only, then a huge one.
	for i := range 5 {
		add(exp(int64(70+i), 6, 11, fmt.Sprintf("2024-%02d-03", i+1), "Parking", 10, "done"))
	}
	add(exp(35, 6, 11, "2025-06-05", "Parking garage, year", 900, "approved"))
	// Odoo 16 shape: total_amount in the expense currency (USD), the
	// company amount in total_amount_company.
	v16 := exp(38, 7, 12, "2025-06-20", "Client gift", 500, "reported")
	v16["total_amount_company"] = 450.0
	add(v16)
	// Policy: filed 169 days late; dated in the future.
	late := exp(39, 7, 13, "2025-01-02", "Taxi", 30, "reported")
	late["create_date"] = "2025-06-20 10:00:00"
	add(late)
	add(exp(40, 7, 13, "2025-07-05", "Taxi", 25, "draft"))
	// Budget: account 700 (planned 1000, 900 booked) gets a submitted 150
	// claim; a refused 500 and a posted 80 do not count as pending.
	// Account 701 is already over in the books.
	for _, e := range []R{exp(41, 8, 14, "2025-06-15", "Training", 150, "submitted"), exp(42, 8, 14, "2025-06-16", "Course", 500, "refused"),
		exp(43, 8, 14, "2025-06-17", "Books", 80, "done"), exp(44, 8, 15, "2025-06-17", "Seminar", 10, "submitted")} {
		e["account_id"] = 700
		if e.ID() == 44 {
			e["account_id"] = 701
		}
		add(e)
	}
	return analysis.MapSource{
		"hr.expense":      es,
		"res.company":     {{"id": 1, "name": "Nord GmbH", "currency_id": 1}},
		"res.currency":    {{"id": 1, "name": "EUR"}},
		"hr.employee":     {{"id": 1, "name": "Ana"}, {"id": 4, "name": "Sven"}},
		"product.product": {{"id": 7, "name": "Hotel"}},
		"aicoo.budget": {
			{"id": 1, "name": "Training Q2", "account_id": 700, "company_id": 1, "date_from": "2025-04-01", "date_to": "2025-06-30", "planned_amount": 1000.0, "active": true},
			{"id": 2, "name": "Seminars Q2", "account_id": 701, "company_id": 1, "date_from": "2025-04-01", "date_to": "2025-06-30", "planned_amount": 1000.0, "active": true},
		},
		"account.move.line": {
			{"id": 1, "account_id": 700, "company_id": 1, "parent_state": "posted", "date": "2025-05-01", "balance": 900.0},
			{"id": 2, "account_id": 701, "company_id": 1, "parent_state": "posted", "date": "2025-05-01", "balance": 1100.0},
			{"id": 3, "account_id": 700, "company_id": 1, "parent_state": "draft", "date": "2025-05-01", "balance": 5000.0},
		},
	}
}

func run(t *testing.T, src analysis.MapSource, th map[string]float64) *analysis.Result {
	t.Helper()
	res, err := expenses.New().Analyze(context.Background(), &analysis.Env{Source: src, Today: today, Thresholds: th})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func insightsOf(res *analysis.Result, kind string) map[string]analysis.Insight {
	out := map[string]analysis.Insight{}
	for _, in := range res.Insights {
		if in.Kind == kind {
			out[in.Subject] = in
		}
	}
	return out
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2025-04-24", "2025-04-28", 2},  // Thursday to Monday
		{"2025-04-25", "2025-04-28", 1},  // Friday to Monday
		{"2025-04-26", "2025-04-27", 0},  // Saturday to Sunday
		{"2025-05-26", "2025-06-02", 5},  // a week
		{"2025-04-28", "2025-04-24", -2}, // reversed
		{"2025-03-31", "2025-03-31", 0},
	} {
		if got := expenses.WorkingDaysBetween(date(tc.a), date(tc.b)); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	t.Parallel()
	w := expenses.Words
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"Hotel Berlin, 2 night(s)", "Hotel Berlin - 2 night(s)", 1},
		{"Coffee meeting with ACME", "Coffee meeting with ACME (receipt)", 0.8},
		{"Mobile phone plan May 2025", "Mobile phone plan June 2025", 4.0 / 6},
		{"Team lunch", "Taxi airport", 0},
		{"", "", 1},
	} {
		if got := expenses.Similarity(w(tc.a), w(tc.b)); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Similarity(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDuplicates(t *testing.T) {
	t.Parallel()
	got := insightsOf(run(t, source(), nil), expenses.KindDuplicateExpense)
	want := map[string]struct {
		ids  []int64
		prio string
		dup  float64
	}{
		"hr.expense:1": {[]int64{1, 2}, "medium", 29.42},
		"hr.expense:9": {[]int64{9, 10, 11}, "high", 2400},
	}
	if len(got) != len(want) {
		t.Errorf("got %d duplicate groups, want %d: %v", len(got), len(want), got)
	}
	for s, w := range want {
		in, ok := got[s]
		if !ok {
			t.Errorf("%s not reported", s)
			continue
		}
		if fmt.Sprint(in.Refs[0].IDs) != fmt.Sprint(w.ids) || in.Refs[0].Model != "hr.expense" || in.Priority != w.prio || in.Facts["duplicated_amount"] != w.dup {
			t.Errorf("%s = refs %v priority %s facts %v; want %v %s %v", s, in.Refs, in.Priority, in.Facts, w.ids, w.prio, w.dup)
		}
	}
	// With two working days allowed, Thursday to Monday still matches; with
	// one it does not.
	got = insightsOf(run(t, source(), map[string]float64{expenses.ThresholdDuplicateDays: 1}), expenses.KindDuplicateExpense)
	if _, ok := got["hr.expense:1"]; ok {
		t.Errorf("1 working day: Thursday and Monday reported")
	}
	// A 2% tolerance catches the taxi pair (100 and 101.5).
	got = insightsOf(run(t, source(), map[string]float64{expenses.ThresholdDuplicateAmountTolerance: 0.02}), expenses.KindDuplicateExpense)
	if _, ok := got["hr.expense:5"]; !ok {
		t.Errorf("2%% tolerance: taxi pair not reported: %v", got)
	}
}

func TestAnomalies(t *testing.T) {
	t.Parallel()
	got := insightsOf(run(t, source(), nil), expenses.KindUnusualTransaction)
	in, ok := got["hr.expense:32"]
	if !ok || len(got) != 1 {
		t.Fatalf("got %v, want only hr.expense:32", got)
	}
	// Others of category 7: 100..320 (12) and the old 5000; the refused
	// 9000 is left out. Median 220 (the 7th of 13), ratio 4850/220 =
	// 22.05; 90th percentile 300 + 0.8 * 20 = 316.
	if in.Facts["category_median"] != 220 || in.Facts["ratio"] != 22.05 || in.Facts["p90"] != 316 || in.Facts["history"] != 13 || in.Priority != "high" {
		t.Errorf("facts %v priority %s", in.Facts, in.Priority)
	}
	// Lower the minimum history to 5: the 900 parking (90 times 10) is
	// judged too.
	got = insightsOf(run(t, source(), map[string]float64{expenses.ThresholdAnomalyMinHistory: 5}), expenses.KindUnusualTransaction)
	if _, ok := got["hr.expense:35"]; !ok || len(got) != 2 {
		t.Errorf("min history 5: %v", got)
	}
}

func TestPolicyAndBudget(t *testing.T) {
	t.Parallel()
	res := run(t, source(), map[string]float64{expenses.ThresholdMaxAmount + ".7": 1000})
	got := insightsOf(res, expenses.KindPolicy)
	for _, s := range []string{"hr.expense:39:policy", "hr.expense:40:policy", "hr.expense:32:policy"} {
		if _, ok := got[s]; !ok {
			t.Errorf("%s missing: %v", s, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("got %d policy insights, want 3", len(got))
	}
	if got["hr.expense:39:policy"].Facts["filing_lag_days"] != 169 {
		t.Errorf("filing lag = %v", got["hr.expense:39:policy"].Facts)
	}
	risk := insightsOf(res, expenses.KindBudgetRisk)
	in, ok := risk["aicoo.budget:1:expenses"]
	if !ok || len(risk) != 1 || in.Facts["actual"] != 900 || in.Facts["pending"] != 150 {
		t.Errorf("budget risk = %v", risk)
	}
}

func TestFigures(t *testing.T) {
	t.Parallel()
	res := run(t, source(), nil)
	want := map[string]float64{
		"expenses.duplicates": 2,
		"expenses.unusual":    1,
		// Category 12: the Odoo 16 expense counts with its company amount.
		"expenses.category.12.amount_90d": 450,
		// Last 30 days (2025-06-01..06-30), refused ones left out:
		// 4: 39.99, 9-11: 3600, 32: 4850, 34: 985, 35: 900, 38: 450,
		// 41: 150, 43: 80, 44: 10.
		"expenses.claims_30d": 11,
		"expenses.amount_30d": 39.99 + 3600 + 4850 + 985 + 900 + 450 + 150 + 80 + 10,
		// Approved and paid by the employee: 4, 34, 35.
		"expenses.approved_to_reimburse": 39.99 + 985 + 900,
	}
	got := map[string]float64{}
	for _, m := range res.Metrics {
		got[m.Name] = m.Value
	}
	for n, w := range want {
		if math.Abs(got[n]-w) > 0.005 {
			t.Errorf("%s = %v, want %v", n, got[n], w)
		}
	}
	// Without the expenses module everything is unavailable.
	res = run(t, analysis.MapSource{}, nil)
	for _, m := range res.Metrics {
		if m.Available {
			t.Errorf("%s available without hr_expense", m.Name)
		}
	}
}

// TestBudgetRiskOdoo17 reads the same budgets from Odoo 16/17's
// crossovered.budget.lines (costs planned negative on a budgetary position)
// instead of aicoo.budget: the same risk is found on the same line.
func TestBudgetRiskOdoo17(t *testing.T) {
	t.Parallel()
	src := source()
	delete(src, "aicoo.budget")
	src["account.budget.post"] = []R{{"id": 1, "name": "Training", "account_ids": []any{700}}, {"id": 2, "name": "Seminars", "account_ids": []any{701}}}
	src["crossovered.budget"] = []R{{"id": 1, "name": "Q2", "state": "validate", "company_id": 1}}
	src["crossovered.budget.lines"] = []R{
		{"id": 5, "crossovered_budget_id": 1, "general_budget_id": 1, "company_id": 1, "date_from": "2025-04-01", "date_to": "2025-06-30", "planned_amount": -1000.0},
		{"id": 6, "crossovered_budget_id": 1, "general_budget_id": 2, "company_id": 1, "date_from": "2025-04-01", "date_to": "2025-06-30", "planned_amount": -1000.0},
	}
	risk := insightsOf(run(t, src, nil), expenses.KindBudgetRisk)
	in, ok := risk["crossovered.budget.lines:5:expenses"]
	if !ok || len(risk) != 1 || in.Facts["actual"] != 900 || in.Facts["pending"] != 150 || in.Facts["planned"] != 1000 ||
		in.Title != "Q2 - Training: pending expense claims would exceed the budget" {
		t.Errorf("budget risk = %v", risk)
	}
}
