package series

import "github.com/aicoo/aicoo/internal/analysis"

// Catalogue declares the series area. Its metrics are named per series
// (series.<name>.last_7_days, ...), so none is listed; CEO, CFO, admins and
// viewers see it, the sales and ops roles do not.
func (Analyzer) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{
		Area: "series", Label: "Business series",
		InsightKinds: []analysis.InsightKindInfo{
			{Kind: "series_anomaly", Label: "Unusual week in a business series"},
		},
	}
}
