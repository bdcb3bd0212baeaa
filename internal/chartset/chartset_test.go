package chartset_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/chartset"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/store"
)

const today = "2026-03-09"

// points returns a company's history: cash and the aging buckets at each
// month end from January 2024 and today, revenue and deals by month from
// January 2024, and with forecast the 13 weeks after today. Values encode
// the day (cash: month number since 2024 times 1000) so a test can tell
// which point a chart drew.
func points(company int64, forecast bool) []store.MetricPoint {
	var pts []store.MetricPoint
	add := func(metric, day string, v float64, unit string) {
		pts = append(pts, store.MetricPoint{CompanyID: company, Metric: metric, Day: day, Value: v, Unit: unit})
	}
	var ends, months []string
	for t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); t.Format(time.DateOnly) <= today; t = t.AddDate(0, 1, 0) {
		months = append(months, t.Format(time.DateOnly))
		if end := t.AddDate(0, 1, -1).Format(time.DateOnly); end < today {
			ends = append(ends, end)
		}
	}
	ends = append(ends, today)
	for i, d := range ends {
		add(history.Cash, d, float64(i+1)*1000, "EUR")
		add(history.ARTotal, d, 50, "EUR")
		for b := range history.Buckets {
			add(history.ARBucket(b), d, float64(10*b+i), "EUR")
		}
	}
	for i, m := range months {
		add(history.Revenue, m, float64(i+1), "EUR")
		add(history.PipelineNewCount, m, 5, "")
		add(history.WonCount, m, 2, "")
		add(history.LostCount, m, 1, "")
	}
	if forecast {
		for w := range 13 {
			d := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*w).Format(time.DateOnly)
			add(history.ForecastCash, d, 90000+float64(w), "EUR")
			add(history.ForecastLow, d, 80000+float64(w), "EUR")
			add(history.ForecastHigh, d, 99000+float64(w), "EUR")
		}
	}
	return pts
}

func get(t *testing.T, s *chartset.Set, name string) chart.Chart {
	t.Helper()
	c, ok := s.Chart(name)
	if !ok {
		t.Fatalf("no chart %q", name)
	}
	return c
}

func TestCash(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		pts      []store.MetricPoint
		through  string
		labels   int    // how many
		last     string // the last label
		series   int
		band     bool
		lastCash float64
	}{
		// 26 month ends (Jan 2024 to Feb 2026), today, 3 forecast weeks.
		{"with forecast", points(1, true), "", 30, "7 Jun 2026", 2, true, 27000},
		{"without forecast", points(1, false), "", 27, "9 Mar 2026", 1, false, 27000},
		// A briefing as of a past day: the history stops there, the
		// forecast (dated after the history) stays.
		{"through a past day", points(1, true), "2025-12-31", 27, "7 Jun 2026", 2, true, 24000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := get(t, chartset.New(tt.pts, tt.through), chartset.Cash)
			if len(c.Labels) != tt.labels || c.Labels[len(c.Labels)-1] != tt.last || c.Labels[0] != "Jan 2024" || c.Unit != "EUR" {
				t.Fatalf("labels %v, unit %s", c.Labels, c.Unit)
			}
			if len(c.Series) != tt.series || (c.Band != nil) != tt.band {
				t.Fatalf("%d series, band %v", len(c.Series), c.Band)
			}
			cash := c.Series[0].Values
			n := len(cash)
			if tt.band {
				n -= 3
				mid := c.Series[1].Values
				// The forecast starts at today's cash, then weeks 4, 8, 13.
				if !math.IsNaN(mid[0]) || mid[n-1] != tt.lastCash || mid[n] != 90003 || mid[n+2] != 90012 ||
					c.Band.Low[n+1] != 80007 || c.Band.High[n+2] != 99012 || c.Band.Series != 1 || !math.IsNaN(cash[n]) {
					t.Errorf("forecast %v, band %+v", mid, c.Band)
				}
			}
			if cash[n-1] != tt.lastCash {
				t.Errorf("last cash %v, want %v", cash[n-1], tt.lastCash)
			}
		})
	}
}

func TestCompany(t *testing.T) {
	t.Parallel()
	// Company 2 has the forecast too, so more points: it is drawn; on a
	// tie the lower id is.
	more := append(points(1, false), points(2, true)...)
	tie := append(points(3, true), points(2, true)...)
	for pts, want := range map[*[]store.MetricPoint]int{&more: 30, &tie: 30} {
		if c := get(t, chartset.New(*pts, ""), chartset.Cash); len(c.Labels) != want {
			t.Errorf("labels %d, want %d", len(c.Labels), want)
		}
	}
	for i := range tie {
		if tie[i].CompanyID == 2 && tie[i].Metric == history.Cash {
			tie[i].Value = -1
		}
	}
	if c := get(t, chartset.New(tie, ""), chartset.Cash); c.Series[0].Values[0] != -1 {
		t.Errorf("tie drew company 3: %v", c.Series[0].Values[:3])
	}
}

func TestAgingRevenueDeals(t *testing.T) {
	t.Parallel()
	s := chartset.New(points(1, false), "")
	aging := get(t, s, chartset.ARAging)
	// The last 12 month ends, today last; the 27 points are 0..26.
	if len(aging.Labels) != 12 || aging.Labels[0] != "Apr 2025" || aging.Labels[11] != "9 Mar 2026" || len(aging.Series) != history.Buckets ||
		aging.Series[0].Name != "Not due" || aging.Series[4].Values[11] != 66 || aging.Kind != chart.Stacked {
		t.Errorf("aging %+v", aging)
	}
	rev := get(t, s, chartset.Revenue)
	// Months 16..27 (April 2025 to March 2026) against 4..15.
	if len(rev.Labels) != 12 || rev.Labels[0] != "Apr 2025" || rev.Series[0].Values[11] != 27 || rev.Series[1].Values[11] != 15 {
		t.Errorf("revenue %+v", rev)
	}
	deals := get(t, s, chartset.Deals)
	if len(deals.Labels) != 12 || deals.Unit != "count" || !slices.Equal(deals.Series[1].Values, slices.Repeat([]float64{2}, 12)) {
		t.Errorf("deals %+v", deals)
	}
	if empty := get(t, s, chartset.APAging); !empty.Empty() {
		t.Errorf("payables without points: %+v", empty)
	}
	if _, ok := s.Chart("stock"); ok {
		t.Error("an unknown chart name is known")
	}
}
