package customers

import (
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// Catalogue declares the customers area, seen by the sales role too.
func (analyzer) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{
		Area: "customers", Label: "Customers", Roles: []string{store.RoleSales},
		Metrics: []analysis.MetricInfo{
			{Name: "customers.churn_risk.count", Unit: "count", Label: "Customers at churn risk", Good: "down", Description: "Customers ordering much less often than they used to"},
			{Name: "customers.churn_risk.revenue_365d", Unit: "currency", Label: "Revenue at churn risk (12 months)", Good: "down", Description: "Last year's revenue of the customers at churn risk"},
			{Name: "customers.health.average", Unit: "percent", Label: "Average customer health", Good: "up", Description: "Mean health score of the current customers"},
		},
		InsightKinds: []analysis.InsightKindInfo{
			{Kind: "churn_risk", Label: "Churn risk"},
			{Kind: "upsell_candidate", Label: "Upsell candidate"},
		},
	}
}
