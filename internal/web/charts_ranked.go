package web

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/store"
)

// Ranked charts draw the latest analysis of an area rather than the
// history: who owes the most, where the pipeline stands.

// rankedMetric is one metric of a family ("finance.ar.partner.<id>.overdue").
type rankedMetric struct {
	id    int64
	value float64
	unit  string
	note  string
}

// family returns the available metrics named prefix<id>suffix, largest
// value first.
func family(res *areaResult, prefix, suffix string) []rankedMetric {
	var out []rankedMetric
	for _, m := range res.Metrics {
		mid, ok := strings.CutPrefix(m.Name, prefix)
		if !ok || !m.Available {
			continue
		}
		mid, ok = strings.CutSuffix(mid, suffix)
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(mid, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, rankedMetric{id: id, value: m.Value, unit: m.Unit, note: m.Note})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].value != out[j].value {
			return out[i].value > out[j].value
		}
		return out[i].id < out[j].id
	})
	return out
}

// recordName returns a synced record's name, or "" when it is not synced.
func (s *Server) recordName(ctx context.Context, connectionID int64, model string, id int64) (string, error) {
	rec, err := s.cfg.Store.OdooRecordGet(ctx, connectionID, model, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	f, err := rec.Fields()
	if err != nil {
		return "", err
	}
	for _, k := range []string{"display_name", "name"} {
		if v, ok := f[k].(string); ok && v != "" {
			return v, nil
		}
	}
	return "", nil
}

// topOverdueChart draws the customers with the largest overdue balances.
func (s *Server) topOverdueChart(ctx context.Context, connectionID int64, res *areaResult) (*chart.Chart, error) {
	list := family(res, "finance.ar.partner.", ".overdue")
	if len(list) == 0 {
		return nil, nil
	}
	c := &chart.Chart{ID: "chart-top-overdue", Title: "Customers with the most overdue", Note: "Overdue receivables per customer, latest analysis",
		Kind: chart.Horizontal, Unit: list[0].unit, Href: metricPath("finance", "finance.ar.overdue"), HrefText: "Overdue receivables in detail"}
	vals := make([]float64, len(list))
	for i, m := range list {
		name, err := s.recordName(ctx, connectionID, "res.partner", m.id)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = "Customer " + strconv.FormatInt(m.id, 10)
		}
		c.Labels = append(c.Labels, name)
		vals[i] = m.value
	}
	c.Series = []chart.Series{{Name: "Overdue", Values: vals}}
	return c, nil
}

// stagesChart draws the open pipeline by stage, in the stages' order.
func stagesChart(res *areaResult) *chart.Chart {
	expected := family(res, "sales.pipeline.stage.", ".expected_revenue")
	if len(expected) == 0 {
		return nil
	}
	weighted := map[int64]float64{}
	for _, m := range family(res, "sales.pipeline.stage.", ".weighted_revenue") {
		weighted[m.id] = m.value
	}
	sort.Slice(expected, func(i, j int) bool { return expected[i].id < expected[j].id })
	c := &chart.Chart{ID: "chart-stages", Title: "Open pipeline by stage", Note: "Expected revenue of the open opportunities, and weighted by probability",
		Kind: chart.Horizontal, Unit: expected[0].unit, Href: metricPath("sales", "sales.pipeline.weighted_revenue"), HrefText: "Weighted pipeline in detail"}
	exp, wei := make([]float64, len(expected)), make([]float64, len(expected))
	for i, m := range expected {
		name := m.note
		if name == "" {
			name = "Stage " + strconv.FormatInt(m.id, 10)
		}
		c.Labels = append(c.Labels, name)
		exp[i], wei[i] = m.value, weighted[m.id]
	}
	c.Series = []chart.Series{{Name: "Expected", Values: exp}, {Name: "Weighted", Values: wei}}
	return c
}
