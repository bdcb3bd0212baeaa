package web

import (
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/history"
)

// stockValueChart draws the stock value (Odoo 16-18's valuation layers) at
// each month end and today. Without layers (Odoo 19, stock_account not
// installed) the history holds no point and the chart is empty, so it is
// left out.
func (cs *chartSet) stockValueChart() chart.Chart {
	days := cs.monthEnds(history.StockValue)
	c := chart.Chart{ID: "chart-stock-value", Title: "Stock value over 24 months",
		Note: "Value of the stock on hand from the valuation layers, at each month end and today",
		Kind: chart.Line, Unit: cs.unit, Href: metricPath("operations", history.StockValue), HrefText: "Stock value in detail"}
	vals := make([]float64, len(days))
	for i, d := range days {
		c.Labels = append(c.Labels, dayLabel(d))
		vals[i] = cs.value(history.StockValue, d)
	}
	c.Series = []chart.Series{{Name: "Stock value", Values: vals}}
	return c
}
