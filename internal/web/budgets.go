package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// The budget table of the expenses and finance pages: every cost budget
// line with its plan and its actual, as the latest finance analysis
// computed them (finance.BudgetLines reads them from the stored result;
// nothing is recomputed here), and a chart of the current period's lines.

// budgetSection is the budget part of an area page.
type budgetSection struct {
	// Hidden says why the table is not shown ("" when it is).
	Hidden string
	// AsOf is the finance analysis the figures come from.
	AsOf  time.Time
	Lines []budgetRow
	Chart template.HTML
	// Over counts the lines over their plan.
	Over int
}

// budgetRow is one budget line as the table shows it.
type budgetRow struct {
	Name, Target string
	// URL opens the line in Odoo, AnalyticURL its analytic account.
	URL, AnalyticURL string
	Period, Status   string
	Planned, Actual  string
	Used, Remaining  string
	Over             bool
}

// budgetLinesOf reads the budget lines of the connection's latest finance
// analysis, with links at the connection's current Odoo address; nil and
// the zero time without a finance analysis.
func (s *Server) budgetLinesOf(ctx context.Context, connectionID int64) ([]finance.BudgetLine, time.Time, error) {
	j, err := s.areaJob(ctx, connectionID, "finance")
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	res, err := s.cfg.Store.AnalysisResultLatest(ctx, j.ID, time.Time{})
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	dec, err := analysis.DecodeResult("finance", res)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("web: %w", err)
	}
	conn, err := s.cfg.Store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, time.Time{}, err
	}
	lines := finance.BudgetLines(dec.ByKey)
	for i := range lines {
		relink(lines[i].Refs, conn.OdooURL)
	}
	return lines, res.ScheduledAt, nil
}

// loadBudgetSection builds the budget part of an area page for u.
func (s *Server) loadBudgetSection(ctx context.Context, u *store.User) (*budgetSection, error) {
	if !s.canSeeArea(u.Role, "finance") {
		return &budgetSection{Hidden: "Budgets against actuals come from the finance analysis, which your role does not see."}, nil
	}
	lines, asOf, err := s.budgetLinesOf(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return &budgetSection{Hidden: "No cost budget in the latest finance analysis: budgets are read from Odoo's Budgets (account_budget) when it is installed."}, nil
	}
	today := odoo.DateOf(asOf)
	// The latest periods first: the running lines are what people act on.
	slices.SortStableFunc(lines, func(a, b finance.BudgetLine) int {
		return cmp.Or(b.From.Compare(a.From), cmp.Compare(a.CompanyID, b.CompanyID), strings.Compare(a.Name, b.Name))
	})
	sec := &budgetSection{AsOf: asOf}
	for _, l := range lines {
		row := budgetRow{Name: l.Name, Target: l.Target, Period: periodLabel(l.From, l.To), Status: periodStatus(l.From, l.To, today),
			Planned: numfmt.Money(l.Planned, l.Currency), Actual: numfmt.Money(l.Actual, l.Currency),
			Used: fmt.Sprintf("%.0f%%", l.Used()*100), Over: l.Overrun()}
		if row.Over {
			sec.Over++
			row.Remaining = "over by " + numfmt.Money(-l.Remaining(), l.Currency)
		} else {
			row.Remaining = numfmt.Money(l.Remaining(), l.Currency)
		}
		for _, ref := range l.Refs {
			switch {
			case ref.Model == l.Model && row.URL == "":
				row.URL = safeURL(ref.URL)
			case ref.Model == "account.analytic.account":
				row.AnalyticURL = safeURL(ref.URL)
			}
		}
		sec.Lines = append(sec.Lines, row)
	}
	if c := budgetChart(lines, today); c != nil {
		sec.Chart = c.HTML()
	}
	return sec, nil
}

// budgetChart draws plan against actual for the lines of the current
// period (the latest period that has started, when none runs today) of
// the first company; nil without lines. lines are sorted latest first.
func budgetChart(lines []finance.BudgetLine, today odoo.Date) *chart.Chart {
	var cur []finance.BudgetLine
	for _, l := range lines {
		if l.From.Compare(today) <= 0 && l.CompanyID == lines[0].CompanyID {
			cur = append(cur, l)
		}
	}
	if len(cur) == 0 {
		return nil
	}
	// The latest started period: the running one when there is one.
	from := cur[0].From
	for _, l := range cur {
		if l.In(today) {
			from = l.From
			break
		}
	}
	var shown []finance.BudgetLine
	for _, l := range cur {
		if l.From == from {
			shown = append(shown, l)
		}
	}
	c := &chart.Chart{ID: "chart-budget", Title: "Expenses against budget", Kind: chart.Horizontal, Unit: shown[0].Currency,
		Note: "Planned and actual per budget line, by what it is booked on, " + periodLabel(shown[0].From, shown[0].To), Href: "#budget-h", HrefText: "Every budget line in the table"}
	planned, actual := make([]float64, len(shown)), make([]float64, len(shown))
	for i, l := range shown {
		// The lines of one period share their budget's name: what they
		// are booked on tells them apart.
		label := l.Target
		if label == "" {
			label = l.Name
		}
		c.Labels = append(c.Labels, label)
		planned[i], actual[i] = l.Planned, l.Actual
	}
	c.Series = []chart.Series{{Name: "Planned", Values: planned}, {Name: "Actual", Values: actual}}
	return c
}

// periodLabel names a budget period: "1 Jan 2025 – 31 Mar 2025".
func periodLabel(from, to odoo.Date) string {
	return from.In(time.UTC).Format("2 Jan 2006") + " – " + to.In(time.UTC).Format("2 Jan 2006")
}

// periodStatus says where today is against a period.
func periodStatus(from, to, today odoo.Date) string {
	switch {
	case today.Before(from):
		return "not started"
	case to.Before(today):
		return "ended"
	}
	return "running"
}
