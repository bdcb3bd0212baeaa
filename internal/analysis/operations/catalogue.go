package operations

import (
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// Catalogue declares the operations area, seen by the ops role too.
func (Analyzer) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{
		Area: "operations", Label: "Operations", Roles: []string{store.RoleOps},
		Metrics: []analysis.MetricInfo{
			{Name: "operations.stock.stockout_risk", Unit: "count", Label: "Products at stock-out risk", Good: "down", Description: "Products whose stock runs out before the next receipt"},
			{Name: "operations.stock.out_of_stock", Unit: "count", Label: "Products out of stock", Good: "down", Description: "Stocked products with nothing on hand"},
			{Name: "operations.stock.value", Unit: "currency", Label: "Stock value", Description: "Value of the stock on hand, from the valuation layers (Odoo 16-18)"},
			{Name: "operations.fulfillment.late_delivery_rate", Unit: "ratio", Label: "Late deliveries", Good: "down", Description: "Share of deliveries done after their promised date"},
			{Name: "operations.fulfillment.backlog_overdue", Unit: "count", Label: "Overdue deliveries", Good: "down", Description: "Open deliveries past their promised date"},
			{Name: "operations.suppliers.on_time_rate", Unit: "ratio", Label: "Supplier on-time rate", Good: "up", Description: "Share of receipts on or before their scheduled date"},
			{Name: "operations.suppliers.avg_delay_days", Unit: "days", Label: "Average supplier delay", Good: "down", Description: "Mean delay of the late receipts"},
		},
		InsightKinds: []analysis.InsightKindInfo{
			{Kind: "stockout_risk", Label: "Stock-out risk"},
			{Kind: "supplier_late", Label: "Late supplier"},
			{Kind: "late_deliveries", Label: "Late deliveries"},
			{Kind: "bottleneck", Label: "Bottleneck"},
		},
	}
}
