package web

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
)

// lowestCashCard is the overview's card of the 13-week cash forecast: the
// lowest closing cash of its weeks, and which week that is. It reads the
// forecast points the history stores after each sync (history.ForecastCash,
// a point per week end), so the overview does not run the forecast.
type lowestCashCard struct {
	Label string  `json:"label"`
	Value string  `json:"value"`
	Raw   float64 `json:"raw"`
	Unit  string  `json:"unit"`
	// Week is the forecast week (1 to 13) and End its last day.
	Week int    `json:"week"`
	End  string `json:"week_end"`
	// Company is set when the connection has several companies.
	Company int64 `json:"company_id,omitempty"`
}

// forecastWeeks is how many week ends of the forecast the card reads.
const forecastWeeks = 13

// loadLowestCash returns a card per company with a forecast, nil when
// the role does not see finance or no forecast is stored yet.
func (s *Server) loadLowestCash(ctx context.Context, u *store.User) ([]lowestCashCard, error) {
	if !s.canSeeArea(u.Role, forecastArea) {
		return nil, nil
	}
	pts, err := s.cfg.Store.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: u.ConnectionID,
		Metrics: []string{history.Cash, history.ForecastCash}})
	if err != nil {
		return nil, fmt.Errorf("lowest cash: %w", err)
	}
	return lowestCash(pts), nil
}

// lowestCash picks, per company, the lowest of the first 13 forecast
// points after the company's latest cash point: forecast points of
// earlier runs stay stored for days that have since passed.
func lowestCash(pts []store.MetricPoint) []lowestCashCard {
	today := map[int64]string{}
	for _, p := range pts {
		if p.Metric == history.Cash && p.Day > today[p.CompanyID] {
			today[p.CompanyID] = p.Day
		}
	}
	weeks := map[int64][]store.MetricPoint{}
	for _, p := range pts {
		if p.Metric == history.ForecastCash && p.Day > today[p.CompanyID] {
			weeks[p.CompanyID] = append(weeks[p.CompanyID], p)
		}
	}
	companies := make([]int64, 0, len(weeks))
	for id := range weeks {
		companies = append(companies, id)
	}
	sort.Slice(companies, func(i, j int) bool { return companies[i] < companies[j] })
	var out []lowestCashCard
	for _, id := range companies {
		w := weeks[id]
		sort.Slice(w, func(i, j int) bool { return w[i].Day < w[j].Day })
		w = w[:min(len(w), forecastWeeks)]
		low := 0
		for i, p := range w {
			if p.Value < w[low].Value {
				low = i
			}
		}
		p := w[low]
		c := lowestCashCard{Label: fmt.Sprintf("Lowest cash in the next %d weeks", len(w)), Raw: p.Value, Unit: p.Unit,
			Value: formatMetric(metricValue{Value: p.Value, Unit: p.Unit}), Week: low + 1, End: p.Day}
		if d, err := time.Parse(time.DateOnly, p.Day); err == nil {
			c.End = d.Format("Mon 2 Jan 2006")
		}
		if len(companies) > 1 {
			c.Company = id
			c.Label += fmt.Sprintf(" (company %d)", id)
		}
		out = append(out, c)
	}
	return out
}
