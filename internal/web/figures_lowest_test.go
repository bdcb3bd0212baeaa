package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestLowestCash(t *testing.T) {
	t.Parallel()
	pt := func(company int64, metric, day string, v float64) store.MetricPoint {
		return store.MetricPoint{CompanyID: company, Metric: metric, Day: day, Value: v, Unit: "EUR"}
	}
	tests := []struct {
		name string
		pts  []store.MetricPoint
		want []lowestCashCard
	}{
		{"no forecast", []store.MetricPoint{pt(1, history.Cash, "2026-12-07", 100)}, nil},
		{
			// The forecast of an earlier run left a point on a day that
			// has passed: it is not a week of today's forecast.
			"lowest week after today",
			[]store.MetricPoint{
				pt(1, history.Cash, "2026-12-06", 100), pt(1, history.Cash, "2026-12-07", 100),
				pt(1, history.ForecastCash, "2026-12-06", 1),
				pt(1, history.ForecastCash, "2026-12-13", 90), pt(1, history.ForecastCash, "2026-12-20", 40),
				pt(1, history.ForecastCash, "2026-12-27", 70),
			},
			[]lowestCashCard{{Label: "Lowest cash in the next 3 weeks", Value: "40 EUR", Raw: 40, Unit: "EUR", Week: 2, End: "Sun 20 Dec 2026"}},
		},
		{
			"a card per company",
			[]store.MetricPoint{
				pt(1, history.Cash, "2026-12-07", 100), pt(2, history.Cash, "2026-12-07", 5),
				pt(1, history.ForecastCash, "2026-12-13", 1500.4), pt(2, history.ForecastCash, "2026-12-13", -2500),
			},
			[]lowestCashCard{
				{Label: "Lowest cash in the next 1 weeks (company 1)", Value: "1,500 EUR", Raw: 1500.4, Unit: "EUR", Week: 1, End: "Sun 13 Dec 2026", Company: 1},
				{Label: "Lowest cash in the next 1 weeks (company 2)", Value: "-2,500 EUR", Raw: -2500, Unit: "EUR", Week: 1, End: "Sun 13 Dec 2026", Company: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lowestCash(tt.pts)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("card %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestOverviewLowestCash: the overview's card names the lowest closing
// cash of the 13-week forecast and its week, as the forecast model itself
// computes it from the synced records; a role that does not see finance
// gets no card.
func TestOverviewLowestCash(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	today := time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, b.store, b.conn.ID, ds, today)
	src := analysis.StoreSource{Store: b.store, ConnectionID: b.conn.ID}
	u := &history.Updater{Store: b.store, Now: func() time.Time { return today },
		Source: func(int64) analysis.Source { return src }}
	if _, err := u.Update(ctx, b.conn.ID); err != nil {
		t.Fatal(err)
	}
	m, err := forecast.Load(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	co := m.At(odoo.DateOf(today), forecast.Options{}).Companies[0]
	want := formatMetric(metricValue{Value: co.Lowest.Closing, Unit: co.Currency})

	c := b.client(t)
	if _, err := c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(b.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if !strings.Contains(page, "Lowest cash in the next 13 weeks") || !strings.Contains(page, want) {
		t.Errorf("overview lacks the lowest cash %s", want)
	}
	resp, err = c.Get(b.srv.URL + "/api/v1/overview")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Lowest []lowestCashCard `json:"lowest_cash_13_weeks"`
	}
	if err := json.Unmarshal([]byte(body(t, resp)), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Lowest) != 1 || got.Lowest[0].Week != co.Lowest.Week || got.Lowest[0].Value != want {
		t.Errorf("API lowest cash = %+v, want week %d, %s", got.Lowest, co.Lowest.Week, want)
	}

	hash, err := quickHash("sales secret phrase")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.UserCreate(ctx, store.UserCreateParams{ConnectionID: b.conn.ID, Username: "sam", Role: store.RoleSales, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	sc := b.client(t)
	if _, err := sc.PostForm(b.srv.URL+"/login", url.Values{"username": {"sam"}, "password": {"sales secret phrase"}}); err != nil {
		t.Fatal(err)
	}
	resp, err = sc.Get(b.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if page := body(t, resp); !strings.Contains(page, "Key figures") || strings.Contains(page, "Lowest cash") {
		t.Error("a sales user's overview shows the cash forecast, or is not the overview")
	}
}
