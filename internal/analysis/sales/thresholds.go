package sales

import "github.com/aicoo/aicoo/internal/analysis"

// Thresholds are the settings this analyzer reads, for the settings page,
// the CLI and the API.
var Thresholds = []analysis.ThresholdSpec{
	{Name: ThresholdStallFactor, Default: StallFactorDefault, Unit: "factor", Min: 1, Max: 100,
		Description: "Times the normal time in its stage a deal must sit idle to be stalled."},
	{Name: ThresholdStallMinDays, Default: StallMinDaysDefault, Unit: "days", Min: 1, Max: 365,
		Description: "Fewest idle days that can make a deal stalled, whatever its stage."},
	{Name: ThresholdStageMinSamples, Default: StageMinSamplesDefault, Unit: "count", Min: 1, Max: 1000, Integer: true,
		Description: "Completed stays a stage needs before its own normal time is used."},
	{Name: ThresholdStageNormalDays, Default: StageNormalDaysDefault, Unit: "days", Min: 1, Max: 365,
		Description: "Normal time in a stage assumed when there is no history at all."},
	{Name: ThresholdHighValueDeal, Default: HighValueDealDefault, Unit: "currency", Min: 0, Max: 1e12,
		Description: "Expected revenue from which a stalled deal is high priority."},
	{Name: ThresholdForecastDays, Default: ForecastDaysDefault, Unit: "days", Min: 7, Max: 730, Integer: true,
		Description: "Horizon of the sales forecast."},
	{Name: ThresholdForecastZ, Default: ForecastZDefault, Unit: "z", Min: 0.1, Max: 5,
		Description: "Normal quantile of the forecast interval (1.28 is an 80% interval)."},
	{Name: ThresholdOverdueActivityDays, Default: OverdueActivityDaysDefault, Unit: "days", Min: 1, Max: 365, Integer: true,
		Description: "Days overdue an activity must be to raise a next-action finding to medium."},
}
