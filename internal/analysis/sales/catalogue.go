package sales

import (
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// Catalogue declares the sales area, seen by the sales role too.
func (analyzer) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{
		Area: "sales", Label: "Sales", Roles: []string{store.RoleSales},
		Metrics: []analysis.MetricInfo{
			{Name: "sales.pipeline.weighted_revenue", Unit: "currency", Label: "Weighted pipeline", Good: "up", Description: "Expected revenue of the open opportunities, weighted by probability"},
			{Name: "sales.deals.won_revenue_30d", Unit: "currency", Label: "Won in the last 30 days", Good: "up", Description: "Revenue of the opportunities won in the last 30 days"},
			{Name: "sales.win_rate.90d", Unit: "ratio", Label: "Win rate (90 days)", Good: "up", Description: "Share of the opportunities closed in 90 days that were won"},
			{Name: "sales.win_rate.365d", Unit: "ratio", Label: "Win rate (12 months)", Good: "up", Description: "Share of the opportunities closed in a year that were won"},
			{Name: "sales.deals.stalled", Unit: "count", Label: "Stalled deals", Good: "down", Description: "Open opportunities with no progress for weeks"},
			{Name: "sales.activities.overdue", Unit: "count", Label: "Overdue sales activities", Good: "down", Description: "Activities on opportunities past their deadline"},
			{Name: "sales.forecast.revenue_90d", Unit: "currency", Label: "Revenue forecast, next 90 days", Good: "up", Description: "Run rate plus the weighted pipeline expected to close"},
		},
		InsightKinds: []analysis.InsightKindInfo{
			{Kind: "stalled_deal", Label: "Stalled deal"},
			{Kind: "sales_overdue_activity", Label: "Overdue sales activity"},
			{Kind: "deal_without_next_activity", Label: "Deal without a next activity"},
		},
	}
}
