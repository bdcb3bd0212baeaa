package customers

import "github.com/aicoo/aicoo/internal/analysis"

// Thresholds are the settings this analyzer reads, for the settings page,
// the CLI and the API.
var Thresholds = []analysis.ThresholdSpec{
	{Name: ThresholdChurnFactor, Default: ChurnFactorDefault, Unit: "factor", Min: 1, Max: 100,
		Description: "Median gaps between a customer's orders that must pass without one for a churn risk."},
	{Name: ThresholdChurnMinOrders, Default: ChurnMinOrdersDefault, Unit: "count", Min: 2, Max: 1000, Integer: true,
		Description: "Orders a customer needs before their buying rhythm is trusted."},
	{Name: ThresholdChurnMinDays, Default: ChurnMinDaysDefault, Unit: "days", Min: 1, Max: 3650,
		Description: "Fewest days without an order that can be a churn risk."},
	{Name: ThresholdChurnMaxDays, Default: ChurnMaxDaysDefault, Unit: "days", Min: 1, Max: 3650,
		Description: "Days without an order after which a customer counts as lost (no churn finding)."},
	{Name: ThresholdChurnHighOrders, Default: ChurnHighOrdersDefault, Unit: "count", Min: 1, Max: 10000, Integer: true,
		Description: "Orders that make a customer established, so their churn risk is high priority."},
	{Name: ThresholdAtRiskHealth, Default: AtRiskHealthDefault, Unit: "score", Min: 0, Max: 100,
		Description: "Health score below which a customer counts as at risk."},
	{Name: ThresholdUpsellHealth, Default: UpsellHealthDefault, Unit: "score", Min: 0, Max: 100,
		Description: "Health score an upsell candidate needs."},
	{Name: ThresholdUpsellGrowth, Default: UpsellGrowthDefault, Unit: "ratio", Min: -1, Max: 100,
		Description: "Growth of invoiced value (last 180 days against the 180 before) an upsell candidate needs."},
	{Name: ThresholdUpsellMax, Default: UpsellMaxDefault, Unit: "count", Min: 0, Max: 1000, Integer: true,
		Description: "Most upsell findings per company."},
	{Name: ThresholdSupportProjectID, Default: 0, Unit: "id", Min: 0, Max: 1e15, Integer: true,
		Description: "Project whose tasks are support tickets when Helpdesk is not installed; 0 finds it by name."},
}
