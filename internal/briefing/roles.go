package briefing

import (
	"fmt"
	"slices"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// Role says what one kind of reader sees.
type Role struct {
	// Name is "ceo", "cfo", "sales" or "ops" (or a custom name).
	Name string `toml:"name" json:"name"`
	// Title heads the briefing ("CFO briefing").
	Title string `toml:"title" json:"title"`
	// Areas are the analysis areas covered: alerts, insights and
	// recommendations come from them.
	Areas []string `toml:"areas" json:"areas"`
	// Figures are the metric names shown as headline figures, in order.
	Figures []string `toml:"figures" json:"figures"`
	// MinPriority is the least urgent alert shown (default "medium").
	MinPriority string `toml:"min_priority" json:"min_priority"`
	// MaxAlerts bounds the alerts listed (default 8).
	MaxAlerts int `toml:"max_alerts" json:"max_alerts"`
	// Charts name the charts the briefing email carries as images, at
	// most MaxCharts, each of one of the role's areas (ChartCash ...).
	Charts []string `toml:"charts" json:"charts"`
}

// DefaultRoles are the four built-in roles over the areas of cat; the CEO
// covers every one of them, a registered area included. Their Charts are the one
// table of which charts each role's email carries (docs/briefings.md
// says why): the CEO sees cash and revenue, the CFO cash and how old the
// receivables are, sales revenue and the deals won and lost, operations
// the stock-out risk and late deliveries.
func DefaultRoles(cat *analysis.Catalogue) map[string]Role {
	return map[string]Role{
		store.RoleCEO: {Name: store.RoleCEO, Title: "CEO briefing", Areas: cat.Areas(), Figures: []string{
			"finance.cash.position", "finance.cash.runway_days", "finance.ar.overdue", "sales.pipeline.weighted_revenue",
			"sales.deals.won_revenue_30d", "operations.fulfillment.late_delivery_rate", "operations.stock.stockout_risk",
			"customers.churn_risk.count",
		}, Charts: []string{ChartCash, ChartRevenue}},
		store.RoleCFO: {Name: store.RoleCFO, Title: "CFO briefing", Areas: []string{"finance", "expenses", "series"}, Figures: []string{
			"finance.cash.position", "finance.cash.runway_days", "finance.cash.burn_monthly", "finance.ar.overdue",
			"finance.dso_days", "finance.ap.due_next_14d", "finance.budget.overspend", "finance.expenses.awaiting_approval_amount",
		}, Charts: []string{ChartCash, ChartARAging}},
		store.RoleSales: {Name: store.RoleSales, Title: "Sales briefing", Areas: []string{"sales", "customers"}, Figures: []string{
			"sales.pipeline.weighted_revenue", "sales.deals.won_revenue_30d", "sales.win_rate.90d", "sales.deals.stalled",
			"sales.activities.overdue", "customers.churn_risk.count", "customers.churn_risk.revenue_365d",
		}, Charts: []string{ChartRevenue, ChartDeals}},
		store.RoleOps: {Name: store.RoleOps, Title: "Operations briefing", Areas: []string{"operations"}, Figures: []string{
			"operations.stock.stockout_risk", "operations.stock.out_of_stock", "operations.fulfillment.late_delivery_rate",
			"operations.fulfillment.backlog_overdue", "operations.suppliers.on_time_rate", "operations.suppliers.avg_delay_days",
		}, Charts: []string{ChartStock, ChartLateDeliveries}},
	}
}

// forecastFigures are shown under "Forecasts" when the role covers their area.
var forecastFigures = []string{"sales.forecast.revenue_90d", "finance.cash.net_runway_days"}

// RoleForUser maps a user's role to a briefing role: admins and viewers
// read the CEO briefing.
func RoleForUser(userRole string) string {
	switch userRole {
	case store.RoleCFO, store.RoleSales, store.RoleOps, store.RoleCEO:
		return userRole
	}
	return store.RoleCEO
}

// normalise fills the defaults of r and checks it against areas, the
// areas of the catalogue.
func (r *Role) normalise(areas []string) error {
	if r.Name == "" {
		return fmt.Errorf("briefing: a role needs a name")
	}
	if r.Title == "" {
		r.Title = r.Name + " briefing"
	}
	if len(r.Areas) == 0 {
		return fmt.Errorf("briefing: role %q covers no area", r.Name)
	}
	for _, a := range r.Areas {
		if !slices.Contains(areas, a) {
			return fmt.Errorf("briefing: role %q: unknown area %q (want one of %v)", r.Name, a, areas)
		}
	}
	if r.MinPriority == "" {
		r.MinPriority = store.PriorityMedium
	}
	if store.PriorityRank(r.MinPriority) > store.PriorityRank(store.PriorityLow) {
		return fmt.Errorf("briefing: role %q: unknown priority %q", r.Name, r.MinPriority)
	}
	if r.MaxAlerts == 0 {
		r.MaxAlerts = 8
	}
	if r.MaxAlerts < 0 || r.MaxAlerts > 50 {
		return fmt.Errorf("briefing: role %q: max alerts must be 1 to 50, got %d", r.Name, r.MaxAlerts)
	}
	if len(r.Charts) > MaxCharts {
		return fmt.Errorf("briefing: role %q: %d charts, at most %d", r.Name, len(r.Charts), MaxCharts)
	}
	for _, c := range r.Charts {
		area, ok := chartArea[c]
		if !ok {
			return fmt.Errorf("briefing: role %q: unknown chart %q", r.Name, c)
		}
		if !slices.Contains(r.Areas, area) {
			return fmt.Errorf("briefing: role %q: chart %q shows the %s area, which the role does not cover", r.Name, c, area)
		}
	}
	return nil
}

func areaOf(metric string) string {
	for i := range len(metric) {
		if metric[i] == '.' {
			return metric[:i]
		}
	}
	return metric
}
