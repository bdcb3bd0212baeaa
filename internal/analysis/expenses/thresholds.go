package expenses

import "github.com/aicoo/aicoo/internal/analysis"

// Thresholds are the settings this analyzer reads, for the settings page,
// the CLI and the API.
var Thresholds = []analysis.ThresholdSpec{
	{Name: ThresholdDuplicateDays, Default: DuplicateDaysDefault, Unit: "days", Min: 0, Max: 60, Integer: true,
		Description: "Working days apart two expenses of one employee may be and still be duplicates."},
	{Name: ThresholdDuplicateAmountTolerance, Default: DuplicateAmountToleranceDefault, Unit: "ratio", Min: 0, Max: 0.5,
		Description: "How far apart, as a fraction of the larger, two duplicate amounts may be."},
	{Name: ThresholdDuplicateSimilarity, Default: DuplicateSimilarityDefault, Unit: "ratio", Min: 0, Max: 1,
		Description: "Least word similarity of two duplicates' descriptions."},
	{Name: ThresholdDuplicateHighAmount, Default: DuplicateHighAmountDefault, Unit: "currency", Min: 0, Max: 1e12,
		Description: "Amount from which a duplicate expense is high priority (medium below)."},
	{Name: ThresholdLookbackDays, Default: LookbackDaysDefault, Unit: "days", Min: 1, Max: 3650, Integer: true,
		Description: "Only expenses dated in this many days up to today can be duplicates or unusual."},
	{Name: ThresholdAnomalyFactor, Default: AnomalyFactorDefault, Unit: "factor", Min: 1, Max: 1000,
		Description: "Times its category's median an expense must reach to be unusual."},
	{Name: ThresholdAnomalyZ, Default: AnomalyZDefault, Unit: "z", Min: 0, Max: 20,
		Description: "Robust z-score an unusual expense must also reach."},
	{Name: ThresholdAnomalyTailFactor, Default: AnomalyTailFactorDefault, Unit: "factor", Min: 1, Max: 1000,
		Description: "Times its category's 90th percentile an unusual expense must also reach."},
	{Name: ThresholdAnomalyMinHistory, Default: AnomalyMinHistoryDefault, Unit: "count", Min: 1, Max: 10000, Integer: true,
		Description: "Other expenses a category needs before its distribution is trusted."},
	{Name: ThresholdLateFilingDays, Default: LateFilingDaysDefault, Unit: "days", Min: 1, Max: 3650, Integer: true,
		Description: "Days after the expense date a claim may be filed before it breaks the policy."},
	{Name: ThresholdMaxAmount, Default: MaxAmountDefault, Unit: "currency", Min: 0, Max: 1e12, PerID: true,
		Description: "Per-expense limit of the expense policy, 0 for none; expenses.max_amount.<product id> sets one category's."},
}
