package finance

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// budgetLinePrefix starts the per-line budget metrics (lineMetrics).
const budgetLinePrefix = "finance.budget."

// BudgetLine is one cost budget line as a stored finance result reports
// it: the figures the analyzer computed, read back, not recomputed.
type BudgetLine struct {
	// Model and ID name the line in Odoo: aicoo.budget,
	// crossovered.budget.lines (16/17) or budget.line (18+).
	Model     string
	ID        int64
	CompanyID int64
	// Name is the line as Odoo names it ("Q1 - Marketing"); Target what its
	// spending is booked on ("Marketing, analytic account Campaigns").
	Name, Target    string
	From, To        odoo.Date
	Planned, Actual float64
	Currency        string
	// Refs are the line's records: the line, its accounts, its analytic
	// account.
	Refs []analysis.Ref
}

// Used is the share of the plan spent (1 = all of it), 0 without a plan.
func (l BudgetLine) Used() float64 {
	if l.Planned <= 0 {
		return 0
	}
	return l.Actual / l.Planned
}

// In reports whether day falls in the line's period (both ends included).
func (l BudgetLine) In(day odoo.Date) bool { return !day.Before(l.From) && !l.To.Before(day) }

// Remaining is the plan left to spend; negative when overrun.
func (l BudgetLine) Remaining() float64 { return l.Planned - l.Actual }

// Overrun reports whether the line is over its plan, by the rule that
// raises budget_overrun.
func (l BudgetLine) Overrun() bool { return overrun(l.Planned, l.Actual) }

// IsBudgetLineMetric reports whether a metric name is one budget line's
// plan or actual (finance.budget.<model>.<id>.planned or .actual).
func IsBudgetLineMetric(name string) bool {
	_, ok := budgetLineParts(name)
	return ok
}

// budgetLineParts splits a budget line metric's name into its model key,
// id and figure.
func budgetLineParts(name string) ([]string, bool) {
	rest, ok := strings.CutPrefix(name, budgetLinePrefix)
	if !ok {
		return nil, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 || (parts[2] != "planned" && parts[2] != "actual") {
		return nil, false
	}
	if _, err := strconv.ParseInt(parts[1], 10, 64); err != nil {
		return nil, false
	}
	return parts, true
}

// BudgetLines reads the budget lines of a stored finance result's metrics
// (by key), sorted by company, period start, name, model and id. A line
// missing its plan or its actual is left out.
func BudgetLines(byKey map[string]analysis.Metric) []BudgetLine {
	type key struct {
		model string
		id    int64
	}
	type partial struct {
		BudgetLine
		hasPlan, hasActual bool
	}
	lines := map[key]*partial{}
	for _, m := range byKey {
		parts, ok := budgetLineParts(m.Name)
		if !ok || m.Period == nil || !m.Available {
			continue
		}
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		// The name carries the model with "_" for "."; the first ref
		// carries it as it is.
		model := strings.ReplaceAll(parts[0], "_", ".")
		if len(m.Refs) > 0 && len(m.Refs[0].IDs) > 0 && m.Refs[0].IDs[0] == id && strings.ReplaceAll(m.Refs[0].Model, ".", "_") == parts[0] {
			model = m.Refs[0].Model
		}
		k := key{model, id}
		l := lines[k]
		if l == nil {
			l = &partial{BudgetLine: BudgetLine{Model: model, ID: id, CompanyID: m.CompanyID, From: m.Period.From, To: m.Period.To,
				Currency: m.Unit, Refs: m.Refs}}
			lines[k] = l
		}
		switch parts[2] {
		case "planned":
			l.Planned, l.Name, l.hasPlan = m.Value, m.Note, true
		case "actual":
			l.Actual, l.Target, l.hasActual = m.Value, m.Note, true
		}
	}
	out := make([]BudgetLine, 0, len(lines))
	for _, l := range lines {
		if l.hasPlan && l.hasActual {
			out = append(out, l.BudgetLine)
		}
	}
	slices.SortFunc(out, func(a, b BudgetLine) int {
		return cmp.Or(cmp.Compare(a.CompanyID, b.CompanyID), a.From.Compare(b.From), strings.Compare(a.Name, b.Name),
			strings.Compare(a.Model, b.Model), cmp.Compare(a.ID, b.ID))
	})
	return out
}
